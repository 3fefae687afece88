package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The shape rule of reductions: {@code reduced[i]} marks the reduced axes; {@code keptDims} is the input
 * shape with 1 on every reduced axis (how the result is laid out in memory, whatever keepDim says);
 * {@code output} drops the reduced axes unless keepDim.
 */
public record ReductionShapes(boolean[] reduced, long[] keptDims, Shape output, long reductionSize) {

    public static ReductionShapes infer(ReductionParams params, Shape src) {
        String op = params.opName();
        int rank = src.rank();
        boolean[] reduced = new boolean[rank];
        if (params.axes().isEmpty()) {
            java.util.Arrays.fill(reduced, true);
        }
        for (int axis : params.axes()) {
            int a = Axes.normalize(op, axis, src);
            if (reduced[a] && !params.axes().isEmpty()) {
                throw new IllegalArgumentException(op + ": axis " + axis + " appears twice in " + params.axes()
                        + " for shape " + src);
            }
            reduced[a] = true;
        }
        long[] kept = src.dims();
        long size = 1;
        int outRank = 0;
        for (int i = 0; i < rank; i++) {
            if (reduced[i]) {
                size *= kept[i];
                kept[i] = 1;
            } else {
                outRank++;
            }
        }
        if (params.algorithm() == ReductionAlgorithm.MAX && size == 0) {
            throw new IllegalArgumentException(op + ": cannot take the max over zero elements (shape " + src
                    + ", axes " + params.axes() + ")");
        }
        long[] out = new long[params.keepDim() ? rank : outRank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (params.keepDim()) {
                out[i] = kept[i];
            } else if (!reduced[i]) {
                out[j++] = kept[i];
            }
        }
        return new ReductionShapes(reduced, kept, Shape.of(out), size);
    }

    public void checkOutput(String op, Shape actual, String name) {
        if (!output.equals(actual)) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + actual + " != expected " + output);
        }
    }
}
