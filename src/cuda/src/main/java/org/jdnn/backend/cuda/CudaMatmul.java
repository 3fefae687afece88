package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.Cublas;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.natives.cuda.Cudnn;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * matmul, linear and bmm through cuBLAS SGEMM (see {@link GemmPlan} for the row-major mapping), TF32 off; the bias is
 * added afterwards by cudnnAddTensor, broadcast over the rows. bf16 precision takes the host round trip.
 */
final class CudaMatmul {
    private CudaMatmul() {
    }

    static void register(KernelTable table) {
        table.put(MatmulOps.MATMUL, (p, in, out) -> matmul(p, in[0], in[1], in[2], out[0]),
                Fallback.viaHost("bf16 precision (no cuda kernel yet)", (p, in, out) -> p.precision() != Precision.FP32),
                Fallback.viaHost("a dimension above cuBLAS's int range", (p, in, out) -> GemmPlan.unsupported(
                        shapes(p, in)) != null || out[0].numel() > Integer.MAX_VALUE));
        table.put(MatmulOps.BMM, (p, in, out) -> matmul(MatmulParams.PLAIN, in[0], in[1], null, out[0]),
                Fallback.viaHost("a dimension above cuBLAS's int range", (p, in, out) -> GemmPlan.unsupported(
                        shapes(MatmulParams.PLAIN, in)) != null));
    }

    private static MatmulShapes shapes(MatmulParams p, Tensor[] in) {
        return MatmulShapes.infer(in[0].shape(), in[1].shape(), in.length > 2 && in[2] != null ? in[2].shape() : null, p);
    }

    static void matmul(MatmulParams p, Tensor a, Tensor b, Tensor bias, Tensor out) {
        MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), p);
        if (out.numel() == 0) {
            return;
        }
        CudaThread thread = CudaThread.current();
        MemorySegment c = TensorAccess.segment(out);
        if (s.k() == 0) {
            CudaRuntime.memsetAsync(c, 0, out.numel() * Float.BYTES, thread.stream()); // an empty sum
        } else {
            gemm(thread.cublas(), GemmPlan.of(s, p), TensorAccess.segment(a), TensorAccess.segment(b), c);
        }
        if (bias != null) {
            addRowBias(thread, bias, out, (int) s.n());
        }
    }

    private static void gemm(MemorySegment handle, GemmPlan plan, MemorySegment a, MemorySegment b, MemorySegment c) {
        if (plan.strided()) {
            Cublas.check(cublas_h.cublasSgemmStridedBatched(handle, plan.transa(), plan.transb(), plan.m(), plan.n(),
                    plan.k(), Scalars.ONE, b, plan.lda(), plan.strideA(), a, plan.ldb(), plan.strideB(), Scalars.ZERO,
                    c, plan.ldc(), plan.strideC(), plan.batchCount()), "cublasSgemmStridedBatched(" + plan + ")");
            return;
        }
        for (long[] at : plan.offsets()) {
            Cublas.check(cublas_h.cublasSgemm_v2(handle, plan.transa(), plan.transb(), plan.m(), plan.n(), plan.k(),
                    Scalars.ONE, DevicePointer.at(b, at[0] * Float.BYTES), plan.lda(),
                    DevicePointer.at(a, at[1] * Float.BYTES), plan.ldb(), Scalars.ZERO,
                    DevicePointer.at(c, at[2] * Float.BYTES), plan.ldc()), "cublasSgemm_v2(" + plan + ")");
        }
    }

    /** {@code out[r, j] += bias[j]} for every row r of the (rows, n) result. */
    private static void addRowBias(CudaThread thread, Tensor bias, Tensor out, int n) {
        int rows = Math.toIntExact(out.numel() / n);
        try (CudnnDescriptor biasDesc = CudnnDescriptor.tensor(new int[] {1, n, 1, 1});
             CudnnDescriptor outDesc = CudnnDescriptor.tensor(new int[] {rows, n, 1, 1})) {
            Cudnn.check(cudnn_h.cudnnAddTensor(thread.cudnn(), Scalars.ONE, biasDesc.handle(),
                    TensorAccess.segment(bias), Scalars.ONE, outDesc.handle(), TensorAccess.segment(out)),
                    "cudnnAddTensor(matmul bias, " + rows + " x " + n + ")");
        }
    }
}
