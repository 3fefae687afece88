package org.jdnn.matrix;

import org.jdnn.autograd.Calls;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.Fallbacks;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The op test matrix: every op of the op table × its sample inputs × every registered backend.
 *
 * <h2>Adding an op</h2>
 * One entry in its family's file ({@code ConvolutionEntries}, {@code ReductionEntries}, ...; a new family adds its file
 * and one line in {@link OpEntries}):
 * <pre>{@code
 * OpInfo.of(SoftmaxOps.FORWARD).tolerance(1e-5, 1e-6).differentiable()
 *         .samples(r -> ...)                                     // seeded: params + operands, described
 *         .reductions((p, in) -> new long[] {axisLength(p, in)}, // K per output
 *                     (p, in) -> new long[] {axisLength(p, in)}) // K per input gradient
 *         .build()
 * }</pre>
 * Samples ({@link Sample}, built with {@link Samples}) should cover what the op allows: seeded random shapes (ranks
 * 0-5 for shape-generic ops), broadcasting, empty dimensions, edge-case params, NaN/+Inf/-Inf, and the inputs it must
 * refuse ({@link Sample#rejected}).
 *
 * <h2>What is compared</h2>
 * <ul>
 * <li>Rejected samples, on every backend: an IllegalArgumentException whose message names the op (or its family) and
 * contains the sample's fragment.</li>
 * <li>On the reference backend (the oracle): the forward op and, for differentiable ops, the derivative
 * ({@code op.derivative().gradients(...)} through {@link Calls#INSTANCE}) for a random cotangent c. With finite
 * inputs, at a sample whose derivative is {@linkplain Sample.Derivative#CHECKED checked} (not one
 * {@linkplain Sample#comparedOnly compared only}, at a non-smooth point), each input gradient g is checked against central finite differences of {@code <op(x), c>} (double
 * accumulation, the float step actually taken, up to 48 elements per input), against the dot-product test
 * {@code <J t, c> = <t, J^T c>} for a random direction t (J t by a central difference: exact for ops affine in each
 * input, which then use step 1 and a bound of 1e-5 relative to {@code sum|J t * c| + sum|t * g|}), and each input's
 * gradient alone ({@code needs} with one true) must equal the one computed with all. At a
 * {@linkplain Sample#forwardOnly forward-only} sample (eltwise STEP), every backend's derivative must refuse with an
 * IllegalArgumentException naming the op or its family.</li>
 * <li>On every other backend, whatever its device: the operands are made on the backend's device (built on the CPU and
 * copied there), the forward op runs by {@link Dispatch#run} into outputs filled with NaN on that device, and the
 * derivative under {@link Backends#with}; every output and gradient must be on the backend's device (the op and its
 * derivative's ops ran there), and is read back with {@code toFloatArray()} (a counted copy) and compared with the
 * reference's, element by element ({@link Comparison}: NaN where the reference is NaN, the same infinity where it is
 * infinite). A backend that runs the reference's own kernel for the op (sim) must match it bit for bit. Where the
 * backend's kernel did not run the case — a declared
 * fallback ({@link Fallbacks}) — the case is counted as such; a oneDNN case that took no fallback must have executed a
 * primitive (unless the entry says the case may be a plain copy), and every op must run natively on at least one
 * sample (its own kernel without a fallback, where the entry lets every sample run without a primitive).</li>
 * <li>What "the forward op" gives is {@link CallValues}: its outputs, except those the kernel sizes (backend-specific
 * state, compared through the derivative that reads it), then the inputs it writes in place, as they are after the
 * call (an update's parameter and state; batch norm's running statistics).</li>
 * <li>Where the entry declares a backend known to differ from the reference at some samples
 * ({@link OpInfo.Builder#knownDifference}: a NaN propagated otherwise), a case that differs there is reported — in the
 * summary and as an aborted test giving the reason and the difference — instead of failing.</li>
 * <li>A backend that is not available, or has no kernel for the op yet, is reported as skipped with the reason.</li>
 * </ul>
 *
 * <h2>Tolerances</h2>
 * Per element, {@code |err| <= rtol |ref| + atolPerSqrtK sqrt(K)}, K the reduction length of that element (the number
 * of products summed into it, declared per output and per input gradient): float32 accumulation error grows like
 * sqrt(K) with N(0, 1) operands, as in the parity suites. Input gradients take the entry's
 * {@linkplain OpInfo.Builder#gradientTolerance gradient bound} where it has one. Finite differences: {@code |fd - g| <= tol (1 + |g|)};
 * the dot-product test discounts the float32 rounding of the outputs it differences ({@code sum |c| ulp(y) / 2h}),
 * default step 0.05 and tol 1e-3.
 *
 * <p>The run ends with a summary on stdout: per op and backend, the samples compared, rejected, on a fallback, the
 * worst errors forward and backward and the samples that produced them. {@code -Djdnn.matrix.seed=N} draws other
 * samples; {@code -Djdnn.matrix.ops=REGEX} runs only the ops whose names match.
 */
@Tag("matrix") // ci/gpu-test.sh selects it (with jdnn.matrix.backends=cuda) beside the gpu-tagged tests
class OpMatrixTest {
    static final String REFERENCE = Backends.REFERENCE;
    private static final long SEED = Long.getLong("jdnn.matrix.seed", 20261124L);
    private static final int FD_ELEMENTS = 48;
    private static final double DOT_TOLERANCE_AFFINE = 1e-5;
    private static final MatrixReport REPORT = new MatrixReport();
    private static long started;

    /** What one backend computed for a sample: outputs, the cotangent used and the input gradients (null if none). */
    record Result(float[][] outputs, float[] cotangent, float[][] gradients) {
    }

    @BeforeAll
    static void start() {
        started = System.nanoTime();
    }

    @AfterAll
    static void summary() {
        REPORT.print(System.out, SEED, (System.nanoTime() - started) / 1e9);
    }

    @TestFactory
    Stream<DynamicNode> opMatrix() {
        String only = System.getProperty("jdnn.matrix.ops");
        return OpEntries.all().stream().filter(e -> only == null || e.op().name().matches(only))
                .map(OpMatrixTest::entry);
    }

    private static <P> DynamicContainer entry(OpInfo<P> info) {
        List<Sample<P>> samples = info.samples().draw(new SplittableRandom(SEED ^ info.op().name().hashCode()));
        References<P> references = new References<>(info, samples);
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(dynamicTest("declaration", () -> {
            assertEquals(info.differentiable(), info.op().derivative() != null, info.op() + ": the entry says "
                    + (info.differentiable() ? "" : "not ") + "differentiable, the op declares "
                    + (info.op().derivative() == null ? "no" : "a") + " derivative");
            assertTrue(samples.stream().anyMatch(s -> !s.isRejected()), info.op() + ": no sample to compute");
        }));
        List<String> names = new ArrayList<>(Backends.names());
        String only = System.getProperty("jdnn.matrix.backends");
        if (only != null) {
            // A module that adds a backend runs the matrix for its own backend alone (against the reference).
            names.retainAll(List.of(only.split(",")));
        }
        names.remove(REFERENCE);
        names.addFirst(REFERENCE);
        for (String name : names) {
            nodes.add(backend(info, samples, references, name));
        }
        return dynamicContainer(info.op().name(), nodes);
    }

    private static <P> DynamicContainer backend(OpInfo<P> info, List<Sample<P>> samples, References<P> references,
                                                String name) {
        String op = info.op().name();
        REPORT.row(op, name).differentiable = info.differentiable();
        Optional<String> why = Backends.unavailableReason(name);
        String skip = why.map(w -> name + " is not available: " + w).orElse(null);
        if (skip == null && Backends.get(name).kernels().entry(info.op()) == null) {
            skip = name + " has no kernel for " + op + " yet";
        }
        if (skip != null) {
            String reason = skip;
            REPORT.row(op, name).skipped = reason;
            return dynamicContainer(name, Stream.of(dynamicTest("skipped", () -> Assumptions.abort(reason))));
        }
        Backend backend = Backends.get(name);
        MatrixReport.Row row = REPORT.row(op, name);
        row.primitivesObservable = primitives(backend).isPresent();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample<P> sample = samples.get(i);
            int index = i;
            String label = "#" + i + " " + sample.description();
            tests.add(dynamicTest(label, () -> recorded(op, name, label, () -> {
                if (sample.isRejected()) {
                    expectRejection(backend, info, sample);
                    synchronized (REPORT) {
                        row.rejected++;
                    }
                } else if (name.equals(REFERENCE)) {
                    checkReference(info, sample, index, references.get(index), row, label);
                } else {
                    compareWithReference(backend, info, sample, references.get(index), row, label);
                }
            })));
        }
        if (!name.equals(REFERENCE)) {
            tests.add(dynamicTest("ran on " + name, () -> {
                boolean computes = samples.stream().anyMatch(s -> !s.isRejected());
                if (!backend.kernels().entry(info.op()).hasOwnKernel()) {
                    // A device backend without a kernel for the op yet: every sample must have taken its declared
                    // host round trip (counted) and left its results on the device.
                    assertEquals(row.compared, row.onFallback, op + ": " + name + " has no kernel of its own, yet only "
                            + row.onFallback + " of " + row.compared + " samples took its declared fallback");
                    assertEquals(row.compared, row.onDevice, op + ": of " + row.compared + " samples compared on "
                            + name + ", only " + row.onDevice + " left every output and gradient on " + backend.device());
                    return;
                }
                // Without a fallback a sample ran on the backend's own kernel: a primitive, or plain code where the
                // entry allows it (a copy, a Java loop such as sign's).
                int ownKernel = primitives(backend).isPresent() ? row.nativeRuns + row.withoutPrimitive
                        : row.compared - row.onFallback;
                assertFalse(computes && ownKernel == 0,
                        op + ": no sample ran on " + name + "'s own kernel (" + row.onFallback
                                + " on a fallback " + row.fallbacks.keySet() + "): the comparison proved nothing");
                assertEquals(row.compared, row.onDevice, op + ": of " + row.compared + " samples compared on " + name
                        + ", only " + row.onDevice + " left every output and gradient on " + backend.device());
            }));
        }
        return dynamicContainer(name, tests);
    }

    /** Runs one case; a failure is also recorded for the summary. */
    private static void recorded(String op, String backend, String label, Executable body) throws Throwable {
        Optional<String> known = KnownDifferences.of(op, backend, label);
        try {
            body.execute();
        } catch (org.opentest4j.TestAbortedException e) {
            throw e;
        } catch (AssertionError e) {
            if (known.isPresent()) {
                REPORT.known(op, backend, label + ": " + known.get() + "; here: " + e.getMessage());
                Assumptions.abort("known difference: " + known.get() + "\n" + e.getMessage());
            }
            REPORT.failed(op, backend, label + ": " + e.getMessage());
            throw e;
        } catch (Throwable e) {
            REPORT.failed(op, backend, label + ": " + e.getMessage());
            throw e;
        }
        if (known.isPresent()) {
            String message = label + " is listed as a known difference (" + known.get() + ") but matched the "
                    + "reference: remove it from KnownDifferences";
            REPORT.failed(op, backend, message);
            fail(message);
        }
    }

    // ---- rejection ----

    private static <P> void expectRejection(Backend backend, OpInfo<P> info, Sample<P> sample) {
        Op<P> op = info.op();
        String alias = info.messageName().apply(sample.params());
        try (Scope scope = Scope.open()) {
            Tensor[] inputs = sample.tensors(backend.device());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Backends.with(backend, () -> Dispatch.call(op, sample.params(), inputs)),
                    op + " on " + backend.name() + " computed " + sample + " instead of refusing it");
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains(op.name()) || message.contains(op.family())
                            || (alias != null && message.contains(alias)),
                    op + ": the message does not name the op or its family: " + message);
            assertTrue(message.contains(sample.rejection()),
                    op + ": expected a message containing '" + sample.rejection() + "', got: " + message);
        }
    }

    // ---- computing a sample ----

    /**
     * The op's outputs and, for a differentiable op, its input gradients for {@code cotangent}, on {@code backend}:
     * the operands are made on the backend's device (built on the CPU and copied there), the outputs allocated there
     * (NaN-filled), and every output and gradient must be on that device before it is read back (a counted copy).
     */
    private static <P> Result compute(Backend backend, OpInfo<P> info, Sample<P> sample, float[] cotangent,
                                      boolean[] needs) {
        Op<P> op = info.op();
        Device device = backend.device();
        try (Scope scope = Scope.open()) {
            Tensor[] inputs = sample.tensors(device);
            Tensor[] outputs = allocate(op, sample, device);
            Dispatch.run(backend, op, sample.params(), inputs, outputs);
            requireOn(device, op, outputs, false);
            float[][] values = CallValues.of(op, outputs, inputs);
            if (op.derivative() != null && sample.derivative() == Sample.Derivative.REFUSED) {
                expectRefusedDerivative(backend, op, sample, inputs, outputs);
            }
            if (op.derivative() == null || cotangent == null) {
                return new Result(values, null, null);
            }
            // A floating output's gradient has its dtype; an int64 or bool output passes none (any float32 will do).
            DType gradDType = outputs[0].dtype().isFloatingPoint() ? outputs[0].dtype() : DType.FLOAT32;
            Tensor gradOutput = new Sample.Operand(outputs[0].shape(), cotangent, gradDType).tensor(device);
            boolean[] wanted = needs != null ? needs : present(inputs);
            Tensor[] grads = Backends.with(backend, () -> op.derivative().gradients(sample.params(), inputs, outputs,
                    gradOutput, wanted, Calls.INSTANCE));
            assertEquals(inputs.length, grads.length, op + ": derivative returned " + grads.length + " gradients");
            for (int i = 0; i < grads.length; i++) {
                String name = op.inputName(i);
                if (!wanted[i]) {
                    assertTrue(grads[i] == null, op + ": gradient of " + name + " computed though not needed");
                } else if (grads[i] != null) {
                    assertEquals(inputs[i].shape(), grads[i].shape(), op + ": gradient of " + name + " has the wrong shape");
                }
            }
            requireOn(device, op, grads, true);
            return new Result(values, cotangent, arrays(grads));
        }
    }

    /** A forward-only sample: the derivative, asked for every input's gradient, throws an IllegalArgumentException. */
    private static <P> void expectRefusedDerivative(Backend backend, Op<P> op, Sample<P> sample, Tensor[] inputs,
                                                    Tensor[] outputs) {
        Tensor gradOutput = Tensor.full(1f, backend.device(), outputs[0].dims());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.with(backend, () -> op.derivative().gradients(sample.params(), inputs, outputs,
                        gradOutput, present(inputs), Calls.INSTANCE)),
                op + " on " + backend.name() + " computed a derivative at " + sample + ", which it must refuse");
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains(op.name()) || message.contains(op.family()),
                op + ": the derivative's message does not name the op or its family: " + message);
    }

    /** Outputs for the sample on the CPU, NaN-filled (null where the kernel sizes them). */
    private static <P> Tensor[] allocate(Op<P> op, Sample<P> sample) {
        return allocate(op, sample, Device.CPU);
    }

    /** Outputs for the sample on {@code device}, NaN-filled there (null where the kernel sizes them). */
    private static <P> Tensor[] allocate(Op<P> op, Sample<P> sample, Device device) {
        Shape[] shapes = op.outputShapes(sample.params(), sample.shapes());
        DType[] dtypes = op.outputDTypes(sample.params(), sample.dtypes());
        Tensor[] outputs = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            // NaN where a float is (an element the kernel forgets to write cannot pass), -1 for int64, true for bool.
            outputs[i] = shapes[i] == null ? null
                    : Tensor.full(Double.NaN, Op.outputDType(dtypes, i), device, shapes[i].dims());
            if (outputs[i] != null && outputs[i].dtype() == DType.INT64) {
                outputs[i].fill(-1);
            }
        }
        return outputs;
    }

    /** Every present tensor is on {@code device}: the op (and its derivative's ops) ran there. */
    private static void requireOn(Device device, Op<?> op, Tensor[] tensors, boolean gradients) {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] != null && !tensors[i].device().equals(device)) {
                fail(op + ": " + (gradients ? "the gradient of " + op.inputName(i) : "output " + op.outputName(i))
                        + " is on " + tensors[i].device() + ", not on the backend's device " + device);
            }
        }
    }

    private static boolean[] present(Tensor[] inputs) {
        boolean[] present = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            present[i] = inputs[i] != null;
        }
        return present;
    }

    private static float[][] arrays(Tensor[] tensors) {
        float[][] values = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            values[i] = tensors[i] == null ? null : tensors[i].toFloatArray();
        }
        return values;
    }

    /** The reference's results, computed once per sample (with the sample's own cotangent) and shared by all backends. */
    private static final class References<P> {
        private final OpInfo<P> info;
        private final List<Sample<P>> samples;
        private final Map<Integer, Object> results = new HashMap<>();

        References(OpInfo<P> info, List<Sample<P>> samples) {
            this.info = info;
            this.samples = samples;
        }

        synchronized Result get(int index) {
            Object r = results.computeIfAbsent(index, i -> {
                try {
                    return compute(Backends.get(REFERENCE), info, samples.get(i), cotangent(i), null);
                } catch (RuntimeException | AssertionError e) {
                    return e;
                }
            });
            if (r instanceof Result result) {
                return result;
            }
            throw new AssertionError("the reference failed on " + samples.get(index) + ": " + r, (Throwable) r);
        }

        private float[] cotangent(int index) {
            Sample<P> s = samples.get(index);
            if (info.op().derivative() == null || s.derivative() == Sample.Derivative.REFUSED) {
                return null;
            }
            Shape out = info.op().outputShapes(s.params(), s.shapes())[0];
            return Samples.randn(new SplittableRandom(SEED * 31 + index), out.dims()).values();
        }
    }

    // ---- the reference: finite differences and the dot-product test ----

    private static <P> void checkReference(OpInfo<P> info, Sample<P> sample, int index, Result ref,
                                           MatrixReport.Row row, String label) {
        synchronized (REPORT) {
            row.compared++;
        }
        if (ref.gradients() == null || !sample.finite() || sample.derivative() != Sample.Derivative.CHECKED) {
            return;
        }
        Backend reference = Backends.get(REFERENCE);
        List<String> failures = new ArrayList<>();
        Op<P> op = info.op();
        for (int i = 0; i < sample.inputs().length; i++) {
            if (ref.gradients()[i] == null) {
                continue;
            }
            String name = op.inputName(i);
            boolean[] only = new boolean[sample.inputs().length];
            only[i] = true;
            Result alone = compute(reference, info, sample, ref.cotangent(), only);
            Comparison same = Comparison.of(ref.gradients()[i], alone.gradients()[i], 0, 0);
            if (same.failure() != null) {
                failures.add("gradient of " + name + " alone differs from the one computed with all: " + same.failure());
            }
            finiteDifferences(info, sample, index, i, ref, row, label, failures);
            dotProduct(info, sample, index, i, ref, row, label, failures);
        }
        if (!failures.isEmpty()) {
            fail(op + " on the reference, " + label + ":\n  " + String.join("\n  ", failures));
        }
    }

    /** {@code <op(x), c>} in double, on the reference. */
    private static <P> double loss(Op<P> op, P params, Tensor[] inputs, Tensor[] outputs, float[] c) {
        CallValues.clearSizedByKernel(op, outputs);
        Dispatch.run(Backends.get(REFERENCE), op, params, inputs, outputs);
        float[] y = outputs[0].toFloatArray();
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += (double) y[j] * c[j];
        }
        return sum;
    }

    private static <P> void finiteDifferences(OpInfo<P> info, Sample<P> sample, int index, int input, Result ref,
                                              MatrixReport.Row row, String label, List<String> failures) {
        Op<P> op = info.op();
        float[] g = ref.gradients()[input];
        double h = info.fdStep();
        try (Scope scope = Scope.open()) {
            Tensor[] inputs = sample.tensors();
            Tensor[] outputs = allocate(op, sample);
            Tensor flat = inputs[input].reshape(inputs[input].numel());
            int[] elements = new SplittableRandom(SEED + 7919L * index + input).ints(0, Math.max(g.length, 1))
                    .distinct().limit(Math.min(FD_ELEMENTS, g.length)).toArray();
            for (int j : elements) {
                float original = flat.get(j);
                float plus = (float) (original + h), minus = (float) (original - h);
                flat.set(plus, j);
                double lossPlus = loss(op, sample.params(), inputs, outputs, ref.cotangent());
                flat.set(minus, j);
                double lossMinus = loss(op, sample.params(), inputs, outputs, ref.cotangent());
                flat.set(original, j);
                double fd = (lossPlus - lossMinus) / ((double) plus - minus);
                double err = Math.abs(fd - g[j]) / (1 + Math.abs(g[j]));
                String where = label + ", d/d" + op.inputName(input) + "[" + j + "]";
                row.finiteDifferences.offer(err, where);
                if (!(err <= info.fdTolerance())) {
                    failures.add(String.format("finite differences: d<out, c>/d%s[%d]: derivative %s, numeric %s "
                                    + "(step %s, |fd - g|/(1+|g|) %.2e > %.1e)", op.inputName(input), j, g[j], fd, h,
                            err, info.fdTolerance()));
                }
            }
        }
    }

    /** {@code <J t, c> = <t, J^T c>} with J t by a central difference along t. */
    private static <P> void dotProduct(OpInfo<P> info, Sample<P> sample, int index, int input, Result ref,
                                       MatrixReport.Row row, String label, List<String> failures) {
        Op<P> op = info.op();
        float[] g = ref.gradients()[input];
        double step = info.affine() ? 1 : info.fdStep();
        double tolerance = info.affine() ? DOT_TOLERANCE_AFFINE : info.fdTolerance();
        float[] x = sample.inputs()[input].values();
        if (x.length == 0) {
            return; // an empty input has no direction to move along (and the output may be NaN: a mean over nothing)
        }
        float[] t = Samples.randn(new SplittableRandom(SEED + 104729L * index + input), 1, x.length).values();
        float[] up = new float[x.length], down = new float[x.length];
        double tg = 0, tgScale = 0;
        for (int j = 0; j < x.length; j++) {
            up[j] = (float) (x[j] + step * t[j]);
            down[j] = (float) (x[j] - step * t[j]);
            double taken = ((double) up[j] - down[j]) / (2 * step); // the direction actually taken, after rounding
            tg += taken * g[j];
            tgScale += Math.abs(taken * g[j]);
        }
        float[] yUp = forwardWith(op, sample, input, up), yDown = forwardWith(op, sample, input, down);
        float[] c = ref.cotangent();
        double jtc = 0, jtcScale = 0, rounding = 0;
        for (int j = 0; j < c.length; j++) {
            double jt = ((double) yUp[j] - yDown[j]) / (2 * step);
            jtc += jt * c[j];
            jtcScale += Math.abs(jt * c[j]);
            // The outputs are float32: each difference is uncertain by half an ulp of either end.
            rounding += Math.abs(c[j]) * (Math.ulp(yUp[j]) + Math.ulp(yDown[j])) / 2 / (2 * step);
        }
        double scale = jtcScale + tgScale;
        double err = scale == 0 ? 0 : Math.abs(jtc - tg) / scale;
        double beyondRounding = scale == 0 ? 0
                : Math.max(0, Math.abs(jtc - tg) - (Double.isFinite(rounding) ? rounding : 0)) / scale;
        row.dotProduct.offer(err, label + ", " + op.inputName(input));
        if (!(beyondRounding <= tolerance)) {
            failures.add(String.format("dot-product test, %s: <J t, c> = %.8e but <t, J^T c> = %.8e (relative %.2e, "
                    + "%.2e beyond the outputs' rounding, > %.1e)", op.inputName(input), jtc, tg, err, beyondRounding,
                    tolerance));
        }
    }

    private static <P> float[] forwardWith(Op<P> op, Sample<P> sample, int input, float[] values) {
        try (Scope scope = Scope.open()) {
            Tensor[] inputs = sample.tensors();
            Sample.Operand operand = sample.inputs()[input];
            inputs[input] = new Sample.Operand(operand.shape(), values, operand.dtype()).tensor();
            Tensor[] outputs = allocate(op, sample);
            Dispatch.run(Backends.get(REFERENCE), op, sample.params(), inputs, outputs);
            return outputs[0].toFloatArray();
        }
    }

    // ---- another backend against the reference ----

    private static <P> void compareWithReference(Backend backend, OpInfo<P> info, Sample<P> sample, Result ref,
                                                 MatrixReport.Row row, String label) {
        Op<P> op = info.op();
        Map<String, Long> fallbacksBefore = fallbacks(backend.name());
        OptionalLong primitivesBefore = primitives(backend);
        Result got = compute(backend, info, sample, ref.cotangent(), null);
        boolean exact = runsReferenceKernels(backend, op);
        OpInfo.KnownDifference<P> known = info.knownDifference(backend.name(), sample);
        String worst = known == null ? label : null; // a known difference stays out of the worst errors
        Map<String, Long> taken = new HashMap<>(fallbacks(backend.name()));
        fallbacksBefore.forEach((k, v) -> taken.merge(k, -v, Long::sum));
        taken.values().removeIf(v -> v <= 0);
        OptionalLong primitivesAfter = primitives(backend);

        List<String> failures = new ArrayList<>();
        DType[] dtypes = valueDTypes(op, sample);
        for (int i = 0; i < ref.outputs().length; i++) {
            if (ref.outputs()[i] == null) {
                continue;
            }
            double atol = info.atolPerSqrtK() * Math.sqrt(info.outputReduction(sample, i));
            boolean integral = dtypes[i] != null && !dtypes[i].isFloatingPoint(); // int64, bool: exact everywhere
            Comparison c = exact || integral ? Comparison.exact(ref.outputs()[i], got.outputs()[i])
                    : Comparison.of(ref.outputs()[i], got.outputs()[i], info.rtol(), atol);
            if (worst != null) {
                row.forwardAbs.offer(c.maxAbs(), worst);
                row.forwardRel.offer(c.maxRel(), worst);
            }
            if (c.failure() != null) {
                failures.add("forward, " + CallValues.name(op, i, ref.outputs().length) + ": " + c.failure());
            }
        }
        if (ref.gradients() != null) {
            for (int i = 0; i < ref.gradients().length; i++) {
                String name = op.inputName(i);
                if (ref.gradients()[i] == null || got.gradients()[i] == null) {
                    if ((ref.gradients()[i] == null) != (got.gradients()[i] == null)) {
                        failures.add("backward, gradient of " + name + ": " + (got.gradients()[i] == null
                                ? "missing" : "computed") + " where the reference's is "
                                + (ref.gradients()[i] == null ? "absent" : "present"));
                    }
                    continue;
                }
                double atol = info.gradientAtolPerSqrtK() * Math.sqrt(info.gradientReduction(sample, i));
                Comparison c = exact ? Comparison.exact(ref.gradients()[i], got.gradients()[i])
                        : Comparison.of(ref.gradients()[i], got.gradients()[i], info.gradientRtol(), atol);
                if (worst != null) {
                    row.backwardAbs.offer(c.maxAbs(), worst);
                    row.backwardRel.offer(c.maxRel(), worst);
                }
                if (c.failure() != null) {
                    failures.add("backward, gradient of " + name + ": " + c.failure());
                }
            }
        }
        synchronized (REPORT) {
            row.compared++;
            row.onDevice++; // compute() fails the case when an output or gradient is left off the device
            row.exact = exact;
            if (!taken.isEmpty()) {
                row.onFallback++;
                taken.forEach((k, v) -> row.fallbacks.merge(k, v.intValue(), Integer::sum));
            } else if (primitivesAfter.isPresent()) {
                if (primitivesAfter.getAsLong() > primitivesBefore.getAsLong()) {
                    row.nativeRuns++;
                } else {
                    row.withoutPrimitive++;
                    if (!info.primitiveOptional().test(sample.params(), sample.shapes())) {
                        failures.add(backend.name() + " executed no primitive and took no declared fallback: its "
                                + "kernel did not run natively");
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            String message = op + " on " + backend.name() + " vs reference, " + label + ":\n  "
                    + String.join("\n  ", failures);
            if (known != null) {
                synchronized (REPORT) {
                    row.knownDifferences.merge(known.reason(), 1, Integer::sum);
                }
                Assumptions.abort("differs from the reference as known (" + known.reason() + "): " + message);
            }
            fail(message);
        }
    }

    /** The dtype of each value {@link CallValues#of} gives: the outputs', then the inputs written in place. */
    private static <P> DType[] valueDTypes(Op<P> op, Sample<P> sample) {
        DType[] outputs = op.outputDTypes(sample.params(), sample.dtypes());
        int count = op.outputShapes(sample.params(), sample.shapes()).length;
        int[] written = CallValues.writtenInputs(op);
        DType[] dtypes = new DType[count + written.length];
        for (int i = 0; i < count; i++) {
            dtypes[i] = Op.outputDType(outputs, i);
        }
        for (int i = 0; i < written.length; i++) {
            Sample.Operand operand = sample.inputs()[written[i]];
            dtypes[count + i] = operand == null ? null : operand.dtype();
        }
        return dtypes;
    }

    /**
     * Whether {@code backend} runs the reference's own kernel for {@code op} (sim: the reference's kernels on its
     * device): it must then match the reference bit for bit.
     */
    private static boolean runsReferenceKernels(Backend backend, Op<?> op) {
        var mine = backend.kernels().entry(op);
        var reference = Backends.get(REFERENCE).kernels().entry(op);
        return mine != null && reference != null && mine.kernel() == reference.kernel() && mine.fallbacks().isEmpty();
    }

    /** The declared fallbacks {@code backend} has taken so far, by op and reason. */
    private static Map<String, Long> fallbacks(String backend) {
        Map<String, Long> counts = new HashMap<>();
        for (Fallbacks.Taken t : Fallbacks.taken()) {
            if (t.backend().equals(backend)) {
                counts.merge(t.op() + " -> " + t.target() + " (" + t.reason() + ")", t.count(), Long::sum);
            }
        }
        return counts;
    }

    /** How many native primitives the backend has executed, where it says (oneDNN); empty where it cannot tell. */
    private static OptionalLong primitives(Backend backend) {
        if (backend instanceof OneDnnBackend onednn) {
            return OptionalLong.of(onednn.nativeExecutions());
        }
        return OptionalLong.empty();
    }
}
