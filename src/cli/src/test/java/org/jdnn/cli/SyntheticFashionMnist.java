package org.jdnn.cli;

import org.jdnn.testdata.IdxFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a small, learnable stand-in for Fashion-MNIST in its file layout (gzipped IDX): class c is a bright
 * 6x6 square at one of ten positions plus uniform noise, so a model can reach high accuracy in one short epoch.
 */
final class SyntheticFashionMnist {
    private SyntheticFashionMnist() {
    }

    static Path write(Path dir, int trainCount, int testCount, long seed) throws IOException {
        Files.createDirectories(dir);
        write(dir, "train", trainCount, seed);
        write(dir, "t10k", testCount, seed + 1);
        return dir;
    }

    private static void write(Path dir, String prefix, int count, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * 784];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(10);
            labels[i] = (byte) c;
            int top = 3 + (c / 5) * 12;
            int left = 2 + (c % 5) * 5;
            for (int p = 0; p < 784; p++) {
                int row = p / 28;
                int col = p % 28;
                boolean inSquare = row >= top && row < top + 6 && col >= left && col < left + 6;
                int value = inSquare ? 160 + random.nextInt(96) : random.nextInt(90);
                pixels[i * 784 + p] = (byte) value;
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxFiles.gzip(IdxFiles.images(count, 28, 28, pixels)));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxFiles.gzip(IdxFiles.labels(labels)));
    }
}
