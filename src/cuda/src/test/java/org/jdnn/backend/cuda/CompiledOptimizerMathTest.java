package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.AdagradOps;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.RmspropOps;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SgdParams;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The optimizer updates of the CUDA kernels (host C++ from the same headers, see {@link HostKernels}) against the
 * reference backend's, bit for bit: three steps in a row from the same parameters, gradients and state, every
 * parameter and state element compared after each step (NaN, infinities and float32's extremes included). Also the
 * reductions' element order and NaN rule (the kernels' index math and jd_beats, run serially) and the max's backward
 * against the reference.
 */
class CompiledOptimizerMathTest {
    private static final int N = 2048;
    private static final int STEPS = 3;
    private static final Backend REFERENCE = Backends.get("reference");

    @BeforeAll
    static void hostLibrary() {
        var reason = HostKernels.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "CUDA kernel math not checked: " + reason.orElse(""));
    }

    /** A parameter, the gradients of each step, and state buffers, on the host and as reference tensors. */
    private static final class Run implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final DType dtype;
        final MemorySegment[] host;
        final Tensor[] tensors;

        /** Buffer 0 is the parameter, 1 the gradient, then {@code states} state buffers (null where absent). */
        Run(DType dtype, long seed, boolean... states) {
            this.dtype = dtype;
            host = new MemorySegment[2 + states.length];
            tensors = new Tensor[host.length];
            set(0, HostData.values(seed, N));
            for (int k = 0; k < states.length; k++) {
                if (states[k]) {
                    double[] initial = new double[N];
                    Arrays.fill(initial, k == 0 ? 0.25 : 0);
                    set(2 + k, initial);
                }
            }
            host[1] = HostData.zeros(arena, dtype, N);
        }

        private void set(int index, double[] values) {
            host[index] = HostData.segment(arena, dtype, values);
            tensors[index] = HostData.tensor(host[index], dtype, N);
        }

        /** Fresh seeded gradients for step {@code step} in both places. */
        void gradient(long seed) {
            if (tensors[1] != null) {
                tensors[1].close();
            }
            double[] g = HostData.shuffled(seed, HostData.values(seed, N));
            set(1, g);
        }

        MemorySegment pointer(int index) {
            return host[index] == null ? MemorySegment.NULL : host[index];
        }

        void compare(String what, String[] names) {
            for (int k = 0; k < host.length; k++) {
                if (k == 1 || host[k] == null) {
                    continue;
                }
                double[] got = new double[N];
                for (int i = 0; i < N; i++) {
                    got[i] = HostData.get(host[k], dtype, i);
                }
                Agreement.check(what + " " + names[k], dtype, 0, got, tensors[k].toDoubleArray());
            }
        }

        @Override
        public void close() {
            for (Tensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
            arena.close();
        }
    }

    private static <P> void reference(Op<P> op, P params, Tensor... inputs) {
        Backends.with(REFERENCE, () -> Dispatch.call(op, params, inputs));
    }

    private static void invoke(MethodHandle handle, Object... arguments) {
        try {
            handle.invokeWithArguments(arguments);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static List<DType> floats() {
        return List.of(DType.FLOAT32, DType.FLOAT64);
    }

    static Stream<Arguments> sgdCases() {
        List<SgdParams> variants = List.of(SgdParams.of(0.1), new SgdParams(0.05, 0.9, 0, false, 1e-4),
                new SgdParams(0.05, 0.9, 0, true, 1e-4), new SgdParams(0.05, 0.8, 0.3, false, 0).withMaximize(true));
        return floats().stream().flatMap(d -> variants.stream().map(v -> Arguments.of(v, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sgdCases")
    void sgdStepsAreBitForBitTheReference(SgdParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_sgd_" + KernelCodes.suffix(dtype),
                FunctionDescriptor.ofVoid(SgdConstants.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        try (Run run = new Run(dtype, 1, params.momentum() != 0)) {
            for (int step = 1; step <= STEPS; step++) {
                run.gradient(10 + step);
                boolean first = step == 1;
                invoke(kernel, SgdConstants.of(params, first).toStruct(run.arena), (long) N, run.pointer(0),
                        run.pointer(1), run.pointer(2));
                reference(SgdOps.UPDATE, new SgdOps.StepParams(params, first), run.tensors[0], run.tensors[1],
                        run.tensors[2]);
                run.compare("sgd " + params + " step " + step, new String[] {"param", "grad", "momentumBuffer"});
            }
        }
    }

    static Stream<Arguments> adamCases() {
        List<AdamParams> variants = List.of(AdamParams.adam(1e-3), AdamParams.adamW(1e-2),
                AdamParams.adam(1e-3).withWeightDecay(0.01).withAmsgrad(true),
                AdamParams.adamW(1e-3).withMaximize(true).withAmsgrad(true),
                AdamParams.adam(1e-2).withBetas(0.3, 0.9));  // weight 0.7: the lerp's second form
        return floats().stream().flatMap(d -> variants.stream().map(v -> Arguments.of(v, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adamCases")
    void adamStepsAreBitForBitTheReference(AdamParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_adam_" + KernelCodes.suffix(dtype),
                FunctionDescriptor.ofVoid(AdamConstants.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS));
        try (Run run = new Run(dtype, 2, true, true, params.amsgrad())) {
            for (int step = 1; step <= STEPS; step++) {
                run.gradient(20 + step);
                invoke(kernel, AdamConstants.of(params, step).toStruct(run.arena), (long) N, run.pointer(0),
                        run.pointer(1), run.pointer(2), run.pointer(3), run.pointer(4));
                reference(AdamOps.UPDATE, new AdamOps.StepParams(params, step), run.tensors[0], run.tensors[1],
                        run.tensors[2], run.tensors[3], run.tensors[4]);
                run.compare(params.opName() + " " + params + " step " + step,
                        new String[] {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"});
            }
        }
    }

    static Stream<Arguments> adagradCases() {
        List<AdagradParams> variants = List.of(AdagradParams.of(0.1), new AdagradParams(0.1, 0.01, 1e-4, 0.1, 1e-10));
        return floats().stream().flatMap(d -> variants.stream().map(v -> Arguments.of(v, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("adagradCases")
    void adagradStepsAreBitForBitTheReference(AdagradParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_adagrad_" + KernelCodes.suffix(dtype),
                FunctionDescriptor.ofVoid(AdagradConstants.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
        try (Run run = new Run(dtype, 3, true)) {
            for (int step = 1; step <= STEPS; step++) {
                run.gradient(30 + step);
                invoke(kernel, AdagradConstants.of(params, step).toStruct(run.arena), (long) N, run.pointer(0),
                        run.pointer(1), run.pointer(2));
                reference(AdagradOps.UPDATE, new AdagradOps.StepParams(params, step), run.tensors[0],
                        run.tensors[1], run.tensors[2]);
                run.compare("adagrad " + params + " step " + step, new String[] {"param", "grad", "sum"});
            }
        }
    }

    static Stream<Arguments> rmspropCases() {
        List<RmspropParams> variants = List.of(RmspropParams.of(0.01), RmspropParams.of(0.01).withCentered(true),
                RmspropParams.of(0.01).withMomentum(0.9),
                RmspropParams.of(0.01).withCentered(true).withMomentum(0.5).withWeightDecay(1e-3));
        return floats().stream().flatMap(d -> variants.stream().map(v -> Arguments.of(v, d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rmspropCases")
    void rmspropStepsAreBitForBitTheReference(RmspropParams params, DType dtype) {
        MethodHandle kernel = HostKernels.function("jdnn_host_rmsprop_" + KernelCodes.suffix(dtype),
                FunctionDescriptor.ofVoid(RmspropConstants.LAYOUT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                        ADDRESS));
        try (Run run = new Run(dtype, 4, true, params.centered(), params.momentum() > 0)) {
            for (int step = 1; step <= STEPS; step++) {
                run.gradient(40 + step);
                invoke(kernel, RmspropConstants.of(params).toStruct(run.arena), (long) N, run.pointer(0),
                        run.pointer(1), run.pointer(2), run.pointer(3), run.pointer(4));
                reference(RmspropOps.UPDATE, params, run.tensors[0], run.tensors[1], run.tensors[2], run.tensors[3],
                        run.tensors[4]);
                run.compare("rmsprop " + params + " step " + step,
                        new String[] {"param", "grad", "squareAvg", "gradAvg", "momentumBuffer"});
            }
        }
    }

    // ---- reductions ----

    /** The max's backward sends each output's gradient to the same element as the reference's. */
    private static void checkMaxBackward(MethodHandle kernel, Arena arena, ReductionShape shape, MemorySegment xs,
                                         Tensor input, Tensor output, ReductionParams params, long[] dims,
                                         int[] axes) {
        int outputs = Math.toIntExact(shape.outputs());
        double[] dy = new double[outputs];
        for (int j = 0; j < outputs; j++) {
            dy[j] = j + 0.5;
        }
        MemorySegment dys = HostData.segment(arena, DType.FLOAT32, dy);
        int n = Math.toIntExact(input.numel());
        MemorySegment dxs = HostData.zeros(arena, DType.FLOAT32, n);
        invoke(kernel, shape.toStruct(arena), xs, dys, dxs);
        try (Tensor gradOutput = HostData.tensor(dys, DType.FLOAT32, output.dims());
             Tensor want = Backends.with(REFERENCE, () -> Dispatch.call1(ReductionOps.REDUCE_BACKWARD, params, input,
                     output, gradOutput))) {
            double[] got = new double[n];
            for (int i = 0; i < n; i++) {
                got[i] = HostData.get(dxs, DType.FLOAT32, i);
            }
            Agreement.check("max backward over " + Arrays.toString(axes) + " of " + Arrays.toString(dims),
                    DType.FLOAT32, 0, got, want.toDoubleArray());
        }
    }

    @Test
    void reductionsMeetTheElementsInTheReferencesOrder() {
        MethodHandle sum = HostKernels.function("jdnn_host_reduce_sum_f32",
                FunctionDescriptor.ofVoid(ReductionShape.LAYOUT, JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle max = HostKernels.function("jdnn_host_reduce_max_f32",
                FunctionDescriptor.ofVoid(ReductionShape.LAYOUT, ADDRESS, ADDRESS));
        MethodHandle maxBackward = HostKernels.function("jdnn_host_reduce_max_backward_f32",
                FunctionDescriptor.ofVoid(ReductionShape.LAYOUT, ADDRESS, ADDRESS, ADDRESS));
        long[] dims = {4, 5, 1, 6};
        int n = 120;
        int[][] axeSets = {{1}, {0, 3}, {0, 1, 2, 3}, {3}, {2}, {1, 2}};
        for (ReductionAlgorithm algorithm : ReductionAlgorithm.values()) {
            for (int[] axes : axeSets) {
                try (Arena arena = Arena.ofConfined()) {
                    double[] values = HostData.shuffled(50, HostData.values(51, n));
                    for (int i = 0; i < n; i += 7) {
                        values[i] = 3;  // ties: the first maximal element wins
                    }
                    if (algorithm != ReductionAlgorithm.MAX) {
                        for (int i = 0; i < n; i++) {
                            values[i] = Double.isFinite(values[i]) ? values[i] : 1.5;  // the sums' order, not NaN
                        }
                    }
                    MemorySegment xs = HostData.segment(arena, DType.FLOAT32, values);
                    ReductionShape shape = ReductionShape.of(dims, axes);
                    MemorySegment ys = HostData.zeros(arena, DType.FLOAT32, shape.outputs());
                    if (algorithm == ReductionAlgorithm.MAX) {
                        invoke(max, shape.toStruct(arena), xs, ys);
                    } else {
                        invoke(sum, shape.toStruct(arena), algorithm == ReductionAlgorithm.MEAN ? 1 : 0, xs, ys);
                    }
                    ReductionParams params = ReductionParams.of(algorithm, false, axes);
                    try (Tensor input = HostData.tensor(xs, DType.FLOAT32, dims);
                         Tensor want = Backends.with(REFERENCE, () -> Dispatch.call1(ReductionOps.REDUCE, params,
                                 input))) {
                        int outputs = Math.toIntExact(shape.outputs());
                        double[] got = new double[outputs];
                        for (int i = 0; i < outputs; i++) {
                            got[i] = HostData.get(ys, DType.FLOAT32, i);
                        }
                        Agreement.check(algorithm + " over " + Arrays.toString(axes) + " of " + Arrays.toString(dims)
                                + " (" + shape + ")", DType.FLOAT32, 0, got, want.toDoubleArray());
                        if (algorithm == ReductionAlgorithm.MAX) {
                            checkMaxBackward(maxBackward, arena, shape, xs, input, want, params, dims, axes);
                        }
                    }
                }
            }
        }
    }
}
