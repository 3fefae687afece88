package org.jdnn.train;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.io.AtomicFiles;
import org.jdnn.train.report.Plots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Gradient health: every {@code every} steps, the L2 norm of each layer's gradient and of its weights, with a warning
 * when a gradient norm vanishes (below {@value #VANISH}), explodes (above {@value #EXPLODE}) or is NaN/Inf.
 *
 * <p>A layer is the module path owning a parameter ({@code features.0} for {@code features.0.weight}; {@code model}
 * for the root module's own parameters); its norm is the norm of all its parameters together. The squared sums are
 * reduced on the parameters' device and stacked into one tensor, so a check copies to the host once, whatever the
 * number of layers. Frozen parameters ({@code requiresGrad} false) are left out: a frozen layer is not a sick one.
 *
 * <p>Each warning names the layer, the condition and the step, and is given once per layer and condition, so a layer
 * that stays dead does not flood the log.
 */
public final class GradientHealth {
    /** Gradient norms below this vanish. */
    public static final double VANISH = 1e-7;
    /** Gradient norms above this explode. */
    public static final double EXPLODE = 1e3;
    /** The layer name of the root module's own parameters. */
    public static final String ROOT = "model";

    /** One layer's norms at one check. */
    public record LayerNorms(long step, String layer, double gradNorm, double weightNorm) {
    }

    /** Why a layer's gradient is unhealthy. */
    public enum Condition {
        VANISHING("vanishing", " < 1e-7"), EXPLODING("exploding", " > 1e3"), NOT_FINITE("not finite", "");

        private final String words;
        private final String threshold;

        Condition(String words, String threshold) {
            this.words = words;
            this.threshold = threshold;
        }
    }

    private final Module model;
    private final int every;
    private final Consumer<String> warnings;
    private final List<LayerNorms> rows = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();

    /**
     * @param model    the model whose parameters are checked
     * @param every    check every this many steps (steps count from 1)
     * @param warnings where the warning lines go (the trainer's progress reporter, say)
     */
    public GradientHealth(Module model, int every, Consumer<String> warnings) {
        if (model == null || warnings == null) {
            throw new IllegalArgumentException("gradient health: model and warnings are required");
        }
        if (every < 1) {
            throw new IllegalArgumentException("gradient health: the check interval must be >= 1 step, got " + every);
        }
        this.model = model;
        this.every = every;
        this.warnings = warnings;
    }

    public int every() {
        return every;
    }

    /** Whether step {@code step} (from 1) is a check step. */
    public boolean due(long step) {
        return step % every == 0;
    }

    /** Checks at step {@code step} if it is due; see {@link #check}. Returns the norms, or an empty list. */
    public List<LayerNorms> maybeCheck(long step) {
        return due(step) ? check(step) : List.of();
    }

    /**
     * Measures every layer's gradient and weight norms now (after backward, before the optimizer step), records
     * them, warns about unhealthy ones and returns them in parameter order. A trainable parameter without a gradient
     * counts as a zero gradient.
     */
    public List<LayerNorms> check(long step) {
        List<LayerNorms> out = measure(model, step);
        out.forEach(this::warn);
        rows.addAll(out);
        return out;
    }

    /**
     * Every layer's gradient and weight norms of {@code model} now, in parameter order, without recording or warning:
     * the measurement {@link #check} makes, for callers that want the numbers only (TensorBoard logging, say). One
     * copy to the host, whatever the number of layers.
     */
    public static List<LayerNorms> measure(Module model, long step) {
        Map<String, List<Tensor>> layers = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                layers.computeIfAbsent(layerOf(name), k -> new ArrayList<>()).add(p);
            }
        });
        if (layers.isEmpty()) {
            return List.of();
        }
        float[] squares = squaredSums(layers);
        List<LayerNorms> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, List<Tensor>> layer : layers.entrySet()) {
            double grad = 0;
            double weight = 0;
            for (int k = 0; k < layer.getValue().size(); k++) {
                grad += squares[i++];
                weight += squares[i++];
            }
            out.add(new LayerNorms(step, layer.getKey(), Math.sqrt(grad), Math.sqrt(weight)));
        }
        return out;
    }

    /**
     * The squared sums of every parameter's gradient and weights, interleaved (gradient, weight) in parameter order:
     * reduced on the device, stacked, and copied to the host in one read.
     */
    private static float[] squaredSums(Map<String, List<Tensor>> layers) {
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            List<Tensor> sums = new ArrayList<>();
            for (List<Tensor> params : layers.values()) {
                for (Tensor p : params) {
                    Tensor w = p.detach();
                    Tensor g = p.grad();
                    // No gradient yet: zero, as the same device reduction of zeros would give.
                    sums.add(F.sum(g == null ? F.mul(w, 0f) : F.mul(g, g)));
                    sums.add(F.sum(F.mul(w, w)));
                }
            }
            return F.stack(sums, 0).toFloatArray();
        }
    }

    private void warn(LayerNorms n) {
        Condition condition = !Double.isFinite(n.gradNorm()) ? Condition.NOT_FINITE
                : n.gradNorm() > EXPLODE ? Condition.EXPLODING
                : n.gradNorm() < VANISH ? Condition.VANISHING : null;
        if (condition != null && warned.add(n.layer() + "\n" + condition)) {
            warnings.accept(String.format(Locale.ROOT,
                    "warning: %s gradient in layer %s at step %d: norm %s%s (weight norm %s)", condition.words,
                    n.layer(), n.step(), number(n.gradNorm()), condition.threshold, number(n.weightNorm())));
        }
    }

    /** The layer owning parameter {@code name}: its module path, or {@link #ROOT} for the root's own parameters. */
    static String layerOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? ROOT : name.substring(0, dot);
    }

    /** Every check's norms so far, in order. */
    public List<LayerNorms> rows() {
        return List.copyOf(rows);
    }

    /** The norms as CSV: a header {@code step,layer,grad_norm,weight_norm}, then one line per layer and check. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("step,layer,grad_norm,weight_norm\n");
        for (LayerNorms r : rows) {
            sb.append(r.step()).append(',').append(r.layer()).append(',').append(number(r.gradNorm())).append(',')
                    .append(number(r.weightNorm())).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} atomically (a reader never sees half a file). */
    public void writeCsv(Path file) throws IOException {
        AtomicFiles.writeString(file, toCsv());
    }

    /** Plots the gradient norms per layer against the step to {@code png} (see {@link Plots#gradientNorms}). */
    public void writePlot(Path png) throws IOException {
        Map<String, List<LayerNorms>> byLayer = new LinkedHashMap<>();
        rows.forEach(r -> byLayer.computeIfAbsent(r.layer(), k -> new ArrayList<>()).add(r));
        Map<String, double[][]> series = new LinkedHashMap<>();
        byLayer.forEach((layer, list) -> series.put(layer, new double[][] {
                list.stream().mapToDouble(LayerNorms::step).toArray(),
                list.stream().mapToDouble(LayerNorms::gradNorm).toArray()}));
        Plots.gradientNorms(series, png);
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : Double.toString(v);
    }
}
