package org.jdnn.ops;

import org.jdnn.tensor.Shape;

import java.util.List;

/**
 * The shape rule of concat (and its inverse, split): every input has the same rank and the same sizes
 * except along {@code axis}, where the output size is the sum of the inputs'.
 */
public record ConcatShapes(int axis, long[] sizes, Shape output, long outer, long inner) {

    public static ConcatShapes infer(String op, int axis, List<Shape> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException(op + ": needs at least one tensor");
        }
        Shape first = parts.getFirst();
        int a = Axes.normalize(op, axis, first);
        long[] sizes = new long[parts.size()];
        long total = 0;
        for (int i = 0; i < parts.size(); i++) {
            Shape s = parts.get(i);
            if (s.rank() != first.rank()) {
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + s + " but tensor 0 has "
                        + first + " (ranks differ)");
            }
            for (int d = 0; d < s.rank(); d++) {
                if (d != a && s.dim(d) != first.dim(d)) {
                    throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + s + " but tensor 0 has "
                            + first + "; sizes must match except along axis " + a);
                }
            }
            sizes[i] = s.dim(a);
            total += sizes[i];
        }
        long[] out = first.dims();
        out[a] = total;
        long outer = 1, inner = 1;
        for (int d = 0; d < a; d++) {
            outer *= out[d];
        }
        for (int d = a + 1; d < out.length; d++) {
            inner *= out[d];
        }
        return new ConcatShapes(a, sizes, Shape.of(out), outer, inner);
    }

    /** The offset of part {@code i} along the axis. */
    public long offset(int i) {
        long offset = 0;
        for (int j = 0; j < i; j++) {
            offset += sizes[j];
        }
        return offset;
    }

    public void checkOutput(String op, Shape actual, String name) {
        if (!output.equals(actual)) {
            throw new IllegalArgumentException(op + ": " + name + " shape " + actual + " != expected " + output);
        }
    }
}
