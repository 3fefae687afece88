package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * The loss kernels that composing other ops cannot give with PyTorch's numerics or without reading class indices on
 * the host: the negative log-likelihood over class indices (with class weights, ignore index, label smoothing and
 * (N, C, d1, ..., dk) inputs), binary cross-entropy with PyTorch's clamps, and one-hot encoding. Every other loss is
 * composed from ops in {@code org.jdnn.loss.Losses}.
 *
 * <p>Class indices are checked in the kernels: a target outside [0, C) (other than the ignore index) throws an
 * IllegalArgumentException naming the op and the value.
 */
public final class LossOps {
    private LossOps() {
    }

    /**
     * Float32 operands but for the class indices at {@code target}, int64 (PyTorch's) or float32 holding integral
     * values (what data loaders give today); the outputs float32.
     */
    private static <P> Op.DTypeRule<P> classIndicesAt(int target) {
        return (p, in) -> {
            DType floats = null;
            int floatsAt = -1;
            for (int i = 0; i < in.length; i++) {
                if (in[i] == null || (i == target && in[i] == DType.INT64)) {
                    continue;
                }
                if (in[i] != DType.FLOAT32 && in[i] != DType.FLOAT64) {
                    throw DTypeRules.reject(i, in[i], i == target ? "expected int64 (or a float holding class indices)"
                            : "expected float32 or float64");
                }
                if (i != target) {
                    if (floats != null && floats != in[i]) {
                        throw DTypeRules.mismatch(i, in[i], floatsAt, floats);
                    }
                    floats = in[i];
                    floatsAt = i;
                }
            }
            // one_hot has only its target: its output takes a float target's dtype, float32 for int64.
            return new DType[] {floats != null ? floats : in[target] == DType.FLOAT64 ? DType.FLOAT64 : DType.FLOAT32};
        };
    }

    /** One-hot encoding's params: the number of classes (the size of the new last dimension). */
    public record OneHotParams(long numClasses) {
        public OneHotParams {
            if (numClasses < 1) {
                throw new IllegalArgumentException("one_hot: number of classes must be >= 1, got " + numClasses);
            }
        }
    }

    /**
     * {@code out}: per counted element {@code -w[t] x[n, t, i]} (with label smoothing
     * {@code (1 - s)} times that plus {@code s / C sum_c -w[c] x[n, c, i]}), 0 where the target is the ignore index;
     * reduced as the params say (shape of the target for none, rank 0 otherwise). {@code totalWeight} (rank 0, saved
     * for the derivative) is the sum of {@code w[t]} over the counted elements: the mean's divisor, so a mean over
     * only ignored targets is 0 / 0 = NaN, as PyTorch's.
     */
    public static final Op<NllLossParams> NLL_LOSS = Op.<NllLossParams>declare("nll_loss", "input", "target",
                    "weight?")
            .outputs("out", "totalWeight").visibleOutputs(1).dtypes(classIndicesAt(1))
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    needs[0] ? calls.run(LossOps.NLL_LOSS_BACKWARD, p, in[0], g, in[1], in[2], out[1]) : null, null, null})
            .shapes((p, in) -> {
                LossShapes s = LossShapes.infer("nll_loss", in[0], in[1], in[2]);
                return new Shape[] {p.reduction() == LossReduction.NONE ? s.target() : Shape.of(), Shape.of()};
            });

    /** The input's gradient of {@link #NLL_LOSS}, given its gradient output and its {@code totalWeight}. */
    public static final Op<NllLossParams> NLL_LOSS_BACKWARD = Op.<NllLossParams>declare("nll_loss_backward", "input",
                    "gradOutput", "target", "weight?", "totalWeight")
            .family("nll_loss").outputs("gradInput").dtypes(classIndicesAt(2))
            .shapes((p, in) -> {
                String op = "nll_loss_backward";
                LossShapes s = LossShapes.infer(op, in[0], in[2], in[3]);
                Shape g = p.reduction() == LossReduction.NONE ? s.target() : Shape.of();
                if (!in[1].equals(g)) {
                    throw new IllegalArgumentException(op + ": gradOutput shape " + in[1] + " != " + g);
                }
                if (in[4].rank() != 0) {
                    throw new IllegalArgumentException(op + ": totalWeight must be rank 0, got " + in[4]);
                }
                return new Shape[] {in[0]};
            });

    /**
     * Binary cross-entropy per element, as PyTorch's: {@code (y - 1) max(log(1 - p), -100) - y max(log p, -100)}; the
     * input must lie in [0, 1] (checked in the kernel). Its gradient in p is
     * {@code g (p - y) / max(p (1 - p), 1e-12)}: finite at 0, 1 and subnormal p.
     */
    public static final Op<NoParams> BINARY_CROSS_ENTROPY = Op.<NoParams>declare("binary_cross_entropy", "input",
                    "target")
            .derivative(LossOps::binaryCrossEntropyGradients)
            .shapes((p, in) -> {
                EltwiseShapes.check("binary_cross_entropy", in[0], in[1], "target");
                return new Shape[] {in[0]};
            });

    /** The gradients of {@link #BINARY_CROSS_ENTROPY} in the input and in the target. */
    public static final Op<NoParams> BINARY_CROSS_ENTROPY_BACKWARD = Op.<NoParams>declare(
                    "binary_cross_entropy_backward", "input", "target", "gradOutput")
            .family("binary_cross_entropy").outputs("gradInput", "gradTarget")
            .shapes((p, in) -> {
                String op = "binary_cross_entropy_backward";
                EltwiseShapes.check(op, in[0], in[1], "target");
                EltwiseShapes.check(op, in[0], in[2], "gradOutput");
                return new Shape[] {in[0], in[0]};
            });

    /**
     * {@code out[..., c] = 1} where {@code c} is the element's class index, else 0 (float32; PyTorch's is int64).
     * Not differentiable.
     */
    public static final Op<OneHotParams> ONE_HOT = Op.<OneHotParams>declare("one_hot", "target")
            .dtypes(classIndicesAt(0))
            .shapes((p, in) -> {
                long[] dims = java.util.Arrays.copyOf(in[0].dims(), in[0].rank() + 1);
                dims[in[0].rank()] = p.numClasses();
                return new Shape[] {Shape.of(dims)};
            });

    private static Tensor[] binaryCrossEntropyGradients(NoParams p, Tensor[] in, Tensor[] out, Tensor g,
                                                        boolean[] needs, OpCalls calls) {
        Tensor[] grads = calls.runAll(BINARY_CROSS_ENTROPY_BACKWARD, p, in[0], in[1], g);
        return new Tensor[] {Conv2dOps.kept(grads[0], needs[0]), Conv2dOps.kept(grads[1], needs[1])};
    }
}
