package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * The dtype conversion {@code x.to(dtype)}, as PyTorch converts: between floating dtypes by rounding to nearest, to
 * int64 by truncating toward zero (NaN gives 0 and infinities saturate, where PyTorch leaves them undefined), to bool
 * as {@code x != 0} (NaN is true), from bool to 0 or 1.
 *
 * <p>Differentiable between floating dtypes: the gradient is cast back to the input's dtype. A cast to or from int64
 * or bool passes no gradient (PyTorch's result does not require grad there). A backend may run f32 to bf16/f16 as a
 * reorder (oneDNN) or a conversion kernel (CUDA) once those dtypes have kernels; today the bf16/f16/int32 targets are
 * refused.
 */
public final class CastOps {
    private CastOps() {
    }

    /** The params of {@link #CAST}: the target dtype. */
    public record CastParams(DType dtype) {
        public CastParams {
            Axes.requireNonNull("cast", "dtype", dtype);
        }
    }

    /** {@code out = input} converted to {@code params.dtype()}; same shape. */
    public static final Op<CastParams> CAST = Op.<CastParams>declare("cast", "input")
            .dtypes(CastOps::dtypes)
            .derivative(CastOps::gradient)
            .shapes((p, in) -> new Shape[] {in[0]});

    private static DType[] dtypes(CastParams p, DType[] in) {
        if (!DTypeRules.SUPPORTED.contains(in[0])) {
            throw DTypeRules.reject(0, in[0], "which has no kernels yet");
        }
        if (!DTypeRules.SUPPORTED.contains(p.dtype())) {
            throw new IllegalArgumentException("cast: target dtype " + p.dtype() + " is reserved and has no kernels yet"
                    + " (float32, float64, int64 and bool have)");
        }
        return new DType[] {p.dtype()};
    }

    private static Tensor[] gradient(CastParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                     OpCalls calls) {
        DType from = in[0].dtype();
        if (!needs[0] || !from.isFloatingPoint() || !p.dtype().isFloatingPoint()) {
            return new Tensor[] {null};
        }
        return new Tensor[] {calls.run(CAST, new CastParams(from), g)};
    }
}
