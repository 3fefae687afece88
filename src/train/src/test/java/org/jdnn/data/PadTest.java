package org.jdnn.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Zero padding of [C, H, W] samples by a margin or to a size, alone and in a loader after Normalize. */
class PadTest {
    /** One channel of 3x3: 1 2 3 / 4 5 6 / 7 8 9. */
    private static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] pad(Pad pad, float[] image, long[] shape) {
        float[] values = Arrays.copyOf(image, pad.workingSize(shape));
        pad.apply(values, 0, shape, new SplittableRandom(0));
        return Arrays.copyOf(values, Shapes.sampleSize("test", pad.outputShape(shape)));
    }

    @Test
    void padsEverySideByTheMargin() {
        long[] shape = {1, 3, 3};
        assertArrayEquals(new long[] {1, 5, 5}, Pad.of(1).outputShape(shape));
        assertArrayEquals(new float[] {
                0, 0, 0, 0, 0,
                0, 1, 2, 3, 0,
                0, 4, 5, 6, 0,
                0, 7, 8, 9, 0,
                0, 0, 0, 0, 0}, pad(Pad.of(1), NINE, shape));
        assertArrayEquals(NINE, pad(Pad.of(0), NINE, shape), "padding 0 keeps the image");
    }

    @Test
    void padsToASizeWithTheImageCentredAndTheOddRowBelow() {
        long[] shape = {1, 3, 3};
        assertArrayEquals(pad(Pad.of(1), NINE, shape), pad(Pad.to(5), NINE, shape), "3x3 to 5x5 is one on every side");
        assertArrayEquals(new long[] {1, 6, 4}, Pad.to(6, 4).outputShape(shape));
        assertArrayEquals(new float[] {
                0, 0, 0, 0,
                1, 2, 3, 0,
                4, 5, 6, 0,
                7, 8, 9, 0,
                0, 0, 0, 0,
                0, 0, 0, 0}, pad(Pad.to(6, 4), NINE, shape), "3 extra rows: 1 above, 2 below; 1 extra column: right");
        assertArrayEquals(new long[] {1, 32, 32}, Pad.to(32).outputShape(new long[] {1, 28, 28}), "Fashion-MNIST");
    }

    @Test
    void padsEveryChannelAlike() {
        float[] image = new float[8]; // two channels of 2x2: 1 2 / 3 4 and 10 20 / 30 40
        for (int i = 0; i < 4; i++) {
            image[i] = i + 1;
            image[4 + i] = 10 * (i + 1);
        }
        assertArrayEquals(new float[] {
                0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 0}, pad(Pad.to(4), image, new long[] {2, 2, 2}));
    }

    /** What the train command does for resnet18: normalise the 28x28 image, then pad it to 32x32 with zeros. */
    @Test
    void aLoaderPadsNormalisedImagesWithTheNormalisedMean() {
        int n = 3;
        float[] f = new float[n * 28 * 28];
        for (int i = 0; i < f.length; i++) {
            f[i] = (i % 7) / 6f;
        }
        InMemoryDataset d = new InMemoryDataset(f, new long[] {1, 28, 28}, new int[n]);
        Normalize normalize = Normalize.of(0.5f, 0.25f);
        DataLoader loader = DataLoader.builder(d).batchSize(n).transform(Compose.of(normalize, Pad.to(32))).build();
        assertArrayEquals(new long[] {1, 32, 32}, loader.sampleShape());
        Batch b = loader.epoch(0).iterator().next();
        assertArrayEquals(new long[] {n, 1, 32, 32}, b.featureShape());
        float[] values = b.featureArray();
        for (int s = 0; s < n; s++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float actual = values[(s * 32 + y) * 32 + x];
                    boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                    float expected = inside ? (f[(s * 28 + y - 2) * 28 + x - 2] - 0.5f) / 0.25f : 0f;
                    assertEquals(expected, actual, 1e-6f, "sample " + s + " (" + y + ", " + x + ")");
                }
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("Pad: padding -1 is negative", () -> Pad.of(-1));
        assertMessage("Pad: target size 0x32 must be at least 1x1", () -> Pad.to(0, 32));
        assertMessage("Pad: the image 3x3 (sample shape [1, 3, 3]) is larger than the target 2x4",
                () -> Pad.to(2, 4).outputShape(new long[] {1, 3, 3}));
        assertMessage("Pad: sample shape [9] has no H and W", () -> Pad.of(1).outputShape(new long[] {9}));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain " + expected);
    }
}
