package org.jdnn.data;

import org.jdnn.testdata.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.jdnn.testdata.IdxFiles.bytes;
import static org.jdnn.testdata.IdxFiles.gzip;
import static org.jdnn.testdata.IdxFiles.idx;
import static org.jdnn.testdata.IdxFiles.images;
import static org.jdnn.testdata.IdxFiles.labels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IDX reading: raw and gzip files written by the test, and every kind of broken file. */
class IdxReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void readsRawAndGzipImagesAndLabels() throws IOException {
        byte[] pixels = bytes(3 * 4 * 5, 7);
        byte[] labelBytes = {9, 0, (byte) 200};
        for (boolean compressed : new boolean[] {false, true}) {
            byte[] img = images(3, 4, 5, pixels);
            byte[] lab = labels(labelBytes);
            // The name never says ".gz" here: compression is recognised by the magic bytes alone.
            IdxArray images = IdxReader.readImages(file("img" + compressed, compressed ? gzip(img) : img));
            IdxArray labels = IdxReader.readLabels(file("lab" + compressed, compressed ? gzip(lab) : lab));
            assertArrayEquals(new int[] {3, 4, 5}, images.dims(), "gzip=" + compressed);
            assertArrayEquals(pixels, images.data(), "gzip=" + compressed);
            assertArrayEquals(new int[] {3}, labels.dims());
            assertArrayEquals(labelBytes, labels.data());
            assertEquals(200, labels.data()[2] & 0xFF);
        }
    }

    @Test
    void readsEmptyAndHigherRankFiles() throws IOException {
        assertEquals(0, IdxReader.readImages(file("empty", images(0, 28, 28, new byte[0]))).data().length);
        IdxArray rank4 = IdxReader.read(file("r4", idx(0x804, new int[] {2, 1, 2, 3}, bytes(12, 1))));
        assertArrayEquals(new int[] {2, 1, 2, 3}, rank4.dims());
    }

    @Test
    void truncatedDataNamesFileAndCounts() throws IOException {
        byte[] full = images(10, 28, 28, bytes(10 * 784, 3));
        Path raw = file("train-images-idx3-ubyte", Arrays.copyOf(full, 16 + 1200));
        var e = assertThrows(DataFileException.class, () -> IdxReader.readImages(raw));
        assertMessage(e, "train-images-idx3-ubyte:", "expected 7840 pixel bytes", "ends after 1200");

        // A complete gzip stream whose content is short: the count is of decompressed bytes.
        Path gz = file("train-images-idx3-ubyte.gz", gzip(Arrays.copyOf(full, 16 + 1200)));
        e = assertThrows(DataFileException.class, () -> IdxReader.readImages(gz));
        assertMessage(e, "train-images-idx3-ubyte.gz:", "expected 7840 pixel bytes", "decompressed data ends after 1200");
    }

    @Test
    void truncatedOrCorruptGzipIsReported() throws IOException {
        byte[] compressed = gzip(images(10, 28, 28, bytes(10 * 784, 4)));
        Path cut = file("cut.gz", Arrays.copyOf(compressed, compressed.length / 2));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(cut)), "cut.gz:", "gzip");

        byte[] badCrc = compressed.clone();
        badCrc[badCrc.length - 6] ^= 0x5A; // inside the CRC-32 of the gzip trailer
        Path crc = file("crc.gz", badCrc);
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(crc)), "crc.gz:", "gzip");
    }

    @Test
    void truncatedHeader() throws IOException {
        Path f = file("short", Arrays.copyOf(images(1, 2, 2, new byte[4]), 10));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(f)),
                "short:", "header truncated", "ends after 10 bytes", "dimension 1 of 3");
        Path empty = file("empty", new byte[0]);
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(empty)), "magic number");
    }

    @Test
    void badMagicIsRejected() throws IOException {
        Path f = file("notidx", idx(0x12345678, new int[] {}, new byte[8]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(f)),
                "notidx:", "not an IDX file", "0x12345678");
    }

    @Test
    void otherElementTypesAreRejected() throws IOException {
        Path f = file("floats", idx(0x00000D03, new int[] {1, 1, 1}, new byte[4]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(f)),
                "floats:", "0x0D", "float", "only unsigned bytes (0x08)");
        Path g = file("ints", idx(0x00000C01, new int[] {1}, new byte[4]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(g)), "0x0C", "int");
    }

    @Test
    void wrongRankIsRejected() throws IOException {
        Path labelsFile = file("train-labels-idx1-ubyte", labels(new byte[] {1, 2}));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(labelsFile)),
                "train-labels-idx1-ubyte:", "expected a 3-dimensional", "0x00000803", "found 1");
        Path imagesFile = file("imgs", images(1, 1, 1, new byte[1]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(imagesFile)), "expected a 1-dimensional");
    }

    @Test
    void trailingBytesAndBadDimensionsAreRejected() throws IOException {
        byte[] ok = labels(new byte[] {1, 2, 3});
        Path trailing = file("trailing", Arrays.copyOf(ok, ok.length + 5));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(trailing)),
                "trailing:", "5 unexpected bytes", "3 label bytes");
        Path negative = file("negative", idx(0x801, new int[] {-1}, new byte[0]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(negative)), "negative");
        Path huge = file("huge", idx(0x803, new int[] {65536, 65536, 1}, new byte[0]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(huge)), "huge:", "2^31");
        Path wrongCount = file("wrongcount", idx(0x801, new int[] {5}, new byte[3]));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readLabels(wrongCount)),
                "expected 5 label bytes", "file ends after 3");
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> IdxReader.readImages(dir.resolve("absent")));
    }
}
