package org.jdnn.ops;

import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Element-wise arithmetic with NumPy broadcasting ({@link BroadcastShapes}), its scalar form, comparisons and copy,
 * with their derivatives. Gradients of a broadcast operand are summed back to its shape
 * ({@link ReductionOps#SUM_TO_SHAPE}).
 *
 * <p>In-place updates ({@code target += addend}, {@code target *= factor}) are these same ops run with the output
 * being input 0 ({@code inPlace(0)}), through {@code Dispatch.run} into the caller's tensor: one kernel serves both,
 * and the dispatcher's shape rule and overlap check already say what in place may mean (the output must have the
 * broadcast shape, so only an addend broadcasting to the target's shape is accepted, and the output may be input 0
 * exactly, never overlap anything else). An op without outputs that mutates its input would need a second kernel
 * and its own checks.
 */
public final class BinaryOps {
    private BinaryOps() {
    }

    /** The params of {@link #BINARY_SCALAR}: {@code a op scalar}. */
    public record ScalarParams(BinaryAlgorithm algorithm, float scalar) {
        public ScalarParams {
            Axes.requireNonNull("binary_scalar", "algorithm", algorithm);
        }

        public String opName() {
            return algorithm.opName();
        }
    }

    /** The params of {@link #COMPARE}. */
    public record CompareParams(CompareAlgorithm algorithm) {
        public CompareParams {
            Axes.requireNonNull("compare", "algorithm", algorithm);
        }
    }

    /**
     * {@code out = a op b} with broadcasting; out may be {@code a} itself (in place: {@code a += b} when b broadcasts
     * to a's shape). MAX/MIN send the gradient to the operand that wins, half to each at a tie (PyTorch's maximum/minimum).
     */
    public static final Op<BinaryParams> BINARY = Op.<BinaryParams>declare("binary", "a", "b")
            .inPlace(0)
            .derivative(BinaryOps::gradients)
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast(p.opName(), in[0], in[1])});

    /** {@code out = a op scalar} element-wise; out may be {@code a} itself (in place). */
    public static final Op<ScalarParams> BINARY_SCALAR = Op.<ScalarParams>declare("binary_scalar", "a")
            .family("binary").inPlace(0)
            .derivative(BinaryOps::scalarGradients)
            .shapes((p, in) -> new Shape[] {in[0]});

    /**
     * {@code out = (a op b) ? 1 : 0} with broadcasting, a float mask (IEEE: NaN compares false, except NE). Not
     * differentiable: its gradient is zero almost everywhere. It runs on the binary primitive where one exists.
     */
    public static final Op<CompareParams> COMPARE = Op.<CompareParams>declare("compare", "a", "b")
            .family("binary")
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast("compare " + p.algorithm().opName(), in[0], in[1])});

    /** {@code out = source}, bit for bit (into a caller's tensor: {@code target.copy_(source)}). */
    public static final Op<NoParams> COPY = Op.<NoParams>declare("copy", "source")
            .family("binary").outputs("target")
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {g})
            .shapes((p, in) -> new Shape[] {in[0]});

    private static Tensor[] gradients(BinaryParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                      OpCalls calls) {
        Tensor a = in[0], b = in[1];
        return switch (p.algorithm()) {
            case ADD -> new Tensor[] {needs[0] ? reduced(g, false, a.shape(), calls) : null,
                    needs[1] ? reduced(g, false, b.shape(), calls) : null};
            case SUB -> new Tensor[] {needs[0] ? reduced(g, false, a.shape(), calls) : null,
                    needs[1] ? reduced(scalar(BinaryAlgorithm.MUL, g, -1f, calls), true, b.shape(), calls) : null};
            case MUL -> new Tensor[] {
                    needs[0] ? reduced(binary(BinaryAlgorithm.MUL, g, b, calls), true, a.shape(), calls) : null,
                    needs[1] ? reduced(binary(BinaryAlgorithm.MUL, g, a, calls), true, b.shape(), calls) : null};
            case DIV -> {
                Tensor ga = needs[0] ? reduced(binary(BinaryAlgorithm.DIV, g, b, calls), true, a.shape(), calls) : null;
                Tensor gb = null;
                if (needs[1]) {
                    // d(a/b)/db = -a/b^2 = -out/b
                    try (Tensor gOut = binary(BinaryAlgorithm.MUL, g, out[0], calls);
                         Tensor quotient = binary(BinaryAlgorithm.DIV, gOut, b, calls)) {
                        gb = reduced(scalar(BinaryAlgorithm.MUL, quotient, -1f, calls), true, b.shape(), calls);
                    }
                }
                yield new Tensor[] {ga, gb};
            }
            case MAX, MIN -> maxMinGradients(p.algorithm(), a, b, g, needs, calls);
        };
    }

    /**
     * PyTorch's maximum/minimum backward: {@code a} takes g where it wins, {@code g/2} where a == b, 0 where it loses
     * (and both take g where either is NaN, as there: no comparison holds). For MAX, with w = (a == b) ? 1/2 : 1:
     * {@code ga = g w (1 - [a < b])}, {@code gb = g w (1 - [a > b])}; MIN swaps the comparisons.
     */
    private static Tensor[] maxMinGradients(BinaryAlgorithm algorithm, Tensor a, Tensor b, Tensor g, boolean[] needs,
                                            OpCalls calls) {
        CompareAlgorithm losesA = algorithm == BinaryAlgorithm.MAX ? CompareAlgorithm.LT : CompareAlgorithm.GT;
        CompareAlgorithm losesB = algorithm == BinaryAlgorithm.MAX ? CompareAlgorithm.GT : CompareAlgorithm.LT;
        Tensor[] grads = new Tensor[2];
        try (Tensor tie = calls.run(COMPARE, new CompareParams(CompareAlgorithm.EQ), a, b);
             Tensor halfAtTie = scalar(BinaryAlgorithm.MUL, tie, -0.5f, calls);
             Tensor weight = scalar(BinaryAlgorithm.ADD, halfAtTie, 1f, calls);
             Tensor weighted = binary(BinaryAlgorithm.MUL, g, weight, calls)) {
            CompareAlgorithm[] loses = {losesA, losesB};
            Tensor[] operands = {a, b};
            for (int i = 0; i < 2; i++) {
                if (!needs[i]) {
                    continue;
                }
                try (Tensor lost = calls.run(COMPARE, new CompareParams(loses[i]), a, b);
                     Tensor keep = scalar(BinaryAlgorithm.MUL, lost, -1f, calls);
                     Tensor kept = scalar(BinaryAlgorithm.ADD, keep, 1f, calls)) {
                    grads[i] = reduced(binary(BinaryAlgorithm.MUL, weighted, kept, calls), true, operands[i].shape(),
                            calls);
                }
            }
        }
        return grads;
    }

    private static Tensor[] scalarGradients(ScalarParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                            OpCalls calls) {
        return new Tensor[] {switch (p.algorithm()) {
            case ADD, SUB -> g;
            case MUL, DIV -> scalar(p.algorithm(), g, p.scalar(), calls);
            case MAX, MIN -> {
                try (Tensor fromA = calls.run(COMPARE, new CompareParams(CompareAlgorithm.EQ), out[0], in[0])) {
                    yield binary(BinaryAlgorithm.MUL, g, fromA, calls);
                }
            }
        }};
    }

    private static Tensor binary(BinaryAlgorithm algorithm, Tensor a, Tensor b, OpCalls calls) {
        return calls.run(BINARY, BinaryParams.of(algorithm), a, b);
    }

    private static Tensor scalar(BinaryAlgorithm algorithm, Tensor a, float value, OpCalls calls) {
        return calls.run(BINARY_SCALAR, new ScalarParams(algorithm, value), a);
    }

    /** {@code t} summed down to {@code shape} (itself when it has that shape); frees {@code t} if {@code owned}. */
    private static Tensor reduced(Tensor t, boolean owned, Shape shape, OpCalls calls) {
        if (t.shape().equals(shape)) {
            return t;
        }
        Tensor sum = calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(shape), t);
        if (owned) {
            t.close();
        }
        return sum;
    }
}
