package org.jdnn.ops;

/**
 * adam: one Adam or AdamW step (AdamW when the params are {@link AdamParams#decoupled()}; messages from the shape
 * rule then name "adamw"), in place on the parameter and its two moment estimates. No outputs: the op writes its
 * inputs.
 */
public final class AdamOps {
    private AdamOps() {
    }

    /** One step's params: the hyper-parameters and the step number, from 1 (the bias corrections use it). */
    public record StepParams(AdamParams adam, long step) {
        public StepParams {
            Axes.requireNonNull("adam", "params", adam);
            OptimizerChecks.step(adam.opName(), step);
        }
    }

    public static final Op<StepParams> UPDATE = Op.<StepParams>declare("adam", "param", "grad", "expAvg", "expAvgSq")
            .family(OptimizerChecks.FAMILY).outputs().updates(0, 2, 3)
            .shapes((p, in) -> OptimizerChecks.update(p.adam().opName(), in, "param", "grad", "expAvg", "expAvgSq"));
}
