package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * matmul: {@code out = op(a) @ op(b) (+ bias)} with the transposes of {@link MatmulParams} and torch.matmul's
 * semantics (1-D operands, broadcast batch dimensions of any rank; see {@link MatmulShapes}). PyTorch's linear is this
 * op with {@code transposeB}; bmm is its own op, with bmm's stricter shape rule and the same kernels.
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
     * torch.bmm: (B, M, K) @ (B, K, N) -> (B, M, N), both operands rank 3 with the same batch B (no broadcasting, no
     * transposes). Its kernels are matmul's.
     */
    public static final Op<NoParams> BMM = Op.<NoParams>declare("bmm", "a", "b")
            .family("matmul")
            .derivative((p, in, out, g, needs, calls) -> {
                Tensor[] both = gradients(MatmulParams.PLAIN, new Tensor[] {in[0], in[1], null}, out, g,
                        new boolean[] {needs[0], needs[1], false}, calls);
                return new Tensor[] {both[0], both[1]};
            })
            .shapes((p, in) -> new Shape[] {bmmShapes(in[0], in[1]).output()});

    /**
     * Throws unless {@code weight} is a linear layer's weight, (out, in) or (in): a batched weight would broadcast
     * in matmul, where PyTorch's linear refuses it.
     */
    public static void checkLinearWeight(Tensor weight) {
        if (weight != null && weight.rank() > 2) {
            throw new IllegalArgumentException("linear: weight must be (out_features, in_features) or (in_features), got "
                    + weight.shape());
        }
    }

    /** bmm's shape rule: matmul's, restricted to rank-3 operands with equal batch sizes. */
    public static MatmulShapes bmmShapes(Shape a, Shape b) {
        if (a.rank() != 3 || b.rank() != 3) {
            throw new IllegalArgumentException("bmm: both operands must be rank 3 (batch, rows, columns), got A " + a
                    + " and B " + b);
        }
        if (a.dim(0) != b.dim(0)) {
            throw new IllegalArgumentException("bmm: batch sizes differ: A " + a + " has " + a.dim(0) + ", B " + b
                    + " has " + b.dim(0) + " (bmm does not broadcast; matmul does)");
        }
        return MatmulShapes.infer("bmm", a, b, null, MatmulParams.PLAIN);
    }

    /**
     * With {@code C = op(A) op(B)} and {@code G = dL/dC}: {@code dL/d op(A) = G op(B)^T} and
     * {@code dL/d op(B) = op(A)^T G}; a transposed operand's gradient is the transpose of that, which is again one
     * matmul with the transposes chosen accordingly. A broadcast batch is summed back; the bias gets G summed over
     * every row. A 1-D operand is handled as the (1, K) or (K, 1) matrix it is read as, and G with that unit
     * dimension put back.
     */
    private static Tensor[] gradients(MatmulParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor a = in[0], b = in[1], bias = in[2];
        MatmulShapes s = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), p);
        // A vector's transpose is itself, so its flag is dropped and it is viewed as a matrix.
        MatmulParams q = new MatmulParams(p.transposeA() && !s.vectorA(), p.transposeB() && !s.vectorB(), p.precision());
        boolean vectors = s.vectorA() || s.vectorB();
        Tensor am = s.vectorA() ? a.reshape(1, s.k()) : a;
        Tensor bm = s.vectorB() ? b.reshape(s.k(), 1) : b;
        Tensor gm = vectors ? g.reshape(withMatrix(s.batch(), s.m(), s.n())) : g;
        try {
            Tensor da = null, db = null, dbias = null;
            if (needs[0]) {
                da = q.transposeA()
                        ? calls.run(MATMUL, new MatmulParams(q.transposeB(), true, q.precision()), bm, gm, null)  // op(B) G^T
                        : calls.run(MATMUL, new MatmulParams(false, !q.transposeB(), q.precision()), gm, bm, null); // G op(B)^T
                da = reshapeTo(sumTo(da, am.shape(), calls), a.shape());
            }
            if (needs[1]) {
                db = reshapeTo(weightGradient(q, s, am, bm, gm, calls), b.shape());
            }
            if (bias != null && needs[2]) {
                dbias = calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(bias.shape()), g);
            }
            return new Tensor[] {da, db, dbias};
        } finally {
            closeView(am, a);
            closeView(bm, b);
            closeView(gm, g);
        }
    }

    /**
     * B's gradient (as the matrix {@code bm} it is read as), {@code op(A)^T G} or its transpose {@code G^T op(A)},
     * summed over the batch B broadcasts along. Where B has no batch and A is an untransposed batch (linear on a
     * (..., in) input), the batch folds into the rows and one (K x rows) @ (rows x N) product gives the sum directly,
     * with no per-batch products to allocate and add up.
     */
    private static Tensor weightGradient(MatmulParams q, MatmulShapes s, Tensor am, Tensor bm, Tensor gm,
                                         OpCalls calls) {
        if (s.batchCount() > 1 && s.batchB().numel() == 1 && !q.transposeA() && s.batchA().equals(s.batch())) {
            long rows = s.batchCount() * s.m();
            try (Tensor a2 = am.reshape(rows, s.k()); Tensor g2 = gm.reshape(rows, s.n())) {
                Tensor db = q.transposeB()
                        ? calls.run(MATMUL, new MatmulParams(true, false, q.precision()), g2, a2, null)  // G^T A: (N, K)
                        : calls.run(MATMUL, new MatmulParams(true, false, q.precision()), a2, g2, null); // A^T G: (K, N)
                return reshapeTo(db, bm.shape());
            }
        }
        Tensor db = q.transposeB()
                ? calls.run(MATMUL, new MatmulParams(true, q.transposeA(), q.precision()), gm, am, null)  // G^T op(A)
                : calls.run(MATMUL, new MatmulParams(!q.transposeA(), false, q.precision()), am, gm, null); // op(A)^T G
        return sumTo(db, bm.shape(), calls);
    }

    /** The batch dimensions followed by (m, n). */
    private static long[] withMatrix(Shape batch, long m, long n) {
        long[] dims = new long[batch.rank() + 2];
        for (int i = 0; i < batch.rank(); i++) {
            dims[i] = batch.dim(i);
        }
        dims[dims.length - 2] = m;
        dims[dims.length - 1] = n;
        return dims;
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

    /** {@code t} viewed with {@code shape} (same elements), the view replacing it. */
    private static Tensor reshapeTo(Tensor t, Shape shape) {
        if (t.shape().equals(shape)) {
            return t;
        }
        try (t) {
            return t.reshape(shape.dims());
        }
    }

    /** Closes {@code view} unless it is {@code original} itself. */
    private static void closeView(Tensor view, Tensor original) {
        if (view != original) {
            view.close();
        }
    }
}
