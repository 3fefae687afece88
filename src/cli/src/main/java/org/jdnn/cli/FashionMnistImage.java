package org.jdnn.cli;

import java.awt.image.BufferedImage;

/**
 * Turns any picture into a 28x28 greyscale image the way Zalando made Fashion-MNIST from product photos: trim the
 * edges that are close to the corner colour (within 5 % of full intensity), scale the longest edge to 28 pixels,
 * centre it on a 28x28 canvas, negate (a light object on a black background) and keep 8-bit grey levels.
 *
 * <p>Two differences from Zalando's pipeline, both to stay predictable for any input: the scaling averages the
 * pixels it covers (area resampling) rather than skipping rows and columns, and there is no sharpening step.
 * Negation is decided by the background ({@link Invert#AUTO}): a photo on a light background is negated, an image
 * already light-on-dark (such as a Fashion-MNIST sample saved as PNG) is not. Transparent pixels count as white.
 */
final class FashionMnistImage {
    static final int SIZE = 28;
    /** Zalando's trimming threshold: 5 % of the largest intensity. */
    private static final double TRIM_THRESHOLD = 0.05 * 255;

    /** Whether to negate the grey levels. */
    enum Invert {
        /** Negate when the background (the mean of the border pixels) is light. */
        AUTO,
        /** Always negate: the picture is a dark object on a light background. */
        YES,
        /** Never negate: the picture already is a light object on a dark background. */
        NO
    }

    private FashionMnistImage() {
    }

    /** The 784 grey levels (0 to 255, row-major) of {@code image} in Fashion-MNIST's convention. */
    static int[] convert(BufferedImage image, Invert invert) {
        int width = image.getWidth();
        int height = image.getHeight();
        double[] grey = new double[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                grey[y * width + x] = luma(image.getRGB(x, y));
            }
        }
        double background = borderMean(grey, width, height);
        boolean negate = switch (invert) {
            case AUTO -> background > 127.5;
            case YES -> true;
            case NO -> false;
        };
        double corner = cornerValue(grey, width, height);
        int[] box = trim(grey, width, height, corner);
        int boxWidth = box[2] - box[0];
        int boxHeight = box[3] - box[1];
        double scale = (double) SIZE / Math.max(boxWidth, boxHeight);
        int outWidth = Math.clamp(Math.round(boxWidth * scale), 1, SIZE);
        int outHeight = Math.clamp(Math.round(boxHeight * scale), 1, SIZE);
        double[] scaled = resample(grey, width, box, outWidth, outHeight);

        int[] result = new int[SIZE * SIZE];
        double fill = negate ? 255 - corner : corner; // the canvas extends the background the trimming removed
        java.util.Arrays.fill(result, (int) Math.round(Math.clamp(fill, 0, 255)));
        int left = (SIZE - outWidth) / 2;
        int top = (SIZE - outHeight) / 2;
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth; x++) {
                double v = scaled[y * outWidth + x];
                result[(top + y) * SIZE + left + x] = (int) Math.round(Math.clamp(negate ? 255 - v : v, 0, 255));
            }
        }
        return result;
    }

    /** ITU-R 601 luma (as PIL's convert("L")), with transparency composited over white. */
    private static double luma(int argb) {
        double alpha = ((argb >>> 24) & 0xFF) / 255.0;
        double r = (argb >> 16) & 0xFF;
        double g = (argb >> 8) & 0xFF;
        double b = argb & 0xFF;
        double y = 0.299 * r + 0.587 * g + 0.114 * b;
        return alpha * y + (1 - alpha) * 255;
    }

    private static double borderMean(double[] grey, int width, int height) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (y == 0 || y == height - 1 || x == 0 || x == width - 1) {
                    sum += grey[y * width + x];
                    count++;
                }
            }
        }
        return sum / count;
    }

    private static double cornerValue(double[] grey, int width, int height) {
        return (grey[0] + grey[width - 1] + grey[(height - 1) * width] + grey[height * width - 1]) / 4;
    }

    /** The bounding box {x0, y0, x1, y1} (exclusive ends) of the pixels that differ from {@code corner}; all if none do. */
    private static int[] trim(double[] grey, int width, int height, double corner) {
        int x0 = width;
        int y0 = height;
        int x1 = 0;
        int y1 = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (Math.abs(grey[y * width + x] - corner) > TRIM_THRESHOLD) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x + 1);
                    y1 = Math.max(y1, y + 1);
                }
            }
        }
        return x1 == 0 ? new int[] {0, 0, width, height} : new int[] {x0, y0, x1, y1};
    }

    /**
     * Area resampling of the box of {@code grey} to outWidth x outHeight, separably (rows, then columns): each output
     * pixel is the mean of the source area it covers, fractional pixels weighted by their overlap.
     */
    private static double[] resample(double[] grey, int width, int[] box, int outWidth, int outHeight) {
        int boxWidth = box[2] - box[0];
        int boxHeight = box[3] - box[1];
        double[] rows = new double[boxHeight * outWidth];
        for (int sy = 0; sy < boxHeight; sy++) {
            int rowStart = (box[1] + sy) * width + box[0];
            for (int ox = 0; ox < outWidth; ox++) {
                rows[sy * outWidth + ox] = average(grey, rowStart, 1, boxWidth, outWidth, ox);
            }
        }
        double[] out = new double[outWidth * outHeight];
        for (int oy = 0; oy < outHeight; oy++) {
            for (int ox = 0; ox < outWidth; ox++) {
                out[oy * outWidth + ox] = average(rows, ox, outWidth, boxHeight, outHeight, oy);
            }
        }
        return out;
    }

    /** The mean of {@code values[start + s * stride]} over the part [o, o+1) * in/out of the in source samples. */
    private static double average(double[] values, int start, int stride, int in, int out, int o) {
        double step = (double) in / out;
        double from = o * step;
        double to = (o + 1) * step;
        double sum = 0;
        double total = 0;
        for (int s = (int) Math.floor(from); s < Math.min(in, (int) Math.ceil(to)); s++) {
            double w = Math.min(to, s + 1) - Math.max(from, s);
            if (w > 0) {
                sum += w * values[start + s * stride];
                total += w;
            }
        }
        return sum / total;
    }
}
