package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.natives.cuda.GpuAssumptions;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compiled kernels on a real device against the reference backend: every unary function forward and backward
 * (float32, 1 ulp, or the float64 check's slack where terms cancel), a broadcasting binary op, a sum (the block's tree adds in another order, in double: 1 ulp or
 * 2^-50 of the sum of magnitudes) and
 * a max over axes, arg max, three Adam steps and the dropout mask (bit for bit). Skipped with the reason without
 * CUDA or without compiled kernels.
 */
@Tag("gpu")
class CompiledKernelsGpuTest {
    private static final int N = 4096;
    private static final Backend REFERENCE = Backends.get("reference");

    private final List<MemorySegment> allocations = new ArrayList<>();
    private Arena arena;
    private CompiledKernels kernels;

    @BeforeEach
    void device() {
        GpuAssumptions.assumeCuda();
        assumeTrue(KernelImage.missingReason().isEmpty(), () -> KernelImage.missingReason().orElse(""));
        CudaRuntime.setDevice(0);
        kernels = CompiledKernels.forDevice(0);
        arena = Arena.ofConfined();
    }

    @AfterEach
    void free() {
        allocations.forEach(CudaRuntime::free);
        allocations.clear();
        if (arena != null) {
            arena.close();
        }
    }

    private MemorySegment upload(MemorySegment host) {
        MemorySegment device = CudaRuntime.malloc(host.byteSize());
        allocations.add(device);
        CudaRuntime.copyToDevice(host, device);
        return device;
    }

    private MemorySegment deviceBuffer(long bytes) {
        MemorySegment device = CudaRuntime.malloc(bytes);
        allocations.add(device);
        return device;
    }

    private double[] download(MemorySegment device, DType dtype, int n) {
        CudaRuntime.deviceSynchronize();
        MemorySegment host = HostData.zeros(arena, dtype, n);
        CudaRuntime.copyToHost(device, host);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = HostData.get(host, dtype, i);
        }
        return v;
    }

    /**
     * CUDA's double functions may differ from Java's by an ulp or two of double, which is large where terms cancel:
     * the same slack as the float64 CPU check (GELU_ERF's for the reference's erf).
     */
    private static double[] slack(EltwiseAlgorithm algorithm, double[] x, double[] dy) {
        return Agreement.cancellationSlack(algorithm == EltwiseAlgorithm.GELU_ERF ? CompiledKernelMathTest.ERF_SLACK
                : 0x1p-50, x, dy);
    }

    @Test
    void everyUnaryFunctionAgreesWithTheReferenceWithinAnUlp() {
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            EltwiseParams params = EltwiseParams.of(algorithm);
            double[] x = HostData.values(algorithm.ordinal(), N, params.alpha(), params.beta());
            double[] dy = HostData.shuffled(3, x);
            MemorySegment hx = HostData.segment(arena, DType.FLOAT32, x);
            MemorySegment hdy = HostData.segment(arena, DType.FLOAT32, dy);
            MemorySegment dx = upload(hx), ddy = upload(hdy), out = deviceBuffer(4L * N);
            kernels.unary(MemorySegment.NULL, DType.FLOAT32, params, N, dx, out);
            try (Tensor input = HostData.tensor(hx, DType.FLOAT32, N);
                 Tensor want = Backends.with(REFERENCE, () -> Dispatch.call1(EltwiseOps.FORWARD, params, input))) {
                Agreement.checkWithSlack("gpu unary " + params, DType.FLOAT32, 1, slack(algorithm, x, null),
                        download(out, DType.FLOAT32, N), want.toDoubleArray(), x);
            }
            if (algorithm == EltwiseAlgorithm.STEP) {
                continue;
            }
            kernels.unaryBackward(MemorySegment.NULL, DType.FLOAT32, params, N, dx, ddy, out);
            try (Tensor input = HostData.tensor(hx, DType.FLOAT32, N);
                 Tensor grad = HostData.tensor(hdy, DType.FLOAT32, N);
                 Tensor want = Backends.with(REFERENCE, () -> Dispatch.call1(EltwiseOps.BACKWARD, params, input,
                         grad))) {
                Agreement.checkWithSlack("gpu unary backward " + params, DType.FLOAT32, 1, slack(algorithm, x, dy),
                        download(out, DType.FLOAT32, N), want.toDoubleArray(), x, dy);
            }
        }
    }

    @Test
    void broadcastingDivisionIsBitForBitTheReference() {
        long[] a = {16, 1, 64}, b = {32, 64}, out = {16, 32, 64};
        MemorySegment ha = HostData.segment(arena, DType.FLOAT32, HostData.values(1, 1024));
        MemorySegment hb = HostData.segment(arena, DType.FLOAT32, HostData.values(2, 2048));
        MemorySegment y = deviceBuffer(4L * 32768);
        kernels.binary(MemorySegment.NULL, DType.FLOAT32, BinaryAlgorithm.DIV, BroadcastShape.contiguous(out, a, b),
                upload(ha), upload(hb), y);
        try (Tensor ta = HostData.tensor(ha, DType.FLOAT32, a); Tensor tb = HostData.tensor(hb, DType.FLOAT32, b);
             Tensor want = Backends.with(REFERENCE, () -> Dispatch.call1(BinaryOps.BINARY,
                     new BinaryParams(BinaryAlgorithm.DIV), ta, tb))) {
            Agreement.check("gpu div", DType.FLOAT32, 0, download(y, DType.FLOAT32, 32768), want.toDoubleArray());
        }
    }

    @Test
    void sumAndMaxOverAxesAndArgmaxAgreeWithTheReference() {
        long[] dims = {8, 300, 5};
        double[] values = HostData.values(4, 12000);
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.isFinite(values[i]) ? values[i] : 2;
        }
        values[77] = Double.NaN;  // one NaN: max and argmax propagate the first
        MemorySegment hx = HostData.segment(arena, DType.FLOAT32, values);
        MemorySegment x = upload(hx), sums = deviceBuffer(4L * 40), maxes = deviceBuffer(4L * 40);
        ReductionShape shape = ReductionShape.of(dims, 1);
        kernels.reduceSum(MemorySegment.NULL, DType.FLOAT32, shape, false, x, sums);
        kernels.reduceMax(MemorySegment.NULL, DType.FLOAT32, shape, x, maxes);
        MemorySegment indices = deviceBuffer(8L * 40);
        kernels.argMax(MemorySegment.NULL, DType.FLOAT32, 8, 300, 5, x, indices, MemorySegment.NULL);
        try (Tensor input = HostData.tensor(hx, DType.FLOAT32, dims);
             Tensor sum = Backends.with(REFERENCE, () -> Dispatch.call1(ReductionOps.REDUCE,
                     ReductionParams.of(ReductionAlgorithm.SUM, false, 1), input));
             Tensor max = Backends.with(REFERENCE, () -> Dispatch.call1(ReductionOps.REDUCE,
                     ReductionParams.of(ReductionAlgorithm.MAX, false, 1), input));
             Tensor argmax = Backends.with(REFERENCE, () -> Dispatch.call1(ArgReductionOps.ARGMAX,
                     new ArgReductionOps.DimParams(1, false), input))) {
            // The block adds in a tree, in double: 1 ulp of float32, or 2^-50 of the sum of magnitudes.
            double[] slack = new double[40];
            for (int i = 0; i < values.length; i++) {
                float v = (float) values[i];
                if (!Float.isNaN(v)) {
                    slack[(i / 1500) * 5 + i % 5] += 0x1p-50 * Math.abs(v);
                }
            }
            Agreement.checkWithSlack("gpu sum over dim 1", DType.FLOAT32, 1, slack, download(sums, DType.FLOAT32, 40),
                    sum.toDoubleArray());
            Agreement.check("gpu max over dim 1", DType.FLOAT32, 0, download(maxes, DType.FLOAT32, 40),
                    max.toDoubleArray());
            CudaRuntime.deviceSynchronize();
            MemorySegment got = arena.allocate(JAVA_LONG, 40);
            CudaRuntime.copyToHost(indices, got);
            assertArrayEquals(argmax.toLongArray(), got.toArray(JAVA_LONG), "gpu argmax over dim 1");
        }
    }

    @Test
    void adamStepsAreBitForBitTheReference() {
        AdamParams params = AdamParams.adamW(1e-2).withAmsgrad(true);
        double[] p0 = HostData.values(5, N);
        MemorySegment hp = HostData.segment(arena, DType.FLOAT32, p0);
        MemorySegment zeros = HostData.zeros(arena, DType.FLOAT32, N);
        MemorySegment param = upload(hp), m = upload(zeros), v = upload(zeros), vMax = upload(zeros);
        try (Tensor tp = HostData.tensor(hp, DType.FLOAT32, N); Tensor tm = HostData.tensor(zeros, DType.FLOAT32, N);
             Tensor tv = HostData.tensor(zeros, DType.FLOAT32, N);
             Tensor tmax = HostData.tensor(zeros, DType.FLOAT32, N)) {
            for (int step = 1; step <= 3; step++) {
                double[] g = HostData.shuffled(step, HostData.values(6, N));
                MemorySegment hg = HostData.segment(arena, DType.FLOAT32, g);
                kernels.adamStep(MemorySegment.NULL, DType.FLOAT32, AdamConstants.of(params, step), N, param,
                        upload(hg), m, v, vMax);
                long t = step;
                try (Tensor tg = HostData.tensor(hg, DType.FLOAT32, N)) {
                    Backends.with(REFERENCE, () -> Dispatch.call(AdamOps.UPDATE, new AdamOps.StepParams(params, t), tp,
                            tg, tm, tv, tmax));
                }
                Agreement.check("gpu adamw step " + step + " param", DType.FLOAT32, 0, download(param, DType.FLOAT32, N),
                        tp.toDoubleArray());
                Agreement.check("gpu adamw step " + step + " maxExpAvgSq", DType.FLOAT32, 0,
                        download(vMax, DType.FLOAT32, N), tmax.toDoubleArray());
            }
        }
    }

    @Test
    void dropoutMaskIsBitForBitDropoutMaskGenerate() {
        DropoutParams params = new DropoutParams(0.3f, true, 987654321L);
        int n = 1 << 20;
        MemorySegment mask = deviceBuffer(4L * n);
        kernels.dropoutMask(MemorySegment.NULL, params, n, mask);
        CudaRuntime.deviceSynchronize();
        MemorySegment host = arena.allocate(JAVA_FLOAT, n);
        CudaRuntime.copyToHost(mask, host);
        assertArrayEquals(DropoutMask.generate(params, n), host.toArray(JAVA_FLOAT), "gpu dropout mask, 2^20 elements");
    }
}
