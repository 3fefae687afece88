package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Batch normalization of (N, C) or (N, C, H, W) input per channel (see {@link BatchNormShapes}), as PyTorch's
 * {@code batch_norm}: the forward for inference (running statistics in), for training (batch statistics out, as saved
 * state for the derivative, and the running statistics updated in place when given), the backward, and the update
 * of running statistics on its own. {@code weight} and {@code bias} (C) are optional (1 and 0).
 */
public final class BatchNormOps {
    private static final String OP = "batchnorm";

    private BatchNormOps() {
    }

    /**
     * The backward's params: whether the statistics were the batch's ({@code training}: their gradient flows into the
     * input's) and which parameter gradients to compute (a weight gradient needs a weight).
     */
    public record BackwardParams(BatchNormParams norm, boolean training, boolean weightGrad, boolean biasGrad) {
        public BackwardParams {
            Axes.requireNonNull("batchnorm_backward", "norm", norm);
        }
    }

    /** The running-statistics update's params: the momentum's owner and the values per channel behind the statistics. */
    public record RunningStatsParams(BatchNormParams norm, long count) {
        public RunningStatsParams {
            Axes.requireNonNull("batchnorm_running_stats", "norm", norm);
        }
    }

    /** {@code out = weight * (input - runningMean) / sqrt(runningVariance + eps) + bias}. */
    public static final Op<BatchNormParams> INFERENCE = Op.<BatchNormParams>declare("batchnorm",
                    "input", "weight?", "bias?", "runningMean", "runningVariance")
            .derivative(BatchNormOps::inferenceGradients)
            .shapes((p, in) -> {
                BatchNormShapes s = BatchNormShapes.infer(in[0], false);
                perChannel(s, OP, in, 1, "weight", "bias", "runningMean", "runningVariance");
                return new Shape[] {in[0]};
            });

    /**
     * Normalises with the batch mean and biased variance, which it also returns (saved for the derivative), and folds
     * them into {@code runningMean}/{@code runningVariance} in place when given (both or neither), as
     * {@link #RUNNING_STATS} does.
     */
    public static final Op<BatchNormParams> TRAINING = Op.<BatchNormParams>declare("batchnorm_training",
                    "input", "weight?", "bias?", "runningMean?", "runningVariance?")
            .family(OP).outputs("out", "mean", "variance").visibleOutputs(1).updates(3, 4)
            .derivative(BatchNormOps::trainingGradients)
            .shapes((p, in) -> {
                BatchNormShapes s = BatchNormShapes.infer(in[0], true);
                if ((in[3] == null) != (in[4] == null)) {
                    throw new IllegalArgumentException(OP + ": give both running mean and running variance, or neither");
                }
                perChannel(s, OP, in, 1, "weight", "bias", "runningMean", "runningVariance");
                Shape channels = Shape.of(s.channels());
                return new Shape[] {in[0], channels, channels};
            });

    /** The gradients of the input and (as asked) of the weight and bias, given the statistics the forward used. */
    public static final Op<BackwardParams> BACKWARD = Op.<BackwardParams>declare("batchnorm_backward",
                    "input", "gradOutput", "weight?", "mean", "variance")
            .family(OP).outputs("gradInput", "gradWeight", "gradBias")
            .shapes((p, in) -> {
                String op = OP + " backward";
                BatchNormShapes s = BatchNormShapes.infer(in[0], p.training());
                s.checkLikeInput(op, "gradOutput", in[1]);
                perChannel(s, op, in, 2, "weight", "mean", "variance");
                if (p.weightGrad() && in[2] == null) {
                    throw new IllegalArgumentException(op + ": gradWeight requested but the forward had no weight");
                }
                Shape channels = Shape.of(s.channels());
                return new Shape[] {in[0], p.weightGrad() ? channels : null, p.biasGrad() ? channels : null};
            });

    /**
     * Folds batch statistics over {@code count} values per channel into the running ones, in place, as PyTorch:
     * {@code runningMean = (1 - m) runningMean + m mean},
     * {@code runningVariance = (1 - m) runningVariance + m variance * count / (count - 1)} (unbiased).
     */
    public static final Op<RunningStatsParams> RUNNING_STATS = Op.<RunningStatsParams>declare(
                    "batchnorm_running_stats", "mean", "variance", "runningMean", "runningVariance")
            .family(OP).outputs().updates(2, 3)
            .shapes((p, in) -> {
                String op = OP + " running stats";
                if (p.count() <= 1) {
                    throw new IllegalArgumentException(op
                            + ": need more than 1 value per channel for the unbiased variance, got " + p.count());
                }
                if (in[0].rank() != 1) {
                    throw new IllegalArgumentException(op + ": mean must be rank 1 (C), got " + in[0]);
                }
                BatchNormShapes s = BatchNormShapes.infer(Shape.of(p.count(), in[0].dim(0)), false);
                perChannel(s, op, in, 0, "mean", "variance", "runningMean", "runningVariance");
                return new Shape[0];
            });

    /** Checks that the operands {@code in[first...]} named here are (C) where present. */
    private static void perChannel(BatchNormShapes s, String op, Shape[] in, int first, String... names) {
        for (int i = 0; i < names.length; i++) {
            if (in[first + i] != null) {
                s.checkChannels(op, names[i], in[first + i]);
            }
        }
    }

    private static Tensor[] trainingGradients(BatchNormParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                              OpCalls calls) {
        return gradients(p, true, in, out[1], out[2], g, needs, calls);
    }

    private static Tensor[] inferenceGradients(BatchNormParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                               OpCalls calls) {
        return gradients(p, false, in, in[3], in[4], g, needs, calls);
    }

    private static Tensor[] gradients(BatchNormParams p, boolean training, Tensor[] in, Tensor mean, Tensor variance,
                                      Tensor g, boolean[] needs, OpCalls calls) {
        Tensor x = in[0], weight = in[1], bias = in[2];
        boolean weightGrad = weight != null && needs[1], biasGrad = bias != null && needs[2];
        Tensor[] grads = calls.runAll(BACKWARD, new BackwardParams(p, training, weightGrad, biasGrad),
                x, g, weight, mean, variance);
        return new Tensor[] {Conv2dOps.kept(grads[0], needs[0]), grads[1], grads[2], null, null};
    }
}
