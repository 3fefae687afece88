package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.PowOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * The element-wise ops that took the host round trip until their compiled kernels were wired in: the clamped log and
 * its gradient, pow with both gradients, comparison with a scalar, masked_fill and dropout, in float32 and float64
 * (comparison and masked_fill in int64 and bool too). A scalar operand (the compared scalar, masked_fill's value) is
 * written to one device element by the fill kernel and read with stride 0 by the compare or where kernel, so nothing
 * goes through the host. Registered by {@link CudaCompiledOps} when the build carries the kernels.
 */
final class CudaCompiledElementOps {
    static final Set<DType> FLOATS = EnumSet.of(DType.FLOAT32, DType.FLOAT64);
    static final Set<DType> COMPARABLE = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);

    /** Bytes of one scalar operand: the widest element. */
    private static final long SCALAR_BYTES = Long.BYTES;

    private CudaCompiledElementOps() {
    }

    static void register(KernelTable table) {
        table.putAccepting(EltwiseOps.LOG, FLOATS, (p, in, out) -> kernels().logClamped(stream(), out[0].dtype(),
                        p.min(), in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .putAccepting(EltwiseOps.LOG_BACKWARD, FLOATS, (p, in, out) -> kernels().logClampedBackward(stream(),
                        out[0].dtype(), p.min(), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(out[0])))
                .putAccepting(PowOps.POW, FLOATS, (p, in, out) -> kernels().pow(stream(), out[0].dtype(),
                                BroadcastShape.contiguous(out[0].dims(), in[0].dims(), in[1].dims()),
                                TensorAccess.segment(in[0]), TensorAccess.segment(in[1]), TensorAccess.segment(out[0])),
                        beyondMaxRank())
                .putAccepting(PowOps.POW_BACKWARD, FLOATS, (p, in, out) -> kernels().powBackward(stream(),
                                out[0].dtype(), p.operand(), BroadcastShape.contiguous(out[0].dims(), in[0].dims(),
                                        in[1].dims()), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                                TensorAccess.segment(in[2]), TensorAccess.segment(out[0])),
                        beyondMaxRank())
                .putAccepting(ComparisonOps.COMPARE_SCALAR, COMPARABLE, (p, in, out) -> compareScalar(p, in[0], out[0]),
                        Fallback.viaHost("an int64 or bool input the reference compares with the scalar in another"
                                + " dtype", (p, in, out) -> scalarCompareType(in[0].dtype(), p.scalar()) == null))
                .putAccepting(ComparisonOps.MASKED_FILL, COMPARABLE, (p, in, out) -> maskedFill(p, in[0], in[1],
                        out[0]), beyondMaxRank())
                .putAccepting(DropoutOps.DROPOUT, FLOATS, (p, in, out) -> dropout(p, in[0], out[0]));
    }

    /** The compiled broadcasting kernels take at most {@link BroadcastShape#MAX_RANK} dims (before merging). */
    private static <P> Fallback<P> beyondMaxRank() {
        return Fallback.viaHost("a broadcast of more than " + BroadcastShape.MAX_RANK + " dimensions",
                (p, in, out) -> out[0].rank() > BroadcastShape.MAX_RANK);
    }

    /**
     * The dtype the compare kernel runs {@code input op scalar} in: the input's own, where the reference compares in
     * it too ({@link ComparisonOps#scalarType}); null where it compares in another (an int64 input with a
     * non-integral scalar goes to float32, a bool input to int64 or float32), which takes the round trip.
     */
    static DType scalarCompareType(DType input, double scalar) {
        return ComparisonOps.scalarType(input, scalar) == input ? input : null;
    }

    /** The broadcast of an input of {@code dims} against a one-element operand: the scalar is read with stride 0. */
    static BroadcastShape againstScalar(long[] dims) {
        return BroadcastShape.contiguous(dims, dims, new long[0]);
    }

    /** masked_fill as where(mask, value, input): operands mask, the one-element value, input; out of input's dims. */
    static BroadcastShape maskedFillShape(long[] dims, long[] maskDims) {
        return BroadcastShape.contiguous(dims, maskDims, new long[0], dims);
    }

    /**
     * {@code out = input op scalar}: the scalar converted to {@code dtype} (as the reference converts it) into
     * {@code scalar}, one device element, then the compare kernel over (input, scalar).
     */
    static void compareScalar(CompiledKernels k, MemorySegment stream, ComparisonOps.CompareScalarParams p, DType dtype,
                              long[] dims, MemorySegment input, MemorySegment scalar, MemorySegment out) {
        k.fillBits(stream, dtype, FillBits.of(dtype, p.scalar()), 1, scalar);
        k.compare(stream, dtype, p.algorithm(), againstScalar(dims), input, scalar, out);
    }

    /** {@code out = mask ? value : input}: the value converted to {@code dtype} into {@code value}, then where. */
    static void maskedFill(CompiledKernels k, MemorySegment stream, ComparisonOps.FillParams p, DType dtype,
                           long[] dims, long[] maskDims, MemorySegment input, MemorySegment mask, MemorySegment value,
                           MemorySegment out) {
        k.fillBits(stream, dtype, FillBits.of(dtype, p.value()), 1, value);
        k.where(stream, dtype, maskedFillShape(dims, maskDims), mask, value, input, out);
    }

    private static void compareScalar(ComparisonOps.CompareScalarParams p, Tensor input, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        try (Workspace scalar = Workspace.of(SCALAR_BYTES)) {
            // Freed once queued: later work on this stream that reuses the block runs after the compare.
            compareScalar(kernels(), stream(), p, input.dtype(), input.dims(), TensorAccess.segment(input),
                    scalar.segment(), TensorAccess.segment(out));
        }
    }

    private static void maskedFill(ComparisonOps.FillParams p, Tensor input, Tensor mask, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        try (Workspace value = Workspace.of(SCALAR_BYTES)) {
            maskedFill(kernels(), stream(), p, input.dtype(), input.dims(), mask.dims(), TensorAccess.segment(input),
                    TensorAccess.segment(mask), value.segment(), TensorAccess.segment(out));
        }
    }

    /** Training: the kernel computes DropoutMask's mask per element from (seed, index); inference: a copy. */
    private static void dropout(DropoutParams p, Tensor input, Tensor out) {
        long n = input.numel();
        if (p.training()) {
            kernels().dropout(stream(), input.dtype(), p, n, TensorAccess.segment(input), TensorAccess.segment(out));
        } else if (n > 0) {
            CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(input), TensorAccess.segment(out),
                    n * input.dtype().byteSize(), stream());
        }
    }

    private static CompiledKernels kernels() {
        return CudaCompiledOps.kernels();
    }

    private static MemorySegment stream() {
        return CudaThread.current().stream();
    }
}
