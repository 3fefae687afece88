package org.jdnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CIFAR-10 binary reader on small files written here: a few records per file. */
class Cifar10Test {
    @TempDir
    Path dir;

    /**
     * Record r of file f: label (f + r) % 10; the red plane all {@code 10 f + r}, the green plane its pixel
     * index (mod 256), the blue plane 255.
     */
    private static byte[] records(int file, int count) {
        byte[] data = new byte[count * Cifar10.RECORD_BYTES];
        for (int r = 0; r < count; r++) {
            int base = r * Cifar10.RECORD_BYTES;
            data[base] = (byte) ((file + r) % 10);
            for (int p = 0; p < 1024; p++) {
                data[base + 1 + p] = (byte) (10 * file + r);
                data[base + 1 + 1024 + p] = (byte) p;
                data[base + 1 + 2048 + p] = (byte) 255;
            }
        }
        return data;
    }

    /** Five training files of 2, 3, 1, 2, 2 records and a test file of 3. */
    private Path writeAll(Path target) throws IOException {
        Files.createDirectories(target);
        int[] counts = {2, 3, 1, 2, 2};
        for (int f = 0; f < 5; f++) {
            Files.write(target.resolve(Cifar10.TRAIN_FILES.get(f)), records(f + 1, counts[f]));
        }
        Files.write(target.resolve(Cifar10.TEST_FILE), records(0, 3));
        return target;
    }

    @Test
    void readsRecordsAsChwImagesInTheUnitRange() throws IOException {
        writeAll(dir);
        assertTrue(Cifar10.isAvailable(dir));
        Cifar10.Splits data = Cifar10.load(dir);
        assertEquals(10, data.train().size());
        assertEquals(3, data.test().size());
        assertArrayEquals(new long[] {3, 32, 32}, data.train().sampleShape());
        assertSame(Cifar10.CLASSES, data.classes(), "no batches.meta.txt: the standard names");
        // Training samples follow file order: sample 2 is record 0 of data_batch_2.bin.
        int[] expectedLabels = {1, 2, 2, 3, 4, 3, 4, 5, 5, 6};
        for (int i = 0; i < 10; i++) {
            assertEquals(expectedLabels[i], data.train().label(i), "label of sample " + i);
        }
        float[] sample = new float[3072];
        data.train().copyFeatures(3, sample, 0); // record 1 of data_batch_2.bin
        assertEquals(21 / 255f, sample[0], 1e-7f, "red, row 0 column 0");
        assertEquals(21 / 255f, sample[1023], 1e-7f, "red, row 31 column 31");
        assertEquals(0f, sample[1024], "green pixel 0");
        assertEquals(33 / 255f, sample[1024 + 32 + 1], 1e-7f, "green, row 1 column 1");
        assertEquals(1f, sample[2048], "blue pixel 0 (byte 255)");
        assertEquals(1f, sample[3071], "blue pixel 1023");
        data.test().copyFeatures(2, sample, 0);
        assertEquals(2 / 255f, sample[5], 1e-7f, "test record 2, red");
        assertEquals(2, data.test().label(2));
    }

    @Test
    void findsTheArchiveFolderAndReadsClassNames() throws IOException {
        Path nested = writeAll(dir.resolve(Cifar10.ARCHIVE_FOLDER));
        List<String> names = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            names.add("class-" + c);
        }
        Files.writeString(nested.resolve(Cifar10.META_FILE), String.join("\n", names) + "\n\n");
        assertTrue(Cifar10.isAvailable(dir));
        Cifar10.Splits data = Cifar10.load(dir);
        assertEquals(names, data.classes());
        assertEquals(3, Cifar10.load(dir, Cifar10.Part.TEST).size());

        Files.writeString(nested.resolve(Cifar10.META_FILE), "airplane\nautomobile\n");
        var e = assertThrows(DataFileException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("batches.meta.txt: 2 class names"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamedWithHowToGetIt() throws IOException {
        writeAll(dir);
        Files.delete(dir.resolve("data_batch_4.bin"));
        assertFalse(Cifar10.isAvailable(dir));
        assertEquals(3, Cifar10.load(dir, Cifar10.Part.TEST).size(), "the test part is complete");
        var e = assertThrows(NoSuchFileException.class, () -> Cifar10.load(dir));
        assertTrue(e.getMessage().contains("data_batch_4.bin not found in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("cifar-10-binary.tar.gz"), e.getMessage());
    }

    @Test
    void aTruncatedFileIsNamedWithTheByteOffset() throws IOException {
        writeAll(dir);
        byte[] three = records(3, 3);
        Files.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(three, 2 * Cifar10.RECORD_BYTES + 100));
        var e = assertThrows(DataFileException.class, () -> Cifar10.load(dir, Cifar10.Part.TRAIN));
        assertTrue(e.getMessage().startsWith("data_batch_3.bin: truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("record 2 at byte offset 6146 has only 100 bytes"), e.getMessage());

        Files.write(dir.resolve("test_batch.bin"), new byte[0]);
        e = assertThrows(DataFileException.class, () -> Cifar10.load(dir, Cifar10.Part.TEST));
        assertTrue(e.getMessage().contains("test_batch.bin: empty file"), e.getMessage());
    }

    @Test
    void aLabelOutsideTheTenClassesIsNamedWithTheByteOffset() throws IOException {
        writeAll(dir);
        byte[] test = records(0, 3);
        test[2 * Cifar10.RECORD_BYTES] = 10;
        Files.write(dir.resolve(Cifar10.TEST_FILE), test);
        var e = assertThrows(DataFileException.class, () -> Cifar10.load(dir, Cifar10.Part.TEST));
        assertEquals("test_batch.bin: label 10 of record 2 at byte offset 6146 is outside 0..9", e.getMessage());
    }

    @Test
    void trainsThroughAnAugmentingPrefetchingLoader() throws IOException {
        writeAll(dir);
        Cifar10.Splits data = Cifar10.load(dir);
        try (DataLoader loader = DataLoader.builder(data.train()).batchSize(4).shuffle(1).prefetch(2)
                .transform(Compose.of(RandomCrop.of(32, 4), RandomHorizontalFlip.of(), Cifar10.NORMALIZE)).build()) {
            int samples = 0;
            for (Batch b : loader.epoch(0)) {
                assertArrayEquals(new long[] {b.size(), 3, 32, 32}, b.featureShape());
                for (int k = 0; k < b.size(); k++) {
                    // Blue is 1 inside the image and 0 in the padding: normalized, one of two values.
                    float blue = b.featureArray()[k * 3072 + 2048 + 16 * 32 + 16]; // the centre never leaves the image
                    assertEquals((1 - 0.4465f) / 0.2616f, blue, 1e-5f, "blue centre of sample " + b.indexArray()[k]);
                }
                samples += b.size();
            }
            assertEquals(10, samples);
        }
    }
}
