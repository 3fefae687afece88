package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.tensor.Tensor;



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
                        Values.of(in[0]), Values.of(in[1]), Values.of(in[2]),
                        Values.of(in[3]), Values.of(in[4]), Values.of(out[0])))
                .put(BatchNormOps.TRAINING, (p, in, out) -> {
                    BatchNormShapes s = BatchNormShapes.infer(in[0].shape(), true);
                    forward(p, true, s, Values.of(in[0]), Values.of(in[1]), Values.of(in[2]),
                            Values.of(out[1]), Values.of(out[2]), Values.of(out[0]));
                    if (in[3] != null) {
                        updateRunningStats(p, s.count(), s.channels(), Values.of(out[1]),
                                Values.of(out[2]), Values.of(in[3]), Values.of(in[4]));
                    }
                })
                .put(BatchNormOps.BACKWARD, (p, in, out) -> backward(p.norm(), p.training(),
                        BatchNormShapes.infer(in[0].shape(), p.training()), Values.of(in[0]),
                        Values.of(in[1]), Values.of(in[2]), Values.of(in[3]),
                        Values.of(in[4]), Values.of(out[0]), Values.of(out[1]),
                        Values.of(out[2])))
                .put(BatchNormOps.RUNNING_STATS, (p, in, out) -> updateRunningStats(p.norm(), p.count(),
                        in[0].size(0), Values.of(in[0]), Values.of(in[1]),
                        Values.of(in[2]), Values.of(in[3])));
    }


    static void forward(BatchNormParams p, boolean training, BatchNormShapes s, Values src,
                        Values scale, Values shift, Values mean, Values variance,
                        Values dst) {
        long m = s.count();
        for (long c = 0; c < s.channels(); c++) {
            double mu, var;
            if (training) {
                double sum = 0;
                for (long n = 0; n < s.batch(); n++) {
                    for (long i = 0; i < s.spatial(); i++) {
                        sum += src.get(index(s, n, c, i));
                    }
                }
                mu = sum / m;
                double squares = 0;
                for (long n = 0; n < s.batch(); n++) {
                    for (long i = 0; i < s.spatial(); i++) {
                        double d = src.get(index(s, n, c, i)) - mu;
                        squares += d * d;
                    }
                }
                var = squares / m;
                mean.set(c, mu);
                variance.set(c, var);
            } else {
                mu = mean.get(c);
                var = variance.get(c);
            }
            double invStd = 1.0 / Math.sqrt(var + p.epsilon());
            double gamma = scale == null ? 1.0 : scale.get(c);
            double beta = shift == null ? 0.0 : shift.get(c);
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double xhat = (src.get(at) - mu) * invStd;
                    dst.set(at, gamma * xhat + beta);
                }
            }
        }
    }

    static void backward(BatchNormParams p, boolean training, BatchNormShapes s, Values src,
                         Values diffDst, Values scale, Values mean, Values variance,
                         Values diffSrc, Values diffScale, Values diffShift) {
        long m = s.count();
        for (long c = 0; c < s.channels(); c++) {
            double mu = mean.get(c);
            double invStd = 1.0 / Math.sqrt(variance.get(c) + p.epsilon());
            double gamma = scale == null ? 1.0 : scale.get(c);
            double sumG = 0, sumGXhat = 0;
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double g = diffDst.get(at);
                    sumG += g;
                    sumGXhat += g * (src.get(at) - mu) * invStd;
                }
            }
            if (diffScale != null) {
                diffScale.set(c, sumGXhat);
            }
            if (diffShift != null) {
                diffShift.set(c, sumG);
            }
            for (long n = 0; n < s.batch(); n++) {
                for (long i = 0; i < s.spatial(); i++) {
                    long at = index(s, n, c, i);
                    double g = diffDst.get(at);
                    double dx;
                    if (training) {
                        double xhat = (src.get(at) - mu) * invStd;
                        dx = gamma * invStd * (g - sumG / m - xhat * sumGXhat / m);
                    } else {
                        dx = gamma * invStd * g;
                    }
                    diffSrc.set(at, dx);
                }
            }
        }
    }

    /** {@code running = (1 - m) running + m statistic}, the variance made unbiased by {@code count / (count - 1)}. */
    static void updateRunningStats(BatchNormParams p, long count, long channels, Values mean,
                                   Values variance, Values runningMean, Values runningVariance) {
        double momentum = p.momentum();
        double unbias = (double) count / (count - 1);
        for (long c = 0; c < channels; c++) {
            double rm = runningMean.get(c);
            double rv = runningVariance.get(c);
            runningMean.set(c, (1 - momentum) * rm + momentum * mean.get(c));
            runningVariance.set(c, (1 - momentum) * rv + momentum * variance.get(c) * unbias);
        }
    }

    private static long index(BatchNormShapes s, long n, long c, long i) {
        return (n * s.channels() + c) * s.spatial() + i;
    }
}
