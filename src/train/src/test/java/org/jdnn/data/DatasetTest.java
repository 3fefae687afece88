package org.jdnn.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In-memory datasets, subsets and the seeded train/validation split. */
class DatasetTest {

    @Test
    void inMemoryFromRowsAndValidation() {
        InMemoryDataset d = InMemoryDataset.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}, new int[] {0, 1, 0});
        assertEquals(3, d.size());
        float[] buf = new float[5];
        d.copyFeatures(1, buf, 3);
        assertArrayEquals(new float[] {0, 0, 0, 3, 4}, buf);
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyFeatures(3, buf, 0));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDataset(new float[5], new long[] {2}, new int[3]));
        assertTrue(e.getMessage().contains("5 feature values for 3 samples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InMemoryDataset.of(new float[][] {{1}, {1, 2}}, new int[2]));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new InMemoryDataset(new float[2], new long[] {1}, new int[] {0, -2}));
        assertTrue(e.getMessage().contains("label -2 of sample 1"), e.getMessage());
    }

    @Test
    void subsetViewsByIndex() {
        InMemoryDataset d = DataLoaderTest.counting(5);
        Dataset s = d.subset(new int[] {4, 0});
        assertEquals(2, s.size());
        assertEquals(4 % 3, s.label(0));
        float[] f = new float[4];
        s.copyFeatures(0, f, 0);
        assertArrayEquals(new float[] {16, 17, 18, 19}, f);
        assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {5}));
    }

    @Test
    void splitIsExactDisjointAndSeeded() {
        InMemoryDataset d = DataLoaderTest.counting(1000);
        for (int validation : new int[] {0, 1, 137, 999, 1000}) {
            TrainValidationSplit split = TrainValidationSplit.of(d, validation, 17);
            assertEquals(validation, split.validation().size());
            assertEquals(1000 - validation, split.train().size());
            BitSet seen = new BitSet();
            for (Dataset part : new Dataset[] {split.train(), split.validation()}) {
                for (int i = 0; i < part.size(); i++) {
                    int index = original(part, i);
                    assertFalse(seen.get(index), "sample " + index + " in both parts (validation " + validation + ")");
                    seen.set(index);
                }
            }
            assertEquals(1000, seen.cardinality());
        }
        int[] a = indices(TrainValidationSplit.of(d, 100, 17).validation());
        assertArrayEquals(a, indices(TrainValidationSplit.of(d, 100, 17).validation()), "same seed, same split");
        assertFalse(Arrays.equals(a, indices(TrainValidationSplit.of(d, 100, 18).validation())), "seeds 17 and 18 agree");
        assertFalse(Arrays.equals(a, java.util.stream.IntStream.range(0, 100).toArray()), "split not random");
        assertEquals(150, TrainValidationSplit.ofFraction(d, 0.15, 1).validation().size());
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.of(d, 1001, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.ofFraction(d, 1.5, 1));
        assertThrows(IllegalArgumentException.class, () -> TrainValidationSplit.ofFraction(d, Double.NaN, 1));
    }

    /** The counting dataset's sample i starts with value 4i. */
    private static int original(Dataset part, int i) {
        float[] f = new float[4];
        part.copyFeatures(i, f, 0);
        return (int) f[0] / 4;
    }

    private static int[] indices(Dataset part) {
        int[] r = new int[part.size()];
        Arrays.setAll(r, i -> original(part, i));
        return r;
    }
}
