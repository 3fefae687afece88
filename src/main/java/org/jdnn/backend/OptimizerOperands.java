package org.jdnn.backend;

import org.jdnn.ops.AdamParams;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;

/** Argument checks for the optimizer-update kernels, shared by every backend (CPU tensors). */
public final class OptimizerOperands {
    private OptimizerOperands() {
    }

    public static void sgd(SgdParams params, Tensor param, Tensor grad, Tensor momentumBuffer) {
        Operands.optionalState("sgd", "momentumBuffer", momentumBuffer, params.momentum() != 0, "momentum != 0");
        Operands.optimizerUpdate("sgd", 1, param, grad, Device.CPU, new String[] {"momentumBuffer"}, momentumBuffer);
    }

    public static void adagrad(long step, Tensor param, Tensor grad, Tensor sum) {
        Operands.check("adagrad", "sum", sum, Device.CPU);
        Operands.optimizerUpdate("adagrad", step, param, grad, Device.CPU, new String[] {"sum"}, sum);
    }

    public static void rmsprop(RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg, Tensor gradAvg,
                               Tensor momentumBuffer) {
        Operands.check("rmsprop", "squareAvg", squareAvg, Device.CPU);
        Operands.optionalState("rmsprop", "gradAvg", gradAvg, params.centered(), "centered");
        Operands.optionalState("rmsprop", "momentumBuffer", momentumBuffer, params.momentum() > 0, "momentum > 0");
        Operands.optimizerUpdate("rmsprop", 1, param, grad, Device.CPU,
                new String[] {"squareAvg", "gradAvg", "momentumBuffer"}, squareAvg, gradAvg, momentumBuffer);
    }

    public static void adam(AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq) {
        String op = params.opName();
        Operands.check(op, "expAvg", expAvg, Device.CPU);
        Operands.check(op, "expAvgSq", expAvgSq, Device.CPU);
        Operands.optimizerUpdate(op, step, param, grad, Device.CPU, new String[] {"expAvg", "expAvgSq"}, expAvg, expAvgSq);
    }
}
