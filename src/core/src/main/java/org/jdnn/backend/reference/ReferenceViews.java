package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.SliceShapes;
import org.jdnn.ops.ViewOps;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * permute, expand, slice and its backward as element-by-element copies: each output element's multi-index is
 * decoded and the input element it comes from is copied, byte for byte, so they are exact for every dtype (NaN
 * payloads included).
 */
final class ReferenceViews {
    private ReferenceViews() {
    }

    /** Registers permute, expand, slice and slice_backward. */
    static void register(KernelTable table) {
        table.put(ViewOps.PERMUTE, (p, in, out) -> permute(ViewOps.normalizedPermutation(p, in[0].shape()), in[0],
                        out[0]))
                .put(ViewOps.EXPAND, (p, in, out) -> expand(in[0], out[0]))
                .put(ViewOps.SLICE, (p, in, out) -> slice(SliceShapes.infer("slice", p, in[0].shape()), in[0], out[0],
                        false))
                .put(ViewOps.SLICE_BACKWARD, (p, in, out) -> slice(SliceShapes.infer("slice_backward", p.slice(),
                        p.inputShape()), out[0], in[0], true));
    }

    /** Output dimension d walks input dimension {@code perm[d]}. */
    private static void permute(int[] perm, Tensor src, Tensor dst) {
        long[] inStrides = src.shape().strides();
        long[] strides = new long[perm.length]; // the input stride of each output dimension
        for (int d = 0; d < perm.length; d++) {
            strides[d] = inStrides[perm[d]];
        }
        gather(dst.shape(), strides, TensorAccess.segment(src), TensorAccess.segment(dst), src.dtype().byteSize());
    }

    /** Each output element reads the input element at the same index, 0 along the dimensions that broadcast. */
    private static void expand(Tensor src, Tensor dst) {
        int rank = dst.rank();
        long[] in = BroadcastShapes.padded(src.shape(), rank);
        long[] inStrides = Shape.of(in).strides();
        long[] strides = new long[rank];
        for (int d = 0; d < rank; d++) {
            strides[d] = in[d] == 1 ? 0 : inStrides[d];
        }
        gather(dst.shape(), strides, TensorAccess.segment(src), TensorAccess.segment(dst), src.dtype().byteSize());
    }

    /** {@code y[flat(idx)] = x[sum idx[d] * strides[d]]} over every index of {@code shape}. */
    private static void gather(Shape shape, long[] strides, MemorySegment x, MemorySegment y, long bytes) {
        long[] dims = shape.dims();
        long[] index = new long[dims.length];
        for (long flat = 0, n = shape.numel(); flat < n; flat++) {
            long rest = flat, offset = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                index[d] = rest % dims[d];
                rest /= dims[d];
                offset += index[d] * strides[d];
            }
            MemorySegment.copy(x, offset * bytes, y, flat * bytes, bytes);
        }
    }

    /**
     * The slice: {@code part[o, j, i] = whole[o, start + j * step, i]}; backward ({@code toWhole}) zeroes the whole
     * first and writes the part back at those positions.
     */
    private static void slice(SliceShapes s, Tensor whole, Tensor part, boolean toWhole) {
        MemorySegment w = TensorAccess.segment(whole);
        MemorySegment q = TensorAccess.segment(part);
        long bytes = whole.dtype().byteSize();
        if (toWhole) {
            w.fill((byte) 0);
        }
        for (long o = 0; o < s.outer(); o++) {
            for (long j = 0; j < s.length(); j++) {
                for (long i = 0; i < s.inner(); i++) {
                    long wi = (o * s.size() + s.start() + j * s.step()) * s.inner() + i;
                    long qi = (o * s.length() + j) * s.inner() + i;
                    if (toWhole) {
                        MemorySegment.copy(q, qi * bytes, w, wi * bytes, bytes);
                    } else {
                        MemorySegment.copy(w, wi * bytes, q, qi * bytes, bytes);
                    }
                }
            }
        }
    }
}
