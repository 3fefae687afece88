package org.jdnn.matrix;

import org.jdnn.tensor.Shape;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Building blocks for sample generators: seeded operands, shapes of any rank, broadcast targets, special values. */
public final class Samples {
    private Samples() {
    }

    /** An operand of N(0, 1) values. */
    public static Sample.Operand randn(SplittableRandom random, long... dims) {
        Shape shape = Shape.of(dims);
        float[] values = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return new Sample.Operand(shape, values);
    }

    /**
     * {@code operand} with NaN, +Inf and -Inf written at distinct random positions (as many of the three as it has
     * elements), the rest unchanged.
     */
    public static Sample.Operand withSpecials(SplittableRandom random, Sample.Operand operand) {
        float[] values = operand.values().clone();
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int[] positions = random.ints(0, Math.max(values.length, 1)).distinct()
                .limit(Math.min(specials.length, values.length)).toArray();
        for (int i = 0; i < positions.length; i++) {
            values[positions[i]] = specials[i];
        }
        return new Sample.Operand(operand.shape(), values);
    }

    /** {@code operand} with a single special value (NaN or an infinity) at a random position. */
    public static Sample.Operand withSpecial(SplittableRandom random, Sample.Operand operand, float special) {
        float[] values = operand.values().clone();
        if (values.length > 0) {
            values[random.nextInt(values.length)] = special;
        }
        return new Sample.Operand(operand.shape(), values);
    }

    /** A shape of {@code rank} dims, each 1..maxDim, with at most {@code maxElements} elements. */
    public static long[] shape(SplittableRandom random, int rank, int maxDim, long maxElements) {
        long[] dims = new long[rank];
        long total = 1;
        for (int d = 0; d < rank; d++) {
            long cap = Math.max(1, Math.min(maxDim, maxElements / total));
            dims[d] = 1 + random.nextLong(cap);
            total *= dims[d];
        }
        return dims;
    }

    /** {@code dims} with one random dimension set to 0 (rank 0 stays as it is). */
    public static long[] withEmptyDim(SplittableRandom random, long[] dims) {
        long[] out = dims.clone();
        if (out.length > 0) {
            out[random.nextInt(out.length)] = 0;
        }
        return out;
    }

    /**
     * A shape that broadcasts to {@code full}: a random-length suffix of its dims (rank 0 included), each kept or
     * replaced by 1 at random.
     */
    public static long[] broadcastTarget(SplittableRandom random, long[] full) {
        int rank = random.nextInt(full.length + 1);
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = random.nextInt(3) == 0 ? 1 : full[full.length - rank + i];
        }
        return dims;
    }

    /** Dims as PyTorch prints them, e.g. {@code [2, 3]}. */
    public static String dims(long... dims) {
        return Arrays.toString(dims);
    }
}
