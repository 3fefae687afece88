package org.jdnn.data;

import java.util.Arrays;

/**
 * The copy {@link Pad} and {@link RandomCrop} share: each H x W plane of a sample (every leading dimension, C of
 * CHW, is a stack of planes) becomes an outH x outW plane whose (y, x) is the input's (y + dy, x + dx), or 0 where
 * that falls outside the input. In place: the input is copied aside first (a per-thread buffer), since the output
 * overwrites positions still to be read.
 */
final class PlaneWindow {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private PlaneWindow() {
    }

    static void copy(float[] values, int offset, long[] shape, int outH, int outW, int dy, int dx) {
        int inH = (int) shape[shape.length - 2];
        int inW = (int) shape[shape.length - 1];
        int planes = 1;
        for (int i = 0; i < shape.length - 2; i++) {
            planes = Math.multiplyExact(planes, (int) shape[i]);
        }
        int inSize = planes * inH * inW;
        float[] input = SCRATCH.get();
        if (input.length < inSize) {
            input = new float[inSize];
            SCRATCH.set(input);
        }
        System.arraycopy(values, offset, input, 0, inSize);
        int xFrom = Math.max(0, -dx);
        int xTo = Math.min(outW, inW - dx);
        for (int c = 0; c < planes; c++) {
            int inPlane = c * inH * inW;
            int out = offset + c * outH * outW;
            for (int y = 0; y < outH; y++, out += outW) {
                int sy = y + dy;
                if (sy < 0 || sy >= inH || xFrom >= xTo) {
                    Arrays.fill(values, out, out + outW, 0f);
                    continue;
                }
                Arrays.fill(values, out, out + xFrom, 0f);
                System.arraycopy(input, inPlane + sy * inW + xFrom + dx, values, out + xFrom, xTo - xFrom);
                Arrays.fill(values, out + xTo, out + outW, 0f);
            }
        }
    }
}
