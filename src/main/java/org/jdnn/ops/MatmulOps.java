package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * matmul: {@code out = op(a) @ op(b) (+ bias)} with the transposes of {@link MatmulParams} (see {@link MatmulShapes}
 * for the shape rule, batching and broadcasting). PyTorch's linear is this op with {@code transposeB}.
 */
public final class MatmulOps {
    private MatmulOps() {
    }

    /** PyTorch's linear, {@code x @ weight^T + bias}: weight (out, in) is used transposed. */
    public static final MatmulParams LINEAR = new MatmulParams(false, true);

    public static final Op<MatmulParams> MATMUL = Op.<MatmulParams>declare("matmul", "a", "b", "bias?")
            .derivative(MatmulOps::gradients)
            .shapes((p, in) -> new Shape[] {MatmulShapes.infer(in[0], in[1], in[2], p).output()});

    /**
     * With {@code C = op(A) op(B)} and {@code G = dL/dC}: {@code dL/d op(A) = G op(B)^T} and
     * {@code dL/d op(B) = op(A)^T G}; a transposed operand's gradient is the transpose of that, which is again one
     * matmul with the transposes chosen accordingly. A broadcast batch is summed back; the bias gets G summed over
     * every row.
     */
    private static Tensor[] gradients(MatmulParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor a = in[0], b = in[1], bias = in[2];
        Tensor da = null, db = null, dbias = null;
        if (needs[0]) {
            da = p.transposeA()
                    ? product(calls, p.transposeB(), true, b, g)  // op(B) G^T
                    : product(calls, false, !p.transposeB(), g, b); // G op(B)^T
            da = sumTo(da, a.shape(), calls);
        }
        if (needs[1]) {
            db = p.transposeB()
                    ? product(calls, true, p.transposeA(), g, a)  // G^T op(A)
                    : product(calls, !p.transposeA(), false, a, g); // op(A)^T G
            db = sumTo(db, b.shape(), calls);
        }
        if (bias != null && needs[2]) {
            dbias = biasGradient(g, bias.shape(), calls);
        }
        return new Tensor[] {da, db, dbias};
    }

    /**
     * {@code op(x) @ op(y)} without bias. Where the inner dimension is 0 (a gradient when the forward's M or N was 0)
     * the product sums nothing and is zero, which matmul (K > 0) does not take: each operand is then summed over that
     * empty dimension to length 1 (zeros) and the product taken over an inner dimension of 1.
     */
    private static Tensor product(OpCalls calls, boolean transposeX, boolean transposeY, Tensor x, Tensor y) {
        MatmulParams params = new MatmulParams(transposeX, transposeY);
        int innerX = transposeX ? -2 : -1, innerY = transposeY ? -1 : -2;
        if (x.shape().dim(innerX) != 0) {
            return calls.run(MATMUL, params, x, y, null);
        }
        try (Tensor zerosX = calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(one(x, innerX)), x);
             Tensor zerosY = calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(one(y, innerY)), y)) {
            return calls.run(MATMUL, params, zerosX, zerosY, null);
        }
    }

    /** {@code t}'s shape with dimension {@code axis} (negative: from the end) set to 1. */
    private static Shape one(Tensor t, int axis) {
        long[] dims = t.dims();
        dims[dims.length + axis] = 1;
        return Shape.of(dims);
    }

    /** {@code product} summed down to {@code shape} (a broadcast operand's gradient), freeing the product. */
    private static Tensor sumTo(Tensor product, Shape shape, OpCalls calls) {
        if (product.shape().equals(shape)) {
            return product;
        }
        try (product) {
            return calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(shape), product);
        }
    }

    /** {@code g} summed over every row: the bias gradient (g itself is the caller's). */
    private static Tensor biasGradient(Tensor g, Shape bias, OpCalls calls) {
        return calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(bias), g);
    }
}
