package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.ArgReductionOps.DimParams;
import org.jdnn.ops.IndexShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * argmax/argmin and max/min along a dimension on the CPU, for float32: oneDNN's reduction gives no indices, so these
 * are plain loops (the JIT vectorises them): a contiguous scan per row when the dimension is innermost (a classifier's
 * [N, C] logits), else one pass over the dimension keeping a row of running extremes. First extreme on ties, the first
 * NaN wins, as PyTorch. Other dtypes run on the reference (declared).
 */
final class OneDnnArgReduction {
    private OneDnnArgReduction() {
    }

    static void register(KernelTable table) {
        table.putAccepting(ArgReductionOps.ARGMAX, TAKES, (p, in, out) -> scan(p, true, in[0], null, out[0], null),
                        int64Input())
                .putAccepting(ArgReductionOps.ARGMIN, TAKES, (p, in, out) -> scan(p, false, in[0], null, out[0], null),
                        int64Input())
                .putAccepting(ArgReductionOps.MAX_DIM, TAKES, (p, in, out) -> scan(p, true, in[0], out[0], out[1],
                        out[2]), int64Input())
                .putAccepting(ArgReductionOps.MIN_DIM, TAKES, (p, in, out) -> scan(p, false, in[0], out[0], out[1],
                        out[2]), int64Input());
    }

    /** float32 values, int64 indices; float64 inputs take the table's dtype fallback. */
    private static final Set<DType> TAKES = Set.of(DType.FLOAT32, DType.INT64);

    private static Fallback<DimParams> int64Input() {
        return Fallback.toReference("an int64 input (the loops here read float32)",
                (p, in, out) -> in[0].dtype() != DType.FLOAT32);
    }

    private static void scan(DimParams p, boolean max, Tensor input, Tensor values, Tensor indices, Tensor saved) {
        if (indices.numel() == 0) {
            return;
        }
        Shape shape = input.shape();
        long[] dims = StridedWalk.dims(shape);
        int dim = IndexShapes.dim(max ? "max" : "min", p.dim(), shape);
        long size = dims[dim], outer = 1, inner = 1;
        for (int d = 0; d < dim; d++) {
            outer *= dims[d];
        }
        for (int d = dim + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        MemorySegment src = TensorAccess.segment(input);
        MemorySegment idx = TensorAccess.segment(indices);
        MemorySegment val = values == null ? null : TensorAccess.segment(values);
        if (inner == 1) {
            for (long o = 0; o < outer; o++) {
                long base = o * size, index = 0;
                float best = src.getAtIndex(JAVA_FLOAT, base);
                for (long k = 1; k < size && best == best; k++) {
                    float v = src.getAtIndex(JAVA_FLOAT, base + k);
                    if ((max ? v > best : v < best) || v != v) {
                        best = v;
                        index = k;
                    }
                }
                idx.setAtIndex(JAVA_LONG, o, index);
                if (val != null) {
                    val.setAtIndex(JAVA_FLOAT, o, best);
                }
            }
        } else {
            int width = Math.toIntExact(inner);
            float[] best = new float[width];
            long[] index = new long[width];
            for (long o = 0; o < outer; o++) {
                long base = o * size * inner;
                MemorySegment.copy(src, JAVA_FLOAT, base * Float.BYTES, best, 0, width);
                Arrays.fill(index, 0L);
                for (long k = 1; k < size; k++) {
                    long row = base + k * inner;
                    for (int i = 0; i < width; i++) {
                        float v = src.getAtIndex(JAVA_FLOAT, row + i);
                        // Once a NaN is the best nothing replaces it: comparisons with NaN are false, and NaN != NaN.
                        if ((max ? v > best[i] : v < best[i]) || (v != v && best[i] == best[i])) {
                            best[i] = v;
                            index[i] = k;
                        }
                    }
                }
                MemorySegment.copy(index, 0, idx, JAVA_LONG, o * inner * Long.BYTES, width);
                if (val != null) {
                    MemorySegment.copy(best, 0, val, JAVA_FLOAT, o * inner * Float.BYTES, width);
                }
            }
        }
        if (saved != null) {
            TensorAccess.segment(saved).copyFrom(idx);
        }
    }
}
