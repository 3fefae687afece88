package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * 2-d pooling over NCHW input (see {@link Pool2dShapes} for the shape rule): the forward for inference, the forward
 * for training, which also yields max pooling's workspace, and the backward.
 *
 * <p>Max pooling's backward needs to know where each window's maximum was. Every backend records that in its own
 * format (the reference int32 indices, oneDNN its primitive's workspace in the primitive's layout), whose size no
 * backend-independent rule gives, so {@link #TRAINING}'s second output, {@code workspace}, is
 * {@linkplain Op.Builder#sizedByKernel sized by the kernel} that runs; it is saved state (the graph node owns it) and
 * only the backend that made it accepts it back, for the same params and input shape
 * ({@code org.jdnn.backend.Pool2dWorkspace}). Average pooling has none.
 */
public final class Pool2dOps {
    private Pool2dOps() {
    }

    /** The backward's params: the pooling and the input's shape (the stride's rounding loses it). */
    public record BackwardParams(Pool2dParams pool, Shape input) {
        public BackwardParams {
            Axes.requireNonNull("pool2d_backward", "pool", pool);
            Axes.requireNonNull("pool2d_backward", "input shape", input);
        }
    }

    /** Pooling for inference: no workspace. Its derivative recomputes one when max pooling needs it. */
    public static final Op<Pool2dParams> FORWARD = Op.<Pool2dParams>declare("pool2d", "input")
            .derivative(Pool2dOps::inferenceGradients)
            .shapes((p, in) -> new Shape[] {Pool2dShapes.infer(p, in[0]).output()});

    /** Pooling for training: the output and, for max pooling, the workspace the backward reads (null for average). */
    public static final Op<Pool2dParams> TRAINING = Op.<Pool2dParams>declare("pool2d_training", "input")
            .family("pool2d").outputs("out", "workspace").visibleOutputs(1).sizedByKernel(1)
            .derivative(Pool2dOps::trainingGradients)
            .shapes((p, in) -> new Shape[] {Pool2dShapes.infer(p, in[0]).output(), null});

    /** The input's gradient from the output's; max pooling reads the workspace its training forward made. */
    public static final Op<BackwardParams> BACKWARD = Op.<BackwardParams>declare("pool2d_backward",
                    "gradOutput", "workspace?")
            .family("pool2d").outputs("gradInput")
            // The workspace is the kernel's own bytes, of no dtype to match: only gradOutput's dtype counts.
            .dtypes((p, in) -> DTypeRules.<BackwardParams>sameFloat().outputDTypes(p, new DType[] {in[0]}))
            .shapes((p, in) -> {
                Pool2dShapes s = Pool2dShapes.infer(p.pool(), p.input());
                String op = p.pool().algorithm().opName() + " backward";
                s.checkOutput(op, "gradOutput", in[0]);
                boolean max = p.pool().algorithm() == PoolAlgorithm.MAX;
                if (max && in[1] == null) {
                    throw new IllegalArgumentException(op
                            + ": max pooling backward needs the workspace its forward filled");
                }
                if (!max && in[1] != null) {
                    throw new IllegalArgumentException(op + ": average pooling takes no workspace");
                }
                return new Shape[] {p.input()};
            });

    private static Tensor[] trainingGradients(Pool2dParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                              OpCalls calls) {
        return new Tensor[] {needs[0] ? calls.run(BACKWARD, new BackwardParams(p, in[0].shape()), g, out[1]) : null};
    }

    /** Recorded without a workspace (a caller chose {@link #FORWARD}): max pooling runs the training forward again. */
    private static Tensor[] inferenceGradients(Pool2dParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                               OpCalls calls) {
        if (!needs[0]) {
            return new Tensor[1];
        }
        BackwardParams backward = new BackwardParams(p, in[0].shape());
        if (p.algorithm() != PoolAlgorithm.MAX) {
            return new Tensor[] {calls.run(BACKWARD, backward, g, null)};
        }
        Tensor[] again = calls.runAll(TRAINING, p, in[0]);
        try (Tensor output = again[0]; Tensor workspace = again[1]) {
            return new Tensor[] {calls.run(BACKWARD, backward, g, workspace)};
        }
    }
}
