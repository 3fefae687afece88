package org.jdnn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST: 60,000 training and 10,000 test greyscale images of 28x28 pixels in 10 classes,
 * read from the four standard IDX files ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}).
 *
 * <p>The default directory is {@value #DEFAULT_DIRECTORY}, where the Debian/Ubuntu package
 * {@code dataset-fashion-mnist} puts them; the system property {@code jdnn.data.fashionMnist} overrides it.
 * Samples have shape {@code [1, 28, 28]} (CHW) with pixels scaled to [0, 1]. Nothing is ever downloaded.
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";
    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int ROWS = 28;
    public static final int COLUMNS = 28;

    /** The two parts of the dataset, by the prefix of their file names. */
    public enum Part {
        TRAIN("train", 60_000), TEST("t10k", 10_000);

        private final String prefix;
        private final int standardSize;

        Part(String prefix, int standardSize) {
            this.prefix = prefix;
            this.standardSize = standardSize;
        }

        /** The number of samples in the published dataset (files with other counts are accepted). */
        public int standardSize() {
            return standardSize;
        }
    }

    private FashionMnist() {
    }

    /** The directory used when none is named: the {@code jdnn.data.fashionMnist} property, else {@value #DEFAULT_DIRECTORY}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("jdnn.data.fashionMnist", DEFAULT_DIRECTORY));
    }

    /** Whether all four files are in {@code directory}. */
    public static boolean isAvailable(Path directory) {
        for (Part part : Part.values()) {
            if (find(directory, part.prefix + "-images-idx3-ubyte") == null
                    || find(directory, part.prefix + "-labels-idx1-ubyte") == null) {
                return false;
            }
        }
        return true;
    }

    /** The training set from the default directory. */
    public static UnsignedByteDataset train() throws IOException {
        return load(defaultDirectory(), Part.TRAIN);
    }

    /** The test set from the default directory. */
    public static UnsignedByteDataset test() throws IOException {
        return load(defaultDirectory(), Part.TEST);
    }

    /**
     * Reads one part from {@code directory}. Throws {@link NoSuchFileException} saying how to get the files
     * when they are missing, and {@link DataFileException} when they are corrupt or inconsistent.
     */
    public static UnsignedByteDataset load(Path directory, Part part) throws IOException {
        Path imagesFile = require(directory, part.prefix + "-images-idx3-ubyte");
        Path labelsFile = require(directory, part.prefix + "-labels-idx1-ubyte");
        IdxArray images = IdxReader.readImages(imagesFile);
        IdxArray labels = IdxReader.readLabels(labelsFile);
        if (images.dim(1) != ROWS || images.dim(2) != COLUMNS) {
            throw new DataFileException(imagesFile.getFileName() + ": images are " + images.dim(1) + "x" + images.dim(2)
                    + ", Fashion-MNIST images are " + ROWS + "x" + COLUMNS);
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new DataFileException(imagesFile.getFileName() + " holds " + images.dim(0) + " images but "
                    + labelsFile.getFileName() + " holds " + labels.dim(0) + " labels");
        }
        byte[] raw = labels.data();
        int[] classes = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            classes[i] = raw[i] & 0xFF;
            if (classes[i] >= CLASSES.size()) {
                throw new DataFileException(labelsFile.getFileName() + ": label " + classes[i] + " of sample " + i
                        + " is outside 0.." + (CLASSES.size() - 1));
            }
        }
        return new UnsignedByteDataset(images.data(), new long[] {1, ROWS, COLUMNS}, classes, 1f / 255f);
    }

    private static Path require(Path directory, String baseName) throws NoSuchFileException {
        Path file = find(directory, baseName);
        if (file == null) {
            throw new NoSuchFileException(directory.resolve(baseName + ".gz").toString(), null,
                    "Fashion-MNIST not found: neither " + baseName + ".gz nor " + baseName + " is in " + directory
                            + ". Install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; files go to "
                            + DEFAULT_DIRECTORY + "), or put the four IDX files from "
                            + "https://github.com/zalandoresearch/fashion-mnist in a directory and pass --data DIR");
        }
        return file;
    }

    /** The gzip file if present, else the raw one, else null. */
    private static Path find(Path directory, String baseName) {
        for (String name : new String[] {baseName + ".gz", baseName}) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }
}
