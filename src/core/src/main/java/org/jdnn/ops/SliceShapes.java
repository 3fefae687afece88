package org.jdnn.ops;

import org.jdnn.tensor.Shape;

/**
 * The arithmetic of a strided slice over an (outer, size, inner) view of the input: output element
 * {@code (o, j, i)} is input element {@code (o, start + j * step, i)}.
 *
 * @param dim    the sliced dimension, in [0, rank)
 * @param start  the first index read, in [0, size] (normalised and clamped)
 * @param step   the distance between indices read (> 0)
 * @param length how many indices are read
 * @param size   the input's size along {@code dim}
 * @param outer  the product of the dimensions before {@code dim}
 * @param inner  the product of the dimensions after {@code dim}
 * @param output the output shape
 */
public record SliceShapes(int dim, long start, long step, long length, long size, long outer, long inner,
                          Shape output) {

    /** Normalises {@code p} for {@code input} as Python's slicing does; throws naming {@code op} for a bad dim. */
    public static SliceShapes infer(String op, ViewOps.SliceParams p, Shape input) {
        int dim = Axes.normalize(op, p.dim(), input);
        long size = input.dim(dim);
        long start = clamp(p.start(), size);
        long end = clamp(p.end(), size);
        long length = end <= start ? 0 : (end - start - 1) / p.step() + 1;
        long[] dims = input.dims();
        dims[dim] = length;
        return new SliceShapes(dim, start, p.step(), length, size, Axes.outerSize(input, dim),
                Axes.innerSize(input, dim), Shape.of(dims));
    }

    /** A Python slice bound: negative counts from the end, then clamped to [0, size]. */
    private static long clamp(long index, long size) {
        long i = index < 0 ? index + size : index;
        return Math.max(0, Math.min(size, i));
    }
}
