package org.jdnn.testing;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.ReductionOps;
import org.jdnn.tensor.Tensor;

/** Runs one backend's kernel into outputs a test allocated, through the same checks as every op call. */
public final class Kernels {
    private Kernels() {
    }

    /** {@code op} on {@code backend}: inputs (null for an absent optional one), then the outputs. */
    public static <P> void run(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor... outputs) {
        Dispatch.run(backend, op, params, inputs, outputs);
    }

    /** The inputs of a {@link #run} call. */
    public static Tensor[] in(Tensor... inputs) {
        return inputs;
    }

    /** conv2d's input-gradient params for an input gradient of {@code gradInput}'s shape. */
    public static Conv2dOps.DataGradParams dataGrad(Conv2dParams conv, Tensor gradInput) {
        return conv == null ? null : new Conv2dOps.DataGradParams(conv, gradInput == null ? null : gradInput.shape());
    }

    /** conv2d's weight-gradient params for the given gradient tensors (bias gradient null when not wanted). */
    public static Conv2dOps.WeightGradParams weightGrad(Conv2dParams conv, Tensor gradWeight, Tensor gradBias) {
        return conv == null ? null
                : new Conv2dOps.WeightGradParams(conv, gradWeight == null ? null : gradWeight.shape(), gradBias != null);
    }

    public static ConvTranspose2dOps.DataGradParams dataGrad(ConvTranspose2dParams conv, Tensor gradInput) {
        return conv == null ? null
                : new ConvTranspose2dOps.DataGradParams(conv, gradInput == null ? null : gradInput.shape());
    }

    public static ConvTranspose2dOps.WeightGradParams weightGrad(ConvTranspose2dParams conv, Tensor gradWeight,
                                                                 Tensor gradBias) {
        return conv == null ? null : new ConvTranspose2dOps.WeightGradParams(conv,
                gradWeight == null ? null : gradWeight.shape(), gradBias != null);
    }

    /** sum_to_shape's params for an output like {@code out}. */
    public static ReductionOps.SumToShapeParams sumTo(Tensor out) {
        return new ReductionOps.SumToShapeParams(out == null ? null : out.shape());
    }
}
