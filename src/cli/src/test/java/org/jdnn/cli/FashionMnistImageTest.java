package org.jdnn.cli;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pictures become 28x28 grey images as Fashion-MNIST's were made: trimmed, scaled to fit, centred, negated. */
class FashionMnistImageTest {

    /** A w x h picture of {@code background} with a filled rectangle of {@code object} at (x, y, rw, rh). */
    private static BufferedImage picture(int w, int h, int type, Color background, Color object, int x, int y, int rw, int rh) {
        BufferedImage image = new BufferedImage(w, h, type);
        Graphics2D g = image.createGraphics();
        g.setComposite(java.awt.AlphaComposite.Src);
        g.setColor(background);
        g.fillRect(0, 0, w, h);
        g.setColor(object);
        g.fillRect(x, y, rw, rh);
        g.dispose();
        return image;
    }

    /** The expected result: a block of {@code value} of bw x bh pixels centred on black. */
    private static int[] centredBlock(int bw, int bh, int value) {
        int[] expected = new int[28 * 28];
        int left = (28 - bw) / 2;
        int top = (28 - bh) / 2;
        for (int y = top; y < top + bh; y++) {
            for (int x = left; x < left + bw; x++) {
                expected[y * 28 + x] = value;
            }
        }
        return expected;
    }

    @Test
    void aDarkObjectOnWhiteIsTrimmedScaledToFitCentredAndNegated() {
        // an 80x40 black rectangle off-centre on a white 300x200 photo: its longest edge becomes 28, the other 14
        BufferedImage photo = picture(300, 200, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.BLACK, 30, 120, 80, 40);
        assertArrayEquals(centredBlock(28, 14, 255), FashionMnistImage.convert(photo, FashionMnistImage.Invert.AUTO));
    }

    @Test
    void transparencyCountsAsWhiteAndColourBecomesLuma() {
        // opaque pure red (luma 0.299 * 255 = 76.2) on a fully transparent canvas: negated, 255 - 76 = 179
        BufferedImage icon = picture(64, 64, BufferedImage.TYPE_INT_ARGB, new Color(0, 0, 0, 0), Color.RED, 16, 8, 32, 48);
        assertArrayEquals(centredBlock(19, 28, 179), FashionMnistImage.convert(icon, FashionMnistImage.Invert.AUTO));
    }

    @Test
    void aLightObjectOnBlackIsNotNegated() {
        BufferedImage image = picture(56, 56, BufferedImage.TYPE_BYTE_GRAY, Color.BLACK, Color.WHITE, 0, 14, 56, 28);
        assertArrayEquals(centredBlock(28, 14, 255), FashionMnistImage.convert(image, FashionMnistImage.Invert.AUTO));
        int[] forced = FashionMnistImage.convert(image, FashionMnistImage.Invert.YES);
        assertEquals(0, forced[14 * 28 + 14], "a forced negation turns the object dark");
        assertEquals(255, forced[0], "and the canvas light");
    }

    @Test
    void aTwiceEnlargedFashionMnistSampleComesBackExactly() {
        // noise in the corners leaves nothing to trim; halving by area averaging undoes the 2x2 replication
        SplittableRandom random = new SplittableRandom(5);
        int[] sample = new int[28 * 28];
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < sample.length; i++) {
            sample[i] = random.nextInt(256);
            int v = 255 - sample[i]; // saved as a dark-on-light photo
            for (int d = 0; d < 4; d++) {
                image.setRGB(2 * (i % 28) + d % 2, 2 * (i / 28) + d / 2, new Color(v, v, v).getRGB());
            }
        }
        sample[0] = 0; // a light background, so AUTO negates: make the border mostly dark in the sample
        for (int i = 0; i < 28; i++) {
            for (int j : new int[] {i, 27 * 28 + i, i * 28, i * 28 + 27}) {
                sample[j] = random.nextInt(40);
                int v = 255 - sample[j];
                for (int d = 0; d < 4; d++) {
                    image.setRGB(2 * (j % 28) + d % 2, 2 * (j / 28) + d / 2, new Color(v, v, v).getRGB());
                }
            }
        }
        assertArrayEquals(sample, FashionMnistImage.convert(image, FashionMnistImage.Invert.AUTO));
    }

    @Test
    void aBlankPictureStaysBlank() {
        BufferedImage white = picture(10, 30, BufferedImage.TYPE_INT_RGB, Color.WHITE, Color.WHITE, 0, 0, 1, 1);
        assertArrayEquals(new int[28 * 28], FashionMnistImage.convert(white, FashionMnistImage.Invert.AUTO));
    }
}
