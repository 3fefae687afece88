package org.jdnn.matrix;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One convolution geometry, shared by the samples of conv2d / conv_transpose2d and their backward passes: batch,
 * channels, image, kernel, params (output padding only for the transposed op) and whether there is a bias.
 */
record ConvCase(String name, long n, long c, long h, long w, long o, long kh, long kw, Conv2dParams conv,
                long outputPadding, boolean bias) {

    static ConvCase of(String name, long n, long c, long h, long w, long o, long k, Conv2dParams conv, boolean bias) {
        return new ConvCase(name, n, c, h, w, o, k, k, conv, 0, bias);
    }

    /** This geometry with the multiplied operands read as bf16 (float32 accumulation). */
    ConvCase inBf16() {
        return new ConvCase(name, n, c, h, w, o, kh, kw, conv.withPrecision(Precision.BF16), outputPadding, bias);
    }

    ConvTranspose2dParams transposed() {
        return new ConvTranspose2dParams(conv, outputPadding, outputPadding);
    }

    long[] input() {
        return new long[] {n, c, h, w};
    }

    /** conv2d's weight (O, C/G, KH, KW); conv_transpose2d's (C, O/G, KH, KW). */
    long[] weight(boolean transposedOp) {
        long g = conv.groups();
        return transposedOp ? new long[] {c, o / g, kh, kw} : new long[] {o, c / g, kh, kw};
    }

    /** The output shape, or null when the shape rule refuses this geometry. */
    Shape output(boolean transposedOp) {
        try {
            Shape x = Shape.of(input()), wt = Shape.of(weight(transposedOp));
            return transposedOp ? ConvTranspose2dShapes.infer(x, wt, null, transposed()).output()
                    : Conv2dShapes.infer(x, wt, null, conv).output();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        Conv2dParams p = conv;
        StringBuilder s = new StringBuilder(name).append(": N").append(n).append(" C").append(c).append(' ')
                .append(h).append('x').append(w).append(" O").append(o).append(" k").append(kh).append('x').append(kw);
        s.append(" stride ").append(p.strideH()).append(',').append(p.strideW());
        s.append(" pad ").append(p.padTop()).append(',').append(p.padBottom()).append(',').append(p.padLeft())
                .append(',').append(p.padRight());
        if (p.dilationH() > 1 || p.dilationW() > 1) {
            s.append(" dilation ").append(p.dilationH()).append(',').append(p.dilationW());
        }
        if (p.groups() > 1) {
            s.append(" groups ").append(p.groups());
        }
        if (outputPadding > 0) {
            s.append(" output padding ").append(outputPadding);
        }
        return s.append(bias ? " bias" : "").append(p.precision() == Precision.BF16 ? " bf16" : "").toString();
    }

    /** Fixed edge cases (valid for both ops unless noted) and seeded random ones, small enough for the reference. */
    static List<ConvCase> cases(SplittableRandom r, boolean transposedOp, int random) {
        List<ConvCase> cases = new ArrayList<>(List.of(
                of("1x1 kernel", 2, 8, 5, 5, 4, 1, Conv2dParams.DEFAULT, true),
                of("same padding", 2, 4, 7, 7, 6, 3, Conv2dParams.of(1, 1), true),
                of("depthwise, stride 2", 1, 6, 9, 11, 6, 3, Conv2dParams.of(2, 1, 1, 6), false),
                of("depthwise x2, dilation 2", 1, 4, 7, 7, 8, 3, Conv2dParams.of(1, 1, 2, 4), true),
                of("kernel = padded input", 3, 2, 3, 3, 3, 5, Conv2dParams.of(1, 1), true),
                of("stride > kernel", 1, 3, 10, 10, 4, 2, Conv2dParams.of(3, 0), false),
                new ConvCase("asymmetric everything", 2, 4, 9, 8, 6, 3, 2, new Conv2dParams(2, 1, 0, 2, 1, 0, 2, 1, 2),
                        0, true),
                of("1x1x1x1 image, batch 1", 1, 1, 1, 1, 1, 1, Conv2dParams.DEFAULT, true),
                new ConvCase("batch 1, odd sizes", 1, 3, 13, 7, 5, 3, 5, Conv2dParams.of(1, 2), 0, true),
                of("padding > kernel", 1, 2, 4, 4, 2, 1, Conv2dParams.of(1, 2), true),
                of("groups 2", 2, 4, 6, 5, 6, 3, Conv2dParams.of(2, 1, 1, 2), true)));
        if (transposedOp) {
            cases.add(new ConvCase("output padding 1, stride 2", 2, 3, 5, 4, 4, 3, 3, Conv2dParams.of(2, 1), 1, true));
            cases.add(new ConvCase("output padding 1 < dilation 2, stride 1", 1, 2, 4, 5, 3, 3, 3,
                    Conv2dParams.of(1, 0, 2, 1), 1, true));
        }
        cases.removeIf(c -> c.output(transposedOp) == null);
        for (int i = 0; i < random; ) {
            ConvCase c = random(r, transposedOp, i);
            if (c.output(transposedOp) != null) {
                cases.add(c);
                i++;
            }
        }
        return cases;
    }

    private static ConvCase random(SplittableRandom r, boolean transposedOp, int i) {
        long n = 1 + r.nextInt(3), c = 1 + r.nextInt(8), groups, o;
        switch (r.nextInt(3)) {
            case 0 -> { groups = 1; o = 1 + r.nextInt(8); }
            case 1 -> { groups = c % 2 == 0 ? 2 : 1; o = groups * (1 + r.nextInt(4)); }
            default -> { groups = c; o = c * (1 + r.nextInt(2)); }
        }
        long h = 1 + r.nextInt(12), w = 1 + r.nextInt(12), kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
        long top = r.nextInt(3), left = r.nextInt(3);
        boolean symmetric = r.nextBoolean();
        long bottom = symmetric ? top : r.nextInt(3), right = symmetric ? left : r.nextInt(3);
        long stride = 1 + r.nextInt(3), dilation = 1 + r.nextInt(2);
        Conv2dParams p = new Conv2dParams(stride, 1 + r.nextInt(3), top, bottom, left, right, dilation,
                1 + r.nextInt(2), groups);
        long outputPadding = transposedOp ? r.nextInt((int) Math.min(Math.max(stride, dilation),
                Math.max(p.strideW(), p.dilationW()))) : 0;
        return new ConvCase("random " + i, n, c, h, w, o, kh, kw, p, outputPadding, r.nextBoolean());
    }
}
