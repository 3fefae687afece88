package org.jdnn.data;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Two-class toy data sets of points in the plane, as in TensorFlow Playground: a circle inside a ring, the four
 * quadrants of XOR, two Gaussian clusters and two interleaved spirals.
 *
 * <p>The clean points lie in {@code [-1, 1]²}; noise moves each coordinate by a uniform offset in
 * {@code [-noise, noise]} with {@code noise <= MAX_NOISE}, so every point lies in {@code [-EXTENT, EXTENT]²}. The two
 * classes (labels 0 and 1) have {@code samples / 2} points each. Everything comes from one
 * {@link SplittableRandom} seeded with {@code seed}: the same arguments give the same points, bit for bit.
 */
public final class PlaneDatasets {
    /** The largest noise: half the clean points' half-width. */
    public static final double MAX_NOISE = 0.5;
    /** Every point's coordinates lie in {@code [-EXTENT, EXTENT]}. */
    public static final double EXTENT = 1 + MAX_NOISE;
    public static final int MIN_SAMPLES = 10;
    public static final int MAX_SAMPLES = 10_000;

    /** The four shapes. */
    public enum Kind {
        /** Label 1 inside radius 0.45, label 0 on the ring between radii 0.65 and 1. */
        CIRCLE,
        /** Label 1 where x and y have the same sign; points keep 0.1 away from the axes. */
        XOR,
        /** Label 1 around (0.5, 0.5), label 0 around (-0.5, -0.5), standard deviation 0.25 (clamped to the square). */
        GAUSSIANS,
        /** Two arms winding 1.75 turns outwards from the centre, half a turn apart. */
        SPIRAL;

        /** The lower-case name used on the command line and in JSON. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code id} (case-insensitive). */
        public static Kind of(String id) {
            for (Kind kind : values()) {
                if (kind.id().equalsIgnoreCase(id)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("PlaneDatasets: unknown data set '" + id
                    + "', expected circle, xor, gaussians or spiral");
        }
    }

    /** The training and test parts of one generated set. */
    public record Split(InMemoryDataset train, InMemoryDataset test) {
    }

    private PlaneDatasets() {
    }

    /**
     * {@code samples} points of {@code kind}, shuffled, the first {@code round(samples * testFraction)} of them the
     * test part.
     *
     * @param samples      an even number in {@code [MIN_SAMPLES, MAX_SAMPLES]}
     * @param noise        in {@code [0, MAX_NOISE]}
     * @param testFraction in {@code (0, 1)}; both parts keep at least one point
     */
    public static Split split(Kind kind, int samples, double noise, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("PlaneDatasets: testFraction must be in (0, 1), got " + testFraction);
        }
        InMemoryDataset all = generate(kind, samples, noise, seed);
        int test = (int) Math.max(1, Math.min(samples - 1, Math.round(samples * testFraction)));
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = samples - 1; i > 0; i--) { // Fisher-Yates, so the split does not follow the generation order
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Split(copy(all, order, test, samples), copy(all, order, 0, test));
    }

    /** {@code samples} points of {@code kind} in generation order: class 0 and class 1 alternate. */
    public static InMemoryDataset generate(Kind kind, int samples, double noise, long seed) {
        if (samples < MIN_SAMPLES || samples > MAX_SAMPLES || samples % 2 != 0) {
            throw new IllegalArgumentException("PlaneDatasets: samples must be an even number in [" + MIN_SAMPLES
                    + ", " + MAX_SAMPLES + "], got " + samples);
        }
        if (!(noise >= 0 && noise <= MAX_NOISE)) {
            throw new IllegalArgumentException("PlaneDatasets: noise must be in [0, " + MAX_NOISE + "], got " + noise);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] xy = new float[2 * samples];
        int[] labels = new int[samples];
        int perClass = samples / 2;
        for (int i = 0; i < samples; i++) {
            int label = i % 2;
            double[] p = switch (kind) {
                case CIRCLE -> circle(label, random);
                case XOR -> xor(i % 4, random);
                case GAUSSIANS -> gaussian(label, random);
                case SPIRAL -> spiral(label, i / 2, perClass, random);
            };
            labels[i] = kind == Kind.XOR ? xorLabel(i % 4) : label;
            xy[2 * i] = (float) (p[0] + noise * random.nextDouble(-1, 1));
            xy[2 * i + 1] = (float) (p[1] + noise * random.nextDouble(-1, 1));
        }
        return new InMemoryDataset(xy, new long[] {2}, labels);
    }

    private static double[] circle(int label, SplittableRandom random) {
        double r = label == 1 ? 0.45 * Math.sqrt(random.nextDouble()) : random.nextDouble(0.65, 1);
        double angle = random.nextDouble(2 * Math.PI);
        return new double[] {r * Math.cos(angle), r * Math.sin(angle)};
    }

    /** Quadrants 0 and 2 (x, y of the same sign) are class 1, quadrants 1 and 3 class 0: every class gets half. */
    private static double[] xor(int quadrant, SplittableRandom random) {
        double x = random.nextDouble(0.1, 1);
        double y = random.nextDouble(0.1, 1);
        return switch (quadrant) {
            case 0 -> new double[] {x, y};
            case 1 -> new double[] {-x, y};
            case 2 -> new double[] {-x, -y};
            default -> new double[] {x, -y};
        };
    }

    private static int xorLabel(int quadrant) {
        return quadrant % 2 == 0 ? 1 : 0;
    }

    private static double[] gaussian(int label, SplittableRandom random) {
        double centre = label == 1 ? 0.5 : -0.5;
        return new double[] {clamp(centre + 0.25 * random.nextGaussian()), clamp(centre + 0.25 * random.nextGaussian())};
    }

    private static double[] spiral(int label, int index, int perClass, SplittableRandom random) {
        double t = (double) index / perClass;
        double r = 0.05 + 0.95 * t;
        double angle = 1.75 * 2 * Math.PI * t + label * Math.PI;
        return new double[] {r * Math.sin(angle), r * Math.cos(angle)};
    }

    private static double clamp(double v) {
        return Math.max(-1, Math.min(1, v));
    }

    private static InMemoryDataset copy(InMemoryDataset all, int[] order, int from, int to) {
        float[] xy = new float[2 * (to - from)];
        int[] labels = new int[to - from];
        for (int i = from; i < to; i++) {
            all.copyFeatures(order[i], xy, 2 * (i - from));
            labels[i - from] = all.label(order[i]);
        }
        return new InMemoryDataset(xy, new long[] {2}, labels);
    }
}
