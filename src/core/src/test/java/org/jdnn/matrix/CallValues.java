package org.jdnn.matrix;

import org.jdnn.ops.Op;
import org.jdnn.tensor.Tensor;


/**
 * What the matrix compares after one call of an op: its outputs, except those {@linkplain Op#isSizedByKernel sized by
 * the kernel} (backend-specific state such as max pooling's workspace, which only the backend that made it reads: its
 * effect is compared through the derivative), followed by the inputs the op writes in place, as they are after the
 * call (an optimizer update's parameter and state, which are all it produces; batch norm's running statistics).
 * Value {@code i} is named in messages by {@link #name}.
 */
final class CallValues {
    private CallValues() {
    }

    /** The indices of the inputs {@code op} writes in place, in input order. */
    static int[] writtenInputs(Op<?> op) {
        return java.util.stream.IntStream.range(0, op.inputs().size()).filter(op::isUpdated).toArray();
    }

    /**
     * The values to compare after a call: the outputs (null for an absent one and for one the kernel sized), then
     * every input the op writes in place (null where absent).
     */
    static float[][] of(Op<?> op, Tensor[] outputs, Tensor[] inputs) {
        int[] written = writtenInputs(op);
        float[][] values = new float[outputs.length + written.length][];
        for (int i = 0; i < outputs.length; i++) {
            values[i] = outputs[i] == null || op.isSizedByKernel(i) ? null : outputs[i].toFloatArray();
        }
        for (int i = 0; i < written.length; i++) {
            Tensor t = inputs[written[i]];
            values[outputs.length + i] = t == null ? null : t.toFloatArray();
        }
        return values;
    }

    /** How messages call value {@code index} of {@code count} (as {@link #of} returned them). */
    static String name(Op<?> op, int index, int count) {
        int[] written = writtenInputs(op);
        int first = count - written.length;
        return index >= first ? op.inputName(written[index - first]) + " after the call" : op.outputName(index);
    }

    /**
     * Closes and clears the outputs the kernel sized (it allocates them on every run), so that the same output array
     * can be passed to another run.
     */
    static void clearSizedByKernel(Op<?> op, Tensor[] outputs) {
        for (int i = 0; i < outputs.length; i++) {
            if (op.isSizedByKernel(i) && outputs[i] != null) {
                outputs[i].close();
                outputs[i] = null;
            }
        }
    }
}
