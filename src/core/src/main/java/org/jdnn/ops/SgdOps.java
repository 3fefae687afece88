package org.jdnn.ops;

/**
 * sgd: one step of stochastic gradient descent, in place on the parameter and its momentum buffer (see
 * {@link SgdParams} for the formulas). No outputs: the op writes its inputs.
 */
public final class SgdOps {
    private SgdOps() {
    }

    /** One step's params: the hyper-parameters and whether it is the first (the buffer then starts at the gradient). */
    public record StepParams(SgdParams sgd, boolean firstStep) {
        public StepParams {
            Axes.requireNonNull("sgd", "params", sgd);
        }
    }

    /** {@code param -= lr * d}, updating {@code momentumBuffer} (present exactly when momentum != 0). */
    public static final Op<StepParams> UPDATE = Op.<StepParams>declare("sgd", "param", "grad", "momentumBuffer?")
            .family(OptimizerChecks.FAMILY).outputs().updates(0, 2)
            .shapes((p, in) -> {
                OptimizerChecks.optionalState("sgd", "momentumBuffer", in[2], p.sgd().momentum() != 0,
                        "momentum != 0");
                return OptimizerChecks.update("sgd", in, "param", "grad", "momentumBuffer");
            });
}
