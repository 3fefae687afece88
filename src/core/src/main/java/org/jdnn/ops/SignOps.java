package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/** sign and abs, element-wise, with PyTorch's values at the kinks. */
public final class SignOps {
    private SignOps() {
    }

    /**
     * {@code sign(x)}: 1 above 0, -1 below, 0 at +-0 and for NaN, as PyTorch's {@code (0 < x) - (x < 0)}. Not
     * differentiable (its derivative is 0 wherever it exists).
     */
    public static final Op<NoParams> SIGN = Op.<NoParams>declare("sign", "input")
            .family("sign").inPlace(0)
            .shapes((p, in) -> new Shape[] {in[0]});

    /** {@code |x|}, with gradient {@code g * sign(x)}: 0 at 0, as PyTorch's. */
    public static final Op<NoParams> ABS = Op.<NoParams>declare("abs", "input")
            .family("sign").inPlace(0)
            .derivative(SignOps::absGradient)
            .shapes((p, in) -> new Shape[] {in[0]});

    private static Tensor[] absGradient(NoParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                        OpCalls calls) {
        try (Tensor sign = calls.run(SIGN, NoParams.INSTANCE, in[0])) {
            return new Tensor[] {calls.run(BinaryOps.BINARY, BinaryParams.of(BinaryAlgorithm.MUL), g, sign)};
        }
    }
}
