package org.jdnn.ops;

/**
 * adagrad: one AdaGrad step, in place on the parameter and its running sum of squares (see {@link AdagradParams}).
 * No outputs: the op writes its inputs.
 */
public final class AdagradOps {
    private AdagradOps() {
    }

    /** One step's params: the hyper-parameters and the step number, from 1 (the learning-rate decay counts it). */
    public record StepParams(AdagradParams adagrad, long step) {
        public StepParams {
            Axes.requireNonNull("adagrad", "params", adagrad);
            OptimizerChecks.step("adagrad", step);
        }
    }

    public static final Op<StepParams> UPDATE = Op.<StepParams>declare("adagrad", "param", "grad", "sum")
            .family(OptimizerChecks.FAMILY).outputs().updates(0, 2)
            .shapes((p, in) -> OptimizerChecks.update("adagrad", in, "param", "grad", "sum"));
}
