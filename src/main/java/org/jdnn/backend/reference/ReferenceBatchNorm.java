package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Batch normalization from the textbook formulas, per channel c over its m = N*H*W values x_i:
 * <pre>
 *   mean = sum x_i / m,  var = sum (x_i - mean)^2 / m          (biased, two passes)
 *   xhat_i = (x_i - mean) / sqrt(var + eps),  y_i = scale * xhat_i + shift
 * backward, with g_i = dL/dy_i:
 *   dshift = sum g_i,  dscale = sum g_i xhat_i
 *   training:   dx_i = scale / sqrt(var + eps) * (g_i - dshift / m - xhat_i * dscale / m)
 *   inference:  dx_i = scale / sqrt(var + eps) * g_i          (the statistics are constants)
 * </pre>
 * Element (n, c, s) of an (N, C, S) view of the input is at {@code (n * C + c) * S + s}.
 */
final class ReferenceBatchNorm {
    private ReferenceBatchNorm() {
    }

    /** Registers the batchnorm kernels; the training forward folds the batch statistics into running ones when given. */
    static void register(KernelTable table) {
        table.put(BatchNormOps.INFERENCE, (p, in, out) -> forward(p, false, BatchNormShapes.infer(in[0].shape(), false),
                        TensorAccess.segment(in[0]), segmentOrNull(in[1]), segmentOrNull(in[2]),
                        TensorAccess.segment(in[3]), TensorAccess.segment(in[4]), TensorAccess.segment(out[0])))
                .put(BatchNormOps.TRAINING, (p, in, out) -> {
                    BatchNormShapes s = BatchNormShapes.infer(in[0].shape(), true);
                    forward(p, true, s, TensorAccess.segment(in[0]), segmentOrNull(in[1]), segmentOrNull(in[2]),
                            TensorAccess.segment(out[1]), TensorAccess.segment(out[2]), TensorAccess.segment(out[0]));
                    if (in[3] != null) {
                        updateRunningStats(p, s.count(), s.channels(), TensorAccess.segment(out[1]),
                                TensorAccess.segment(out[2]), TensorAccess.segment(in[3]), TensorAccess.segment(in[4]));
                    }
                })
                .put(BatchNormOps.BACKWARD, (p, in, out) -> backward(p.norm(), p.training(),
                        BatchNormShapes.infer(in[0].shape(), p.training()), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), segmentOrNull(in[2]), TensorAccess.segment(in[3]),
                        TensorAccess.segment(in[4]), TensorAccess.segment(out[0]), segmentOrNull(out[1]),
                        segmentOrNull(out[2])))
                .put(BatchNormOps.RUNNING_STATS, (p, in, out) -> updateRunningStats(p.norm(), p.count(),
                        in[0].size(0), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                        TensorAccess.segment(in[2]), TensorAccess.segment(in[3])));
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }

    static void forward(BatchNormParams p, boolean training, BatchNormShapes s, MemorySegment src,
                        MemorySegment scale, MemorySegment shift, MemorySegment mean, MemorySegment variance,
                        MemorySegment dst) {
        long m = s.count();
        for (long c = 0; c < s.channels(); c++) {
            double mu, var;
            if (training) {
                double sum = 0;
                for (long n = 0; n < s.batch(); n++) {
                    for (long i = 0; i < s.spatial(); i++) {
                        sum += src.getAtIndex(JAVA_FLOAT, index(s, n, c, i));
                    }
                }
                mu = sum / m;
                double squares = 0;
                for (long n = 0; n < s.batch(); n++) {
                    for (long i = 0; i < s.spatial(); i++) {
                        double d = src.getAtIndex(JAVA_FLOAT, index(s, n, c, i)) - mu;
                        squares += d * d;
                    }
                }
                var = squares / m;
                mean.setAtIndex(JAVA_FLOAT, c, (float) mu);
                variance.setAtIndex(JAVA_FLOAT, c, (float) var);
            } else {
                mu = mean.getAtIndex(JAVA_FLOAT, c);
                var = variance.getAtIndex(JAVA_FLOAT, c);
            }
            double invStd = 1.0 / Math.sqrt(var + p.epsilon());
            double gamma = scale == null ? 1.0 : scale.getAtIndex(JAVA_FLOAT, c);
            double beta = shift == null ? 0.0 : shift.getAtIndex(JAVA_FLOAT, c);
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double xhat = (src.getAtIndex(JAVA_FLOAT, at) - mu) * invStd;
                    dst.setAtIndex(JAVA_FLOAT, at, (float) (gamma * xhat + beta));
                }
            }
        }
    }

    static void backward(BatchNormParams p, boolean training, BatchNormShapes s, MemorySegment src,
                         MemorySegment diffDst, MemorySegment scale, MemorySegment mean, MemorySegment variance,
                         MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        long m = s.count();
        for (long c = 0; c < s.channels(); c++) {
            double mu = mean.getAtIndex(JAVA_FLOAT, c);
            double invStd = 1.0 / Math.sqrt(variance.getAtIndex(JAVA_FLOAT, c) + p.epsilon());
            double gamma = scale == null ? 1.0 : scale.getAtIndex(JAVA_FLOAT, c);
            double sumG = 0, sumGXhat = 0;
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double g = diffDst.getAtIndex(JAVA_FLOAT, at);
                    sumG += g;
                    sumGXhat += g * (src.getAtIndex(JAVA_FLOAT, at) - mu) * invStd;
                }
            }
            if (diffScale != null) {
                diffScale.setAtIndex(JAVA_FLOAT, c, (float) sumGXhat);
            }
            if (diffShift != null) {
                diffShift.setAtIndex(JAVA_FLOAT, c, (float) sumG);
            }
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double g = diffDst.getAtIndex(JAVA_FLOAT, at);
                    double dx;
                    if (training) {
                        double xhat = (src.getAtIndex(JAVA_FLOAT, at) - mu) * invStd;
                        dx = gamma * invStd * (g - sumG / m - xhat * sumGXhat / m);
                    } else {
                        dx = gamma * invStd * g;
                    }
                    diffSrc.setAtIndex(JAVA_FLOAT, at, (float) dx);
                }
            }
        }
    }

    /** {@code running = (1 - m) running + m statistic}, the variance made unbiased by {@code count / (count - 1)}. */
    static void updateRunningStats(BatchNormParams p, long count, long channels, MemorySegment mean,
                                   MemorySegment variance, MemorySegment runningMean, MemorySegment runningVariance) {
        double momentum = p.momentum();
        double unbias = (double) count / (count - 1);
        for (long c = 0; c < channels; c++) {
            double rm = runningMean.getAtIndex(JAVA_FLOAT, c);
            double rv = runningVariance.getAtIndex(JAVA_FLOAT, c);
            runningMean.setAtIndex(JAVA_FLOAT, c, (float) ((1 - momentum) * rm + momentum * mean.getAtIndex(JAVA_FLOAT, c)));
            runningVariance.setAtIndex(JAVA_FLOAT, c,
                    (float) ((1 - momentum) * rv + momentum * variance.getAtIndex(JAVA_FLOAT, c) * unbias));
        }
    }

    private static long index(BatchNormShapes s, long n, long c, long i) {
        return (n * s.channels() + c) * s.spatial() + i;
    }
}
