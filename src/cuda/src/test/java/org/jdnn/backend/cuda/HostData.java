package org.jdnn.backend.cuda;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Seeded test values (with the special values every kernel must get right first) and their host and tensor forms. */
final class HostData {
    /** NaN, the infinities, both zeros, the usual kinks and the float32 extremes. */
    static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1, -1,
        0.5, -0.5, 2, -2, 20, -20, 88.7, -88.7, 100, -100, 1e-3, -1e-3, 1e-30, -1e-30, 1e-40, -1e-40, 1e30, -1e30,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE};

    private HostData() {
    }

    /**
     * {@code n} values (the first n of): the specials, then {@code extra} (the op's own kinks) and their neighbours,
     * then seeded random ones: uniform in
     * [-8, 8], magnitudes 10^[-8, 8] of either sign, and small integers (exact ties for comparisons, max and min).
     */
    static double[] values(long seed, int n, double... extra) {
        double[] v = new double[Math.max(n, SPECIALS.length + 3 * extra.length)];
        int i = 0;
        for (double s : SPECIALS) {
            v[i++] = s;
        }
        for (double e : extra) {
            v[i++] = e;
            v[i++] = Math.nextUp(e);
            v[i++] = Math.nextDown(e);
        }
        SplittableRandom random = new SplittableRandom(seed);
        while (i < v.length) {
            v[i++] = switch (random.nextInt(3)) {
                case 0 -> random.nextDouble(-8, 8);
                case 1 -> (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-8, 8));
                default -> random.nextInt(-3, 4);
            };
        }
        return v.length == n ? v : java.util.Arrays.copyOf(v, n);
    }

    /** The values, shuffled by {@code seed} (so that a second operand pairs the specials with other values). */
    static double[] shuffled(long seed, double[] values) {
        double[] v = values.clone();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = v.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    /** Host memory holding {@code values} in {@code dtype} (float32 rounds, int64 truncates, bool is != 0). */
    static MemorySegment segment(Arena arena, DType dtype, double[] values) {
        MemorySegment s = arena.allocate((long) values.length * dtype.byteSize(), 8);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case FLOAT32 -> s.setAtIndex(JAVA_FLOAT, i, (float) values[i]);
                case FLOAT64 -> s.setAtIndex(JAVA_DOUBLE, i, values[i]);
                case INT64 -> s.setAtIndex(JAVA_LONG, i, (long) values[i]);
                case BOOL -> s.set(JAVA_BYTE, i, (byte) (values[i] != 0 ? 1 : 0));
                default -> throw new IllegalArgumentException("no host data of dtype " + dtype);
            }
        }
        return s;
    }

    /** An empty (zeroed) host buffer of {@code n} elements. */
    static MemorySegment zeros(Arena arena, DType dtype, long n) {
        return arena.allocate(Math.max(1, n * dtype.byteSize()), 8);
    }

    /** A CPU tensor holding the same elements as {@code segment}. */
    static Tensor tensor(MemorySegment segment, DType dtype, long... shape) {
        int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
        return switch (dtype) {
            case FLOAT32 -> Tensor.of(segment.asSlice(0, 4L * n).toArray(JAVA_FLOAT), shape);
            case FLOAT64 -> Tensor.ofDoubles(segment.asSlice(0, 8L * n).toArray(JAVA_DOUBLE), shape);
            case INT64 -> Tensor.ofLongs(segment.asSlice(0, 8L * n).toArray(JAVA_LONG), shape);
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    b[i] = segment.get(JAVA_BYTE, i) != 0;
                }
                yield Tensor.ofBooleans(b, shape);
            }
            default -> throw new IllegalArgumentException("no tensor of dtype " + dtype);
        };
    }

    /** Element {@code i} of a host buffer, as a double (bool: the raw byte). */
    static double get(MemorySegment s, DType dtype, long i) {
        return switch (dtype) {
            case FLOAT32 -> s.getAtIndex(JAVA_FLOAT, i);
            case FLOAT64 -> s.getAtIndex(JAVA_DOUBLE, i);
            case INT64 -> s.getAtIndex(JAVA_LONG, i);
            case BOOL -> s.get(JAVA_BYTE, i);
            default -> throw new IllegalArgumentException("no host data of dtype " + dtype);
        };
    }
}
