package org.jdnn.matrix;

import org.jdnn.ops.AdagradOps;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.RmspropOps;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SgdParams;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of the optimizer updates: sgd, adagrad, rmsprop and adam (Adam and AdamW, with amsgrad and
 * maximize). They have no outputs:
 * the matrix compares the parameter and state they update in place ({@link CallValues}). Every variant of the parity
 * suite (momentum, dampening, Nesterov, weight decay, learning-rate decay, centered, AdamW) at its sizes (1, 7, 1031,
 * 10007) and at steps 1, 2 and 5, from random state (sums and square averages in [1, 2), the rest in [0, 1), so that
 * a centered square average stays above the squared gradient average); NaN/+Inf/-Inf in the gradient; an empty
 * parameter; refused operands. Bound {@code 1e-5 |ref| + 1e-5} (the oneDNN backend's loops compute in float, the
 * reference's in double).
 */
final class OptimizerEntries {
    private static final long[] SIZES = {1, 7, 1031, 10_007};
    private static final long[] STEPS = {1, 2, 5};

    private OptimizerEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(entry(SgdOps.UPDATE, OptimizerEntries::sgd), entry(AdagradOps.UPDATE, OptimizerEntries::adagrad),
                entry(RmspropOps.UPDATE, OptimizerEntries::rmsprop), entry(AdamOps.UPDATE, OptimizerEntries::adam));
    }

    private static <P> OpInfo<P> entry(Op<P> op, OpInfo.Generator<P> samples) {
        return OpInfo.of(op).tolerance(1e-5, 1e-5).samples(samples)
                .primitiveOptional((p, in) -> in[0].numel() == 0).build();
    }

    /** A variant: its name, how many state tensors it takes (after param and grad), and its params at a step. */
    private record Variant<P>(String name, boolean[] states, LongFunction<P> params) {
    }

    /** Param, grad and the states the variant has (null where it has none), at {@code size}. */
    private static Sample.Operand[] operands(SplittableRandom r, boolean[] states, long size, boolean specials) {
        Sample.Operand[] in = new Sample.Operand[2 + states.length];
        in[0] = randn(r, size);
        in[1] = specials ? Samples.withSpecials(r, randn(r, size)) : randn(r, size);
        for (int i = 0; i < states.length; i++) {
            if (states[i]) {
                float[] v = new float[Math.toIntExact(size)];
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (i == 0 ? 1 + r.nextDouble() : r.nextDouble());
                }
                in[2 + i] = SampleValues.of(v, size);
            }
        }
        return in;
    }

    private static <P> List<Sample<P>> samples(SplittableRandom r, List<Variant<P>> variants) {
        List<Sample<P>> samples = new ArrayList<>();
        for (Variant<P> v : variants) {
            for (long size : SIZES) {
                for (long step : STEPS) {
                    samples.add(Sample.of(v.name() + ", size " + size + ", step " + step, v.params().apply(step),
                            operands(r, v.states(), size, false)));
                }
            }
            samples.add(Sample.of(v.name() + ", NaN/+Inf/-Inf in grad, size 7, step 2", v.params().apply(2),
                    operands(r, v.states(), 7, true)));
            samples.add(Sample.of(v.name() + ", an empty parameter", v.params().apply(1),
                    operands(r, v.states(), 0, false)));
        }
        Variant<P> first = variants.getFirst();
        Sample.Operand[] wrongGrad = operands(r, first.states(), 3, false);
        wrongGrad[1] = randn(r, 4);
        samples.add(Sample.rejected(first.name() + ", grad of 4 for a param of 3", "grad shape [4] != param shape [3]",
                first.params().apply(1), wrongGrad));
        return samples;
    }

    private static boolean[] states(boolean... present) {
        return present;
    }

    private static List<Sample<SgdOps.StepParams>> sgd(SplittableRandom r) {
        List<Sample<SgdOps.StepParams>> samples = samples(r, List.of(
                new Variant<>("momentum 0.9, dampening 0.2, weight decay 0.01", states(true),
                        t -> new SgdOps.StepParams(new SgdParams(0.1, 0.9, 0.2, false, 0.01), t == 1)),
                new Variant<>("Nesterov 0.8", states(true),
                        t -> new SgdOps.StepParams(new SgdParams(0.05, 0.8, 0, true, 0.0), t == 1)),
                new Variant<>("plain, weight decay 0.1", states(false),
                        t -> new SgdOps.StepParams(SgdParams.of(0.3).withWeightDecay(0.1), false)),
                new Variant<>("maximize, momentum 0.9, Nesterov, weight decay 0.01", states(true),
                        t -> new SgdOps.StepParams(new SgdParams(0.1, 0.9, 0, true, 0.01, true), t == 1))));
        SgdOps.StepParams momentum = new SgdOps.StepParams(SgdParams.of(0.1).withMomentum(0.9, false), true);
        samples.add(Sample.rejected("momentum without a buffer", "momentumBuffer is null but is needed", momentum,
                randn(r, 3), randn(r, 3), null));
        samples.add(Sample.rejected("a buffer without momentum", "is given but is only used when momentum != 0",
                new SgdOps.StepParams(SgdParams.of(0.1), false), randn(r, 3), randn(r, 3), randn(r, 3)));
        return samples;
    }

    private static List<Sample<AdagradOps.StepParams>> adagrad(SplittableRandom r) {
        return samples(r, List.of(
                new Variant<>("lr decay 0.05, weight decay 0.01, initial 0.1", states(true),
                        t -> new AdagradOps.StepParams(new AdagradParams(0.2, 0.05, 0.01, 0.1, 1e-10), t)),
                new Variant<>("defaults", states(true), t -> new AdagradOps.StepParams(AdagradParams.of(0.1), t))));
    }

    private static List<Sample<RmspropParams>> rmsprop(SplittableRandom r) {
        List<Sample<RmspropParams>> samples = samples(r, List.of(
                new Variant<>("centered, momentum 0.5, weight decay 0.01", states(true, true, true),
                        t -> new RmspropParams(0.01, 0.9, 1e-8, 0.01, 0.5, true)),
                new Variant<>("plain", states(true, false, false), t -> RmspropParams.of(0.01)),
                new Variant<>("centered", states(true, true, false), t -> RmspropParams.of(0.01).withCentered(true)),
                new Variant<>("momentum 0.9", states(true, false, true), t -> RmspropParams.of(0.01).withMomentum(0.9))));
        samples.add(Sample.rejected("centered without a gradient average", "gradAvg is null but is needed",
                RmspropParams.of(0.1).withCentered(true), randn(r, 3), randn(r, 3), randn(r, 3), null, null));
        return samples;
    }

    private static List<Sample<AdamOps.StepParams>> adam(SplittableRandom r) {
        List<Sample<AdamOps.StepParams>> samples = samples(r, List.of(
                new Variant<>("Adam, L2 0.1", states(true, true, false),
                        t -> new AdamOps.StepParams(AdamParams.adam(0.01).withWeightDecay(0.1), t)),
                new Variant<>("AdamW, decay 0.1", states(true, true, false),
                        t -> new AdamOps.StepParams(AdamParams.adamW(0.01).withWeightDecay(0.1), t)),
                new Variant<>("Adam, defaults", states(true, true, false),
                        t -> new AdamOps.StepParams(AdamParams.adam(0.001), t)),
                new Variant<>("Adam, amsgrad, L2 0.1", states(true, true, true),
                        t -> new AdamOps.StepParams(AdamParams.adam(0.01).withWeightDecay(0.1).withAmsgrad(true), t)),
                new Variant<>("AdamW, amsgrad, maximize", states(true, true, true),
                        t -> new AdamOps.StepParams(AdamParams.adamW(0.01).withAmsgrad(true).withMaximize(true), t)),
                new Variant<>("Adam, maximize, betas (0.5, 0.6)", states(true, true, false),
                        t -> new AdamOps.StepParams(AdamParams.adam(0.01).withBetas(0.5, 0.6).withMaximize(true), t))));
        samples.add(Sample.rejected("AdamW, expAvgSq of 2 for a param of 3", "expAvgSq shape [2] != param shape [3]",
                new AdamOps.StepParams(AdamParams.adamW(0.1), 1), randn(r, 3), randn(r, 3), randn(r, 3), randn(r, 2),
                null));
        samples.add(Sample.rejected("amsgrad without its maximum", "adam: maxExpAvgSq is null but is needed when amsgrad",
                new AdamOps.StepParams(AdamParams.adam(0.1).withAmsgrad(true), 1), randn(r, 3), randn(r, 3),
                randn(r, 3), randn(r, 3), null));
        samples.add(Sample.rejected("a maximum without amsgrad", "adamw: maxExpAvgSq is given but is only used when amsgrad",
                new AdamOps.StepParams(AdamParams.adamW(0.1), 1), randn(r, 3), randn(r, 3), randn(r, 3), randn(r, 3),
                randn(r, 3)));
        samples.add(Sample.rejected("amsgrad maximum of 2 for a param of 3", "maxExpAvgSq shape [2] != param shape [3]",
                new AdamOps.StepParams(AdamParams.adam(0.1).withAmsgrad(true), 1), randn(r, 3), randn(r, 3),
                randn(r, 3), randn(r, 3), randn(r, 2)));
        return samples;
    }
}
