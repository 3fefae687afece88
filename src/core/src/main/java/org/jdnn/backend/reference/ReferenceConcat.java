package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ConcatOps;
import org.jdnn.ops.ConcatShapes;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;


/**
 * Concat and split over an (outer, axis, inner) view: part {@code p} occupies axis positions
 * [offset(p), offset(p) + size(p)) of the whole, element by element.
 */
final class ReferenceConcat {
    private ReferenceConcat() {
    }

    /** Registers concat and split. */
    static void register(KernelTable table) {
        table.put(ConcatOps.CONCAT, (p, in, out) -> copy(shapes(p.axis(), in), TensorAccess.segment(out[0]),
                        segments(in), true, out[0].dtype().byteSize()))
                .put(ConcatOps.SPLIT, (p, in, out) -> copy(shapes(p.axis(), out), TensorAccess.segment(in[0]),
                        segments(out), false, in[0].dtype().byteSize()));
    }

    private static ConcatShapes shapes(int axis, Tensor[] parts) {
        return ConcatShapes.infer("concat", axis, Arrays.stream(parts).map(Tensor::shape).toList());
    }

    private static List<MemorySegment> segments(Tensor[] parts) {
        return Arrays.stream(parts).map(TensorAccess::segment).toList();
    }

    /**
     * concat when {@code toWhole}, else split: copies between the whole tensor and its parts, a run of {@code inner}
     * elements of {@code bytes} bytes at a time (any dtype).
     */
    static void copy(ConcatShapes s, MemorySegment whole, List<MemorySegment> parts, boolean toWhole, long bytes) {
        long total = s.output().dim(s.axis());
        long inner = s.inner();
        for (int p = 0; p < parts.size(); p++) {
            MemorySegment part = parts.get(p);
            long size = s.sizes()[p], offset = s.offset(p);
            for (long o = 0; o < s.outer(); o++) {
                for (long j = 0; j < size; j++) {
                    long w = (o * total + offset + j) * inner * bytes;
                    long q = (o * size + j) * inner * bytes;
                    if (toWhole) {
                        MemorySegment.copy(part, q, whole, w, inner * bytes);
                    } else {
                        MemorySegment.copy(whole, w, part, q, inner * bytes);
                    }
                }
            }
        }
    }
}
