package org.jdnn.testing;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient checks for modules (the approach of {@code org.jdnn.autograd.GradientChecker}, for leaves that live
 * inside a module): with {@code L = sum(c * forward())} for a random {@code c} drawn from the seed,
 * <ol>
 *   <li>the reference backend's analytic gradient of every leaf (the input and each parameter) against central
 *       finite differences (float32, step h, bound {@code tol * (1 + |g|)}), also on the reference;</li>
 *   <li>oneDNN's analytic gradients against the reference's (bound {@code parityTol * (1 + |g|)}), asserting
 *       the named oneDNN ops really ran natively.</li>
 * </ol>
 * Leaves are perturbed in place, so the forward must read them afresh on every call (a module does).
 */
public final class ModuleGradientCheck {
    private ModuleGradientCheck() {
    }

    /**
     * Checks {@code module} on a copy of {@code input} (which becomes a leaf named {@code input}) and all the
     * module's parameters. {@code nativeOps} are oneDNN op names (e.g. {@code "conv2d"}) that must execute natively.
     */
    public static void check(String name, Module module, Tensor input, long seed, double h, double tol, double parityTol,
                             String... nativeOps) {
        Tensor x = Scope.untracked(() -> input.copy().requiresGrad(true));
        try {
            Map<String, Tensor> leaves = new LinkedHashMap<>();
            leaves.put("input", x);
            leaves.putAll(module.namedParameters());
            check(name + " " + module.getClass().getSimpleName() + " on input " + input.shape(),
                    () -> module.forward(x), leaves, seed, h, tol, parityTol, nativeOps);
        } finally {
            x.close();
        }
    }

    /** The general form: {@code forward} computes the output from the current values of {@code leaves}. */
    public static void check(String name, Supplier<Tensor> forward, Map<String, Tensor> leaves, long seed, double h,
                             double tol, double parityTol, String... nativeOps) {
        List<String> names = new ArrayList<>(leaves.keySet());
        List<Tensor> tensors = new ArrayList<>(leaves.values());
        float[][] reference = Backends.with(ReferenceBackend.INSTANCE, () -> analytic(forward, tensors, names, seed));
        for (int i = 0; i < tensors.size(); i++) {
            float[] numeric = numeric(forward, tensors.get(i), seed, h);
            compare(name + ": reference vs finite differences for " + names.get(i) + " " + tensors.get(i).shape()
                    + ", seed " + seed, numeric, reference[i], tol);
        }
        long[] before = new long[nativeOps.length];
        OneDnnBackend onednn = OneDnnBackend.shared();
        for (int i = 0; i < nativeOps.length; i++) {
            before[i] = Parity.onednn(nativeOps[i]).nativeExecutions(nativeOps[i]);
        }
        float[][] native_ = Backends.with(onednn, () -> analytic(forward, tensors, names, seed));
        for (int i = 0; i < nativeOps.length; i++) {
            assertTrue(onednn.nativeExecutions(nativeOps[i]) > before[i], name + ": oneDNN did not run " + nativeOps[i]);
        }
        for (int i = 0; i < tensors.size(); i++) {
            compare(name + ": onednn vs reference for " + names.get(i) + " " + tensors.get(i).shape() + ", seed " + seed,
                    reference[i], native_[i], parityTol);
        }
    }

    /** Gradients of sum(c * y) for every leaf, by backward() on the current backend. */
    private static float[][] analytic(Supplier<Tensor> forward, List<Tensor> leaves, List<String> names, long seed) {
        Autograd.zeroGrad(leaves);
        try (Scope scope = Scope.open()) {
            Tensor y = forward.get();
            Tensor c = Tensor.randn(seed, y.dims());
            F.sum(F.mul(y, c)).backward();
            float[][] grads = new float[leaves.size()][];
            for (int i = 0; i < leaves.size(); i++) {
                assertNotNull(leaves.get(i).grad(), "no gradient reached " + names.get(i));
                grads[i] = leaves.get(i).grad().toFloatArray();
            }
            return grads;
        }
    }

    /** Central differences of L for each element of {@code leaf}, on the reference backend, restoring the leaf. */
    private static float[] numeric(Supplier<Tensor> forward, Tensor leaf, long seed, double h) {
        Backend reference = ReferenceBackend.INSTANCE;
        return Backends.with(reference, () -> {
            try (Autograd.NoGrad noGrad = Autograd.noGrad();
                 Tensor detached = leaf.detach(); Tensor flat = detached.reshape(leaf.numel())) {
                float[] x = flat.toFloatArray();
                float[] grad = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    float plus = (float) (x[j] + h);
                    float minus = (float) (x[j] - h);
                    flat.set(plus, j);
                    double lossPlus = loss(forward, seed);
                    flat.set(minus, j);
                    double lossMinus = loss(forward, seed);
                    flat.set(x[j], j);
                    // The float steps actually taken, not the nominal 2h.
                    grad[j] = (float) ((lossPlus - lossMinus) / ((double) plus - minus));
                }
                return grad;
            }
        });
    }

    private static double loss(Supplier<Tensor> forward, long seed) {
        try (Scope scope = Scope.open()) {
            Tensor y = forward.get();
            float[] values = y.toFloatArray();
            float[] c = Tensor.randn(seed, y.dims()).toFloatArray();
            double sum = 0;
            for (int i = 0; i < values.length; i++) {
                sum += (double) values[i] * c[i];
            }
            return sum;
        }
    }

    private static void compare(String context, float[] expected, float[] actual, double tol) {
        if (expected.length != actual.length) {
            fail(context + ": " + actual.length + " gradient elements, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double bound = tol * (1 + Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(context + ": element " + i + " = " + actual[i] + ", expected " + expected[i] + " (tol " + tol + ")");
            }
        }
    }

    // ---- layers: sampled checks for whole models ----

    /**
     * For models too large to perturb every element: with {@code L = sum(c * module(input))}, the analytic gradient
     * of {@code perLeaf} randomly drawn elements of each named parameter (of the larger-gradient ones, so the check
     * is not of noise) against central differences, bound {@code tol * (|g| + gMax / 10)} ({@code gMax} the
     * parameter's largest |g|). In float32 a deep ReLU network has kinks closer than a usable step to many
     * elements, and a small step drowns in rounding, so the differences are taken with the steps {@code h},
     * {@code h / 10} and {@code h / 100}, and the element passes when one of them agrees (a wrong gradient agrees
     * with none). Everything runs on the current backend, the module in its current mode (batch norm in training
     * uses the batch's statistics, which the differences see too).
     */
    public static void checkSampled(String name, Module module, Tensor input, long seed, double h, double tol,
                                    int perLeaf, String... parameters) {
        Map<String, Tensor> all = module.namedParameters();
        List<Tensor> leaves = new ArrayList<>();
        for (String p : parameters) {
            Tensor t = all.get(p);
            assertNotNull(t, name + ": no parameter " + p + " in " + all.keySet());
            leaves.add(t);
        }
        float[][] analytic = analytic(() -> module.forward(input), leaves, List.of(parameters), seed);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int l = 0; l < leaves.size(); l++) {
            float[] g = analytic[l];
            double gMax = 0;
            for (float v : g) {
                gMax = Math.max(gMax, Math.abs(v));
            }
            assertTrue(gMax > 0, name + ": the gradient of " + parameters[l] + " is zero everywhere");
            Tensor leaf = leaves.get(l);
            try (Autograd.NoGrad noGrad = Autograd.noGrad();
                 Tensor detached = leaf.detach(); Tensor flat = detached.reshape(leaf.numel())) {
                for (int k = 0; k < perLeaf; k++) {
                    int j = random.nextInt(g.length);
                    for (int tries = 0; tries < 20 && Math.abs(g[j]) < gMax / 10; tries++) {
                        j = random.nextInt(g.length);
                    }
                    float x = flat.get(j);
                    double bound = tol * (Math.abs(g[j]) + gMax / 10);
                    List<Double> tried = new ArrayList<>();
                    for (double step = h; tried.size() < 3; step /= 10) {
                        float plus = (float) (x + step);
                        float minus = (float) (x - step);
                        flat.set(plus, j);
                        double lossPlus = loss(() -> module.forward(input), seed);
                        flat.set(minus, j);
                        double lossMinus = loss(() -> module.forward(input), seed);
                        flat.set(x, j);
                        double fd = (lossPlus - lossMinus) / ((double) plus - minus);
                        tried.add(fd);
                        if (Math.abs(fd - g[j]) <= bound) {
                            break;
                        }
                    }
                    if (tried.size() == 3 && !(Math.abs(tried.get(2) - g[j]) <= bound)) {
                        fail(name + ": " + parameters[l] + "[" + j + "] gradient " + g[j] + ", finite differences "
                                + tried + " with steps " + h + ", " + h / 10 + ", " + h / 100 + " (bound " + bound
                                + ", largest |g| " + gMax + ")");
                    }
                }
            }
        }
    }
}
