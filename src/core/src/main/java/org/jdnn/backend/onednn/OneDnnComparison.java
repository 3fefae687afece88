package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Comparisons with a bool result, logical ops, where and masked_fill on the CPU: plain loops. oneDNN's binary
 * comparisons write float32 0/1, not bool bytes, and it has no select primitive; a loop over the output with running
 * operand offsets ({@link StridedWalk}) reads each operand once per element. Comparisons here take two operands of one
 * dtype among float32, int64 and bool; mixed dtypes (which promote) run on the reference (declared), float64 as on
 * every oneDNN op.
 */
final class OneDnnComparison {
    private OneDnnComparison() {
    }

    /** float32, int64 and bool operands; float64 takes the table's dtype fallback, as on every oneDNN op. */
    private static final Set<DType> TAKES = Set.of(DType.FLOAT32, DType.INT64, DType.BOOL);

    static void register(KernelTable table) {
        Set<DType> all = TAKES;
        table.putAccepting(ComparisonOps.COMPARE, all, (p, in, out) -> compare(p.algorithm(), in[0], in[1], out[0]),
                        Fallback.toReference("operands of two dtypes (promotion runs on the reference)",
                                (p, in, out) -> in[0].dtype() != in[1].dtype()))
                .putAccepting(ComparisonOps.COMPARE_SCALAR, all, (p, in, out) -> compareScalar(p.algorithm(),
                                p.scalar(), in[0], out[0]),
                        Fallback.toReference("a scalar the tensor's dtype does not hold (promotion runs on the "
                                + "reference)", (p, in, out) -> in[0].dtype() != DType.FLOAT32
                                && ComparisonOps.scalarType(in[0].dtype(), p.scalar()) != DType.INT64))
                .putAccepting(ComparisonOps.LOGICAL, all, (p, in, out) -> logical(p.algorithm(), in[0], in[1], out[0]))
                .putAccepting(ComparisonOps.LOGICAL_NOT, all, (p, in, out) -> logicalNot(in[0], out[0]))
                .putAccepting(ComparisonOps.WHERE, all, (p, in, out) -> where(in[0], in[1], in[2], out[0]))
                .putAccepting(ComparisonOps.MASKED_FILL, all, (p, in, out) -> maskedFill(p.value(), in[0], in[1],
                        out[0]));
    }

    private static long[] outDims(Tensor out) {
        return StridedWalk.dims(out.shape());
    }

    private static void compare(CompareAlgorithm algorithm, Tensor a, Tensor b, Tensor out) {
        long[] dims = outDims(out);
        StridedWalk walk = new StridedWalk(dims, StridedWalk.broadcastStrides(a.shape(), dims),
                StridedWalk.broadcastStrides(b.shape(), dims));
        MemorySegment x = TensorAccess.segment(a), y = TensorAccess.segment(b), o = TensorAccess.segment(out);
        DType type = a.dtype();
        for (long i = 0, n = out.numel(); i < n; i++, walk.next()) {
            long ai = walk.offsets[0], bi = walk.offsets[1];
            boolean holds = switch (type) {
                case FLOAT32 -> algorithm.test(x.getAtIndex(JAVA_FLOAT, ai), y.getAtIndex(JAVA_FLOAT, bi));
                case INT64 -> holds(algorithm, Long.compare(x.getAtIndex(JAVA_LONG, ai), y.getAtIndex(JAVA_LONG, bi)));
                default -> holds(algorithm, Byte.compare(x.get(JAVA_BYTE, ai), y.get(JAVA_BYTE, bi)));
            };
            o.set(JAVA_BYTE, i, holds ? (byte) 1 : (byte) 0);
        }
    }

    private static void compareScalar(CompareAlgorithm algorithm, double scalar, Tensor a, Tensor out) {
        MemorySegment x = TensorAccess.segment(a), o = TensorAccess.segment(out);
        long n = out.numel();
        switch (a.dtype()) {
            case FLOAT32 -> {
                float s = (float) scalar;
                for (long i = 0; i < n; i++) {
                    o.set(JAVA_BYTE, i, algorithm.test(x.getAtIndex(JAVA_FLOAT, i), s) ? (byte) 1 : (byte) 0);
                }
            }
            case INT64 -> {
                long s = (long) scalar;
                for (long i = 0; i < n; i++) {
                    o.set(JAVA_BYTE, i, holds(algorithm, Long.compare(x.getAtIndex(JAVA_LONG, i), s)) ? (byte) 1
                            : (byte) 0);
                }
            }
            default -> { // bool: 0 or 1 against an integral scalar, exactly as doubles
                for (long i = 0; i < n; i++) {
                    double v = x.get(JAVA_BYTE, i);
                    boolean holds = switch (algorithm) {
                        case EQ -> v == scalar;
                        case NE -> v != scalar;
                        case LT -> v < scalar;
                        case LE -> v <= scalar;
                        case GT -> v > scalar;
                        case GE -> v >= scalar;
                    };
                    o.set(JAVA_BYTE, i, holds ? (byte) 1 : (byte) 0);
                }
            }
        }
    }

    /** Whether {@code algorithm} holds for a comparison result ({@code Long.compare}'s sign). */
    private static boolean holds(CompareAlgorithm algorithm, int sign) {
        return switch (algorithm) {
            case EQ -> sign == 0;
            case NE -> sign != 0;
            case LT -> sign < 0;
            case LE -> sign <= 0;
            case GT -> sign > 0;
            case GE -> sign >= 0;
        };
    }

    /** Element {@code i}'s truth: nonzero (NaN included). */
    private static boolean truth(MemorySegment s, DType type, long i) {
        return switch (type) {
            case FLOAT32 -> s.getAtIndex(JAVA_FLOAT, i) != 0;
            case INT64 -> s.getAtIndex(JAVA_LONG, i) != 0;
            default -> s.get(JAVA_BYTE, i) != 0;
        };
    }

    private static void logical(LogicalAlgorithm algorithm, Tensor a, Tensor b, Tensor out) {
        long[] dims = outDims(out);
        StridedWalk walk = new StridedWalk(dims, StridedWalk.broadcastStrides(a.shape(), dims),
                StridedWalk.broadcastStrides(b.shape(), dims));
        MemorySegment x = TensorAccess.segment(a), y = TensorAccess.segment(b), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++, walk.next()) {
            boolean holds = algorithm.test(truth(x, a.dtype(), walk.offsets[0]), truth(y, b.dtype(), walk.offsets[1]));
            o.set(JAVA_BYTE, i, holds ? (byte) 1 : (byte) 0);
        }
    }

    private static void logicalNot(Tensor a, Tensor out) {
        MemorySegment x = TensorAccess.segment(a), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            o.set(JAVA_BYTE, i, truth(x, a.dtype(), i) ? (byte) 0 : (byte) 1);
        }
    }

    private static void where(Tensor condition, Tensor input, Tensor other, Tensor out) {
        long[] dims = outDims(out);
        StridedWalk walk = new StridedWalk(dims, StridedWalk.broadcastStrides(condition.shape(), dims),
                StridedWalk.broadcastStrides(input.shape(), dims), StridedWalk.broadcastStrides(other.shape(), dims));
        MemorySegment c = TensorAccess.segment(condition), x = TensorAccess.segment(input),
                y = TensorAccess.segment(other), o = TensorAccess.segment(out);
        long bytes = out.dtype().byteSize();
        for (long i = 0, n = out.numel(); i < n; i++, walk.next()) {
            if (c.get(JAVA_BYTE, walk.offsets[0]) != 0) {
                MemorySegment.copy(x, walk.offsets[1] * bytes, o, i * bytes, bytes);
            } else {
                MemorySegment.copy(y, walk.offsets[2] * bytes, o, i * bytes, bytes);
            }
        }
    }

    private static void maskedFill(double value, Tensor input, Tensor mask, Tensor out) {
        long[] dims = outDims(out);
        StridedWalk walk = new StridedWalk(dims, StridedWalk.broadcastStrides(mask.shape(), dims));
        MemorySegment m = TensorAccess.segment(mask), o = TensorAccess.segment(out);
        o.copyFrom(TensorAccess.segment(input));
        long bytes = out.dtype().byteSize();
        MemorySegment fill = MemorySegment.ofArray(new long[1]);
        switch (out.dtype()) {
            case FLOAT32 -> fill.set(JAVA_FLOAT, 0, (float) value);
            case INT64 -> fill.set(JAVA_LONG, 0, (long) value);
            default -> fill.set(JAVA_BYTE, 0, value != 0 ? (byte) 1 : (byte) 0);
        }
        for (long i = 0, n = out.numel(); i < n; i++, walk.next()) {
            if (m.get(JAVA_BYTE, walk.offsets[0]) != 0) {
                MemorySegment.copy(fill, 0, o, i * bytes, bytes);
            }
        }
    }
}
