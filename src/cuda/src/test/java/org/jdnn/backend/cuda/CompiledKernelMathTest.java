package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA kernels' math, compiled as host C++ from the same headers (see {@link HostKernels}), against the reference
 * backend's kernels over seeded inputs that start with NaN, the infinities, both zeros, the float32 extremes and each
 * op's kinks. The unary math runs in double with the reference's formulas in the reference's order, so only the C
 * library's transcendental functions (and the reference's own erf) differ from Java's, by an ulp of double or so.
 *
 * <p>Bounds. Unary forward and backward, and pow with a tensor exponent: in float32 within {@value #UNARY_ULPS_F32}
 * ulp (an ulp of double moves the final rounding by one at most); in float64 within {@value #UNARY_ULPS_F64} ulps or,
 * where terms cancel (1 - tanh^2, 1 + erf near -1), within 2^-50 (1 + |x|)(1 + |dy|) absolute (GELU_ERF: see
 * {@link #slack}). Bit for bit: the clamped log's gradient, binary arithmetic, comparisons, logical ops, where, strided
 * copy, casts and dropout (the optimizers: {@link CompiledOptimizerMathTest}).
 */
class CompiledKernelMathTest {
    static final long UNARY_ULPS_F32 = 1;
    static final long UNARY_ULPS_F64 = 8;
    static final double ERF_SLACK = 1e-13;
    private static final int N = 4096;
    private static final Backend REFERENCE = Backends.get("reference");
    private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);

    @BeforeAll
    static void hostLibrary() {
        var reason = HostKernels.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "CUDA kernel math not checked: " + reason.orElse(""));
    }

    private static Tensor reference(java.util.function.Supplier<Tensor> call) {
        return Backends.with(REFERENCE, call);
    }

    private static double[] read(MemorySegment s, DType dtype, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = HostData.get(s, dtype, i);
        }
        return v;
    }

    private static void invoke(MethodHandle handle, Object... arguments) {
        try {
            handle.invokeWithArguments(arguments);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static FunctionDescriptor voidOf(java.lang.foreign.MemoryLayout... layouts) {
        return FunctionDescriptor.ofVoid(layouts);
    }

    // ---- unary ----

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
                for (EltwiseParams params : variants(algorithm)) {
                    cases.add(Arguments.of(params, dtype));
                }
            }
        }
        return cases.stream();
    }

    /** PyTorch's defaults and the parameters whose kinks differ. */
    private static List<EltwiseParams> variants(EltwiseAlgorithm algorithm) {
        List<EltwiseParams> list = new ArrayList<>(List.of(EltwiseParams.of(algorithm)));
        switch (algorithm) {
            case RELU -> list.add(new EltwiseParams(algorithm, 0.1f));
            case ELU -> list.add(new EltwiseParams(algorithm, 0.5f));
            case SOFTPLUS -> list.add(new EltwiseParams(algorithm, 2f, 5f));
            case STEP -> list.add(new EltwiseParams(algorithm, 0.5f));
            case HARDTANH -> list.add(new EltwiseParams(algorithm, -0.5f, 2f));
            case CLAMP -> {
                list.add(new EltwiseParams(algorithm, -1f, 0.5f));
                list.add(new EltwiseParams(algorithm, 2f, 1f));
            }
            case POW -> {
                for (float e : new float[] {2f, 0.5f, 0f, -1.5f, 3f}) {
                    list.add(new EltwiseParams(algorithm, e));
                }
            }
            default -> {
            }
        }
        return list;
    }

    private static double[] kinks(EltwiseParams p) {
        double softplusThreshold = p.algorithm() == EltwiseAlgorithm.SOFTPLUS ? p.beta() / p.alpha() : 0;
        return new double[] {p.alpha(), p.beta(), softplusThreshold};
    }

    private static long unaryUlps(DType dtype) {
        return dtype == DType.FLOAT32 ? UNARY_ULPS_F32 : UNARY_ULPS_F64;
    }

    /**
     * float64's allowance for cancelling terms, 2^-50 (1 + |x|)(1 + |dy|), and {@value #ERF_SLACK} (1 + |x|)(1 + |dy|)
     * for GELU_ERF, whose reference erf (series, then continued fraction from 2.5) is good to about 1e-14 near 2.5;
     * none in float32.
     */
    private static double[] slack(EltwiseAlgorithm algorithm, DType dtype, double[] x, double[] dy) {
        if (dtype == DType.FLOAT32) {
            return null;
        }
        return Agreement.cancellationSlack(algorithm == EltwiseAlgorithm.GELU_ERF ? ERF_SLACK : 0x1p-50, x, dy);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryForwardAgreesWithTheReference(EltwiseParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_unary_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            double[] x = HostData.values(params.algorithm().ordinal(), N, kinks(params));
            MemorySegment xs = HostData.segment(arena, dtype, x);
            MemorySegment ys = HostData.zeros(arena, dtype, N);
            invoke(kernel, KernelCodes.unary(params.algorithm()), params.alpha(), params.beta(), (long) N, xs, ys);
            try (Tensor input = HostData.tensor(xs, dtype, N);
                 Tensor want = reference(() -> Dispatch.call1(EltwiseOps.FORWARD, params, input))) {
                double[] xv = read(xs, dtype, N);
                Agreement.checkWithSlack("unary " + params, dtype, unaryUlps(dtype),
                        slack(params.algorithm(), dtype, xv, null), read(ys, dtype, N), want.toDoubleArray(), xv);
            }
        }
    }

    static Stream<Arguments> unaryBackwardCases() {
        return unaryCases().filter(a -> ((EltwiseParams) a.get()[0]).algorithm() != EltwiseAlgorithm.STEP);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryBackwardCases")
    void unaryBackwardAgreesWithTheReference(EltwiseParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_unary_backward_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            double[] x = HostData.values(100 + params.algorithm().ordinal(), N, kinks(params));
            double[] dy = HostData.shuffled(7, x);
            for (int i = 0; i < N; i += 3) {
                dy[i] = 1;  // the derivative itself, where dy does not hide it
            }
            MemorySegment xs = HostData.segment(arena, dtype, x);
            MemorySegment dys = HostData.segment(arena, dtype, dy);
            MemorySegment dxs = HostData.zeros(arena, dtype, N);
            invoke(kernel, KernelCodes.unary(params.algorithm()), params.alpha(), params.beta(), (long) N, xs, dys,
                    dxs);
            try (Tensor input = HostData.tensor(xs, dtype, N); Tensor gradOutput = HostData.tensor(dys, dtype, N);
                 Tensor want = reference(() -> Dispatch.call1(EltwiseOps.BACKWARD, params, input, gradOutput))) {
                double[] xv = read(xs, dtype, N), dyv = read(dys, dtype, N);
                Agreement.checkWithSlack("unary backward " + params, dtype, unaryUlps(dtype),
                        slack(params.algorithm(), dtype, xv, dyv), read(dxs, dtype, N), want.toDoubleArray(), xv, dyv);
            }
        }
    }

    static Stream<Arguments> floats() {
        return FLOATS.stream().map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("floats")
    void clampedLogAndItsGradientAgreeWithTheReference(DType dtype) {
        MethodHandle forward = HostKernels.function("jdnn_host_log_clamped_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS));
        MethodHandle backward = HostKernels.function("jdnn_host_log_clamped_backward_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        for (float min : new float[] {-100f, Float.NEGATIVE_INFINITY}) {
            EltwiseOps.LogParams params = new EltwiseOps.LogParams(min);
            try (Arena arena = Arena.ofConfined()) {
                double[] x = HostData.values(5, N, Math.exp(-100));
                double[] dy = HostData.shuffled(9, x);
                MemorySegment xs = HostData.segment(arena, dtype, x), dys = HostData.segment(arena, dtype, dy);
                MemorySegment ys = HostData.zeros(arena, dtype, N), dxs = HostData.zeros(arena, dtype, N);
                invoke(forward, min, (long) N, xs, ys);
                invoke(backward, min, (long) N, xs, dys, dxs);
                try (Tensor input = HostData.tensor(xs, dtype, N); Tensor gradOutput = HostData.tensor(dys, dtype, N);
                     Tensor y = reference(() -> Dispatch.call1(EltwiseOps.LOG, params, input));
                     Tensor dx = reference(() -> Dispatch.call1(EltwiseOps.LOG_BACKWARD, params, input, gradOutput))) {
                    Agreement.check("log min " + min, dtype, unaryUlps(dtype), read(ys, dtype, N), y.toDoubleArray(), x);
                    Agreement.check("log backward min " + min, dtype, 0, read(dxs, dtype, N), dx.toDoubleArray(), x,
                            dy);
                }
            }
        }
    }

    // ---- binary, comparisons, logical, where ----

    /** Broadcast pairs: [16, 1, 64] with [32, 64], and a same-shape pair. */
    private static final long[][][] PAIRS = {{{16, 1, 64}, {32, 64}, {16, 32, 64}}, {{N}, {N}, {N}}};

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : FLOATS) {
            for (BinaryAlgorithm op : BinaryAlgorithm.values()) {
                for (long[][] pair : PAIRS) {
                    cases.add(Arguments.of(op, dtype, pair));
                }
            }
        }
        return cases.stream();
    }

    private static int numel(long[] dims) {
        return Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("binaryCases")
    void binaryArithmeticIsBitForBitTheReference(BinaryAlgorithm op, DType dtype, long[][] pair) {
        MethodHandle kernel = HostKernels.function("jdnn_host_binary_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        int na = numel(pair[0]), nb = numel(pair[1]), n = numel(pair[2]);
        try (Arena arena = Arena.ofConfined()) {
            double[] a = HostData.values(11, Math.max(na, 64));
            double[] b = HostData.shuffled(12, HostData.values(13, Math.max(nb, 64)));
            a = Arrays.copyOf(a, na);
            b = Arrays.copyOf(b, nb);
            MemorySegment as = HostData.segment(arena, dtype, a), bs = HostData.segment(arena, dtype, b);
            MemorySegment ys = HostData.zeros(arena, dtype, n);
            BroadcastShape shape = BroadcastShape.contiguous(pair[2], pair[0], pair[1]);
            invoke(kernel, KernelCodes.binary(op), shape.toStruct(arena), (long) n, as, bs, ys);
            try (Tensor ta = HostData.tensor(as, dtype, pair[0]); Tensor tb = HostData.tensor(bs, dtype, pair[1]);
                 Tensor want = reference(() -> Dispatch.call1(BinaryOps.BINARY, new BinaryParams(op), ta, tb))) {
                Agreement.check(op + " " + Arrays.deepToString(pair), dtype, 0, read(ys, dtype, n),
                        want.toDoubleArray());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floats")
    void binaryWithAScalarIsBitForBitTheReference(DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_binary_scalar_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS));
        for (BinaryAlgorithm op : BinaryAlgorithm.values()) {
            for (float scalar : new float[] {0f, -0f, 2.5f, Float.NaN, Float.NEGATIVE_INFINITY, 1e-30f}) {
                try (Arena arena = Arena.ofConfined()) {
                    double[] a = HostData.values(14, N);
                    MemorySegment as = HostData.segment(arena, dtype, a), ys = HostData.zeros(arena, dtype, N);
                    invoke(kernel, KernelCodes.binary(op), scalar, (long) N, as, ys);
                    try (Tensor ta = HostData.tensor(as, dtype, N);
                         Tensor want = reference(() -> Dispatch.call1(BinaryOps.BINARY_SCALAR,
                                 new BinaryOps.ScalarParams(op, scalar), ta))) {
                        Agreement.check(op + " scalar " + scalar, dtype, 0, read(ys, dtype, N), want.toDoubleArray(),
                                a);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floats")
    void powAndItsGradientsAgreeWithTheReferenceWithinAnUlp(DType dtype) {
        MethodHandle pow = HostKernels.function("jdnn_host_pow_" + KernelCodes.suffix(dtype),
                voidOf(BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        MethodHandle backward = HostKernels.function("jdnn_host_pow_backward_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        for (long[][] pair : PAIRS) {
            int na = numel(pair[0]), nb = numel(pair[1]), n = numel(pair[2]);
            try (Arena arena = Arena.ofConfined()) {
                double[] a = HostData.values(25, na, 0.5, 1.5);
                double[] b = HostData.shuffled(26, HostData.values(27, nb, 0.5, -0.5, 3));
                MemorySegment as = HostData.segment(arena, dtype, a), bs = HostData.segment(arena, dtype, b);
                MemorySegment gs = HostData.segment(arena, dtype, HostData.shuffled(28, HostData.values(29, n)));
                MemorySegment ys = HostData.zeros(arena, dtype, n);
                MemorySegment shape = BroadcastShape.contiguous(pair[2], pair[0], pair[1]).toStruct(arena);
                invoke(pow, shape, (long) n, as, bs, ys);
                try (Tensor ta = HostData.tensor(as, dtype, pair[0]); Tensor tb = HostData.tensor(bs, dtype, pair[1]);
                     Tensor tg = HostData.tensor(gs, dtype, pair[2]);
                     Tensor want = reference(() -> Dispatch.call1(org.jdnn.ops.PowOps.POW,
                             org.jdnn.ops.NoParams.INSTANCE, ta, tb))) {
                    Agreement.check("pow " + Arrays.deepToString(pair), dtype, 1, read(ys, dtype, n),
                            want.toDoubleArray());
                    for (int operand = 0; operand < 2; operand++) {
                        invoke(backward, operand, shape, (long) n, as, bs, gs, ys);
                        org.jdnn.ops.PowOps.GradParams params = new org.jdnn.ops.PowOps.GradParams(operand);
                        try (Tensor grad = reference(() -> Dispatch.call1(org.jdnn.ops.PowOps.POW_BACKWARD, params,
                                ta, tb, tg))) {
                            Agreement.checkWithSlack("pow backward operand " + operand, dtype, unaryUlps(dtype),
                                    null, read(ys, dtype, n), grad.toDoubleArray());
                        }
                    }
                }
            }
        }
    }

    static Stream<Arguments> comparisonCases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT64)) {
            for (CompareAlgorithm op : CompareAlgorithm.values()) {
                cases.add(Arguments.of(op, dtype));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("comparisonCases")
    void comparisonsAreBitForBitTheReference(CompareAlgorithm op, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_compare_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        for (long[][] pair : PAIRS) {
            int na = numel(pair[0]), nb = numel(pair[1]), n = numel(pair[2]);
            try (Arena arena = Arena.ofConfined()) {
                double[] a = HostData.values(15, na);
                double[] b = HostData.shuffled(16, HostData.values(15, nb));
                MemorySegment as = HostData.segment(arena, dtype, a), bs = HostData.segment(arena, dtype, b);
                MemorySegment ys = HostData.zeros(arena, DType.BOOL, n);
                invoke(kernel, KernelCodes.compare(op), BroadcastShape.contiguous(pair[2], pair[0], pair[1])
                        .toStruct(arena), (long) n, as, bs, ys);
                try (Tensor ta = HostData.tensor(as, dtype, pair[0]); Tensor tb = HostData.tensor(bs, dtype, pair[1]);
                     Tensor want = reference(() -> Dispatch.call1(ComparisonOps.COMPARE,
                             new ComparisonOps.CompareParams(op), ta, tb))) {
                    assertBools(op + " " + dtype + " " + Arrays.deepToString(pair), ys, want.toBooleanArray());
                }
            }
        }
    }

    private static void assertBools(String what, MemorySegment got, boolean[] want) {
        byte[] wantBytes = new byte[want.length];
        for (int i = 0; i < want.length; i++) {
            wantBytes[i] = (byte) (want[i] ? 1 : 0);
        }
        assertArrayEquals(wantBytes, got.asSlice(0, want.length).toArray(JAVA_BYTE), what + ": bool bytes (0 or 1)");
    }

    static Stream<Arguments> truthTypes() {
        return Stream.of(DType.FLOAT32, DType.FLOAT64, DType.INT64).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truthTypes")
    void logicalOpsAreBitForBitTheReference(DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_logical_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_INT, BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        for (LogicalAlgorithm op : LogicalAlgorithm.values()) {
            long[][] pair = PAIRS[0];
            int na = numel(pair[0]), nb = numel(pair[1]), n = numel(pair[2]);
            try (Arena arena = Arena.ofConfined()) {
                double[] a = HostData.values(17, na), b = HostData.shuffled(18, HostData.values(19, nb));
                for (int i = 0; i < na; i += 2) {
                    a[i] = 0;  // half false
                }
                MemorySegment as = HostData.segment(arena, dtype, a), bs = HostData.segment(arena, dtype, b);
                MemorySegment ys = HostData.zeros(arena, DType.BOOL, n);
                invoke(kernel, KernelCodes.logical(op), BroadcastShape.contiguous(pair[2], pair[0], pair[1])
                        .toStruct(arena), (long) n, as, bs, ys);
                try (Tensor ta = HostData.tensor(as, dtype, pair[0]); Tensor tb = HostData.tensor(bs, dtype, pair[1]);
                     Tensor want = reference(() -> Dispatch.call1(ComparisonOps.LOGICAL,
                             new ComparisonOps.LogicalParams(op), ta, tb))) {
                    assertBools(op + " " + dtype, ys, want.toBooleanArray());
                }
            }
        }
    }

    @Test
    void whereMovesTheBitsOfTheChosenOperand() {
        MethodHandle kernel = HostKernels.function("jdnn_host_where_x32",
                voidOf(BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        long[] c = {4, 1, 8}, x = {5, 8}, y = {4, 5, 1}, out = {4, 5, 8};
        try (Arena arena = Arena.ofConfined()) {
            double[] cv = HostData.values(20, numel(c));
            for (int i = 0; i < cv.length; i += 3) {
                cv[i] = 0;
            }
            MemorySegment cs = HostData.segment(arena, DType.BOOL, cv);
            MemorySegment xs = HostData.segment(arena, DType.FLOAT32, HostData.values(21, numel(x)));
            MemorySegment ys = HostData.segment(arena, DType.FLOAT32, HostData.values(22, numel(y)));
            MemorySegment os = HostData.zeros(arena, DType.FLOAT32, numel(out));
            invoke(kernel, BroadcastShape.contiguous(out, c, x, y).toStruct(arena), (long) numel(out), cs, xs, ys, os);
            try (Tensor tc = HostData.tensor(cs, DType.BOOL, c); Tensor tx = HostData.tensor(xs, DType.FLOAT32, x);
                 Tensor ty = HostData.tensor(ys, DType.FLOAT32, y);
                 Tensor want = reference(() -> Dispatch.call1(ComparisonOps.WHERE,
                         org.jdnn.ops.NoParams.INSTANCE, tc, tx, ty))) {
                Agreement.check("where", DType.FLOAT32, 0, read(os, DType.FLOAT32, numel(out)),
                        want.toDoubleArray());
            }
        }
    }

    @Test
    void stridedCopyGathersAPermutedView() {
        MethodHandle kernel = HostKernels.function("jdnn_host_copy_strided_x32",
                voidOf(BroadcastShape.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS));
        // x of [2, 3, 4] permuted (2, 0, 1): out[i][j][k] = x[j][k][i], strides (1, 12, 4) along [4, 2, 3].
        try (Arena arena = Arena.ofConfined()) {
            float[] x = new float[24];
            for (int i = 0; i < 24; i++) {
                x[i] = i;
            }
            MemorySegment xs = arena.allocateFrom(JAVA_FLOAT, x), os = arena.allocate(JAVA_FLOAT, 24);
            BroadcastShape view = BroadcastShape.of(new long[] {4, 2, 3}, new long[] {1, 12, 4});
            invoke(kernel, view.toStruct(arena), 24L, xs, os);
            float[] want = new float[24];
            for (int i = 0, o = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < 3; k++) {
                        want[o++] = x[j * 12 + k * 4 + i];
                    }
                }
            }
            assertArrayEquals(want, os.toArray(JAVA_FLOAT), "permute (2, 0, 1) of [2, 3, 4] via " + view);
        }
    }

    // ---- casts ----

    @Test
    void everyCastIsBitForBitTheReference() {
        List<DType> types = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);
        double[] values = HostData.values(23, 512, 1e19, -1e19, 9.3e18, -0.7, 0.7, 2.5, -2.5);
        // Longs that round differently through double than directly to float, and the extremes.
        long[] longs = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, (1L << 24) + 1,
            (1L << 62) + (1L << 38) + 1, -((1L << 40) + (1L << 16) + 1), 123456789012345L};
        for (DType from : types) {
            for (DType to : types) {
                if (from == to) {
                    continue;
                }
                MethodHandle kernel = HostKernels.function("jdnn_host_cast_" + KernelCodes.suffix(from) + "_"
                        + KernelCodes.suffix(to), voidOf(JAVA_LONG, ADDRESS, ADDRESS));
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment xs;
                    int n;
                    if (from == DType.INT64) {
                        xs = arena.allocateFrom(JAVA_LONG, longs);
                        n = longs.length;
                    } else {
                        xs = HostData.segment(arena, from, values);
                        n = values.length;
                    }
                    MemorySegment ys = HostData.zeros(arena, to, n);
                    invoke(kernel, (long) n, xs, ys);
                    try (Tensor input = HostData.tensor(xs, from, n);
                         Tensor want = reference(() -> Dispatch.call1(org.jdnn.ops.CastOps.CAST,
                                 new org.jdnn.ops.CastOps.CastParams(to), input))) {
                        MemorySegment wantBytes = HostData.zeros(arena, to, n);
                        wantBytes.copyFrom(bytesOf(want, arena));
                        assertArrayEquals(wantBytes.toArray(JAVA_BYTE), ys.toArray(JAVA_BYTE),
                                "cast " + from + " -> " + to + ": every byte as the reference's");
                    }
                }
            }
        }
    }

    /** A CPU tensor's bytes. */
    private static MemorySegment bytesOf(Tensor t, Arena arena) {
        int n = Math.toIntExact(t.numel());
        return switch (t.dtype()) {
            case FLOAT32 -> arena.allocateFrom(JAVA_FLOAT, t.toFloatArray());
            case FLOAT64 -> arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_DOUBLE, t.toDoubleArray());
            case INT64 -> arena.allocateFrom(JAVA_LONG, t.toLongArray());
            case BOOL -> {
                boolean[] b = t.toBooleanArray();
                byte[] bytes = new byte[n];
                for (int i = 0; i < n; i++) {
                    bytes[i] = (byte) (b[i] ? 1 : 0);
                }
                yield arena.allocateFrom(JAVA_BYTE, bytes);
            }
            default -> throw new IllegalArgumentException("dtype " + t.dtype());
        };
    }

    // ---- dropout ----

    @Test
    void dropoutMaskIsBitForBitDropoutMaskGenerate() {
        MethodHandle kernel = HostKernels.function("jdnn_host_dropout_mask_f32",
                voidOf(JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT, JAVA_LONG, ADDRESS));
        int n = 10_000;
        for (long seed : new long[] {0, 1, -1, 42, Long.MIN_VALUE, Long.MAX_VALUE, 0x123456789abcdefL}) {
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f, 0.999f}) {
                DropoutParams params = new DropoutParams(p, true, seed);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment mask = arena.allocate(JAVA_FLOAT, n);
                    invoke(kernel, seed, p, params.scale(), (long) n, mask);
                    float[] want = DropoutMask.generate(params, n);
                    float[] got = mask.toArray(JAVA_FLOAT);
                    for (int i = 0; i < n; i++) {
                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                            throw new AssertionError("dropout mask seed " + seed + " p " + p + " [" + i + "]: got "
                                    + got[i] + ", DropoutMask " + want[i]);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("floats")
    void dropoutIsBitForBitTheReference(DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_dropout_" + KernelCodes.suffix(dtype),
                voidOf(JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT, JAVA_LONG, ADDRESS, ADDRESS));
        DropoutParams params = new DropoutParams(0.3f, true, 20261203L);
        try (Arena arena = Arena.ofConfined()) {
            double[] x = HostData.values(24, N);
            MemorySegment xs = HostData.segment(arena, dtype, x), ys = HostData.zeros(arena, dtype, N);
            invoke(kernel, params.seed(), params.p(), params.scale(), (long) N, xs, ys);
            try (Tensor input = HostData.tensor(xs, dtype, N);
                 Tensor want = reference(() -> Dispatch.call1(DropoutOps.DROPOUT, params, input))) {
                Agreement.check("dropout", dtype, 0, read(ys, dtype, N), want.toDoubleArray(), x);
            }
        }
    }

    // ---- layouts ----

    @Test
    void theJavaStructLayoutsHaveTheCompilersSizes() {
        MethodHandle size = HostKernels.function("jdnn_host_sizeof", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        long[] want = {BroadcastShape.LAYOUT.byteSize(), ReductionShape.LAYOUT.byteSize(),
            SgdConstants.LAYOUT.byteSize(), AdamConstants.LAYOUT.byteSize(), AdagradConstants.LAYOUT.byteSize(),
            RmspropConstants.LAYOUT.byteSize()};
        String[] names = {"jd_broadcast", "jd_reduction", "jd_sgd", "jd_adam", "jd_adagrad", "jd_rmsprop"};
        for (int i = 0; i < want.length; i++) {
            try {
                assertEquals(want[i], (long) size.invokeExact(i), "sizeof(" + names[i] + ") vs the Java layout");
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
        assertEquals(264, BroadcastShape.LAYOUT.byteSize(), "jd_broadcast");
        assertEquals(280, ReductionShape.LAYOUT.byteSize(), "jd_reduction");
    }
}
