package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.Cudnn;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.BatchNormShapes;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Batch normalization through cuDNN's spatial mode ((N, C) input is (N, C, 1, 1)).
 *
 * <p>Training: jdnn's op returns the batch mean and the biased variance, and folds them into the running statistics
 * with PyTorch's unbiased variance. cuDNN returns the mean and the inverse standard deviation, and keeps running
 * statistics with the unbiased variance; so the forward runs with an average factor of 1 into the mean and variance
 * outputs (which then hold the batch mean and the unbiased variance), folds those into the caller's running
 * statistics with cudnnAddTensor, and scales the variance by (count - 1) / count to the biased one.
 *
 * <p>Backward of a training forward: cuDNN recomputes the batch statistics from the input (the saved ones are not
 * passed, since cuDNN wants the inverse standard deviation). The backward of an inference forward (statistics as
 * constants) and the running-statistics op take the host round trip.
 */
final class CudaBatchNorm {
    private static final int MODE = cudnn_h.CUDNN_BATCHNORM_SPATIAL();

    private CudaBatchNorm() {
    }

    static void register(KernelTable table) {
        table.put(BatchNormOps.INFERENCE, (p, in, out) -> inference(p, in, out[0]),
                        Fallback.viaHost("an input beyond cuDNN's int range", (p, in, out) -> tooLarge(in[0])))
                .put(BatchNormOps.TRAINING, (p, in, out) -> training(p, in, out),
                        Fallback.viaHost("an input beyond cuDNN's int range", (p, in, out) -> tooLarge(in[0])))
                .put(BatchNormOps.BACKWARD, (p, in, out) -> backward(p, in, out),
                        Fallback.viaHost("the backward of inference statistics (constants), which cuDNN does not do",
                                (p, in, out) -> !p.training() || tooLarge(in[0])));
    }

    private static boolean tooLarge(Tensor x) {
        return x.numel() > Integer.MAX_VALUE;
    }

    /** The input as cuDNN's 4-d (N, C, H, W); (N, C) as (N, C, 1, 1). */
    static int[] dims(Tensor x) {
        long[] d = x.dims();
        return new int[] {Math.toIntExact(d[0]), Math.toIntExact(d[1]), d.length == 4 ? Math.toIntExact(d[2]) : 1,
                d.length == 4 ? Math.toIntExact(d[3]) : 1};
    }

    /** {@code (count - 1) / count}: the unbiased variance times it is the biased one. */
    static double biasedFromUnbiased(long count) {
        return (count - 1) / (double) count;
    }

    private static void inference(BatchNormParams p, Tensor[] in, Tensor y) {
        if (in[0].numel() == 0) {
            return;
        }
        int[] dims = dims(in[0]);
        try (CudnnDescriptor xd = CudnnDescriptor.tensor(dims);
             CudnnDescriptor cd = CudnnDescriptor.tensor(new int[] {1, dims[1], 1, 1});
             PerChannel scale = PerChannel.of(in[1], dims[1], 1f); PerChannel bias = PerChannel.of(in[2], dims[1], 0f)) {
            Cudnn.check(cudnn_h.cudnnBatchNormalizationForwardInference(CudaThread.current().cudnn(), MODE, Scalars.ONE,
                    Scalars.ZERO, xd.handle(), TensorAccess.segment(in[0]), xd.handle(), TensorAccess.segment(y),
                    cd.handle(), scale.segment(), bias.segment(), TensorAccess.segment(in[3]),
                    TensorAccess.segment(in[4]), p.epsilon()), "cudnnBatchNormalizationForwardInference("
                    + java.util.Arrays.toString(dims) + ")");
        }
    }

    private static void training(BatchNormParams p, Tensor[] in, Tensor[] out) {
        Tensor x = in[0], mean = out[1], variance = out[2];
        if (x.numel() == 0) {
            return; // no channels
        }
        BatchNormShapes s = BatchNormShapes.infer(x.shape(), true);
        int[] dims = dims(x);
        CudaThread thread = CudaThread.current();
        // With a factor of 1 cuDNN still reads the old value (times 0): start from zeros, not NaN garbage.
        CudaConvolution.zero(mean);
        CudaConvolution.zero(variance);
        try (Arena arena = Arena.ofConfined(); CudnnDescriptor xd = CudnnDescriptor.tensor(dims);
             CudnnDescriptor cd = CudnnDescriptor.tensor(new int[] {1, dims[1], 1, 1});
             PerChannel scale = PerChannel.of(in[1], dims[1], 1f); PerChannel bias = PerChannel.of(in[2], dims[1], 0f)) {
            MemorySegment h = thread.cudnn();
            Cudnn.check(cudnn_h.cudnnBatchNormalizationForwardTraining(h, MODE, Scalars.ONE, Scalars.ZERO, xd.handle(),
                    TensorAccess.segment(x), xd.handle(), TensorAccess.segment(out[0]), cd.handle(), scale.segment(),
                    bias.segment(), 1.0, TensorAccess.segment(mean), TensorAccess.segment(variance), p.epsilon(),
                    MemorySegment.NULL, MemorySegment.NULL), "cudnnBatchNormalizationForwardTraining("
                    + java.util.Arrays.toString(dims) + ")");
            if (in[3] != null) {
                MemorySegment momentum = Scalars.of(arena, p.momentum());
                MemorySegment keep = Scalars.of(arena, 1 - p.momentum());
                Cudnn.check(cudnn_h.cudnnAddTensor(h, momentum, cd.handle(), TensorAccess.segment(mean), keep,
                        cd.handle(), TensorAccess.segment(in[3])), "cudnnAddTensor(running mean)");
                Cudnn.check(cudnn_h.cudnnAddTensor(h, momentum, cd.handle(), TensorAccess.segment(variance), keep,
                        cd.handle(), TensorAccess.segment(in[4])), "cudnnAddTensor(running variance)");
            }
            Cudnn.check(cudnn_h.cudnnScaleTensor(h, cd.handle(), TensorAccess.segment(variance),
                    Scalars.of(arena, (float) biasedFromUnbiased(s.count()))), "cudnnScaleTensor(biased variance)");
        }
    }

    private static void backward(BatchNormOps.BackwardParams p, Tensor[] in, Tensor[] out) {
        Tensor x = in[0], dy = in[1];
        if (x.numel() == 0) {
            return;
        }
        int[] dims = dims(x);
        try (CudnnDescriptor xd = CudnnDescriptor.tensor(dims);
             CudnnDescriptor cd = CudnnDescriptor.tensor(new int[] {1, dims[1], 1, 1});
             PerChannel scale = PerChannel.of(in[2], dims[1], 1f);
             PerChannel dScale = PerChannel.scratch(out[1], dims[1]); PerChannel dBias = PerChannel.scratch(out[2], dims[1])) {
            Cudnn.check(cudnn_h.cudnnBatchNormalizationBackward(CudaThread.current().cudnn(), MODE, Scalars.ONE,
                    Scalars.ZERO, Scalars.ONE, Scalars.ZERO, xd.handle(), TensorAccess.segment(x), xd.handle(),
                    TensorAccess.segment(dy), xd.handle(), TensorAccess.segment(out[0]), cd.handle(), scale.segment(),
                    dScale.segment(), dBias.segment(), p.norm().epsilon(), MemorySegment.NULL, MemorySegment.NULL),
                    "cudnnBatchNormalizationBackward(" + java.util.Arrays.toString(dims) + ")");
        }
    }

    /** A per-channel operand: the tensor given, or scratch memory (filled with a default value where asked). */
    private record PerChannel(MemorySegment segment, Workspace scratch) implements AutoCloseable {
        /** {@code t}'s memory, or {@code channels} floats of {@code value} when it is absent. */
        static PerChannel of(Tensor t, int channels, float value) {
            if (t != null) {
                return new PerChannel(TensorAccess.segment(t), null);
            }
            Workspace w = Workspace.of((long) channels * Float.BYTES);
            CudaMemory.fill(w.segment(), w.bytes(), value);
            return new PerChannel(w.segment(), w);
        }

        /** {@code t}'s memory, or scratch cuDNN may write when the gradient was not asked for. */
        static PerChannel scratch(Tensor t, int channels) {
            if (t != null) {
                return new PerChannel(TensorAccess.segment(t), null);
            }
            Workspace w = Workspace.of((long) channels * Float.BYTES);
            return new PerChannel(w.segment(), w);
        }

        @Override
        public void close() {
            if (scratch != null) {
                scratch.close();
            }
        }
    }
}
