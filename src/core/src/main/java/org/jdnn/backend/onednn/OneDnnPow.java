package org.jdnn.backend.onednn;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.PowOps;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * {@code a ^ b} with broadcasting, and its backward, as Java loops: oneDNN's binary primitive has no power, and its
 * eltwise pow takes a constant exponent (and is a few ulps off). Each element in double with C's pow, as PyTorch.
 */
final class OneDnnPow {
    private OneDnnPow() {
    }

    static void register(KernelTable table) {
        table.put(PowOps.POW, (p, in, out) -> pow(in[0], in[1], out[0]))
                .put(PowOps.POW_BACKWARD, (p, in, out) -> backward(p.operand(), in[0], in[1], in[2], out[0]));
    }

    private static void pow(Tensor a, Tensor b, Tensor out) {
        MemorySegment x = TensorAccess.segment(a), e = TensorAccess.segment(b), y = TensorAccess.segment(out);
        long[] sa = strides(a.shape(), out.shape()), sb = strides(b.shape(), out.shape());
        long[] dims = BroadcastShapes.padded(out.shape(), out.shape().rank());
        long[] at = new long[dims.length];
        long ia = 0, ib = 0;
        for (long i = 0, n = out.numel(); i < n; i++) {
            y.setAtIndex(JAVA_FLOAT, i, (float) cPow(x.getAtIndex(JAVA_FLOAT, ia), e.getAtIndex(JAVA_FLOAT, ib)));
            // odometer step: the next output element's operand offsets
            for (int d = dims.length - 1; d >= 0; d--) {
                ia += sa[d];
                ib += sb[d];
                if (++at[d] < dims[d]) {
                    break;
                }
                ia -= sa[d] * dims[d];
                ib -= sb[d] * dims[d];
                at[d] = 0;
            }
        }
    }

    private static void backward(int operand, Tensor a, Tensor b, Tensor gradOutput, Tensor out) {
        MemorySegment x = TensorAccess.segment(a), e = TensorAccess.segment(b);
        MemorySegment g = TensorAccess.segment(gradOutput), dx = TensorAccess.segment(out);
        long[] sa = strides(a.shape(), out.shape()), sb = strides(b.shape(), out.shape());
        long[] dims = BroadcastShapes.padded(out.shape(), out.shape().rank());
        long[] at = new long[dims.length];
        long ia = 0, ib = 0;
        for (long i = 0, n = out.numel(); i < n; i++) {
            double base = x.getAtIndex(JAVA_FLOAT, ia), exponent = e.getAtIndex(JAVA_FLOAT, ib);
            double grad = g.getAtIndex(JAVA_FLOAT, i);
            double value = operand == 0
                    ? (exponent == 0 ? 0 : grad * (exponent * cPow(base, exponent - 1)))
                    : (base == 0 && exponent >= 0 ? 0 : grad * (cPow(base, exponent) * Math.log(base)));
            dx.setAtIndex(JAVA_FLOAT, i, (float) value);
            for (int d = dims.length - 1; d >= 0; d--) {
                ia += sa[d];
                ib += sb[d];
                if (++at[d] < dims[d]) {
                    break;
                }
                ia -= sa[d] * dims[d];
                ib -= sb[d] * dims[d];
                at[d] = 0;
            }
        }
    }

    /** The operand's element strides over the output's dims: 0 along the dims it broadcasts (size 1 or missing). */
    private static long[] strides(Shape operand, Shape out) {
        long[] dims = BroadcastShapes.padded(operand, out.rank());
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = dims[d] == 1 ? 0 : stride;
            stride *= dims[d];
        }
        return strides;
    }

    /** C's pow: 1^y = x^0 = (-1)^(+-Inf) = 1 even for NaN, where Java's Math.pow gives NaN. */
    private static double cPow(double x, double y) {
        return x == 1 || y == 0 || (x == -1 && Double.isInfinite(y)) ? 1 : Math.pow(x, y);
    }
}
