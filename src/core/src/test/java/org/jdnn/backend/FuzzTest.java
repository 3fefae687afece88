package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the oneDNN backend: for every op family, a few hundred seeded random parameter and shape combinations,
 * many of them invalid (zero or negative sizes, mismatched ranks and channels, huge strides and paddings, kernels
 * larger than their input, wrong output shapes, closed and null tensors, axes out of range, outputs aliasing
 * inputs). Each case must either succeed and agree with the reference backend run on identical operands, or
 * throw IllegalArgumentException / IllegalStateException whose message names the op (and then the reference must
 * reject it too). Any other throwable fails the case with its seed and operands; a JVM crash would end the run,
 * so passing shows validation happens before native code.
 *
 * <p>Bound: per tensor, |onednn - reference| <= 1e-3 * max(1, max |reference|) (this hunts crashes and gross
 * errors, not accuracy; the parity suites hold tight bounds). Tensors stay under ~20k elements.
 */
class FuzzTest {
    private static final double TOLERANCE = 1e-3;
    private static final long MAX_ELEMENTS = 20_000;
    private static final Map<String, int[]> TALLY = new TreeMap<>(); // family -> {succeeded, rejected}

    private final OneDnnBackend onednn = nativeForAll();
    private final Backend reference = ReferenceBackend.INSTANCE;

    private static OneDnnBackend nativeForAll() {
        for (String op : OneDnnBackend.shared().opNames()) {
            Parity.onednn(op);
        }
        return OneDnnBackend.shared();
    }

    // ---- the harness ----

    /** How an operand is made: random data, absent, closed, the same tensor as another, or a reshaped view of one. */
    enum Kind { DATA, POSITIVE, NONE, CLOSED, ALIAS, VIEW }

    record Spec(Kind kind, long[] dims, int target) {
        @Override
        public String toString() {
            return switch (kind) {
                case DATA, POSITIVE -> Arrays.toString(dims);
                case NONE -> "null";
                case CLOSED -> "closed" + Arrays.toString(dims);
                case ALIAS -> "alias(#" + target + ")";
                case VIEW -> "view(#" + target + ")" + Arrays.toString(dims);
            };
        }
    }

    /** Runs the op of a case on one backend over that backend's copy of the operands. */
    interface Op {
        void run(Backend backend, Tensor[] t);
    }

    /** One generated call: operand specs, the call, the op names its error messages may use, and a description. */
    static final class Case {
        final String family;
        final long seed;
        final SplittableRandom r;
        final List<Spec> specs = new ArrayList<>();
        final List<Integer> outputs = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        String params = "";
        Op op;

        Case(String family, long seed) {
            this.family = family;
            this.seed = seed;
            this.r = new SplittableRandom(seed);
        }

        int data(long... dims) {
            specs.add(new Spec(Kind.DATA, dims, -1));
            return specs.size() - 1;
        }

        int positive(long... dims) {
            specs.add(new Spec(Kind.POSITIVE, dims, -1));
            return specs.size() - 1;
        }

        int none() {
            specs.add(new Spec(Kind.NONE, null, -1));
            return specs.size() - 1;
        }

        int output(long... dims) {
            int i = data(dims);
            outputs.add(i);
            return i;
        }

        /** {@code dims} or, with probability {@code p}, absent. */
        int optional(double p, long... dims) {
            return r.nextDouble() < p ? none() : data(dims);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(family + " seed " + seed + " " + params + " operands");
            for (int i = 0; i < specs.size(); i++) {
                s.append(" #").append(i).append('=').append(specs.get(i));
            }
            return s.toString();
        }
    }

    interface Generator {
        void fill(Case c);
    }

    /** {@code -Djdnn.fuzz.seed=S -Djdnn.fuzz.scale=K}: another seed and K times the cases, for longer hunts. */
    private static final long SEED_OFFSET = Long.getLong("jdnn.fuzz.seed", 0);
    private static final int SCALE = Integer.getInteger("jdnn.fuzz.scale", 1);

    private void fuzz(String family, long seed, int baseCases, Generator generator) {
        int succeeded = 0, rejected = 0, cases = baseCases * SCALE;
        SplittableRandom seeds = new SplittableRandom(seed + SEED_OFFSET * 1_000_003);
        for (int i = 0; i < cases; i++) {
            Case c = new Case(family, seeds.nextLong());
            generator.fill(c);
            mutate(c);
            if (runCase(c)) {
                succeeded++;
            } else {
                rejected++;
            }
        }
        synchronized (TALLY) {
            TALLY.put(family, new int[] {succeeded, rejected});
        }
        // Both kinds of outcome must occur, or the generator is not exercising what it should.
        assertTrue(succeeded >= cases / 10, family + ": only " + succeeded + " of " + cases + " cases were valid");
        assertTrue(rejected >= cases / 10, family + ": only " + rejected + " of " + cases + " cases were invalid");
    }

    /** Applies at most one corruption to a generated (mostly valid) case. */
    private static void mutate(Case c) {
        SplittableRandom r = c.r;
        int n = c.specs.size();
        double roll = r.nextDouble();
        if (roll < 0.45 || n == 0) {
            return;
        }
        int i = r.nextInt(n);
        Spec s = c.specs.get(i);
        if (roll < 0.53) {
            c.specs.set(i, new Spec(Kind.NONE, null, -1));
        } else if (roll < 0.60) {
            if (s.dims() != null) {
                c.specs.set(i, new Spec(Kind.CLOSED, s.dims(), -1));
            }
        } else if (roll < 0.82) {
            if (s.dims() != null) {
                c.specs.set(i, new Spec(s.kind(), perturb(r, s.dims()), -1));
            }
        } else if (!c.outputs.isEmpty()) {
            // An output aliasing another operand: the same tensor, or a view of it with the output's shape.
            int out = c.outputs.get(r.nextInt(c.outputs.size()));
            int target = r.nextInt(n);
            Spec o = c.specs.get(out), t = c.specs.get(target);
            if (target == out || t.dims() == null || t.kind() == Kind.CLOSED || o.dims() == null) {
                return;
            }
            boolean view = !Arrays.equals(o.dims(), t.dims()) && numel(o.dims()) == numel(t.dims());
            c.specs.set(out, view ? new Spec(Kind.VIEW, o.dims(), target) : new Spec(Kind.ALIAS, null, target));
        }
    }

    private static long[] perturb(SplittableRandom r, long[] dims) {
        long[] d = dims.clone();
        int choice = r.nextInt(4);
        if (choice == 0 && d.length > 0) { // one size off by one
            int k = r.nextInt(d.length);
            d[k] = Math.max(0, d[k] + (r.nextBoolean() ? 1 : -1));
        } else if (choice == 1 && d.length > 0) { // a zero size
            d[r.nextInt(d.length)] = 0;
        } else if (choice == 2 && d.length > 0) { // one dimension fewer
            d = Arrays.copyOfRange(d, 1, d.length);
        } else { // one dimension more
            long[] more = new long[d.length + 1];
            more[0] = 1 + r.nextInt(3);
            System.arraycopy(d, 0, more, 1, d.length);
            d = more;
        }
        return d;
    }

    private static long numel(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** The operands of a case, identical on every call (contents seeded by the case and operand index). */
    private static Tensor[] materialize(Case c) {
        Tensor[] t = new Tensor[c.specs.size()];
        for (int pass = 0; pass < 2; pass++) { // aliases and views after every tensor they may refer to
            materialize(c, t, pass == 1);
        }
        return t;
    }

    private static void materialize(Case c, Tensor[] t, boolean aliases) {
        for (int i = 0; i < t.length; i++) {
            Spec s = c.specs.get(i);
            if (aliases != (s.kind() == Kind.ALIAS || s.kind() == Kind.VIEW)) {
                continue;
            }
            SplittableRandom random = new SplittableRandom(c.seed * 31 + i);
            t[i] = switch (s.kind()) {
                case DATA -> Tensor.uniform(random, -2f, 2f, s.dims());
                case POSITIVE -> Tensor.uniform(random, 0.25f, 2f, s.dims());
                case NONE -> null;
                case CLOSED -> {
                    Tensor closed = Tensor.empty(s.dims());
                    closed.close();
                    yield closed;
                }
                case ALIAS -> t[s.target()];
                case VIEW -> t[s.target()].reshape(s.dims());
            };
        }
    }

    /** Runs one case on both backends; true if it was valid (and matched), false if rejected as it should be. */
    private boolean runCase(Case c) {
        try (Scope scope = Scope.open()) {
            Tensor[] mine = materialize(c);
            Throwable error = attempt(onednn, c, mine);
            Tensor[] theirs = materialize(c);
            Throwable referenceError = attempt(reference, c, theirs);
            if (error != null) {
                requireValidationError("onednn", c, error);
                if (referenceError == null) {
                    fail("onednn rejected a case the reference accepts: " + c, error);
                }
                requireValidationError("reference", c, referenceError);
                return false;
            }
            if (referenceError != null) {
                fail("the reference rejected a case onednn accepts: " + c, referenceError);
            }
            for (int i = 0; i < mine.length; i++) {
                if (mine[i] != null && !mine[i].isClosed()) {
                    compare(c, i, theirs[i].toFloatArray(), mine[i].toFloatArray());
                }
            }
            return true;
        }
    }

    private static Throwable attempt(Backend backend, Case c, Tensor[] t) {
        try {
            c.op.run(backend, t);
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static void requireValidationError(String backend, Case c, Throwable e) {
        if (!(e instanceof IllegalArgumentException) && !(e instanceof IllegalStateException)) {
            fail(backend + " threw " + e.getClass().getName() + " (not a validation error) on " + c, e);
        }
        String message = String.valueOf(e.getMessage());
        if (c.names.stream().noneMatch(message::contains)) {
            fail(backend + ": message \"" + message + "\" names none of " + c.names + " on " + c, e);
        }
    }

    private static void compare(Case c, int index, float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            fail("operand #" + index + ": " + actual.length + " elements, reference " + expected.length + " on " + c);
        }
        double scale = 1;
        for (float v : expected) {
            if (Float.isFinite(v)) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (e == a || (Float.isNaN(e) && Float.isNaN(a))) {
                continue;
            }
            if (!(Math.abs((double) a - e) <= TOLERANCE * scale)) {
                fail("operand #" + index + " element " + i + " = " + a + ", reference " + e + " (bound "
                        + TOLERANCE * scale + ") on " + c);
            }
        }
    }

    @AfterAll
    static void report() {
        int total = 0;
        StringBuilder s = new StringBuilder("FuzzTest cases (valid/rejected):");
        for (var e : TALLY.entrySet()) {
            s.append(' ').append(e.getKey()).append(' ').append(e.getValue()[0]).append('/').append(e.getValue()[1]);
            total += e.getValue()[0] + e.getValue()[1];
        }
        System.out.println(s.append("; total ").append(total));
    }

    // ---- random values ----

    private static long size(SplittableRandom r, int max) {
        return r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(max);
    }

    /** Usually {@code normal}; sometimes zero, negative, or so large that products of it overflow. */
    private static long wild(SplittableRandom r, long normal) {
        if (r.nextInt(14) != 0) {
            return normal;
        }
        long[] values = {0, -1, -5, 1L << 20, (1L << 20) + 1, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
        return values[r.nextInt(values.length)];
    }

    private static long[] shape(SplittableRandom r, int rank, int max) {
        long[] d = new long[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = size(r, max);
        }
        return d;
    }

    /** {@code dims} if it is a small enough real shape, else a small random one (the case will be rejected). */
    private static long[] small(SplittableRandom r, long[] dims, int rank) {
        if (dims != null) {
            boolean ok = true;
            long n = 1;
            for (long d : dims) {
                ok &= d >= 0 && d <= MAX_ELEMENTS;
                n = ok ? n * d : n;
            }
            if (ok && n <= MAX_ELEMENTS) {
                return dims;
            }
        }
        return shape(r, rank, 5);
    }

    private static <T> T orNull(SplittableRandom r, Supplier<T> value) {
        return r.nextInt(40) == 0 ? null : value.get();
    }

    // ---- matmul ----

    @Test
    void matmul() {
        fuzz("matmul", 1, 400, c -> {
            SplittableRandom r = c.r;
            boolean ta = r.nextBoolean(), tb = r.nextBoolean();
            long m = size(r, 9), k = size(r, 9), n = size(r, 9);
            long batch = 1 + r.nextInt(4);
            long batchA = r.nextInt(4) == 0 ? 1 : r.nextInt(10) == 0 ? 0 : batch;
            long batchB = r.nextInt(4) == 0 ? 1 : batch;
            boolean rank3A = r.nextInt(3) > 0, rank3B = r.nextInt(3) > 0;
            long[] a = ta ? new long[] {k, m} : new long[] {m, k};
            long[] b = tb ? new long[] {n, k} : new long[] {k, n};
            long[] aDims = rank3A ? new long[] {batchA, a[0], a[1]} : a;
            long[] bDims = rank3B ? new long[] {batchB, b[0], b[1]} : b;
            MatmulParams params = orNull(r, () -> new MatmulParams(ta, tb));
            c.params = String.valueOf(params);
            c.names.add("matmul");
            int ia = c.data(aDims), ib = c.data(bDims), ibias = c.optional(0.5, n);
            long[] out;
            try {
                out = MatmulShapes.infer(Shape.of(aDims), Shape.of(bDims), null, new MatmulParams(ta, tb)).output().dims();
            } catch (IllegalArgumentException e) {
                out = null;
            }
            int io = c.output(small(r, out, 2));
            c.op = (backend, t) -> Kernels.run(backend, MatmulOps.MATMUL, params, in(t[ia], t[ib], t[ibias]), t[io]);
        });
    }

    // ---- eltwise ----

    @Test
    void eltwise() {
        EltwiseAlgorithm[] algorithms = EltwiseAlgorithm.values();
        fuzz("eltwise", 2, 400, c -> {
            SplittableRandom r = c.r;
            EltwiseAlgorithm algorithm = r.nextInt(40) == 0 ? null : algorithms[r.nextInt(algorithms.length)];
            float alpha = switch (r.nextInt(10)) {
                case 0 -> Float.NaN;
                case 1 -> -1f;
                case 2 -> 0f;
                default -> (float) r.nextDouble(0.1, 2);
            };
            boolean backward = r.nextBoolean();
            long[] dims = shape(r, r.nextInt(5), 7);
            c.params = algorithm + " alpha " + alpha + (backward ? " backward" : " forward");
            c.names.add("eltwise");
            boolean nullParams = algorithm == null && r.nextBoolean(); // else the record must reject the null algorithm
            Supplier<EltwiseParams> params = () -> nullParams ? null : new EltwiseParams(algorithm, alpha);
            int src = c.data(dims);
            if (!backward) {
                int dst = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, EltwiseOps.FORWARD, params.get(), in(t[src]), t[dst]);
            } else {
                int diffDst = c.data(dims), diffSrc = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, EltwiseOps.BACKWARD, params.get(), in(t[src], t[diffDst]), t[diffSrc]);
            }
        });
    }

    @Test
    void log() {
        float[] clamps = {Float.NEGATIVE_INFINITY, -100f, -1f, 0f, 2f, Float.NaN};
        fuzz("log", 12, 300, c -> {
            SplittableRandom r = c.r;
            float min = clamps[r.nextInt(clamps.length)];
            boolean backward = r.nextBoolean();
            long[] dims = shape(r, r.nextInt(5), 7);
            c.params = "min " + min + (backward ? " backward" : " forward");
            c.names.add("log");
            Supplier<EltwiseOps.LogParams> params = () -> new EltwiseOps.LogParams(min);
            int src = c.data(dims);
            if (!backward) {
                int dst = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, EltwiseOps.LOG, params.get(), in(t[src]), t[dst]);
            } else {
                int diffDst = c.data(dims), diffSrc = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, EltwiseOps.LOG_BACKWARD, params.get(), in(t[src], t[diffDst]),
                        t[diffSrc]);
            }
        });
    }

    // ---- softmax ----

    @Test
    void softmax() {
        fuzz("softmax", 3, 400, c -> {
            SplittableRandom r = c.r;
            int rank = r.nextInt(5);
            long[] dims = shape(r, rank, 7);
            int axis = r.nextInt(4) > 0 && rank > 0 ? r.nextInt(2 * rank) - rank : r.nextInt(2 * rank + 5) - rank - 2;
            SoftmaxParams params = orNull(r, () -> new SoftmaxParams(axis, r.nextBoolean()));
            boolean backward = r.nextBoolean();
            c.params = params + (backward ? " backward" : " forward");
            c.names.add("softmax");
            if (!backward) {
                int src = c.data(dims), dst = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, SoftmaxOps.FORWARD, params, in(t[src]), t[dst]);
            } else {
                int dst = c.data(dims), diffDst = c.data(dims), diffSrc = c.output(dims);
                c.op = (backend, t) -> Kernels.run(backend, SoftmaxOps.BACKWARD, params, in(t[dst], t[diffDst]), t[diffSrc]);
            }
        });
    }

    // ---- binary ----

    @Test
    void binary() {
        BinaryAlgorithm[] algorithms = BinaryAlgorithm.values();
        fuzz("binary", 4, 500, c -> {
            SplittableRandom r = c.r;
            BinaryParams params = orNull(r, () -> BinaryParams.of(algorithms[r.nextInt(algorithms.length)]));
            long[] out = shape(r, r.nextInt(5), 6);
            int kind = r.nextInt(10);
            c.params = params + (kind < 6 ? " broadcast" : kind < 8 ? " scalar" : " sum_to_shape");
            c.names.addAll(List.of("binary", "sum_to_shape"));
            if (params != null) {
                c.names.add(params.opName());
            }
            if (kind < 6) {
                int a = c.data(broadcastable(r, out)), b = c.data(broadcastable(r, out)), o = c.output(out);
                c.op = (backend, t) -> Kernels.binary(backend, params, t[a], t[b], t[o]);
            } else if (kind < 8) {
                float scalar = switch (r.nextInt(8)) {
                    case 0 -> 0f;
                    case 1 -> Float.NaN;
                    case 2 -> Float.POSITIVE_INFINITY;
                    default -> (float) r.nextDouble(-3, 3);
                };
                c.params += " " + scalar;
                int a = c.data(out), o = c.output(out);
                c.op = (backend, t) -> Kernels.binaryScalar(backend, params, t[a], scalar, t[o]);
            } else {
                int grad = c.data(out), o = c.output(broadcastable(r, out));
                c.op = (backend, t) -> Kernels.run(backend, ReductionOps.SUM_TO_SHAPE, Kernels.sumTo(t[o]), in(t[grad]), t[o]);
            }
        });
    }

    /** A shape that broadcasts to {@code out}: some sizes replaced by 1, some leading dimensions dropped. */
    private static long[] broadcastable(SplittableRandom r, long[] out) {
        int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
        long[] d = Arrays.copyOfRange(out, r.nextInt(3) == 0 ? drop : 0, out.length);
        for (int i = 0; i < d.length; i++) {
            if (r.nextInt(3) == 0) {
                d[i] = 1;
            }
        }
        return d;
    }

    /** The comparison op: a 0/1 mask of the broadcast shape (not run through {@link #binary}: its draws stay as they were). */
    @Test
    void compare() {
        CompareAlgorithm[] algorithms = CompareAlgorithm.values();
        fuzz("compare", 11, 300, c -> {
            SplittableRandom r = c.r;
            BinaryOps.CompareParams params = orNull(r, () -> new BinaryOps.CompareParams(algorithms[r.nextInt(algorithms.length)]));
            long[] out = shape(r, r.nextInt(5), 6);
            c.params = String.valueOf(params);
            c.names.add("compare");
            int a = c.data(broadcastable(r, out)), b = c.data(broadcastable(r, out)), o = c.output(out);
            c.op = (backend, t) -> Kernels.run(backend, BinaryOps.COMPARE, params, in(t[a], t[b]), t[o]);
        });
    }

    // ---- reductions ----

    @Test
    void reductions() {
        ReductionAlgorithm[] algorithms = ReductionAlgorithm.values();
        fuzz("reduction", 5, 500, c -> {
            SplittableRandom r = c.r;
            int rank = r.nextInt(5);
            long[] dims = shape(r, rank, 7);
            ReductionAlgorithm algorithm = algorithms[r.nextInt(algorithms.length)];
            List<Integer> axes = new ArrayList<>();
            for (int i = 0, count = r.nextInt(rank + 2); i < count; i++) {
                axes.add(r.nextInt(2 * rank + 3) - rank - 1);
            }
            boolean keepDim = r.nextBoolean();
            ReductionParams params = orNull(r, () -> new ReductionParams(algorithm, axes, keepDim));
            boolean backward = r.nextBoolean();
            c.params = params + (backward ? " backward" : " forward");
            c.names.addAll(List.of("reduction", algorithm.opName()));
            long[] out;
            try {
                out = ReductionShapes.infer(new ReductionParams(algorithm, axes, keepDim), Shape.of(dims)).output().dims();
            } catch (IllegalArgumentException e) {
                out = null;
            }
            out = small(r, out, Math.max(0, rank - 1));
            int src = c.data(dims), dst = c.output(out);
            if (!backward) {
                c.op = (backend, t) -> Kernels.reduce(backend, params, t[src], t[dst]);
            } else {
                int diffDst = c.data(out), diffSrc = c.output(dims);
                // dst from the forward, so max backward sees the real maxima.
                c.op = (backend, t) -> {
                    Kernels.reduce(backend, params, t[src], t[dst]);
                    Kernels.reduceBackward(backend, params, t[src], t[dst], t[diffDst], t[diffSrc]);
                };
            }
        });
    }

    // ---- concat / split ----

    @Test
    void concatAndSplit() {
        fuzz("concat", 6, 400, c -> {
            SplittableRandom r = c.r;
            int rank = r.nextInt(5);
            long[] base = shape(r, rank, 5);
            int axis = r.nextInt(4) > 0 && rank > 0 ? r.nextInt(2 * rank) - rank : r.nextInt(2 * rank + 3) - rank - 1;
            int at = rank == 0 ? 0 : Math.floorMod(axis, rank);
            int parts = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(4);
            boolean split = r.nextBoolean();
            c.params = (split ? "split" : "concat") + " axis " + axis + " parts " + parts;
            c.names.add(split ? "split" : "concat");
            int[] index = new int[parts];
            long total = 0;
            for (int i = 0; i < parts; i++) {
                long[] d = base.clone();
                if (rank > 0) {
                    d[at] = r.nextInt(4);
                    total += d[at];
                }
                index[i] = split ? c.output(d) : c.data(d);
            }
            long[] whole = base.clone();
            if (rank > 0) {
                whole[at] = total;
            }
            int w = split ? c.data(whole) : c.output(whole);
            boolean nullList = r.nextInt(40) == 0;
            c.op = (backend, t) -> {
                List<Tensor> list = nullList ? null : new ArrayList<>();
                for (int i : index) {
                    if (list != null) {
                        list.add(t[i]); // may add null: the kernel must reject it
                    }
                }
                if (split) {
                    Kernels.split(backend, axis, t[w], list);
                } else {
                    Kernels.concat(backend, axis, list, t[w]);
                }
            };
        });
    }

    // ---- conv2d and conv_transpose2d ----

    @Test
    void conv2d() {
        fuzz("conv2d", 7, 450, c -> convolution(c, false));
    }

    @Test
    void convTranspose2d() {
        fuzz("conv_transpose2d", 8, 450, c -> convolution(c, true));
    }

    private static void convolution(Case c, boolean transposed) {
        SplittableRandom r = c.r;
        long g = wild(r, new long[] {1, 1, 1, 2, 3}[r.nextInt(5)]);
        long gg = Math.max(1, Math.min(g, 3));
        long cin = gg * (1 + r.nextInt(3)) + (r.nextInt(12) == 0 ? 1 : 0);
        long cout = gg * (1 + r.nextInt(3));
        long n = size(r, 3), h = 1 + r.nextInt(9), w = 1 + r.nextInt(9);
        long kh = 1 + r.nextInt(r.nextInt(8) == 0 ? 12 : 4), kw = 1 + r.nextInt(4);
        long sh = wild(r, 1 + r.nextInt(3)), sw = wild(r, 1 + r.nextInt(3));
        long pt = wild(r, r.nextInt(3)), pb = wild(r, r.nextInt(3)), pl = r.nextInt(3), pr = wild(r, r.nextInt(3));
        long dh = wild(r, 1 + r.nextInt(2)), dw = 1 + r.nextInt(2);
        long oph = wild(r, r.nextInt(2)), opw = r.nextInt(2);
        int pass = r.nextInt(3);
        boolean bias = r.nextBoolean();
        long[] input = {n, cin, h, w};
        long[] weight = transposed ? new long[] {cin, cout / gg, kh, kw} : new long[] {cout, cin / gg, kh, kw};
        boolean nullParams = r.nextInt(40) == 0;
        Supplier<Conv2dParams> conv = () -> new Conv2dParams(sh, sw, pt, pb, pl, pr, dh, dw, g);
        Supplier<ConvTranspose2dParams> deconv = () -> new ConvTranspose2dParams(conv.get(), oph, opw);
        c.params = (transposed ? "conv_transpose2d" : "conv2d") + " " + new String[] {"forward", "backward data",
                "backward weights"}[pass] + " stride " + sh + "x" + sw + " pad " + pt + "," + pb + "," + pl + "," + pr
                + " dilation " + dh + "x" + dw + " groups " + g + (transposed ? " output padding " + oph + "x" + opw : "")
                + (nullParams ? " null params" : "");
        c.names.addAll(transposed ? List.of("conv_transpose2d", "conv2d") : List.of("conv2d"));
        long[] out;
        try {
            out = transposed
                    ? ConvTranspose2dShapes.infer(Shape.of(input), Shape.of(weight), null, deconv.get()).output().dims()
                    : Conv2dShapes.infer(Shape.of(input), Shape.of(weight), null, conv.get()).output().dims();
        } catch (IllegalArgumentException e) {
            out = null;
        }
        out = small(r, out, 4);
        long outChannels = out.length == 4 ? out[1] : cout;
        if (pass == 0) {
            int src = c.data(input), wt = c.data(weight), b = bias ? c.data(outChannels) : c.none(), dst = c.output(out);
            c.op = transposed
                    ? (backend, t) -> Kernels.run(backend, ConvTranspose2dOps.FORWARD, nullParams ? null : deconv.get(), in(t[src], t[wt], t[b]), t[dst])
                    : (backend, t) -> Kernels.run(backend, Conv2dOps.FORWARD, nullParams ? null : conv.get(), in(t[src], t[wt], t[b]), t[dst]);
        } else if (pass == 1) {
            int diffDst = c.data(out), wt = c.data(weight), diffSrc = c.output(input);
            c.op = transposed
                    ? (backend, t) -> Kernels.run(backend, ConvTranspose2dOps.BACKWARD_DATA, Kernels.dataGrad(nullParams ? null : deconv.get(), t[diffSrc]), in(t[diffDst], t[wt]), t[diffSrc])
                    : (backend, t) -> Kernels.run(backend, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(nullParams ? null : conv.get(), t[diffSrc]), in(t[diffDst], t[wt]), t[diffSrc]);
        } else {
            int src = c.data(input), diffDst = c.data(out), dwt = c.output(weight);
            int db = bias ? c.output(outChannels) : c.none();
            c.op = transposed
                    ? (backend, t) -> Kernels.run(backend, ConvTranspose2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(nullParams ? null : deconv.get(), t[dwt], t[db]), in(t[src], t[diffDst]), t[dwt], t[db])
                    : (backend, t) -> Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(nullParams ? null : conv.get(), t[dwt], t[db]), in(t[src], t[diffDst]), t[dwt], t[db]);
        }
    }

    // ---- pool2d ----

    /** Which workspace a max-pooling backward case hands over. */
    enum Workspace { OWN, NONE, OTHER_BACKEND, OTHER_SHAPE, CLOSED, UNWRITTEN }

    @Test
    void pool2d() {
        PoolAlgorithm[] algorithms = PoolAlgorithm.values();
        fuzz("pool2d", 9, 450, c -> {
            SplittableRandom r = c.r;
            PoolAlgorithm algorithm = r.nextInt(40) == 0 ? null : algorithms[r.nextInt(algorithms.length)];
            long kh = wild(r, 1 + r.nextInt(4)), kw = 1 + r.nextInt(4);
            long sh = wild(r, 1 + r.nextInt(3)), sw = 1 + r.nextInt(3);
            long pt = wild(r, r.nextInt(2)), pb = r.nextInt(2), pl = r.nextInt(2), pr = wild(r, r.nextInt(2));
            long dh = wild(r, 1 + r.nextInt(2)), dw = 1 + r.nextInt(2);
            boolean ceil = r.nextBoolean();
            long[] input = r.nextInt(15) == 0 ? shape(r, 3, 5)
                    : new long[] {size(r, 3), size(r, 4), Math.clamp(kh, 1, 4) + r.nextInt(8), kw + r.nextInt(8)};
            boolean backward = r.nextBoolean();
            boolean training = backward || r.nextBoolean();
            Workspace workspace = r.nextInt(4) > 0 ? Workspace.OWN : Workspace.values()[r.nextInt(Workspace.values().length)];
            Supplier<Pool2dParams> params = () -> new Pool2dParams(algorithm, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, ceil);
            c.params = algorithm + " kernel " + kh + "x" + kw + " stride " + sh + "x" + sw + " pad " + pt + "," + pb
                    + "," + pl + "," + pr + " dilation " + dh + "x" + dw + " ceil " + ceil
                    + (backward ? " backward" : training ? " training" : " inference") + " workspace " + workspace;
            c.names.add("pool2d");
            long[] out;
            try {
                out = Pool2dShapes.infer(params.get(), Shape.of(input)).output().dims();
            } catch (IllegalArgumentException e) {
                out = null;
            }
            out = small(r, out, 4);
            int src = c.data(input), dst = c.output(out);
            int diffDst = backward ? c.data(out) : -1, diffSrc = backward ? c.output(input) : -1;
            c.op = (backend, t) -> {
                Pool2dParams p = params.get();
                if (!training) {
                    Kernels.run(backend, Pool2dOps.FORWARD, p, in(t[src]), t[dst]);
                    return;
                }
                Tensor own = Kernels.poolTraining(backend, p, t[src], t[dst]);
                if (backward) {
                    Tensor ws = workspace(backend, p, t[src], own, workspace);
                    Kernels.run(backend, Pool2dOps.BACKWARD, Kernels.poolGrad(p, t[diffSrc]), in(t[diffDst], ws),
                            t[diffSrc]);
                }
            };
        });
    }

    /** The workspace a backward case hands over, given the one its own training forward made ({@code own}). */
    private Tensor workspace(Backend backend, Pool2dParams p, Tensor src, Tensor own, Workspace kind) {
        return switch (kind) {
            case OWN -> own;
            case NONE -> null;
            // The reference's, which oneDNN's backward takes by falling back there (as after a forward over NaN).
            case OTHER_BACKEND -> Kernels.poolTraining(reference, p, src,
                    Tensor.empty(Pool2dShapes.infer(p, src.shape()).output()));
            case OTHER_SHAPE -> {
                Shape shape = src.shape();
                Shape taller = Shape.of(shape.dim(0), shape.dim(1), shape.dim(2) + 1, shape.dim(3));
                yield Kernels.poolTraining(backend, p, Tensor.zeros(taller.dims()),
                        Tensor.empty(Pool2dShapes.infer(p, taller).output()));
            }
            case CLOSED -> {
                if (own != null) {
                    own.close();
                }
                yield own;
            }
            case UNWRITTEN -> own == null ? null : Tensor.zeros(own.shape().dims()); // the right size, never written
        };
    }

    // ---- batchnorm ----

    @Test
    void batchNorm() {
        fuzz("batchnorm", 10, 450, c -> {
            SplittableRandom r = c.r;
            long n = size(r, 4), ch = size(r, 5);
            long[] src = switch (r.nextInt(8)) {
                case 0 -> new long[] {n, ch};
                case 1 -> shape(r, 3, 4);
                default -> new long[] {n, ch, size(r, 6), size(r, 6)};
            };
            long channels = src.length > 1 ? src[1] : ch;
            float epsilon = switch (r.nextInt(12)) {
                case 0 -> 0f;
                case 1 -> -1e-5f;
                case 2 -> Float.NaN;
                default -> 1e-5f;
            };
            float momentum = r.nextInt(12) == 0 ? 1.5f : 0.1f;
            boolean training = r.nextBoolean(), backward = r.nextBoolean(), nullParams = r.nextInt(40) == 0;
            Supplier<BatchNormParams> params = () -> nullParams ? null : new BatchNormParams(epsilon, momentum);
            c.params = "epsilon " + epsilon + " momentum " + momentum + (training ? " training" : " inference")
                    + (backward ? " backward" : " forward") + (nullParams ? " null params" : "");
            c.names.add("batchnorm");
            if (!backward && training) {
                int x = c.data(src), scale = c.optional(0.3, channels), shift = c.optional(0.3, channels);
                int runningMean = c.optional(0.5, channels), runningVariance = c.optional(0.5, channels);
                int dst = c.output(src), mean = c.output(channels), variance = c.output(channels);
                c.op = (backend, t) -> Kernels.run(backend, BatchNormOps.TRAINING, params.get(),
                        in(t[x], t[scale], t[shift], t[runningMean], t[runningVariance]), t[dst], t[mean], t[variance]);
            } else if (!backward) {
                int x = c.data(src), scale = c.optional(0.3, channels), shift = c.optional(0.3, channels);
                int mean = c.data(channels), variance = c.positive(channels), dst = c.output(src);
                c.op = (backend, t) -> Kernels.run(backend, BatchNormOps.INFERENCE, params.get(),
                        in(t[x], t[scale], t[shift], t[mean], t[variance]), t[dst]);
            } else {
                int x = c.data(src), diffDst = c.data(src), scale = c.optional(0.3, channels);
                int mean = c.data(channels), variance = c.positive(channels), diffSrc = c.output(src);
                int diffScale = r.nextInt(4) == 0 ? c.none() : c.output(channels);
                int diffShift = r.nextInt(4) == 0 ? c.none() : c.output(channels);
                c.op = (backend, t) -> Kernels.run(backend, BatchNormOps.BACKWARD,
                        Kernels.normGrad(params.get(), training, t[diffScale], t[diffShift]),
                        in(t[x], t[diffDst], t[scale], t[mean], t[variance]), t[diffSrc], t[diffScale], t[diffShift]);
            }
        });
    }
}
