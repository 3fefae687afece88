package org.jdnn.data;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The image transforms on small hand-checked [C, H, W] samples, alone, composed and inside a loader. */
class TransformsTest {

    /** A generator that returns the draws a test scripts, in order; any other draw fails the test. */
    private static final class Scripted implements RandomGenerator {
        private final Deque<Number> draws = new ArrayDeque<>();

        Scripted(Number... draws) {
            this.draws.addAll(Arrays.asList(draws));
        }

        @Override
        public int nextInt(int bound) {
            int v = (Integer) draws.removeFirst();
            assertTrue(v >= 0 && v < bound, "scripted draw " + v + " outside [0, " + bound + ")");
            return v;
        }

        @Override
        public double nextDouble() {
            return (Double) draws.removeFirst();
        }

        @Override
        public long nextLong() {
            throw new AssertionError("unscripted draw");
        }
    }

    /** One channel of 3x3: 1 2 3 / 4 5 6 / 7 8 9. */
    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] crop(RandomCrop crop, float[] image, long[] shape, int top, int left) {
        float[] values = Arrays.copyOf(image, Math.max(image.length, crop.workingSize(shape)));
        crop.apply(values, 0, shape, new Scripted(top, left));
        int out = Shapes.sampleSize("test", crop.outputShape(shape));
        return Arrays.copyOf(values, out);
    }

    @Test
    void randomCropPadsWithZerosAndCutsTheDrawnWindow() {
        RandomCrop crop = RandomCrop.of(3, 1); // 3x3 padded to 5x5: the window's corner is one of 3x3 positions
        long[] shape = {1, 3, 3};
        assertArrayEquals(new long[] {1, 3, 3}, crop.outputShape(shape));
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5}, crop(crop, NINE, shape, 0, 0), "top-left");
        assertArrayEquals(NINE, crop(crop, NINE, shape, 1, 1), "centre: the image itself");
        assertArrayEquals(new float[] {5, 6, 0, 8, 9, 0, 0, 0, 0}, crop(crop, NINE, shape, 2, 2), "bottom-right");
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0}, crop(crop, NINE, shape, 2, 1), "shifted up");
        assertArrayEquals(new float[] {0, 1, 2, 0, 4, 5, 0, 7, 8}, crop(crop, NINE, shape, 1, 0), "shifted right");
    }

    @Test
    void randomCropUsesOneWindowForAllChannels() {
        float[] image = new float[18];
        for (int i = 0; i < 9; i++) {
            image[i] = NINE[i];
            image[9 + i] = 10 * NINE[i];
        }
        float[] out = crop(RandomCrop.of(3, 1), image, new long[] {2, 3, 3}, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 2, 3, 0, 5, 6, 0, 0, 0, 0, 20, 30, 0, 50, 60, 0}, out);
    }

    @Test
    void randomCropCanShrinkAndChangeTheAspect() {
        RandomCrop crop = RandomCrop.of(2, 3, 0); // 2 rows of 3 from 3x3: only the top row varies
        long[] shape = {1, 3, 3};
        assertArrayEquals(new long[] {1, 2, 3}, crop.outputShape(shape));
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9}, crop(crop, NINE, shape, 1, 0));
        RandomCrop small = RandomCrop.of(2, 1); // 2x2 from 5x5 padded: corners 0..3
        assertArrayEquals(new float[] {0, 0, 0, 1}, crop(small, NINE, shape, 0, 0));
        assertArrayEquals(new float[] {9, 0, 0, 0}, crop(small, NINE, shape, 3, 3));
        assertEquals(9, small.workingSize(shape), "room for the input, the larger end");
    }

    @Test
    void randomCropDrawsEveryPositionUniformly() {
        RandomCrop crop = RandomCrop.of(3, 1);
        long[] shape = {1, 3, 3};
        SampleRandom random = new SampleRandom();
        int[] counts = new int[9]; // by the position of pixel "5" in the output: it moves with the window
        int n = 9000;
        for (int i = 0; i < n; i++) {
            float[] values = NINE.clone();
            random.reseed(42, 0, i);
            crop.apply(values, 0, shape, random);
            int at = -1;
            for (int j = 0; j < 9; j++) {
                if (values[j] == 5) {
                    at = j;
                }
            }
            counts[at]++;
        }
        for (int j = 0; j < 9; j++) {
            assertTrue(counts[j] > n / 9 * 0.85 && counts[j] < n / 9 * 1.15, "position " + j + ": " + Arrays.toString(counts));
        }
    }

    @Test
    void randomCropRejectsWhatItCannotCut() {
        var e = assertThrows(IllegalArgumentException.class, () -> RandomCrop.of(6, 1).outputShape(new long[] {3, 3, 3}));
        assertTrue(e.getMessage().contains("crop 6x6 is larger than the padded image 5x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomCrop.of(2, 0).outputShape(new long[] {4}));
        assertTrue(e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomCrop.of(3, -1));
        assertTrue(e.getMessage().contains("padding -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RandomCrop.of(0, 2));
        // A loader checks its transform against the dataset's sample shape when it is built, not at the first batch.
        var builder = DataLoader.builder(DataLoaderTest.counting(2)).prefetch(1);
        e = assertThrows(IllegalArgumentException.class, () -> builder.transform(RandomCrop.of(5, 1)).build());
        assertTrue(e.getMessage().contains("sample shape [1, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder.transform(Cifar10.NORMALIZE).build());
        assertTrue(e.getMessage().contains("3 channel means for a sample of shape [1, 2, 2]"), e.getMessage());
    }

    @Test
    void horizontalFlipMirrorsEveryRowWhenTheDrawIsBelowP() {
        long[] shape = {2, 2, 3};
        float[] image = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
        float[] flipped = image.clone();
        RandomHorizontalFlip.of(0.5).apply(flipped, 0, shape, new Scripted(0.49));
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 30, 20, 10, 60, 50, 40}, flipped);
        float[] kept = image.clone();
        RandomHorizontalFlip.of(0.5).apply(kept, 0, shape, new Scripted(0.5));
        assertArrayEquals(image, kept, "a draw of 0.5 is not below p = 0.5");
        float[] even = {1, 2, 3, 4};
        RandomHorizontalFlip.of(1).apply(even, 0, new long[] {1, 1, 4}, new Scripted(0.999));
        assertArrayEquals(new float[] {4, 3, 2, 1}, even, "an even width");
        float[] offset = {7, 1, 2, 3};
        RandomHorizontalFlip.of(1).apply(offset, 1, new long[] {1, 1, 3}, new Scripted(0.0));
        assertArrayEquals(new float[] {7, 3, 2, 1}, offset, "values before the sample untouched");
    }

    @Test
    void horizontalFlipHappensWithProbabilityP() {
        SampleRandom random = new SampleRandom();
        for (double p : new double[] {0, 0.25, 0.5, 1}) {
            int flips = 0;
            for (int i = 0; i < 8000; i++) {
                float[] v = {1, 2};
                random.reseed(3, 1, i);
                RandomHorizontalFlip.of(p).apply(v, 0, new long[] {1, 1, 2}, random);
                flips += v[0] == 2 ? 1 : 0;
            }
            assertEquals(p, flips / 8000.0, 0.02, "p = " + p);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> RandomHorizontalFlip.of(1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RandomHorizontalFlip.of(Double.NaN));
    }

    @Test
    void normalizePerChannelChecksTheChannelCount() {
        Normalize n = Normalize.perChannel(new float[] {1, 10}, new float[] {2, 5});
        float[] x = {3, 5, 20, 0};
        n.apply(x, 0, new long[] {2, 1, 2}, new Scripted());
        assertArrayEquals(new float[] {1, 2, 2, -2}, x);
        var e = assertThrows(IllegalArgumentException.class, () -> n.apply(new float[4], 0, new long[] {1, 2, 2}, new Scripted()));
        assertTrue(e.getMessage().contains("2 channel means for a sample of shape [1, 2, 2]"), e.getMessage());
        float[] y = {3, 5};
        Normalize.of(1, 2).apply(y, 0, new long[] {1, 1, 2}, new Scripted());
        assertArrayEquals(new float[] {1, 2}, y, "one pair applies to every channel");
    }

    @Test
    void rescaleMapsBytesToTheUnitRange() {
        float[] x = {0, 51, 255};
        Rescale.BYTES_TO_UNIT.apply(x, 0, 3);
        assertArrayEquals(new float[] {0, 0.2f, 1}, x, 1e-7f);
        assertThrows(IllegalArgumentException.class, () -> Rescale.of(Float.NaN));
    }

    @Test
    void composeRunsTheStepsInOrderOnTheChangingShape() {
        // Crop 2x2 at (1, 1) of the 3x3 padded by 0, flip, then normalize: {5 6 / 8 9} -> {6 5 / 9 8} -> -1, /2.
        Compose c = Compose.of(RandomCrop.of(2, 0), RandomHorizontalFlip.of(), Normalize.of(1, 2), Rescale.of(10));
        long[] shape = {1, 3, 3};
        assertArrayEquals(new long[] {1, 2, 2}, c.outputShape(shape));
        assertEquals(9, c.workingSize(shape));
        float[] values = NINE.clone();
        c.apply(values, 0, shape, new Scripted(1, 1, 0.1));
        assertArrayEquals(new float[] {25, 20, 40, 35}, Arrays.copyOf(values, 4));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Compose.of(RandomCrop.of(2, 0), Normalize.perChannel(new float[3], new float[] {1, 1, 1}))
                        .apply(NINE.clone(), 0, shape, new Scripted(0, 0)));
        assertTrue(e.getMessage().contains("[1, 2, 2]"), "the step sees the cropped shape: " + e.getMessage());
        assertThrows(NullPointerException.class, () -> Compose.of(Rescale.of(1), null));
    }

    @Test
    void aLoaderCropsToASmallerShapeAndSeedsEverySample() {
        // 20 images 1x3x3; sample i holds NINE + 10 i. Batches are [B, 1, 2, 2].
        float[] f = new float[20 * 9];
        for (int i = 0; i < f.length; i++) {
            f[i] = NINE[i % 9] + 10 * (i / 9);
        }
        InMemoryDataset d = new InMemoryDataset(f, new long[] {1, 3, 3}, new int[20]);
        Compose augment = Compose.of(RandomCrop.of(2, 1), RandomHorizontalFlip.of());
        DataLoader loader = DataLoader.builder(d).batchSize(6).shuffle(11).transform(augment).build();
        assertArrayEquals(new long[] {1, 2, 2}, loader.sampleShape());
        float[] first = null;
        SampleRandom random = new SampleRandom();
        for (Batch b : loader.epoch(2)) {
            assertArrayEquals(new long[] {b.size(), 1, 2, 2}, b.featureShape());
            for (int k = 0; k < b.size(); k++) {
                int index = b.indexArray()[k];
                float[] expected = Arrays.copyOfRange(f, index * 9, index * 9 + 9);
                random.reseed(11, 2, index); // the transform seed defaults to the shuffle seed
                augment.apply(expected, 0, new long[] {1, 3, 3}, random);
                assertArrayEquals(Arrays.copyOf(expected, 4), Arrays.copyOfRange(b.featureArray(), k * 4, k * 4 + 4),
                        "sample " + index);
            }
            if (first == null) {
                first = b.featureArray().clone();
            }
        }
        DataLoader otherSeed = DataLoader.builder(d).batchSize(6).shuffle(11).transformSeed(12).transform(augment).build();
        float[] other = otherSeed.epoch(2).iterator().next().featureArray();
        assertFalse(Arrays.equals(first, other), "transform seeds 11 and 12 gave the same first batch");
    }

    /** Random crop and flip in the loader keep its promise of no allocation per sample. */
    @Test
    void augmentationAllocatesNothingPerSample() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported(),
                "this JVM cannot measure per-thread allocation");
        var bean = (com.sun.management.ThreadMXBean) threads;
        int n = 1000;
        byte[] pixels = new byte[n * 3072];
        new java.util.SplittableRandom(5).nextBytes(pixels);
        UnsignedByteDataset d = new UnsignedByteDataset(pixels, new long[] {3, 32, 32}, new int[n], 1f / 255f);
        DataLoader loader = DataLoader.builder(d).batchSize(50).shuffle(9)
                .transform(Compose.of(RandomCrop.of(32, 4), RandomHorizontalFlip.of(), Cifar10.NORMALIZE)).build();
        double sum = 0;
        for (int epoch = 0; epoch < 3; epoch++) { // warm-up: buffers, scratch, JIT
            for (Batch b : loader.epoch(epoch)) {
                sum += b.featureArray()[0];
            }
        }
        long before = bean.getCurrentThreadAllocatedBytes();
        for (Batch b : loader.epoch(3)) {
            sum += b.featureArray()[0];
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "one epoch allocated " + allocated + " bytes (sum " + sum + ")");
    }
}
