package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

/**
 * Comparisons giving bool ({@code torch.eq/ne/lt/le/gt/ge}, tensor-tensor with broadcasting and tensor-scalar), the
 * logical ops on truth values, {@code where} and {@code masked_fill}. Comparisons follow IEEE (NaN compares false
 * except {@code ne}) after PyTorch's type promotion: two operands compare in their common type (float64 over float32
 * over int64 and bool), and a scalar takes the tensor's type as a Python number does (a float32 tensor compares
 * with the scalar rounded to float32; an int64 tensor with an integral scalar compares exactly, with any other in
 * float32). The float mask of {@link BinaryOps#COMPARE} stays for derivatives that multiply by it.
 */
public final class ComparisonOps {
    private ComparisonOps() {
    }

    /** The params of {@link #COMPARE}. */
    public record CompareParams(CompareAlgorithm algorithm) {
        public CompareParams {
            Axes.requireNonNull("comparison", "algorithm", algorithm);
        }
    }

    /** The params of {@link #COMPARE_SCALAR}: {@code input op scalar}. */
    public record CompareScalarParams(CompareAlgorithm algorithm, double scalar) {
        public CompareScalarParams {
            Axes.requireNonNull("comparison", "algorithm", algorithm);
        }
    }

    /** The params of {@link #LOGICAL}. */
    public record LogicalParams(LogicalAlgorithm algorithm) {
        public LogicalParams {
            Axes.requireNonNull("logical", "algorithm", algorithm);
        }
    }

    /** The params of {@link #MASKED_FILL}: the value written where the mask is true. */
    public record FillParams(double value) {
    }

    private static final DType[] COMPARABLE = {DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL};

    /** {@code a op b} with broadcasting, as bool. Not differentiable. */
    public static final Op<CompareParams> COMPARE = Op.<CompareParams>declare("comparison", "a", "b")
            .family("comparison")
            .dtypes((p, in) -> {
                String op = p.algorithm().opName();
                IndexShapes.requireDType(op, "a", in[0], COMPARABLE);
                IndexShapes.requireDType(op, "b", in[1], COMPARABLE);
                return new DType[] {DType.BOOL};
            })
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast(p.algorithm().opName(), in[0], in[1])});

    /** {@code input op scalar}, as bool. Not differentiable. */
    public static final Op<CompareScalarParams> COMPARE_SCALAR = Op.<CompareScalarParams>declare("comparison_scalar",
                    "input")
            .family("comparison")
            .dtypes((p, in) -> {
                IndexShapes.requireDType(p.algorithm().opName(), "input", in[0], COMPARABLE);
                return new DType[] {DType.BOOL};
            })
            .shapes((p, in) -> new Shape[] {in[0]});

    /** {@code a op b} on truth values (nonzero, NaN included, is true), with broadcasting, as bool. */
    public static final Op<LogicalParams> LOGICAL = Op.<LogicalParams>declare("logical", "a", "b")
            .family("comparison")
            .dtypes((p, in) -> {
                String op = p.algorithm().opName();
                IndexShapes.requireDType(op, "a", in[0], COMPARABLE);
                IndexShapes.requireDType(op, "b", in[1], COMPARABLE);
                return new DType[] {DType.BOOL};
            })
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast(p.algorithm().opName(), in[0], in[1])});

    /** {@code !input} on truth values, as bool. */
    public static final Op<NoParams> LOGICAL_NOT = Op.<NoParams>declare("logical_not", "input")
            .family("comparison")
            .dtypes((p, in) -> {
                IndexShapes.requireDType("logical_not", "input", in[0], COMPARABLE);
                return new DType[] {DType.BOOL};
            })
            .shapes((p, in) -> new Shape[] {in[0]});

    /**
     * {@code condition ? input : other} element-wise, the three broadcast together ({@code torch.where}); condition is
     * bool, input and other share one dtype. Differentiable in input and other: each gets the output's gradient where
     * it was chosen, summed back to its shape.
     */
    public static final Op<NoParams> WHERE = Op.<NoParams>declare("where", "condition", "input", "other")
            .family("comparison")
            .dtypes((p, in) -> {
                requireBool("where", "condition", in[0]);
                IndexShapes.requireSame("where", "input", in[1], "other", in[2]);
                return new DType[] {in[1]};
            })
            .derivative(ComparisonOps::whereGradients)
            .shapes((p, in) -> new Shape[] {BroadcastShapes.broadcast("where",
                    BroadcastShapes.broadcast("where", in[0], in[1]), in[2])});

    /**
     * {@code mask ? value : input} element-wise ({@code torch.masked_fill}): mask is bool and broadcasts to input's
     * shape; value is converted to input's dtype (an int64 or bool input takes only a value it holds exactly).
     * Differentiable in input (zero where filled).
     */
    public static final Op<FillParams> MASKED_FILL = Op.<FillParams>declare("masked_fill", "input", "mask")
            .family("comparison")
            .dtypes((p, in) -> {
                requireBool("masked_fill", "mask", in[1]);
                IndexShapes.requireDType("masked_fill", "input", in[0], COMPARABLE);
                checkFillValue(p.value(), in[0]);
                return new DType[] {in[0]};
            })
            .derivative((p, in, out, g, needs, calls) -> new Tensor[] {
                    calls.run(ComparisonOps.MASKED_FILL, new FillParams(0), g, in[1]), null})
            .shapes((p, in) -> {
                Shape out = BroadcastShapes.broadcast("masked_fill", in[0], in[1]);
                if (!out.equals(in[0])) {
                    throw new IllegalArgumentException("masked_fill: mask " + in[1] + " does not broadcast to input "
                            + in[0]);
                }
                return new Shape[] {in[0]};
            });

    private static void requireBool(String op, String name, DType dtype) {
        if (dtype != DType.BOOL) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + dtype + ", expected bool");
        }
    }

    private static void checkFillValue(double value, DType dtype) {
        boolean ok = switch (dtype) {
            case INT64 -> value == Math.rint(value) && Math.abs(value) <= 0x1p63 && value != 0x1p63;
            case BOOL -> value == 0 || value == 1;
            default -> true;
        };
        if (!ok) {
            throw new IllegalArgumentException("masked_fill: value " + value + " cannot be held exactly by an input of"
                    + " dtype " + dtype);
        }
    }

    /** The dtype two operands compare in: float64 over float32 over int64 (bool compares as int64, 0 or 1). */
    public static DType commonType(DType a, DType b) {
        if (a == DType.FLOAT64 || b == DType.FLOAT64) {
            return DType.FLOAT64;
        }
        if (a == DType.FLOAT32 || b == DType.FLOAT32) {
            return DType.FLOAT32;
        }
        return DType.INT64;
    }

    /**
     * The dtype a tensor compares with a scalar in: its own, except that an int64 or bool tensor compares with a
     * non-integral scalar in float32 (PyTorch's default dtype).
     */
    public static DType scalarType(DType tensor, double scalar) {
        if (tensor == DType.FLOAT32 || tensor == DType.FLOAT64) {
            return tensor;
        }
        boolean integral = scalar == Math.rint(scalar) && Math.abs(scalar) < 0x1p63;
        return integral ? DType.INT64 : DType.FLOAT32;
    }

    private static Tensor[] whereGradients(NoParams p, Tensor[] in, Tensor[] out, Tensor g, boolean[] needs,
                                           OpCalls calls) {
        Tensor condition = in[0];
        Tensor gInput = null, gOther = null;
        if (needs[1]) {
            try (Tensor notCondition = calls.run(LOGICAL_NOT, NoParams.INSTANCE, condition);
                 Tensor chosen = calls.run(MASKED_FILL, new FillParams(0), g, notCondition)) {
                gInput = sumTo(chosen, in[1].shape(), calls);
            }
        }
        if (needs[2]) {
            try (Tensor chosen = calls.run(MASKED_FILL, new FillParams(0), g, condition)) {
                gOther = sumTo(chosen, in[2].shape(), calls);
            }
        }
        return new Tensor[] {null, gInput, gOther};
    }

    /** {@code t} summed to {@code shape}: a new tensor (t itself is the caller's to close). */
    private static Tensor sumTo(Tensor t, Shape shape, OpCalls calls) {
        if (t.shape().equals(shape)) {
            return t.reshape(shape.dims()); // a second reference: the caller closes t
        }
        return calls.run(ReductionOps.SUM_TO_SHAPE, new ReductionOps.SumToShapeParams(shape), t);
    }
}
