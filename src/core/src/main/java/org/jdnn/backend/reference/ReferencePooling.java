package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.backend.Pool2dWorkspace;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * 2-d pooling as the textbook loops: for every output element, visit the window's taps
 * {@code (oh * strideH - padTop + kh * dilationH, ow * strideW - padLeft + kw * dilationW)}.
 *
 * <p>Max pooling takes the first maximum in window order (row by row), the element oneDNN picks too, and
 * remembers it in the workspace as an int32 index {@code ih * W + iw} within its (n, c) plane. Average
 * pooling divides by the taps inside the padded input (padding counted) or inside the input (not counted);
 * in ceil mode the overhang past the trailing padding never counts, as in PyTorch.
 */
final class ReferencePooling {
    private static final String FORMAT = "reference";

    private ReferencePooling() {
    }

    /** Registers the pool2d kernels; max pooling's training forward makes the workspace its backward checks. */
    static void register(KernelTable table) {
        table.put(Pool2dOps.FORWARD, (p, in, out) -> forward(p, Pool2dShapes.infer(p, in[0].shape()),
                        Values.of(in[0]), Values.of(out[0]), null))
                .put(Pool2dOps.TRAINING, (p, in, out) -> {
                    Pool2dShapes s = Pool2dShapes.infer(p, in[0].shape());
                    if (p.algorithm() == PoolAlgorithm.MAX) {
                        out[1] = Pool2dWorkspace.allocate(workspaceBytes(s), in[0].device());
                    }
                    forward(p, s, Values.of(in[0]), Values.of(out[0]),
                            out[1] == null ? null : TensorAccess.segment(out[1]));
                    if (out[1] != null) {
                        Pool2dWorkspace.filled(out[1], FORMAT, p, in[0].shape());
                    }
                })
                .put(Pool2dOps.BACKWARD, (p, in, out) -> {
                    Tensor workspace = in[1];
                    if (workspace != null) {
                        Pool2dWorkspace.check(p.pool().algorithm().opName() + " backward", workspace, FORMAT, p.pool(),
                                p.input());
                    }
                    backward(p.pool(), Pool2dShapes.infer(p.pool(), p.input()), Values.of(in[0]),
                            workspace == null ? null : TensorAccess.segment(workspace), Values.of(out[0]));
                });
    }

    /** Bytes of the reference workspace: one int32 argmax per output element. */
    static long workspaceBytes(Pool2dShapes s) {
        return Math.multiplyExact(s.output().numel(), 4L);
    }

    static void forward(Pool2dParams p, Pool2dShapes s, Values src, Values dst, MemorySegment argmax) {
        long planes = s.batch() * s.channels();
        for (long plane = 0; plane < planes; plane++) {
            long inBase = plane * s.inH() * s.inW();
            long outBase = plane * s.outH() * s.outW();
            for (long oh = 0; oh < s.outH(); oh++) {
                for (long ow = 0; ow < s.outW(); ow++) {
                    long out = outBase + oh * s.outW() + ow;
                    if (p.algorithm() == PoolAlgorithm.MAX) {
                        double best = Double.NEGATIVE_INFINITY;
                        long bestIndex = -1;
                        for (long kh = 0; kh < p.kernelH(); kh++) {
                            long ih = oh * p.strideH() - p.padTop() + kh * p.dilationH();
                            for (long kw = 0; kw < p.kernelW(); kw++) {
                                long iw = ow * p.strideW() - p.padLeft() + kw * p.dilationW();
                                if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) {
                                    continue; // padding is minus infinity: never the maximum
                                }
                                double v = src.get(inBase + ih * s.inW() + iw);
                                // Strictly greater: the first maximum wins ties; a NaN beats every number, the first
                                // NaN stays (PyTorch's max pooling propagates NaN).
                                if (bestIndex < 0 || !Double.isNaN(best) && (Double.isNaN(v) || v > best)) {
                                    best = v;
                                    bestIndex = ih * s.inW() + iw;
                                }
                            }
                        }
                        dst.set(out, best);
                        if (argmax != null) {
                            argmax.setAtIndex(JAVA_INT, out, (int) bestIndex);
                        }
                    } else {
                        double sum = 0;
                        for (long kh = 0; kh < p.kernelH(); kh++) {
                            long ih = oh * p.strideH() - p.padTop() + kh * p.dilationH();
                            for (long kw = 0; kw < p.kernelW(); kw++) {
                                long iw = ow * p.strideW() - p.padLeft() + kw * p.dilationW();
                                if (ih >= 0 && ih < s.inH() && iw >= 0 && iw < s.inW()) {
                                    sum += src.get(inBase + ih * s.inW() + iw);
                                }
                            }
                        }
                        dst.set(out, sum / divisor(p, s, oh, ow));
                    }
                }
            }
        }
    }

    static void backward(Pool2dParams p, Pool2dShapes s, Values diffDst, MemorySegment argmax,
                         Values diffSrc) {
        long planes = s.batch() * s.channels();
        long planeIn = s.inH() * s.inW();
        // Accumulate in double: overlapping windows add several gradients into one input element.
        double[] plane = new double[Math.toIntExact(planeIn)];
        for (long c = 0; c < planes; c++) {
            java.util.Arrays.fill(plane, 0.0);
            long outBase = c * s.outH() * s.outW();
            for (long oh = 0; oh < s.outH(); oh++) {
                for (long ow = 0; ow < s.outW(); ow++) {
                    long out = outBase + oh * s.outW() + ow;
                    double g = diffDst.get(out);
                    if (p.algorithm() == PoolAlgorithm.MAX) {
                        plane[argmax.getAtIndex(JAVA_INT, out)] += g; // only the maximum passed the value on
                        continue;
                    }
                    double share = g / divisor(p, s, oh, ow);
                    for (long kh = 0; kh < p.kernelH(); kh++) {
                        long ih = oh * p.strideH() - p.padTop() + kh * p.dilationH();
                        for (long kw = 0; kw < p.kernelW(); kw++) {
                            long iw = ow * p.strideW() - p.padLeft() + kw * p.dilationW();
                            if (ih >= 0 && ih < s.inH() && iw >= 0 && iw < s.inW()) {
                                plane[(int) (ih * s.inW() + iw)] += share;
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < plane.length; i++) {
                diffSrc.set(c * planeIn + i, plane[i]);
            }
        }
    }

    /** The number of taps average pooling divides by for output (oh, ow). */
    private static double divisor(Pool2dParams p, Pool2dShapes s, long oh, long ow) {
        boolean includePadding = p.algorithm() == PoolAlgorithm.AVG_INCLUDE_PADDING;
        long rows = taps(oh * p.strideH() - p.padTop(), p.kernelH(), p.dilationH(),
                includePadding ? -p.padTop() : 0, includePadding ? s.inH() + p.padBottom() : s.inH());
        long cols = taps(ow * p.strideW() - p.padLeft(), p.kernelW(), p.dilationW(),
                includePadding ? -p.padLeft() : 0, includePadding ? s.inW() + p.padRight() : s.inW());
        return (double) rows * cols;
    }

    /** Taps {@code start + k * dilation}, k < kernel, inside [low, high). */
    private static long taps(long start, long kernel, long dilation, long low, long high) {
        long count = 0;
        for (long k = 0; k < kernel; k++) {
            long i = start + k * dilation;
            if (i >= low && i < high) {
                count++;
            }
        }
        return count;
    }
}
