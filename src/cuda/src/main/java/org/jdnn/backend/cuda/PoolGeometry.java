package org.jdnn.backend.cuda;

import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Shape;

/**
 * One cuDNN 2-d pooling: mode, window, symmetric padding, stride, and the input and output dims (N, C, H, W).
 * cuDNN's legacy pooling has no dilation, pads both sides alike and rounds the output size down, so a case outside
 * that ({@link #unsupported}) takes the host round trip.
 */
record PoolGeometry(int mode, int windowH, int windowW, int padH, int padW, int strideH, int strideW, int[] x,
                    int[] y) {

    /** Why cuDNN's pooling cannot run {@code p} on {@code input}, or null when it can. */
    static String unsupported(Pool2dParams p, Shape input) {
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            return "dilated pooling (cuDNN pools dense windows only)";
        }
        if (p.padTop() != p.padBottom() || p.padLeft() != p.padRight()) {
            return "asymmetric padding (cuDNN pads both sides of an axis alike)";
        }
        if (input.rank() != 4 || input.numel() > Integer.MAX_VALUE) {
            return "input " + input + " (cuDNN pools 4-d tensors within its int range)";
        }
        Pool2dShapes s = Pool2dShapes.infer(p, input);
        if (s.outH() != floorSize(s.inH(), p.kernelH(), p.padTop(), p.strideH())
                || s.outW() != floorSize(s.inW(), p.kernelW(), p.padLeft(), p.strideW())) {
            return "ceil mode adding a window (cuDNN rounds the output size down)";
        }
        return null;
    }

    private static long floorSize(long size, long kernel, long pad, long stride) {
        return Math.floorDiv(size + 2 * pad - kernel, stride) + 1;
    }

    /** The cuDNN pooling of {@code p} over {@code input}; deterministic max pooling when asked. */
    static PoolGeometry of(Pool2dParams p, Shape input, boolean deterministic) {
        Pool2dShapes s = Pool2dShapes.infer(p, input);
        int mode = switch (p.algorithm()) {
            case MAX -> deterministic ? cudnn_h.CUDNN_POOLING_MAX_DETERMINISTIC()
                    : cudnn_h.CUDNN_POOLING_MAX();
            case AVG_INCLUDE_PADDING -> cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING();
            case AVG_EXCLUDE_PADDING -> cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING();
        };
        int[] x = {(int) s.batch(), (int) s.channels(), (int) s.inH(), (int) s.inW()};
        int[] y = {(int) s.batch(), (int) s.channels(), (int) s.outH(), (int) s.outW()};
        return new PoolGeometry(mode, (int) p.kernelH(), (int) p.kernelW(), (int) p.padTop(), (int) p.padLeft(),
                (int) p.strideH(), (int) p.strideW(), x, y);
    }

    /** Whether it is max pooling (whose backward needs the forward's input and output). */
    static boolean isMax(Pool2dParams p) {
        return p.algorithm() == PoolAlgorithm.MAX;
    }

    long inputCount() {
        return (long) x[0] * x[1] * x[2] * x[3];
    }

    long outputCount() {
        return (long) y[0] * y[1] * y[2] * y[3];
    }

    @Override
    public String toString() {
        return "mode " + mode + " window " + windowH + "x" + windowW + " pad " + padH + "," + padW + " stride "
                + strideH + "," + strideW + " x " + java.util.Arrays.toString(x) + " y " + java.util.Arrays.toString(y);
    }
}
