package org.jdnn.ops;

/**
 * rmsprop: one RMSProp step, in place on the parameter and its state (see {@link RmspropParams}); the gradient
 * average is present exactly when centered, the momentum buffer exactly when momentum > 0. No outputs: the op
 * writes its inputs. RMSProp's step does not depend on the step number, so its params are the hyper-parameters.
 */
public final class RmspropOps {
    private RmspropOps() {
    }

    public static final Op<RmspropParams> UPDATE = Op.<RmspropParams>declare("rmsprop", "param", "grad", "squareAvg",
                    "gradAvg?", "momentumBuffer?")
            .family(OptimizerChecks.FAMILY).outputs().updates(0, 2, 3, 4)
            .shapes((p, in) -> {
                OptimizerChecks.optionalState("rmsprop", "gradAvg", in[3], p.centered(), "centered");
                OptimizerChecks.optionalState("rmsprop", "momentumBuffer", in[4], p.momentum() > 0, "momentum > 0");
                return OptimizerChecks.update("rmsprop", in, "param", "grad", "squareAvg", "gradAvg", "momentumBuffer");
            });
}
