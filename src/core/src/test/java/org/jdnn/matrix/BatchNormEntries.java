package org.jdnn.matrix;

import org.jdnn.ops.BatchNormOps.BackwardParams;
import org.jdnn.ops.BatchNormOps.RunningStatsParams;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of batch normalization: batchnorm (inference, running statistics in), batchnorm_training (batch
 * statistics out, and the running statistics updated in place when given: compared after the call),
 * batchnorm_backward in both modes, and batchnorm_running_stats (the in-place update alone: compared after the call).
 *
 * <p>Bounds as the parity suite: {@code 1e-4 |ref| + 2e-5 sqrt(K)} with K = 25 (a flat 1e-4) for outputs, statistics
 * and the input gradient, K = N*H*W for the weight and bias gradients (sums over the batch), K = 1 for the running
 * statistics (one multiply-add).
 */
final class BatchNormEntries {
    private static final double ATOL = 2e-5;
    private static final long FLAT = 25;

    private BatchNormEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(BatchNormOps.INFERENCE).tolerance(1e-4, ATOL).differentiable()
                        .samples(r -> forwardSamples(r, false))
                        .reductions((p, in) -> new long[] {FLAT},
                                (p, in) -> new long[] {FLAT, count(in[0]), count(in[0])})
                        .finiteDifferences(1e-2, 1e-3)
                        .build(),
                OpInfo.of(BatchNormOps.TRAINING).tolerance(1e-4, ATOL).differentiable()
                        .samples(r -> forwardSamples(r, true))
                        .reductions((p, in) -> new long[] {FLAT, FLAT, FLAT, 1, 1},
                                (p, in) -> new long[] {FLAT, count(in[0]), count(in[0])})
                        // Statistics over 2 values curve fast (a small step) and over 4356 round (a looser bound).
                        .finiteDifferences(3e-3, 5e-3)
                        .build(),
                OpInfo.of(BatchNormOps.BACKWARD).tolerance(1e-4, ATOL)
                        .samples(BatchNormEntries::backwardSamples)
                        .reductions((p, in) -> new long[] {FLAT, count(in[0]), count(in[0])}, null)
                        .build(),
                OpInfo.of(BatchNormOps.RUNNING_STATS).tolerance(1e-6, 1e-6)
                        .samples(BatchNormEntries::runningStatsSamples)
                        .primitiveOptional((p, in) -> true) // a plain loop on oneDNN
                        .build());
    }

    private static long count(Shape input) {
        return input.numel() / input.dim(1);
    }

    /** One geometry and its parameters: weight and bias present or not, epsilon, the input's offset and spread. */
    record Case(String name, long[] shape, boolean weight, boolean bias, boolean parameterGradients, float epsilon,
                float offset, float std) {
        long channels() {
            return shape[1];
        }

        BatchNormParams params(float momentum) {
            return new BatchNormParams(epsilon, momentum);
        }

        /** input, weight, bias, running mean, running variance (uniform in [0.5, 2)). */
        Sample.Operand[] operands(SplittableRandom r) {
            float[] x = randn(r, shape).values();
            for (int i = 0; i < x.length; i++) {
                x[i] = offset + std * x[i];
            }
            return new Sample.Operand[] {SampleValues.of(x, shape), weight ? uniform(r, channels()) : null,
                    bias ? randn(r, channels()) : null, randn(r, channels()), uniform(r, channels())};
        }

        @Override
        public String toString() {
            return name + ": " + Arrays.toString(shape) + (weight ? " weight" : "") + (bias ? " bias" : "") + " eps "
                    + epsilon + (offset != 0 || std != 1 ? " input " + offset + " + " + std + " N(0, 1)" : "");
        }
    }

    private static Sample.Operand uniform(SplittableRandom r, long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(0.5, 2);
        }
        return SampleValues.of(v, n);
    }

    /** The parity suite's fixed cases, then seeded random ones (batch 1..4, channels 1..17, spatial 1..12). */
    static List<Case> cases(SplittableRandom r) {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("(N, C)", new long[] {2, 3}, true, true, true, 1e-5f, 0, 1),
                new Case("large", new long[] {4, 17, 33, 33}, true, true, true, 1e-5f, 2, 1.5f),
                new Case("no weight, no bias", new long[] {1, 5, 1, 2}, false, false, false, 1e-3f, -1, 1),
                new Case("one channel, 1x1 images", new long[] {3, 1, 1, 1}, true, false, true, 1e-5f, 0, 0.5f),
                new Case("(N, C), bias only", new long[] {2, 16}, false, true, true, 0.1f, 3, 2),
                new Case("batch 1", new long[] {1, 8, 7, 5}, true, true, false, 1e-5f, 0, 1),
                new Case("weight only", new long[] {3, 4, 2, 2}, true, false, false, 1e-5f, 1, 1)));
        float[] eps = {1e-5f, 1e-3f, 0.1f};
        for (int i = 0; cases.size() < 22; i++) {
            boolean spatial = r.nextInt(3) != 0;
            long n = 1 + r.nextInt(4), c = 1 + r.nextInt(17);
            long[] shape = spatial ? new long[] {n, c, 1 + r.nextInt(12), 1 + r.nextInt(12)} : new long[] {n, c};
            if (Shape.of(shape).numel() / c < 2) {
                continue; // training needs two values per channel
            }
            cases.add(new Case("random " + i, shape, r.nextInt(4) != 0, r.nextInt(4) != 0, r.nextBoolean(),
                    eps[r.nextInt(3)], (float) r.nextDouble(-3, 3), (float) r.nextDouble(0.5, 2)));
        }
        return cases;
    }

    /**
     * Every case (training: with the running statistics for every other case, momentum 0.1 or random); NaN and
     * infinities in the input (each poisons its channel); refused shapes.
     */
    private static List<Sample<BatchNormParams>> forwardSamples(SplittableRandom r, boolean training) {
        List<Sample<BatchNormParams>> samples = new ArrayList<>();
        List<Case> cases = cases(r);
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Sample.Operand[] in = c.operands(r);
            boolean running = !training || i % 2 == 0;
            float momentum = i % 4 == 0 ? 0.1f : (float) r.nextDouble();
            if (!running) {
                in[3] = null;
                in[4] = null;
            }
            samples.add(Sample.of(c + (training ? running ? ", running statistics, momentum " + momentum
                    : ", no running statistics" : ""), c.params(momentum), in));
        }
        Case special = new Case("NaN/+Inf/-Inf in the input", new long[] {3, 4, 2, 3}, true, true, true, 1e-5f, 0, 1);
        Sample.Operand[] in = special.operands(r);
        in[0] = Samples.withSpecials(r, in[0]);
        samples.add(Sample.of(special.toString(), BatchNormParams.DEFAULT, in));
        Sample.Operand[] inf = special.operands(r);
        float[] x = inf[0].values();
        x[r.nextInt(6)] = Float.POSITIVE_INFINITY; // channel 0 of image 0
        inf[0] = SampleValues.of(x, special.shape());
        samples.add(Sample.of("+Inf alone in channel 0, " + special.toString().replace("NaN/+Inf/-Inf in the input: ",
                ""), BatchNormParams.DEFAULT, inf));
        BatchNormParams p = BatchNormParams.DEFAULT;
        Case base = new Case("base", new long[] {2, 3}, true, true, true, 1e-5f, 0, 1);
        Sample.Operand[] wrongWeight = base.operands(r);
        wrongWeight[1] = uniform(r, 4);
        samples.add(Sample.rejected("weight of 4 for 3 channels", "weight shape [4] != channels 3", p, wrongWeight));
        Sample.Operand[] rank3 = base.operands(r);
        rank3[0] = randn(r, 2, 3, 4);
        samples.add(Sample.rejected("rank-3 input", "must be rank 2 (N, C) or 4", p, rank3));
        Sample.Operand[] noChannels = base.operands(r);
        noChannels[0] = randn(r, 2, 0);
        noChannels[1] = null;
        noChannels[2] = null;
        noChannels[3] = randn(r, 0);
        noChannels[4] = randn(r, 0);
        samples.add(Sample.rejected("no channels", "has no channels", p, noChannels));
        Sample.Operand[] wrongVariance = base.operands(r);
        wrongVariance[4] = uniform(r, 2);
        samples.add(Sample.rejected("running variance of 2 for 3 channels", "runningVariance shape [2] != channels 3",
                p, wrongVariance));
        if (training) {
            Sample.Operand[] one = new Case("one value per channel", new long[] {1, 3}, false, false, false, 1e-5f, 0, 1)
                    .operands(r);
            samples.add(Sample.rejected("one value per channel", "more than 1 value per channel", p, one));
            Sample.Operand[] half = base.operands(r);
            half[4] = null;
            samples.add(Sample.rejected("running mean without running variance", "give both", p, half));
        }
        return samples;
    }

    /**
     * Every case in both modes (training: the reference's batch statistics; inference: the running ones), with the
     * parameter gradients the case asks for; NaN/+Inf/-Inf in the output gradient; refused: a weight gradient
     * without a weight, a gradient of the wrong shape.
     */
    private static List<Sample<BackwardParams>> backwardSamples(SplittableRandom r) {
        List<Sample<BackwardParams>> samples = new ArrayList<>();
        List<Case> cases = cases(r);
        for (boolean training : new boolean[] {true, false}) {
            for (Case c : cases) {
                samples.add(backward(r, c, training, c.operands(r), randn(r, c.shape())));
            }
        }
        Case special = new Case("NaN/+Inf/-Inf in gradOutput", new long[] {3, 4, 2, 3}, true, true, true, 1e-5f, 0, 1);
        for (boolean training : new boolean[] {true, false}) {
            samples.add(backward(r, special, training, special.operands(r),
                    Samples.withSpecials(r, randn(r, special.shape()))));
        }
        Case base = new Case("base", new long[] {2, 3}, false, false, false, 1e-5f, 0, 1);
        Sample.Operand[] in = base.operands(r);
        samples.add(Sample.rejected("a weight gradient without a weight", "gradWeight requested but the forward had no "
                        + "weight", new BackwardParams(BatchNormParams.DEFAULT, true, true, false), in[0],
                randn(r, 2, 3), null, in[3], in[4]));
        samples.add(Sample.rejected("gradOutput [3, 2] for input [2, 3]", "gradOutput shape",
                new BackwardParams(BatchNormParams.DEFAULT, false, false, false), in[0], randn(r, 3, 2), null, in[3],
                in[4]));
        return samples;
    }

    private static Sample<BackwardParams> backward(SplittableRandom r, Case c, boolean training, Sample.Operand[] in,
                                                   Sample.Operand gradOutput) {
        BatchNormParams p = c.params(0.1f);
        Sample.Operand mean = in[3], variance = in[4];
        if (training) {
            mean = SampleValues.reference(BatchNormOps.TRAINING, p, 1, in[0], in[1], in[2], null, null);
            variance = SampleValues.reference(BatchNormOps.TRAINING, p, 2, in[0], in[1], in[2], null, null);
        }
        boolean weightGrad = c.parameterGradients() && c.weight(), biasGrad = c.parameterGradients() && c.bias();
        return Sample.of(c + (training ? ", training" : ", inference") + (weightGrad ? ", gradWeight" : "")
                        + (biasGrad ? ", gradBias" : ""), new BackwardParams(p, training, weightGrad, biasGrad), in[0],
                gradOutput, in[1], mean, variance);
    }

    /**
     * The update alone: channels past a vector's width, counts 2..500, random momenta (0 and 1 included); NaN in the
     * batch statistics; refused: a count of 1, a statistic of the wrong shape.
     */
    private static List<Sample<RunningStatsParams>> runningStatsSamples(SplittableRandom r) {
        List<Sample<RunningStatsParams>> samples = new ArrayList<>();
        long[] channels = {1, 7, 16, 33, 1000, 5, 3};
        float[] momenta = {(float) r.nextDouble(), (float) r.nextDouble(), 0.1f, (float) r.nextDouble(),
                (float) r.nextDouble(), 0, 1};
        for (int i = 0; i < channels.length; i++) {
            long c = channels[i], count = 2 + r.nextInt(500);
            samples.add(Sample.of(c + " channels, count " + count + ", momentum " + momenta[i],
                    new RunningStatsParams(new BatchNormParams(1e-5f, momenta[i]), count), randn(r, c), uniform(r, c),
                    randn(r, c), uniform(r, c)));
        }
        samples.add(Sample.of("NaN/+Inf/-Inf in the batch mean, 9 channels, count 2",
                new RunningStatsParams(BatchNormParams.DEFAULT, 2), Samples.withSpecials(r, randn(r, 9)), uniform(r, 9),
                randn(r, 9), uniform(r, 9)));
        samples.add(Sample.rejected("count 1", "need more than 1 value per channel",
                new RunningStatsParams(BatchNormParams.DEFAULT, 1), randn(r, 3), uniform(r, 3), randn(r, 3),
                uniform(r, 3)));
        samples.add(Sample.rejected("running mean of 2 for 3 channels", "runningMean shape [2] != channels 3",
                new RunningStatsParams(BatchNormParams.DEFAULT, 4), randn(r, 3), uniform(r, 3), randn(r, 2),
                uniform(r, 3)));
        return samples;
    }
}
