package org.jdnn.matrix;

import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.FusedConv2dOps;
import org.jdnn.ops.PostOps;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.jdnn.matrix.Samples.randn;

/**
 * The matrix entries of conv2d and conv_transpose2d: forward (differentiable) and both backward passes. Bounds as the
 * parity suites: {@code 1e-4 |ref| + 1e-5 sqrt(K)} with K the multiply-adds per output element.
 */
final class ConvolutionEntries {
    private static final int RANDOM_CASES = 14;

    private ConvolutionEntries() {
    }

    static List<OpInfo<?>> all() {
        return List.of(
                OpInfo.of(Conv2dOps.FORWARD).tolerance(1e-4, 1e-5).differentiable().affine()
                        .samples(r -> samples(r, false, ConvCase::conv, Pass.FORWARD))
                        .reductions((p, in) -> new long[] {in[1].dim(1) * in[1].dim(2) * in[1].dim(3)},
                                (p, in) -> convGradients(in, out(in, p))).build(),
                OpInfo.of(Conv2dOps.BACKWARD_DATA).tolerance(1e-4, 1e-5)
                        .samples(r -> samples(r, false, c -> new Conv2dOps.DataGradParams(c.conv(), Shape.of(c.input())),
                                Pass.BACKWARD_DATA))
                        .reductions((p, in) -> new long[] {in[1].dim(0) / p.conv().groups() * in[1].dim(2) * in[1].dim(3)},
                                null).build(),
                OpInfo.of(Conv2dOps.BACKWARD_WEIGHTS).tolerance(1e-4, 1e-5)
                        .samples(r -> samples(r, false, c -> new Conv2dOps.WeightGradParams(c.conv(),
                                Shape.of(c.weight(false)), c.bias()), Pass.BACKWARD_WEIGHTS))
                        .reductions((p, in) -> perImage(in[1]), null).build(),
                OpInfo.of(ConvTranspose2dOps.FORWARD).tolerance(1e-4, 1e-5).differentiable().affine()
                        .samples(r -> samples(r, true, ConvCase::transposed, Pass.FORWARD))
                        .reductions((p, in) -> new long[] {in[1].dim(0) / p.conv().groups() * in[1].dim(2) * in[1].dim(3)},
                                (p, in) -> new long[] {in[1].dim(1) * in[1].dim(2) * in[1].dim(3), perImage(in[0])[0],
                                        perImage(outT(in, p))[0]}).build(),
                OpInfo.of(ConvTranspose2dOps.BACKWARD_DATA).tolerance(1e-4, 1e-5)
                        .samples(r -> samples(r, true, c -> new ConvTranspose2dOps.DataGradParams(c.transposed(),
                                Shape.of(c.input())), Pass.BACKWARD_DATA))
                        .reductions((p, in) -> new long[] {in[1].dim(1) * in[1].dim(2) * in[1].dim(3)}, null).build(),
                OpInfo.of(ConvTranspose2dOps.BACKWARD_WEIGHTS).tolerance(1e-4, 1e-5)
                        .samples(r -> samples(r, true, c -> new ConvTranspose2dOps.WeightGradParams(c.transposed(),
                                Shape.of(c.weight(true)), c.bias()), Pass.BACKWARD_WEIGHTS))
                        .reductions((p, in) -> new long[] {perImage(in[0])[0], perImage(in[1])[0]}, null).build(),
                OpInfo.of(FusedConv2dOps.FORWARD).tolerance(1e-4, 1e-5)
                        .samples(ConvolutionEntries::fusedSamples)
                        .reductions((p, in) -> new long[] {in[1].dim(1) * in[1].dim(2) * in[1].dim(3)}, null).build());
    }

    /**
     * conv2d_fused: every random geometry with each of the four post-op combinations in turn (a residual of the
     * output's shape with sum), NaN/+Inf/-Inf in the residual, and the refused residuals (missing, extra, wrong shape).
     */
    private static List<Sample<FusedConv2dOps.Params>> fusedSamples(SplittableRandom r) {
        PostOps[] all = {PostOps.NONE, PostOps.RELU, new PostOps(true, false), PostOps.SUM_RELU};
        List<Sample<FusedConv2dOps.Params>> samples = new ArrayList<>();
        List<ConvCase> cases = ConvCase.cases(r, false, RANDOM_CASES);
        for (int i = 0; i < cases.size(); i++) {
            ConvCase c = cases.get(i);
            PostOps post = all[i % all.length];
            samples.add(Sample.of(c + ", " + post, new FusedConv2dOps.Params(c.conv(), post), fusedOperands(r, c, post)));
        }
        ConvCase base = ConvCase.of("base", 2, 4, 6, 6, 4, 3, Conv2dParams.of(1, 1), true);
        Sample.Operand[] special = fusedOperands(r, base, PostOps.SUM_RELU);
        special[3] = Samples.withSpecials(r, special[3]);
        samples.add(Sample.of(base + ", sum+relu, NaN/+Inf/-Inf in residual",
                new FusedConv2dOps.Params(base.conv(), PostOps.SUM_RELU), special));
        Sample.Operand[] missing = fusedOperands(r, base, PostOps.RELU);
        samples.add(Sample.rejected("sum without residual, " + base, "need a residual",
                new FusedConv2dOps.Params(base.conv(), PostOps.SUM_RELU), missing));
        samples.add(Sample.rejected("residual without sum, " + base, "take no residual",
                new FusedConv2dOps.Params(base.conv(), PostOps.RELU), fusedOperands(r, base, PostOps.SUM_RELU)));
        Sample.Operand[] wide = fusedOperands(r, base, PostOps.SUM_RELU);
        long[] dims = base.output(false).dims();
        dims[3]++;
        wide[3] = randn(r, dims);
        samples.add(Sample.rejected("residual one column too wide, " + base, "residual shape",
                new FusedConv2dOps.Params(base.conv(), PostOps.SUM_RELU), wide));
        return samples;
    }

    private static Sample.Operand[] fusedOperands(SplittableRandom r, ConvCase c, PostOps post) {
        Sample.Operand[] conv = Pass.FORWARD.operands(r, c, false);
        Shape out = c.output(false);
        Sample.Operand residual = post.sum() && out != null ? randn(r, out.dims()) : null;
        return new Sample.Operand[] {conv[0], conv[1], conv[2], residual};
    }

    // ---- reduction lengths ----

    /** N*H*W of an (N, C, H, W) tensor: the terms of a weight (or bias) gradient's element. */
    private static long[] perImage(Shape s) {
        long k = s.dim(0) * s.dim(2) * s.dim(3);
        return new long[] {k, k};
    }

    private static Shape out(Shape[] in, Conv2dParams p) {
        return org.jdnn.ops.Conv2dShapes.infer(in[0], in[1], null, p).output();
    }

    private static Shape outT(Shape[] in, ConvTranspose2dParams p) {
        return org.jdnn.ops.ConvTranspose2dShapes.infer(in[0], in[1], null, p).output();
    }

    /** conv2d's gradients: input O/G*KH*KW, weight and bias N*OH*OW. */
    private static long[] convGradients(Shape[] in, Shape out) {
        long g = in[0].dim(1) / in[1].dim(1);
        long k = perImage(out)[0];
        return new long[] {in[1].dim(0) / g * in[1].dim(2) * in[1].dim(3), k, k};
    }

    // ---- samples ----

    /** Which op of the family the samples are for: its operands per case. */
    enum Pass {
        FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS;

        /** The operands for a case; a gradient of the output shape (guessed where the shape rule refuses the case). */
        Sample.Operand[] operands(SplittableRandom r, ConvCase c, boolean t) {
            Shape out = c.output(t);
            long[] grad = out != null ? out.dims() : new long[] {c.n(), c.o(), Math.max(c.h(), 1), Math.max(c.w(), 1)};
            return switch (this) {
                case FORWARD -> new Sample.Operand[] {randn(r, c.input()), randn(r, c.weight(t)),
                        c.bias() ? randn(r, c.o()) : null};
                case BACKWARD_DATA -> new Sample.Operand[] {randn(r, grad), randn(r, c.weight(t))};
                case BACKWARD_WEIGHTS -> new Sample.Operand[] {randn(r, c.input()), randn(r, grad)};
            };
        }
    }

    /**
     * Every case; the "same padding" case again with NaN/+Inf/-Inf in each operand in turn; and the rejected
     * geometries: empty batch and image, channels not divisible by the groups, a kernel or padding the input cannot
     * take, a wrong bias, input rank or gradient shape.
     */
    private static <P> Sample<P> bf16(ConvCase c, Function<ConvCase, P> params, Sample.Operand[] in) {
        return new Sample<>(c.toString(), params.apply(c), in, null, Sample.Derivative.COMPARED);
    }

    private static <P> List<Sample<P>> samples(SplittableRandom r, boolean t, Function<ConvCase, P> params,
                                               Pass pass) {
        List<Sample<P>> samples = new ArrayList<>();
        List<ConvCase> cases = ConvCase.cases(r, t, RANDOM_CASES);
        for (ConvCase c : cases) {
            samples.add(Sample.of(c.toString(), params.apply(c), pass.operands(r, c, t)));
        }
        ConvCase special = cases.get(1);
        String[] names = (pass == Pass.FORWARD ? Conv2dOps.FORWARD : pass == Pass.BACKWARD_DATA
                ? Conv2dOps.BACKWARD_DATA : Conv2dOps.BACKWARD_WEIGHTS).inputs().toArray(String[]::new);
        for (int i = 0; i < names.length; i++) {
            Sample.Operand[] in = pass.operands(r, special, t);
            in[i] = Samples.withSpecials(r, in[i]);
            samples.add(Sample.of(special + ", NaN/+Inf/-Inf in " + names[i], params.apply(special), in));
        }
        ConvCase base = ConvCase.of("base", 2, 4, 6, 6, 4, 3, Conv2dParams.of(1, 1), true);
        List<ConvCase> refused = new ArrayList<>(List.of(
                ConvCase.of("empty batch", 0, 4, 6, 6, 4, 3, Conv2dParams.of(1, 1), true),
                ConvCase.of("empty image", 2, 4, 0, 6, 4, 3, Conv2dParams.of(1, 1), true),
                ConvCase.of("channels 3, groups 2", 1, 3, 5, 5, 4, 3, Conv2dParams.of(1, 1, 1, 2), false)));
        List<String> messages = new ArrayList<>(List.of("zero dimension", "zero dimension", "divisible by groups"));
        if (pass != Pass.BACKWARD_DATA) { // backward data takes the input's shape from params, checked there
            refused.add(t ? ConvCase.of("padding 3 leaves no output", 1, 2, 2, 2, 2, 1, Conv2dParams.of(1, 3), false)
                    : ConvCase.of("kernel 5 > padded input 4", 1, 2, 2, 2, 2, 5, Conv2dParams.of(1, 1), false));
            messages.add(t ? "< 1" : "dilated kernel");
        }
        for (int i = 0; i < refused.size(); i++) {
            ConvCase c = refused.get(i);
            samples.add(Sample.rejected(c.toString(), messages.get(i), params.apply(c), pass.operands(r, c, t)));
        }
        Sample.Operand[] in = pass.operands(r, base, t);
        if (pass == Pass.FORWARD) {
            in[2] = randn(r, base.o() + 1);
            samples.add(Sample.rejected("bias of length O+1, " + base, "bias shape", params.apply(base), in));
            Sample.Operand[] rank3 = pass.operands(r, base, t);
            rank3[0] = randn(r, 4, 6, 6);
            samples.add(Sample.rejected("rank-3 input, " + base, "must be rank 4", params.apply(base), rank3));
        } else {
            int grad = pass == Pass.BACKWARD_DATA ? 0 : 1;
            long[] wrong = in[grad].shape().dims();
            wrong[3]++;
            in[grad] = randn(r, wrong);
            samples.add(Sample.rejected("gradOutput one column too wide, " + base, "gradOutput shape",
                    params.apply(base), in));
        }
        // BF16 precision on the first fixed geometries and a few random ones (drawn last, so the float32 samples
        // above keep their values): oneDNN's bf16 kernels against the reference's emulation, within the float32
        // bounds (same rounded operands, float32 vs double sums). The derivative is compared only: rounding makes
        // the op piecewise constant within a finite-difference step.
        for (ConvCase c : cases.subList(0, 4)) {
            samples.add(bf16(c.inBf16(), params, pass.operands(r, c, t)));
        }
        for (ConvCase c : cases.subList(cases.size() - 3, cases.size())) {
            samples.add(bf16(c.inBf16(), params, pass.operands(r, c, t)));
        }
        return samples;
    }
}
