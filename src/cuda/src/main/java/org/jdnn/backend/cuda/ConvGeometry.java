package org.jdnn.backend.cuda;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;

import java.util.Arrays;

/**
 * One cuDNN convolution: its input {@code x} (N, C, H, W), filter {@code w} (K, C / groups, KH, KW) and output
 * {@code y} (N, K, OH, OW), padding, stride, dilation (1 = dense, as PyTorch counts it; cuDNN counts the same way)
 * and group count, all as the ints cuDNN's descriptors take.
 *
 * <p>conv2d maps onto it directly. conv_transpose2d is the adjoint of the convolution whose input has the transposed
 * convolution's output shape and whose output has its input shape, with the same weight (C_in, O / groups, KH, KW)
 * read as that convolution's filter: its forward is that convolution's backward data, its backward data is that
 * convolution's forward, its weight gradient that convolution's backward filter with the roles of input and output
 * gradient swapped.
 */
record ConvGeometry(int[] x, int[] w, int[] y, int padH, int padW, int strideH, int strideW, int dilationH,
                    int dilationW, int groups) {

    /** Why cuDNN's convolution cannot run {@code p} on these shapes, or null when it can. */
    static String unsupported(Conv2dParams p, Shape... shapes) {
        if (p.precision() != Precision.FP32) {
            return "precision " + p.precision() + " (float32 only on cuda)";
        }
        if (p.padTop() != p.padBottom() || p.padLeft() != p.padRight()) {
            return "asymmetric padding (cuDNN pads both sides of an axis alike)";
        }
        for (Shape s : shapes) {
            if (s != null && s.numel() > Integer.MAX_VALUE) {
                return "a tensor of " + s.numel() + " elements (above cuDNN's int range)";
            }
        }
        return null;
    }

    /** Why cuDNN cannot run the transposed convolution {@code p}, or null when it can. */
    static String unsupported(ConvTranspose2dParams p, Shape... shapes) {
        if (p.outputPaddingH() >= p.conv().strideH() || p.outputPaddingW() >= p.conv().strideW()) {
            return "output padding not below the stride (the convolution's output size then differs)";
        }
        return unsupported(p.conv(), shapes);
    }

    /** conv2d of {@code input} with {@code weight}. */
    static ConvGeometry conv2d(Conv2dParams p, Shape input, Shape weight) {
        Conv2dShapes s = Conv2dShapes.infer(input, weight, null, p);
        return of(p, input, weight, s.output());
    }

    /** The convolution conv_transpose2d of {@code input} with {@code weight} is the adjoint of. */
    static ConvGeometry transposed(ConvTranspose2dParams p, Shape input, Shape weight) {
        ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(input, weight, null, p);
        return of(p.conv(), s.output(), weight, input);
    }

    private static ConvGeometry of(Conv2dParams p, Shape x, Shape w, Shape y) {
        return new ConvGeometry(ints(x), ints(w), ints(y), (int) p.padTop(), (int) p.padLeft(), (int) p.strideH(),
                (int) p.strideW(), (int) p.dilationH(), (int) p.dilationW(), (int) p.groups());
    }

    private static int[] ints(Shape s) {
        int[] dims = new int[4];
        for (int i = 0; i < 4; i++) {
            dims[i] = Math.toIntExact(s.dim(i));
        }
        return dims;
    }

    /**
     * The output size cuDNN's forward computes for this input, filter and parameters,
     * {@code (H + 2 pad - dilation (KH - 1) - 1) / stride + 1}: it must equal {@link #y} for the descriptors to agree.
     */
    int[] forwardOutput() {
        return new int[] {x[0], w[0], outputSize(x[2], w[2], padH, strideH, dilationH),
                outputSize(x[3], w[3], padW, strideW, dilationW)};
    }

    private static int outputSize(int size, int kernel, int pad, int stride, int dilation) {
        return Math.floorDiv(size + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** Whether some operand has no elements (cuDNN refuses zero dimensions; the result is then zeros or nothing). */
    boolean empty() {
        return count(x) == 0 || count(w) == 0 || count(y) == 0;
    }

    private static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** The algorithm cache's key for {@code pass} of this convolution. */
    String key(String pass, boolean deterministic) {
        return pass + " x" + Arrays.toString(x) + " w" + Arrays.toString(w) + " y" + Arrays.toString(y) + " pad "
                + padH + "," + padW + " stride " + strideH + "," + strideW + " dilation " + dilationH + ","
                + dilationW + " groups " + groups + (deterministic ? " deterministic" : "");
    }

    @Override
    public String toString() {
        return key("conv", false);
    }
}
