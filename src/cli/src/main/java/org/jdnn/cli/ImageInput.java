package org.jdnn.cli;

import org.jdnn.data.DataFileException;
import org.jdnn.data.IdxArray;
import org.jdnn.data.IdxReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One image for {@code predict}, as 28x28 grey levels (0 to 255) in Fashion-MNIST's convention: from a PNG (or any
 * format ImageIO reads: JPEG, GIF, BMP), converted by {@link FashionMnistImage}, or image {@code index} of an IDX
 * image file (raw or gzipped), taken as it is.
 */
record ImageInput(String source, int[] pixels) {
    /** Pictures above this many pixels are refused rather than decoded into gigabytes. */
    static final long MAX_PIXELS = 50_000_000L;

    /** Whether {@code file} starts as an IDX file (two zero bytes, then a type byte) or a gzip stream does. */
    static boolean looksLikeIdx(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(3);
            return head.length >= 2 && ((head[0] == 0 && head[1] == 0) || ((head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b));
        }
    }

    /** The number of images in an IDX image file (its first dimension). */
    static IdxArray readIdx(Path file) throws IOException {
        IdxArray images = IdxReader.readImages(file);
        if (images.dim(1) != FashionMnistImage.SIZE || images.dim(2) != FashionMnistImage.SIZE) {
            throw new DataFileException(file + ": the images are " + images.dim(1) + "x" + images.dim(2)
                    + " pixels; the models take 28x28 (convert them to PNG to have them resized)");
        }
        return images;
    }

    static ImageInput fromIdx(IdxArray images, Path file, int index) {
        int[] pixels = new int[FashionMnistImage.SIZE * FashionMnistImage.SIZE];
        int offset = index * pixels.length;
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = images.data()[offset + i] & 0xFF;
        }
        return new ImageInput(file + "[" + index + "]", pixels);
    }

    static ImageInput fromPicture(Path file, FashionMnistImage.Invert invert) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataFileException(file + ": cannot decode the image (" + e.getMessage() + ")");
        }
        if (image == null) {
            throw new DataFileException(file + ": neither an image ImageIO reads (PNG, JPEG, GIF, BMP) nor an IDX file");
        }
        if ((long) image.getWidth() * image.getHeight() > MAX_PIXELS) {
            throw new DataFileException(file + ": " + image.getWidth() + "x" + image.getHeight()
                    + " pixels is more than the " + MAX_PIXELS + " accepted; scale it down first");
        }
        return new ImageInput(file.toString(), FashionMnistImage.convert(image, invert));
    }

    /** The pixels scaled to [0, 1], as the data loader gives them before normalisation. */
    float[] scaled() {
        float[] values = new float[pixels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = pixels[i] / 255f;
        }
        return values;
    }
}
