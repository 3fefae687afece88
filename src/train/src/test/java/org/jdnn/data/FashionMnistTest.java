package org.jdnn.data;

import org.jdnn.testdata.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.jdnn.testdata.IdxFiles.bytes;
import static org.jdnn.testdata.IdxFiles.gzip;
import static org.jdnn.testdata.IdxFiles.images;
import static org.jdnn.testdata.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fashion-MNIST loading from small fake directories, and from the real files when they are installed. */
class FashionMnistTest {
    @TempDir
    Path dir;

    private void writePart(String prefix, int count, byte[] labelBytes, boolean compressed) throws IOException {
        byte[] img = images(count, 28, 28, bytes(count * 784, count));
        byte[] lab = labels(labelBytes);
        String suffix = compressed ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), compressed ? gzip(img) : img);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), compressed ? gzip(lab) : lab);
    }

    @Test
    void loadsGzipAndRawFilesFromANamedDirectory() throws IOException {
        writePart("train", 5, new byte[] {9, 0, 0, 3, 1}, true);
        writePart("t10k", 2, new byte[] {7, 8}, false);
        assertTrue(FashionMnist.isAvailable(dir));
        UnsignedByteDataset train = FashionMnist.load(dir, FashionMnist.Part.TRAIN);
        assertEquals(5, train.size());
        assertArrayEquals(new long[] {1, 28, 28}, train.sampleShape());
        assertEquals(9, train.label(0));
        assertEquals(3, train.label(3));
        float[] sample = new float[784];
        train.copyFeatures(2, sample, 0);
        byte[] expected = bytes(5 * 784, 5);
        for (int j = 0; j < 784; j++) {
            assertEquals((expected[2 * 784 + j] & 0xFF) / 255f, sample[j], 1e-7f, "pixel " + j);
        }
        assertEquals(2, FashionMnist.load(dir, FashionMnist.Part.TEST).size());
    }

    @Test
    void missingFilesSayHowToGetThem() throws IOException {
        writePart("train", 1, new byte[] {0}, true);
        assertFalse(FashionMnist.isAvailable(dir));
        var e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, FashionMnist.Part.TEST));
        String m = e.getMessage();
        assertTrue(m.contains("t10k-images-idx3-ubyte") && m.contains(dir.toString())
                && m.contains("apt-get install dataset-fashion-mnist") && m.contains("--data DIR"), m);
    }

    @Test
    void inconsistentFilesAreRejected() throws IOException {
        writePart("train", 3, new byte[] {1, 2}, true);
        var e = assertThrows(DataFileException.class, () -> FashionMnist.load(dir, FashionMnist.Part.TRAIN));
        assertTrue(e.getMessage().contains("3 images") && e.getMessage().contains("2 labels"), e.getMessage());

        writePart("train", 2, new byte[] {1, 10}, true);
        e = assertThrows(DataFileException.class, () -> FashionMnist.load(dir, FashionMnist.Part.TRAIN));
        assertTrue(e.getMessage().contains("label 10 of sample 1"), e.getMessage());

        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(2, 32, 32, new byte[2 * 1024])));
        e = assertThrows(DataFileException.class, () -> FashionMnist.load(dir, FashionMnist.Part.TRAIN));
        assertTrue(e.getMessage().contains("32x32"), e.getMessage());
    }

    /**
     * The real dataset (Debian package dataset-fashion-mnist): the published counts, a balanced class
     * histogram, and the published pixel mean 0.2860 / std 0.3530 of the training set (to 1e-3).
     */
    @Test
    void realFilesWhenInstalled() throws IOException {
        Path real = FashionMnist.defaultDirectory();
        assumeTrue(FashionMnist.isAvailable(real), "Fashion-MNIST is not installed in " + real
                + " (apt-get install dataset-fashion-mnist, or -Djdnn.data.fashionMnist=DIR): real-file test skipped");
        UnsignedByteDataset train = FashionMnist.train();
        UnsignedByteDataset test = FashionMnist.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
        int[] histogram = new int[10];
        for (int i = 0; i < train.size(); i++) {
            histogram[train.label(i)]++;
        }
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, histogram);
        Normalize stats = Normalize.fit(train);
        assertEquals(0.2860, stats.mean()[0], 1e-3);
        assertEquals(0.3530, stats.std()[0], 1e-3);
    }
}
