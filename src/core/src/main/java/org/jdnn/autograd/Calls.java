package org.jdnn.autograd;

import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Derivative;
import org.jdnn.ops.Op;
import org.jdnn.ops.OpCalls;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The generic call of any op in the table: dispatches it ({@link Dispatch}) and, when recording is on and an input
 * requires grad, records a graph node whose backward is the op's declared {@link Derivative}. The user-facing
 * statics ({@link F}) and the derivatives themselves go through here; none restates an op.
 */
public final class Calls implements OpCalls {
    /** The instance derivatives call ops through. */
    public static final Calls INSTANCE = new Calls();

    private Calls() {
    }

    /** The op's first output, recorded for backward; any saved state outputs go to the graph node (or are freed). */
    public static <P> Tensor call(Op<P> op, P params, Tensor... inputs) {
        Dispatch.requireOutput(op);
        return record(op, params, inputs, Dispatch.call(op, params, inputs))[0];
    }

    /** The op's visible outputs, recorded for backward on the first; saved state goes to the node (or is freed). */
    public static <P> Tensor[] callVisible(Op<P> op, P params, Tensor... inputs) {
        return record(op, params, inputs, Dispatch.call(op, params, inputs));
    }

    @Override
    public <P> Tensor[] runAll(Op<P> op, P params, Tensor... inputs) {
        return Dispatch.call(op, params, inputs);
    }

    private static <P> Tensor[] record(Op<P> op, P params, Tensor[] inputs, Tensor[] outputs) {
        if (outputs.length == 0) {
            return outputs;
        }
        int visible = Math.min(op.visibleOutputs(), outputs.length);
        List<AutoCloseable> saved = new ArrayList<>();
        for (int i = visible; i < outputs.length; i++) {
            if (outputs[i] != null) {
                saved.add(outputs[i]);
            }
        }
        Derivative<P> derivative = op.derivative();
        if (derivative == null) {
            Autograd.record(op.name(), outputs[0], null, saved);
        } else {
            Tensor[] savedInputs = inputs.clone();
            Autograd.record(op.name(), outputs[0],
                    (g, needs) -> derivative.gradients(params, savedInputs, outputs, g, needs, INSTANCE),
                    saved, inputs);
        }
        return visible == outputs.length ? outputs : Arrays.copyOf(outputs, visible);
    }
}
