package org.jdnn.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 in its binary format (the {@code cifar-10-binary.tar.gz} archive from
 * https://www.cs.toronto.edu/~kriz/cifar.html, extracted): 50,000 training images in
 * {@code data_batch_1.bin} .. {@code data_batch_5.bin}, 10,000 test images in {@code test_batch.bin}, and the
 * class names in {@code batches.meta.txt}.
 *
 * <p>Each file is a sequence of 3,073-byte records: one label byte (0..9), then the 32x32 image as three
 * 1,024-byte planes, red, green, blue, rows top to bottom. That is already CHW, so samples have shape
 * {@code [3, 32, 32]}, pixels scaled to [0, 1] (kept as bytes: 154 MB for the training set). Files with fewer
 * or more records than the published 10,000 are accepted; a file whose length is not a whole number of
 * records, or a label outside 0..9, is a {@link DataFileException} naming the file and the byte offset.
 * Nothing is ever downloaded.
 */
public final class Cifar10 {
    /** The class names, by label, as in {@code batches.meta.txt}. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    public static final int CHANNELS = 3;
    public static final int ROWS = 32;
    public static final int COLUMNS = 32;
    /** The bytes of one image: three planes of 32x32. */
    public static final int IMAGE_BYTES = CHANNELS * ROWS * COLUMNS;
    /** The bytes of one record: the label byte and the image. */
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    /** The training files, in the order their samples are numbered. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String META_FILE = "batches.meta.txt";
    /** The folder the archive extracts to; {@link #load(Path)} also looks inside it. */
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";
    /**
     * The usual per-channel normalization of the training set's pixels in [0, 1] (mean and standard
     * deviation of each of R, G, B over the 50,000 training images).
     */
    public static final Normalize NORMALIZE = Normalize.perChannel(new float[] {0.4914f, 0.4822f, 0.4465f},
            new float[] {0.2470f, 0.2435f, 0.2616f});

    /** The two parts of the dataset. */
    public enum Part {
        TRAIN(TRAIN_FILES), TEST(List.of(TEST_FILE));

        private final List<String> files;

        Part(List<String> files) {
            this.files = files;
        }

        /** The file names of this part, in order. */
        public List<String> files() {
            return files;
        }
    }

    /**
     * Both parts and the class names.
     *
     * @param train   the samples of the five training files, in file order
     * @param test    the samples of the test file
     * @param classes the class names by label, from {@code batches.meta.txt} when present
     */
    public record Splits(UnsignedByteDataset train, UnsignedByteDataset test, List<String> classes) {
    }

    private Cifar10() {
    }

    /** The {@code jdnn.data.cifar10} system property, else {@code cifar-10-batches-bin} in the working directory. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("jdnn.data.cifar10", ARCHIVE_FOLDER));
    }

    /** Whether all six data files are in {@code directory} or in its {@code cifar-10-batches-bin} folder. */
    public static boolean isAvailable(Path directory) {
        Path dir = resolve(directory);
        for (Part part : Part.values()) {
            for (String name : part.files) {
                if (!Files.isRegularFile(dir.resolve(name))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads both parts and the class names from {@code directory} (or its {@code cifar-10-batches-bin}). */
    public static Splits load(Path directory) throws IOException {
        Path dir = resolve(directory);
        List<String> classes = classes(dir);
        return new Splits(load(dir, Part.TRAIN), load(dir, Part.TEST), classes);
    }

    /**
     * Reads one part. Throws {@link NoSuchFileException} naming the missing file and how to get it, and
     * {@link DataFileException} when a file is truncated or holds a label outside 0..9.
     */
    public static UnsignedByteDataset load(Path directory, Part part) throws IOException {
        Path dir = resolve(directory);
        List<Path> files = new ArrayList<>();
        long records = 0;
        for (String name : part.files) {
            Path file = require(dir, name);
            long size = Files.size(file);
            if (size == 0) {
                throw new DataFileException(name + ": empty file, expected records of " + RECORD_BYTES + " bytes");
            }
            if (size % RECORD_BYTES != 0) {
                long whole = size / RECORD_BYTES;
                throw new DataFileException(name + ": truncated: " + size + " bytes is not a whole number of "
                        + RECORD_BYTES + "-byte records; record " + whole + " at byte offset " + whole * RECORD_BYTES
                        + " has only " + (size - whole * RECORD_BYTES) + " bytes");
            }
            files.add(file);
            records += size / RECORD_BYTES;
        }
        if (records * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new DataFileException(part + " files of " + dir + " hold " + records + " records, more than one "
                    + "array can hold");
        }
        byte[] pixels = new byte[(int) (records * IMAGE_BYTES)];
        int[] labels = new int[(int) records];
        int sample = 0;
        for (Path file : files) {
            sample = read(file, pixels, labels, sample);
        }
        if (sample != records) {
            throw new DataFileException(part + ": read " + sample + " records, the file sizes announced " + records);
        }
        return new UnsignedByteDataset(pixels, new long[] {CHANNELS, ROWS, COLUMNS}, labels, 1f / 255f);
    }

    /** Reads the records of one file into the arrays from sample {@code first}; returns the next sample. */
    private static int read(Path file, byte[] pixels, int[] labels, int first) throws IOException {
        String name = String.valueOf(file.getFileName());
        int sample = first;
        long offset = 0;
        byte[] record = new byte[RECORD_BYTES];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            while (true) {
                int read = in.readNBytes(record, 0, RECORD_BYTES);
                if (read == 0) {
                    return sample;
                }
                if (read < RECORD_BYTES) {
                    // The size was checked before reading: the file changed while it was being read.
                    throw new DataFileException(name + ": truncated: record " + (sample - first) + " at byte offset "
                            + offset + " has only " + read + " of " + RECORD_BYTES + " bytes");
                }
                if (sample >= labels.length) {
                    throw new DataFileException(name + ": grew while being read: more than the announced records "
                            + "at byte offset " + offset);
                }
                int label = record[0] & 0xFF;
                if (label >= CLASSES.size()) {
                    throw new DataFileException(name + ": label " + label + " of record " + (sample - first)
                            + " at byte offset " + offset + " is outside 0.." + (CLASSES.size() - 1));
                }
                labels[sample] = label;
                System.arraycopy(record, 1, pixels, sample * IMAGE_BYTES, IMAGE_BYTES);
                sample++;
                offset += RECORD_BYTES;
            }
        }
    }

    /**
     * The class names of {@code batches.meta.txt} in {@code directory} (one per line, blank lines ignored), or
     * {@link #CLASSES} when the file is absent. A file with other than ten names is a {@link DataFileException}.
     */
    public static List<String> classes(Path directory) throws IOException {
        Path file = resolve(directory).resolve(META_FILE);
        if (!Files.isRegularFile(file)) {
            return CLASSES;
        }
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                names.add(line.strip());
            }
        }
        if (names.size() != CLASSES.size()) {
            throw new DataFileException(META_FILE + ": " + names.size() + " class names, CIFAR-10 has "
                    + CLASSES.size() + " (one per line)");
        }
        return List.copyOf(names);
    }

    /** {@code directory}, or its {@code cifar-10-batches-bin} folder when the files are there instead. */
    private static Path resolve(Path directory) {
        Path nested = directory.resolve(ARCHIVE_FOLDER);
        if (!Files.isRegularFile(directory.resolve(TEST_FILE)) && !Files.isRegularFile(directory.resolve(TRAIN_FILES.get(0)))
                && Files.isDirectory(nested)) {
            return nested;
        }
        return directory;
    }

    private static Path require(Path directory, String name) throws NoSuchFileException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "CIFAR-10 file " + name + " not found in " + directory
                    + ". Download the binary version (cifar-10-binary.tar.gz) from "
                    + "https://www.cs.toronto.edu/~kriz/cifar.html, extract it with `tar xzf cifar-10-binary.tar.gz` "
                    + "and pass the " + ARCHIVE_FOLDER + " folder (or the system property jdnn.data.cifar10)");
        }
        return file;
    }
}
