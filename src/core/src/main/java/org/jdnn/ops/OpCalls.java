package org.jdnn.ops;

import org.jdnn.tensor.Tensor;

/** Runs ops from a derivative (implemented by the autograd layer, which may record them for higher orders). */
public interface OpCalls {
    /** All outputs of {@code op} on {@code inputs}, saved state included. */
    <P> Tensor[] runAll(Op<P> op, P params, Tensor... inputs);

    /** The first output of {@code op}; any other outputs are freed. */
    default <P> Tensor run(Op<P> op, P params, Tensor... inputs) {
        Tensor[] outputs = runAll(op, params, inputs);
        for (int i = 1; i < outputs.length; i++) {
            if (outputs[i] != null) {
                outputs[i].close();
            }
        }
        return outputs[0];
    }
}
