package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Element-wise functions: the activations of {@link EltwiseAlgorithm} and the clamped logarithm, each with its
 * backward pass. Every tensor has the input's shape; forward passes may run in place.
 */
public final class EltwiseOps {
    private EltwiseOps() {
    }

    /** The message of STEP's backward on every backend: the step's derivative is 0 almost everywhere (undefined at 0). */
    public static final String STEP_NOT_DIFFERENTIABLE = "eltwise STEP: not differentiable (use it forward only)";

    /**
     * The params of {@link #LOG}: the clamp {@code min} (negative infinity for none).
     *
     * @param min the value below which the log is clamped; not NaN
     */
    public record LogParams(float min) {
        /** The plain logarithm: no clamp. */
        public static final LogParams NONE = new LogParams(Float.NEGATIVE_INFINITY);

        public LogParams {
            if (Float.isNaN(min)) {
                throw new IllegalArgumentException("log: min must not be NaN");
            }
        }
    }

    /** {@code out = f(input)} element-wise. */
    public static final Op<EltwiseParams> FORWARD = Op.<EltwiseParams>declare("eltwise", "input")
            .inPlace(0)
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(EltwiseOps.BACKWARD, p, in[0], g)})
            .shapes((p, in) -> new Shape[] {in[0]});

    /** {@code gradInput = f'(input) * gradOutput} element-wise, from the forward's input; STEP has none. */
    public static final Op<EltwiseParams> BACKWARD = Op.<EltwiseParams>declare("eltwise_backward", "input",
                    "gradOutput")
            .family("eltwise").outputs("gradInput").inPlace(1)
            .shapes((p, in) -> {
                if (p.algorithm() == EltwiseAlgorithm.STEP) {
                    throw new IllegalArgumentException(STEP_NOT_DIFFERENTIABLE);
                }
                EltwiseShapes.check("eltwise_backward " + p.algorithm(), in[0], in[1], "gradOutput");
                return new Shape[] {in[0]};
            });

    /**
     * {@code out = max(log(input), min)} element-wise, NaN where the log is NaN (negative or NaN input); log(0) is
     * negative infinity before the clamp. Its gradient {@code 1/x} flows only where the log is above the clamp, so
     * x = 0 gives a zero gradient, not NaN (PyTorch's binary cross-entropy clamps its logs at -100).
     */
    public static final Op<LogParams> LOG = Op.<LogParams>declare("log", "input")
            .family("eltwise").inPlace(0)
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(EltwiseOps.LOG_BACKWARD, p, in[0], g)})
            .shapes((p, in) -> new Shape[] {in[0]});

    /**
     * {@code gradInput = gradOutput * d} with {@code d = 1/input} where {@code log(input) > min}, NaN where the log is
     * NaN, else 0 (the clamped and -infinity cases).
     */
    public static final Op<LogParams> LOG_BACKWARD = Op.<LogParams>declare("log_backward", "input", "gradOutput")
            .family("eltwise").outputs("gradInput").inPlace(1)
            .shapes((p, in) -> {
                EltwiseShapes.check("log_backward", in[0], in[1], "gradOutput");
                return new Shape[] {in[0]};
            });
}
