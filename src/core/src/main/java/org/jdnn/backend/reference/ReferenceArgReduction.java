package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.IndexShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * argmax, argmin, and max/min along a dimension with their indices: for every element of the output, the slice along
 * the dimension is scanned from index 0 and an element replaces the best so far only when strictly better, so the first
 * of equal extremes wins; a NaN is better than every number and nothing replaces it (the first NaN wins), as PyTorch.
 * int64 inputs compare as longs, exactly.
 */
final class ReferenceArgReduction {
    private ReferenceArgReduction() {
    }

    static void register(KernelTable table) {
        table.put(ArgReductionOps.ARGMAX, (p, in, out) -> run("argmax", p, true, in[0], null, out[0], null))
                .put(ArgReductionOps.ARGMIN, (p, in, out) -> run("argmin", p, false, in[0], null, out[0], null))
                .put(ArgReductionOps.MAX_DIM, (p, in, out) -> run("max", p, true, in[0], out[0], out[1], out[2]))
                .put(ArgReductionOps.MIN_DIM, (p, in, out) -> run("min", p, false, in[0], out[0], out[1], out[2]));
    }

    private static void run(String op, ArgReductionOps.DimParams p, boolean max, Tensor input, Tensor values,
                            Tensor indices, Tensor savedIndices) {
        Shape shape = input.shape();
        long[] dims = ReferenceElements.walked(shape);
        int dim = IndexShapes.dim(op, p.dim(), shape);
        long size = dims[dim];
        long[] outDims = dims.clone();
        outDims[dim] = 1;
        DType type = input.dtype();
        MemorySegment src = TensorAccess.segment(input);
        MemorySegment idx = TensorAccess.segment(indices);
        MemorySegment val = values == null ? null : TensorAccess.segment(values);
        MemorySegment saved = savedIndices == null ? null : TensorAccess.segment(savedIndices);
        long n = Shape.of(outDims).numel();
        for (long j = 0; j < n; j++) {
            long[] c = ReferenceElements.coordinates(j, outDims);
            long best = -1, bestFlat = -1;
            for (long k = 0; k < size; k++) {
                c[dim] = k;
                long flat = ReferenceElements.flat(c, dims);
                if (best < 0 || better(src, type, flat, bestFlat, max)) {
                    best = k;
                    bestFlat = flat;
                }
            }
            idx.setAtIndex(JAVA_LONG, j, best);
            if (saved != null) {
                saved.setAtIndex(JAVA_LONG, j, best);
            }
            if (val != null) {
                ReferenceElements.copy(src, bestFlat, val, j, type);
            }
        }
    }

    /** Whether element {@code i} strictly beats element {@code best}: NaN beats numbers and is never beaten. */
    private static boolean better(MemorySegment s, DType type, long i, long best, boolean max) {
        if (type == DType.INT64) {
            long v = ReferenceElements.getLong(s, type, i), b = ReferenceElements.getLong(s, type, best);
            return max ? v > b : v < b;
        }
        double v = ReferenceElements.getDouble(s, type, i), b = ReferenceElements.getDouble(s, type, best);
        if (Double.isNaN(b)) {
            return false;
        }
        return Double.isNaN(v) || (max ? v > b : v < b);
    }
}
