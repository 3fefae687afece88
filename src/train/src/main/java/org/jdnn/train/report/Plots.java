package org.jdnn.train.report;

import org.jdnn.train.io.AtomicFiles;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a training run, drawn without a display: loss and accuracy curves per epoch (XChart), and the
 * confusion matrix as a shaded grid with the counts in the cells (Java2D, see {@link ConfusionMatrixImage}).
 *
 * <p>Points that were not measured (NaN, e.g. no validation set) are left out of their curve; a curve with no
 * point is not drawn. Files are written atomically.
 */
public final class Plots {
    static {
        // Before any AWT class loads: charts render into an image, and a server/CI machine has no display.
        // An application that explicitly asked for a display (headless=false) is left alone.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Width of the curve plots in pixels. */
    public static final int CURVE_WIDTH = 900;
    /** Height of the curve plots in pixels. */
    public static final int CURVE_HEIGHT = 560;
    private static final Color TRAIN = new Color(0x1f77b4);
    private static final Color VALIDATION = new Color(0xff7f0e);

    private Plots() {
    }

    /** Training and validation loss per epoch. */
    public static void lossCurves(History history, Path png) throws IOException {
        XYChart chart = curves(history, "Loss per epoch", "loss", EpochRecord::trainLoss, EpochRecord::validationLoss, 1);
        write(chart, png);
    }

    /** Training and validation accuracy (in percent) per epoch. */
    public static void accuracyCurves(History history, Path png) throws IOException {
        XYChart chart = curves(history, "Accuracy per epoch", "accuracy (%)", EpochRecord::trainAccuracy,
                EpochRecord::validationAccuracy, 100);
        write(chart, png);
    }

    /**
     * The confusion matrix as a heat map: rows are the actual classes (first class on top), columns the predicted
     * ones, each cell shows its count.
     *
     * @param classNames one name per class, or an empty list to label classes by their index
     */
    public static void confusionMatrix(ConfusionMatrix matrix, List<String> classNames, Path png) throws IOException {
        BufferedImage image = confusionMatrixImage(matrix, classNames);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("Plots.confusionMatrix: no PNG writer in this JDK");
        }
        AtomicFiles.write(png, bytes.toByteArray());
    }

    /** The picture {@link #confusionMatrix(ConfusionMatrix, List, Path)} writes, in memory (for TensorBoard, say). */
    public static BufferedImage confusionMatrixImage(ConfusionMatrix matrix, List<String> classNames) {
        int n = matrix.classes();
        if (!classNames.isEmpty() && classNames.size() != n) {
            throw new IllegalArgumentException("Plots.confusionMatrix: " + classNames.size() + " class names for " + n + " classes");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(classNames.isEmpty() ? Integer.toString(i) : classNames.get(i));
        }
        return ConfusionMatrixImage.render(matrix, names);
    }

    /**
     * Gradient norms against the training step, one line per layer, on a logarithmic axis (vanishing and exploding
     * norms are decades apart). {@code layers} maps a layer to its {steps, norms}; zero and non-finite norms cannot
     * sit on a log axis and are left out (the CSV has them).
     */
    public static void gradientNorms(Map<String, double[][]> layers, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(CURVE_WIDTH).height(CURVE_HEIGHT).title("Gradient norm per layer")
                .xAxisTitle("step").yAxisTitle("L2 norm").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        boolean any = false;
        for (Map.Entry<String, double[][]> layer : layers.entrySet()) {
            double[] steps = layer.getValue()[0];
            double[] norms = layer.getValue()[1];
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < steps.length; i++) {
                if (Double.isFinite(norms[i]) && norms[i] > 0) {
                    xs.add(steps[i]);
                    ys.add(norms[i]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(layer.getKey(), xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray()).setMarker(SeriesMarkers.NONE);
                any = true;
            }
        }
        if (any) {
            chart.getStyler().setYAxisLogarithmic(true);
        } else {
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE).setLineColor(Color.WHITE);
        }
        write(chart, png);
    }

    /**
     * Lines against the epoch, one per entry of {@code lines} (label to {epochs, values}), in the curve plots'
     * style; non-finite values are left out. A search draws its trials' validation accuracies with it.
     */
    public static void lineChart(String title, String xTitle, String yTitle, Map<String, double[][]> lines, Path png)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(CURVE_WIDTH).height(CURVE_HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisTickLabelsFormattingFunction(Plots::epochLabel);
        boolean any = false;
        for (Map.Entry<String, double[][]> line : lines.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            double[] x = line.getValue()[0];
            double[] y = line.getValue()[1];
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(y[i])) {
                    xs.add(x[i]);
                    ys.add(y[i]);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries series = chart.addSeries(line.getKey(), xs.stream().mapToDouble(Double::doubleValue).toArray(),
                        ys.stream().mapToDouble(Double::doubleValue).toArray());
                series.setMarker(SeriesMarkers.CIRCLE);
                series.setLineStyle(new BasicStroke(2f));
                any = true;
            }
        }
        if (!any) {
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE).setLineColor(Color.WHITE);
        }
        write(chart, png);
    }

    private static XYChart curves(History history, String title, String yTitle, ToDoubleFunction<EpochRecord> train,
                                  ToDoubleFunction<EpochRecord> validation, double scale) {
        XYChart chart = new XYChartBuilder().width(CURVE_WIDTH).height(CURVE_HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE); // never over the curves
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // With a formatting function and equally spaced x values XChart puts the ticks on the epochs themselves.
        // (No axis padding: XChart insets the plot already, and padded ends would break the equal spacing.)
        styler.setXAxisTickLabelsFormattingFunction(Plots::epochLabel);
        boolean any = addSeries(chart, "train", history, train, scale, TRAIN);
        any |= addSeries(chart, "validation", history, validation, scale, VALIDATION);
        if (!any) {
            // XChart cannot draw an axis chart with no series; an empty run still gets a (blank) plot.
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE).setLineColor(Color.WHITE);
        }
        return chart;
    }

    static String epochLabel(double x) {
        return Math.abs(x - Math.rint(x)) < 1e-9 ? Long.toString(Math.round(x)) : String.format(Locale.ROOT, "%.1f", x);
    }

    private static boolean addSeries(XYChart chart, String name, History history, ToDoubleFunction<EpochRecord> value,
                                     double scale, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochRecord r : history.records()) {
            double v = value.applyAsDouble(r);
            if (Double.isFinite(v)) {
                xs.add((double) r.epoch());
                ys.add(v * scale);
            }
        }
        if (xs.isEmpty()) {
            return false;
        }
        XYSeries series = chart.addSeries(name, xs.stream().mapToDouble(Double::doubleValue).toArray(),
                ys.stream().mapToDouble(Double::doubleValue).toArray());
        // Markers show the measured epochs; on long runs they would merge into a thick line.
        series.setMarker(xs.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setLineStyle(new BasicStroke(2.5f));
        return true;
    }

    private static void write(IChart chart, Path png) throws IOException {
        AtomicFiles.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG));
    }
}
