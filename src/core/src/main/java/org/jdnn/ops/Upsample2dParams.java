package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * Parameters of 2-d resampling over NCHW input (PyTorch's {@code F.interpolate} / {@code nn.Upsample} for 4-d
 * input): the mode, and either an output size ({@code outH, outW > 0}, scales 0) or scale factors
 * ({@code scaleH, scaleW > 0}, sizes 0; the output is {@code floor(in * scale)}), and, for bilinear only,
 * {@code alignCorners}.
 *
 * <p>As PyTorch (with {@code recompute_scale_factor} unset), a given scale factor also maps output to input
 * coordinates ({@code src = dst / scale}); a given size maps by {@code in / out}. The two differ only where
 * {@code in * scale} is not an integer.
 */
public record Upsample2dParams(UpsampleMode mode, long outH, long outW, double scaleH, double scaleW,
                               boolean alignCorners) {
    static final String OP = "upsample2d";

    public Upsample2dParams {
        if (mode == null) {
            throw new IllegalArgumentException(OP + ": mode is null");
        }
        boolean sized = outH != 0 || outW != 0;
        boolean scaled = scaleH != 0 || scaleW != 0;
        if (sized == scaled) {
            throw new IllegalArgumentException(OP + ": give either an output size or scale factors, got size ["
                    + outH + ", " + outW + "] and scale [" + scaleH + ", " + scaleW + "]");
        }
        if (sized) {
            Resample2d.checkSize(OP, "output height", outH);
            Resample2d.checkSize(OP, "output width", outW);
        } else {
            checkScale("height", scaleH);
            checkScale("width", scaleW);
        }
        if (alignCorners && mode == UpsampleMode.NEAREST) {
            throw new IllegalArgumentException(OP + ": alignCorners is only for bilinear, not " + mode);
        }
    }

    private static void checkScale(String axis, double scale) {
        if (!(scale > 0) || scale > Resample2d.MAX_SIZE) {
            throw new IllegalArgumentException(OP + ": scale factor along " + axis + " must be in (0, "
                    + Resample2d.MAX_SIZE + "], got " + scale);
        }
    }

    /** To the output size {@code (height, width)}. */
    public static Upsample2dParams size(UpsampleMode mode, long height, long width, boolean alignCorners) {
        return new Upsample2dParams(mode, height, width, 0, 0, alignCorners);
    }

    /** By the scale factors {@code (height, width)}. */
    public static Upsample2dParams scale(UpsampleMode mode, double height, double width, boolean alignCorners) {
        return new Upsample2dParams(mode, 0, 0, height, width, alignCorners);
    }

    /** Nearest by an integer factor, PyTorch's {@code nn.Upsample(scale_factor=factor)}. */
    public static Upsample2dParams nearest(double factor) {
        return scale(UpsampleMode.NEAREST, factor, factor, false);
    }

    /** Bilinear by a factor, PyTorch's {@code nn.Upsample(scale_factor=factor, mode='bilinear', align_corners=...)}. */
    public static Upsample2dParams bilinear(double factor, boolean alignCorners) {
        return scale(UpsampleMode.BILINEAR, factor, factor, alignCorners);
    }

    /** Whether the output size was given (rather than scale factors). */
    public boolean sized() {
        return outH != 0;
    }

    /** The output shape for {@code input} (rank 4, non-empty image); an output size of 0 is refused. */
    public Shape output(String op, Shape input) {
        Resample2d.checkImage(op, input);
        long h = sized() ? outH : outputSize(op, "height", input.dim(2), scaleH);
        long w = sized() ? outW : outputSize(op, "width", input.dim(3), scaleW);
        return Shape.of(input.dim(0), input.dim(1), h, w);
    }

    private static long outputSize(String op, String axis, long in, double scale) {
        double size = Math.floor(in * scale);
        if (size < 1 || size > Resample2d.MAX_SIZE) {
            throw new IllegalArgumentException(op + ": output " + axis + " floor(" + in + " * " + scale + ") = "
                    + (long) size + " must be in [1, " + Resample2d.MAX_SIZE + "]");
        }
        return (long) size;
    }

    /**
     * PyTorch's {@code area_pixel_compute_scale} in float: the step in input coordinates per output element along
     * an axis of {@code in} to {@code out} elements, {@code scale} the factor given for it (0 when a size was).
     */
    public float sourceStep(long in, long out, double scale) {
        if (alignCorners) {
            return out > 1 ? (float) (in - 1) / (float) (out - 1) : 0f;
        }
        return scale > 0 ? (float) (1.0 / scale) : (float) in / (float) out;
    }
}
