package org.jdnn.backend.cuda;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.Fallbacks;
import org.jdnn.natives.cuda.GpuAssumptions;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.PowOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * log, pow, comparison with a scalar, masked_fill and dropout on cuda tensors: each runs its compiled kernel (no
 * fallback is taken, so no host round trip) and agrees with the reference backend on the same inputs, specials
 * included: comparisons, masked_fill, dropout and the log's gradient bit for bit, log and pow within 1 ulp, pow's
 * gradients within 1 ulp or 2^-50 (1 + |a|)(1 + |b|) where terms cancel. Skipped with the reason without CUDA or
 * without compiled kernels.
 */
@Tag("gpu")
class CudaCompiledElementOpsGpuTest {
    private static final Device CUDA = Device.cuda(0);
    private static final int N = 4096;

    @BeforeEach
    void cuda() {
        GpuAssumptions.assumeCuda();
        assumeTrue(KernelImage.missingReason().isEmpty(), () -> KernelImage.missingReason().orElse(""));
    }

    /** The op on cuda copies of {@code inputs}, read back; fails if any fallback (a round trip) was taken. */
    private static <P> double[] onCuda(Op<P> op, P params, Tensor... inputs) {
        Tensor[] device = Arrays.stream(inputs).map(t -> t.to(CUDA)).toArray(Tensor[]::new);
        Fallbacks.reset();
        Tensor out = Dispatch.call1(op, params, device);
        assertEquals(0, Fallbacks.total(), op + " on cuda took a fallback: " + Fallbacks.taken());
        assertEquals(CUDA, out.device(), op + "'s output");
        return out.toDoubleArray();
    }

    private static <P> double[] onReference(Op<P> op, P params, Tensor... inputs) {
        return Backends.with(Backends.get(Backends.REFERENCE), () -> Dispatch.call1(op, params, inputs))
                .toDoubleArray();
    }

    private static Tensor tensor(Arena arena, DType dtype, double[] values, long... shape) {
        return HostData.tensor(HostData.segment(arena, dtype, values), dtype, shape);
    }

    @Test
    void theClampedLogAndItsGradientAgreeWithTheReference() {
        EltwiseOps.LogParams p = new EltwiseOps.LogParams(-100f);
        for (DType dtype : CudaCompiledElementOps.FLOATS) {
            double[] x = HostData.values(31, N, 0, 1, 0x1p-149);
            double[] dy = HostData.shuffled(32, x);
            try (Scope scope = Scope.open(); Arena arena = Arena.ofConfined()) {
                Tensor tx = tensor(arena, dtype, x, N), tdy = tensor(arena, dtype, dy, N);
                Agreement.check("cuda log " + dtype, dtype, 1, onCuda(EltwiseOps.LOG, p, tx),
                        onReference(EltwiseOps.LOG, p, tx), x);
                Agreement.check("cuda log_backward " + dtype, dtype, 0, onCuda(EltwiseOps.LOG_BACKWARD, p, tx, tdy),
                        onReference(EltwiseOps.LOG_BACKWARD, p, tx, tdy), x, dy);
            }
        }
    }

    @Test
    void powAndBothGradientsAgreeWithTheReferenceOverABroadcast() {
        long[] a = {16, 1, 32}, b = {24, 32}, out = {16, 24, 32};
        for (DType dtype : CudaCompiledElementOps.FLOATS) {
            double[] av = HostData.values(33, 512, 0.5, 1.5), bv = HostData.shuffled(34, HostData.values(35, 768,
                    0.5, -0.5, 3)), g = HostData.values(36, 16 * 24 * 32);
            try (Scope scope = Scope.open(); Arena arena = Arena.ofConfined()) {
                Tensor ta = tensor(arena, dtype, av, a), tb = tensor(arena, dtype, bv, b),
                        tg = tensor(arena, dtype, g, out);
                Agreement.check("cuda pow " + dtype, dtype, 1, onCuda(PowOps.POW, NoParams.INSTANCE, ta, tb),
                        onReference(PowOps.POW, NoParams.INSTANCE, ta, tb));
                for (int operand = 0; operand < 2; operand++) {
                    PowOps.GradParams p = new PowOps.GradParams(operand);
                    double[] want = onReference(PowOps.POW_BACKWARD, p, ta, tb, tg);
                    double[] slack = new double[want.length];
                    for (int i = 0; i < slack.length; i++) {
                        // CUDA's double pow and log may differ from Java's by an ulp of double.
                        double x = av[(i / (24 * 32)) * 32 + i % 32], y = bv[i % (24 * 32)];
                        slack[i] = 0x1p-50 * (1 + Math.abs(x)) * (1 + Math.abs(y)) * (1 + Math.abs(g[i]));
                    }
                    Agreement.checkWithSlack("cuda pow_backward operand " + operand + " " + dtype, dtype, 1, slack,
                            onCuda(PowOps.POW_BACKWARD, p, ta, tb, tg), want);
                }
            }
        }
    }

    @Test
    void comparisonsWithAScalarAreBitForBitTheReference() {
        double[] x = HostData.values(37, N, 0.1, 2, -3);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (double scalar : new double[] {0.1, 2, -3, Double.NaN, Double.POSITIVE_INFINITY}) {
                if (CudaCompiledElementOps.scalarCompareType(dtype, scalar) == null) {
                    continue;   // the round trip's case
                }
                for (CompareAlgorithm op : CompareAlgorithm.values()) {
                    ComparisonOps.CompareScalarParams p = new ComparisonOps.CompareScalarParams(op, scalar);
                    try (Scope scope = Scope.open(); Arena arena = Arena.ofConfined()) {
                        Tensor t = tensor(arena, dtype, x, 64, 64);
                        Agreement.check("cuda " + op.opName() + " " + scalar + " " + dtype, DType.FLOAT64, 0,
                                onCuda(ComparisonOps.COMPARE_SCALAR, p, t),
                                onReference(ComparisonOps.COMPARE_SCALAR, p, t), x);
                    }
                }
            }
        }
    }

    @Test
    void maskedFillIsBitForBitTheReferenceForEveryDtypeAndABroadcastMask() {
        double[] x = HostData.values(38, N);
        double[] mask = HostData.shuffled(39, HostData.values(40, 64));
        for (DType dtype : CudaCompiledElementOps.COMPARABLE) {
            double value = dtype == DType.BOOL ? 1 : dtype == DType.INT64 ? -7 : Double.NEGATIVE_INFINITY;
            ComparisonOps.FillParams p = new ComparisonOps.FillParams(value);
            try (Scope scope = Scope.open(); Arena arena = Arena.ofConfined()) {
                Tensor t = tensor(arena, dtype, x, 64, 64), m = tensor(arena, DType.BOOL, mask, 64);
                Agreement.check("cuda masked_fill " + value + " " + dtype, DType.FLOAT64, 0,
                        onCuda(ComparisonOps.MASKED_FILL, p, t, m), onReference(ComparisonOps.MASKED_FILL, p, t, m),
                        x);
            }
        }
    }

    @Test
    void dropoutIsBitForBitTheReferenceInTrainingAndACopyInInference() {
        double[] x = HostData.values(41, N);
        for (DType dtype : CudaCompiledElementOps.FLOATS) {
            for (DropoutParams p : new DropoutParams[] {new DropoutParams(0.3f, true, 20261203L),
                    new DropoutParams(0.3f, false, 20261203L)}) {
                try (Scope scope = Scope.open(); Arena arena = Arena.ofConfined()) {
                    Tensor t = tensor(arena, dtype, x, N);
                    Agreement.check("cuda dropout " + p + " " + dtype, dtype, 0, onCuda(DropoutOps.DROPOUT, p, t),
                            onReference(DropoutOps.DROPOUT, p, t), x);
                }
            }
        }
    }
}
