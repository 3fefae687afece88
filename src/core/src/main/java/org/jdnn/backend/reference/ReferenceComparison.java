package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * Comparisons, logical ops, where and masked_fill, element by element over the broadcast output ({@link BroadcastIndex}
 * maps each output element to its operands' elements). Comparisons convert both sides to the common type first
 * (float32 rounding included, as PyTorch's promotion), then compare as IEEE (or exactly, as longs).
 */
final class ReferenceComparison {
    private ReferenceComparison() {
    }

    static void register(KernelTable table) {
        table.put(ComparisonOps.COMPARE, (p, in, out) -> compare(p.algorithm(), in[0], in[1], out[0]))
                .put(ComparisonOps.COMPARE_SCALAR, (p, in, out) -> compareScalar(p.algorithm(), p.scalar(), in[0],
                        out[0]))
                .put(ComparisonOps.LOGICAL, (p, in, out) -> logical(p.algorithm(), in[0], in[1], out[0]))
                .put(ComparisonOps.LOGICAL_NOT, (p, in, out) -> logicalNot(in[0], out[0]))
                .put(ComparisonOps.WHERE, (p, in, out) -> where(in[0], in[1], in[2], out[0]))
                .put(ComparisonOps.MASKED_FILL, (p, in, out) -> maskedFill(p.value(), in[0], in[1], out[0]));
    }

    private static void compare(CompareAlgorithm algorithm, Tensor a, Tensor b, Tensor out) {
        DType common = ComparisonOps.commonType(a.dtype(), b.dtype());
        BroadcastIndex ia = new BroadcastIndex(a.shape(), out.shape());
        BroadcastIndex ib = new BroadcastIndex(b.shape(), out.shape());
        MemorySegment x = TensorAccess.segment(a), y = TensorAccess.segment(b), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            long ai = ia.of(i), bi = ib.of(i);
            boolean holds = switch (common) {
                case INT64 -> algorithm.test(ReferenceElements.getLong(x, a.dtype(), ai),
                        ReferenceElements.getLong(y, b.dtype(), bi));
                case FLOAT32 -> algorithm.test((float) ReferenceElements.getDouble(x, a.dtype(), ai),
                        (float) ReferenceElements.getDouble(y, b.dtype(), bi));
                default -> algorithm.test(ReferenceElements.getDouble(x, a.dtype(), ai),
                        ReferenceElements.getDouble(y, b.dtype(), bi));
            };
            ReferenceElements.setBool(o, i, holds);
        }
    }

    private static void compareScalar(CompareAlgorithm algorithm, double scalar, Tensor a, Tensor out) {
        DType type = ComparisonOps.scalarType(a.dtype(), scalar);
        MemorySegment x = TensorAccess.segment(a), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            boolean holds = switch (type) {
                case INT64 -> algorithm.test(ReferenceElements.getLong(x, a.dtype(), i), (long) scalar);
                case FLOAT32 -> algorithm.test((float) ReferenceElements.getDouble(x, a.dtype(), i), (float) scalar);
                default -> algorithm.test(ReferenceElements.getDouble(x, a.dtype(), i), scalar);
            };
            ReferenceElements.setBool(o, i, holds);
        }
    }

    private static void logical(LogicalAlgorithm algorithm, Tensor a, Tensor b, Tensor out) {
        BroadcastIndex ia = new BroadcastIndex(a.shape(), out.shape());
        BroadcastIndex ib = new BroadcastIndex(b.shape(), out.shape());
        MemorySegment x = TensorAccess.segment(a), y = TensorAccess.segment(b), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            ReferenceElements.setBool(o, i, algorithm.test(ReferenceElements.truth(x, a.dtype(), ia.of(i)),
                    ReferenceElements.truth(y, b.dtype(), ib.of(i))));
        }
    }

    private static void logicalNot(Tensor a, Tensor out) {
        MemorySegment x = TensorAccess.segment(a), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            ReferenceElements.setBool(o, i, !ReferenceElements.truth(x, a.dtype(), i));
        }
    }

    private static void where(Tensor condition, Tensor input, Tensor other, Tensor out) {
        BroadcastIndex ic = new BroadcastIndex(condition.shape(), out.shape());
        BroadcastIndex ii = new BroadcastIndex(input.shape(), out.shape());
        BroadcastIndex io = new BroadcastIndex(other.shape(), out.shape());
        MemorySegment c = TensorAccess.segment(condition), x = TensorAccess.segment(input),
                y = TensorAccess.segment(other), o = TensorAccess.segment(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            if (ReferenceElements.truth(c, DType.BOOL, ic.of(i))) {
                ReferenceElements.copy(x, ii.of(i), o, i, out.dtype());
            } else {
                ReferenceElements.copy(y, io.of(i), o, i, out.dtype());
            }
        }
    }

    private static void maskedFill(double value, Tensor input, Tensor mask, Tensor out) {
        BroadcastIndex im = new BroadcastIndex(mask.shape(), out.shape());
        MemorySegment x = TensorAccess.segment(input), m = TensorAccess.segment(mask), o = TensorAccess.segment(out);
        DType type = out.dtype();
        for (long i = 0, n = out.numel(); i < n; i++) {
            if (ReferenceElements.truth(m, DType.BOOL, im.of(i))) {
                if (type == DType.INT64 || type == DType.BOOL) {
                    ReferenceElements.setLong(o, type, i, (long) value);
                } else {
                    ReferenceElements.setDouble(o, type, i, value);
                }
            } else {
                ReferenceElements.copy(x, i, o, i, type);
            }
        }
    }
}
