package org.jdnn.train.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Draws a confusion matrix with Java2D: a grid of cells (row = actual class, first class on top; column =
 * predicted class), each shaded by its share of the actual class (so a rare class's errors are as visible as a
 * common one's) and labelled with its count in a colour that contrasts with the shade, every class name on both
 * axes, the per-class recall at the end of each row, and a colour bar.
 *
 * <p>Drawn by hand rather than with XChart's heat map because that one thins out the category labels, colours by
 * raw count and writes every count in one colour, which made a 10-class matrix hard to read.
 */
final class ConfusionMatrixImage {
    private static final Color LOW = new Color(0xf7fbff);
    private static final Color HIGH = new Color(0x08306b);
    private static final Color GRID = new Color(0xd0d0d0);
    private static final int PAD = 16;

    private ConfusionMatrixImage() {
    }

    static BufferedImage render(ConfusionMatrix matrix, List<String> names) {
        int n = matrix.classes();
        long[][] counts = matrix.counts();
        int cell = Math.max(8, Math.min(64, 720 / n));
        boolean showCounts = cell >= 28;
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 18);
        Font subtitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(13, Math.max(8, cell / 3)));
        Font axisFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        Font countFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(14, Math.max(9, cell / 4)));

        // Measure the labels on a scratch image first: the margins depend on them.
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        FontMetrics lm = sg.getFontMetrics(labelFont);
        int labelWidth = 0;
        for (String name : names) {
            labelWidth = Math.max(labelWidth, lm.stringWidth(name));
        }
        int recallWidth = sg.getFontMetrics(countFont).stringWidth("100.0%") + 8;
        sg.dispose();

        int axisTitle = 24;
        int left = PAD + axisTitle + labelWidth + 8;
        int top = 76;
        int grid = n * cell;
        // Column labels are rotated 45 degrees: they need about labelWidth * sin(45) below the grid.
        int bottom = (int) Math.ceil(labelWidth * 0.7072) + lm.getHeight() + axisTitle + PAD + 8;
        int colorBarX = left + grid + recallWidth + 24;
        int width = Math.max(colorBarX + 20 + 70, 520);
        int height = top + grid + bottom;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);

            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            centered(g, "Confusion matrix", width / 2, 30);
            g.setFont(subtitleFont);
            centered(g, String.format(Locale.ROOT, "accuracy %.2f%% on %,d samples; shade = share of the actual class (row)",
                    100 * matrix.accuracy(), matrix.total()), width / 2, 52);

            for (int a = 0; a < n; a++) {
                long support = matrix.support(a);
                for (int p = 0; p < n; p++) {
                    double share = support == 0 ? 0 : (double) counts[a][p] / support;
                    int x = left + p * cell;
                    int y = top + a * cell;
                    g.setColor(shade(share));
                    g.fillRect(x, y, cell, cell);
                    if (showCounts) {
                        g.setFont(countFont);
                        g.setColor(share > 0.45 ? Color.WHITE : Color.BLACK);
                        centered(g, Long.toString(counts[a][p]), x + cell / 2, y + cell / 2 + g.getFontMetrics().getAscent() / 2 - 1);
                    }
                }
                // Recall beside each row.
                double recall = matrix.recall(a);
                g.setFont(countFont);
                g.setColor(Color.DARK_GRAY);
                g.drawString(Double.isNaN(recall) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * recall), left + grid + 6,
                        top + a * cell + cell / 2 + g.getFontMetrics().getAscent() / 2 - 1);
            }
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            for (int i = 0; i <= n; i++) {
                g.drawLine(left, top + i * cell, left + grid, top + i * cell);
                g.drawLine(left + i * cell, top, left + i * cell, top + grid);
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(countFont);
            g.drawString("recall", left + grid + 6, top - 8);

            // Row names, right-aligned against the grid.
            g.setColor(Color.BLACK);
            g.setFont(labelFont);
            for (int a = 0; a < n; a++) {
                String name = names.get(a);
                g.drawString(name, left - 8 - lm.stringWidth(name), top + a * cell + cell / 2 + lm.getAscent() / 2 - 1);
            }
            // Column names, rotated so long names fit; each ends under its column's centre.
            AffineTransform plain = g.getTransform();
            for (int p = 0; p < n; p++) {
                String name = names.get(p);
                int cx = left + p * cell + cell / 2 + lm.getAscent() / 3;
                int cy = top + grid + 8;
                g.translate(cx, cy);
                g.rotate(-Math.PI / 4);
                g.drawString(name, -lm.stringWidth(name), 0);
                g.setTransform(plain);
            }

            g.setFont(axisFont);
            centered(g, "predicted class", left + grid / 2, height - PAD);
            g.translate(PAD + 14, top + grid / 2);
            g.rotate(-Math.PI / 2);
            centered(g, "actual class", 0, 0);
            g.setTransform(plain);

            colorBar(g, colorBarX, top, Math.min(grid, 300), labelFont);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void colorBar(Graphics2D g, int x, int y, int h, Font font) {
        int w = 16;
        for (int i = 0; i < h; i++) {
            g.setColor(shade(1 - (double) i / (h - 1)));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, y, w, h);
        g.setColor(Color.BLACK);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (int pct = 0; pct <= 100; pct += 25) {
            int ty = y + (int) Math.round((1 - pct / 100.0) * h);
            g.drawLine(x + w, ty, x + w + 4, ty);
            g.drawString(pct + "%", x + w + 7, ty + fm.getAscent() / 2 - 1);
        }
    }

    /** Linear blend from {@link #LOW} to {@link #HIGH}; {@code t} in [0, 1]. */
    private static Color shade(double t) {
        double s = Math.clamp(t, 0.0, 1.0);
        return new Color(mix(LOW.getRed(), HIGH.getRed(), s), mix(LOW.getGreen(), HIGH.getGreen(), s),
                mix(LOW.getBlue(), HIGH.getBlue(), s));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    private static void centered(Graphics2D g, String text, int cx, int baseline) {
        g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
