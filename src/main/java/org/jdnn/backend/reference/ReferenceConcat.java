package org.jdnn.backend.reference;

import org.jdnn.ops.ConcatShapes;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Concat and split over an (outer, axis, inner) view: part {@code p} occupies axis positions
 * [offset(p), offset(p) + size(p)) of the whole, element by element.
 */
final class ReferenceConcat {
    private ReferenceConcat() {
    }

    /** concat when {@code toWhole}, else split: copies between the whole tensor and its parts. */
    static void copy(ConcatShapes s, MemorySegment whole, List<MemorySegment> parts, boolean toWhole) {
        long total = s.output().dim(s.axis());
        long inner = s.inner();
        for (int p = 0; p < parts.size(); p++) {
            MemorySegment part = parts.get(p);
            long size = s.sizes()[p], offset = s.offset(p);
            for (long o = 0; o < s.outer(); o++) {
                for (long j = 0; j < size; j++) {
                    for (long i = 0; i < inner; i++) {
                        long w = (o * total + offset + j) * inner + i;
                        long q = (o * size + j) * inner + i;
                        if (toWhole) {
                            whole.setAtIndex(JAVA_FLOAT, w, part.getAtIndex(JAVA_FLOAT, q));
                        } else {
                            part.setAtIndex(JAVA_FLOAT, q, whole.getAtIndex(JAVA_FLOAT, w));
                        }
                    }
                }
            }
        }
    }
}
