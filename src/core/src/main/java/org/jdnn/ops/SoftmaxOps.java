package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * softmax and log-softmax over one axis ({@link SoftmaxParams#log()} chooses; see {@link SoftmaxShapes}), and the
 * backward pass, which needs only the forward's output.
 */
public final class SoftmaxOps {
    private SoftmaxOps() {
    }

    /** {@code out = softmax(input)} (or log-softmax) over the params' axis; may run in place. */
    public static final Op<SoftmaxParams> FORWARD = Op.<SoftmaxParams>declare("softmax", "input")
            .inPlace(0)
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {calls.run(SoftmaxOps.BACKWARD, p, out[0], g)})
            .shapes((p, in) -> {
                SoftmaxShapes.infer(p.opName(), p, in[0]);
                return new Shape[] {in[0]};
            });

    /** {@code gradInput} from the forward's output {@code out} and {@code gradOutput}; may overwrite gradOutput. */
    public static final Op<SoftmaxParams> BACKWARD = Op.<SoftmaxParams>declare("softmax_backward", "out",
                    "gradOutput")
            .family("softmax").outputs("gradInput").inPlace(1)
            .shapes((p, in) -> {
                String op = p.opName() + "_backward";
                SoftmaxShapes.infer(op, p, in[0]);
                EltwiseShapes.check(op, in[0], in[1], "gradOutput");
                return new Shape[] {in[0]};
            });
}
