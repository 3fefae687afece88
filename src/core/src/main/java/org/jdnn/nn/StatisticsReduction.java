package org.jdnn.nn;

import org.jdnn.tensor.Tensor;

/**
 * Sums a tensor over the processes that train one model together, in place: an MPI all-reduce, say. Given to
 * {@link BatchNorm#synchronizeStatistics}, it makes the batch statistics those of the global batch.
 */
@FunctionalInterface
public interface StatisticsReduction {
    /** Replaces {@code values} by their sum over every process; every process calls it in the same order. */
    void allReduceSum(Tensor values);
}
