package org.jdnn.ops;

/**
 * adam: one Adam or AdamW step (AdamW when the params are {@link AdamParams#decoupled()}; messages from the shape
 * rule then name "adamw"), in place on the parameter, its two moment estimates and, with amsgrad, the running maximum
 * of the second moment. No outputs: the op writes its inputs.
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

    /** {@code maxExpAvgSq} is present exactly when amsgrad is on. */
    public static final Op<StepParams> UPDATE = Op.<StepParams>declare("adam", "param", "grad", "expAvg", "expAvgSq",
                    "maxExpAvgSq?")
            .family(OptimizerChecks.FAMILY).outputs().updates(0, 2, 3, 4)
            .shapes((p, in) -> {
                OptimizerChecks.optionalState(p.adam().opName(), "maxExpAvgSq", in[4], p.adam().amsgrad(), "amsgrad");
                return OptimizerChecks.update(p.adam().opName(), in, "param", "grad", "expAvg", "expAvgSq",
                        "maxExpAvgSq");
            });
}
