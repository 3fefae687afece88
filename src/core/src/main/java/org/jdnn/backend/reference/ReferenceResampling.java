package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.AdaptivePool2dOps;
import org.jdnn.ops.MaxUnpool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.ops.Upsample2dOps;
import org.jdnn.ops.Upsample2dParams;
import org.jdnn.ops.UpsampleMode;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The 2-d resampling ops as textbook loops over each (n, c) plane, in double: adaptive average pooling, nearest and
 * bilinear upsampling, max pooling's indices and max unpooling, forward and backward. Backward passes accumulate
 * a plane of input gradients in double, then store it.
 */
final class ReferenceResampling {
    private ReferenceResampling() {
    }

    static void register(KernelTable table) {
        table.put(AdaptivePool2dOps.FORWARD, (p, in, out) -> adaptiveAvg(p, in[0].shape(),
                        Values.of(in[0]), Values.of(out[0]), false))
                .put(AdaptivePool2dOps.BACKWARD, (p, in, out) -> adaptiveAvg(p.pool(), p.input(),
                        Values.of(in[0]), Values.of(out[0]), true))
                .put(Upsample2dOps.FORWARD, (p, in, out) -> upsample(p, in[0].shape(), out[0].shape(),
                        Values.of(in[0]), Values.of(out[0]), false))
                .put(Upsample2dOps.BACKWARD, (p, in, out) -> upsample(p.upsample(), p.input(), in[0].shape(),
                        Values.of(out[0]), Values.of(in[0]), true))
                .put(MaxUnpool2dOps.INDICES, (p, in, out) -> indices(p, Pool2dShapes.infer(p, in[0].shape()),
                        Values.of(in[0]), TensorAccess.segment(out[0])))
                .put(MaxUnpool2dOps.UNPOOL, (p, in, out) -> unpool(in[0].shape(), p, Values.of(in[0]),
                        TensorAccess.segment(in[1]), Values.of(out[0])))
                .put(MaxUnpool2dOps.UNPOOL_BACKWARD, (p, in, out) -> unpoolBackward(in[1].shape(), p,
                        Values.of(in[0]), TensorAccess.segment(in[1]), Values.of(out[0])));
    }

    /**
     * Forward: each output is the mean of its window. Backward ({@code backward}: {@code a} is the output gradient,
     * {@code b} the input gradient): each window's elements get the output gradient over the window's size.
     */
    private static void adaptiveAvg(AdaptivePool2dOps.Params p, Shape input, Values a, Values b,
                                    boolean backward) {
        long planes = input.dim(0) * input.dim(1), h = input.dim(2), w = input.dim(3);
        long oh = p.outH(), ow = p.outW();
        double[] grad = new double[backward ? Math.toIntExact(h * w) : 0];
        for (long plane = 0; plane < planes; plane++) {
            Arrays.fill(grad, 0);
            long inBase = plane * h * w, outBase = plane * oh * ow;
            for (long i = 0; i < oh; i++) {
                long h0 = AdaptivePool2dOps.start(i, h, oh), h1 = AdaptivePool2dOps.end(i, h, oh);
                for (long j = 0; j < ow; j++) {
                    long w0 = AdaptivePool2dOps.start(j, w, ow), w1 = AdaptivePool2dOps.end(j, w, ow);
                    double count = (double) (h1 - h0) * (w1 - w0);
                    if (backward) {
                        double share = a.get(outBase + i * ow + j) / count;
                        for (long y = h0; y < h1; y++) {
                            for (long x = w0; x < w1; x++) {
                                grad[(int) (y * w + x)] += share;
                            }
                        }
                    } else {
                        double sum = 0;
                        for (long y = h0; y < h1; y++) {
                            for (long x = w0; x < w1; x++) {
                                sum += a.get(inBase + y * w + x);
                            }
                        }
                        b.set(outBase + i * ow + j, (sum / count));
                    }
                }
            }
            if (backward) {
                store(grad, b, inBase);
            }
        }
    }

    /** Per output index along one axis: the two source indices and their weights (nearest: one index, weight 1). */
    private record Taps(long[] i0, long[] i1, double[] w0, double[] w1) {
        static Taps of(Upsample2dParams p, long in, long out, double scale) {
            float step = p.sourceStep(in, out, scale);
            int n = Math.toIntExact(out);
            Taps t = new Taps(new long[n], new long[n], new double[n], new double[n]);
            for (int o = 0; o < n; o++) {
                if (p.mode() == UpsampleMode.NEAREST) {
                    t.i0[o] = Math.min((long) Math.floor(o * step), in - 1);
                    t.i1[o] = t.i0[o];
                    t.w0[o] = 1;
                    continue;
                }
                float src = p.alignCorners() ? step * o : Math.max(step * (o + 0.5f) - 0.5f, 0f);
                long i0 = Math.min((long) Math.floor(src), in - 1);
                float lambda = Math.min(Math.max(src - i0, 0f), 1f);
                t.i0[o] = i0;
                t.i1[o] = i0 + (i0 < in - 1 ? 1 : 0);
                t.w0[o] = 1f - lambda;
                t.w1[o] = lambda;
            }
            return t;
        }
    }

    /**
     * Forward: {@code y = sum of the (up to four) taps' x times their weights}. Backward: {@code x} is the input
     * gradient, {@code y} the output gradient, added back into the taps with the same weights.
     */
    private static void upsample(Upsample2dParams p, Shape input, Shape output, Values x, Values y,
                                 boolean backward) {
        long planes = input.dim(0) * input.dim(1), h = input.dim(2), w = input.dim(3);
        long oh = output.dim(2), ow = output.dim(3);
        Taps rows = Taps.of(p, h, oh, p.scaleH());
        Taps cols = Taps.of(p, w, ow, p.scaleW());
        double[] grad = new double[backward ? Math.toIntExact(h * w) : 0];
        for (long plane = 0; plane < planes; plane++) {
            Arrays.fill(grad, 0);
            long inBase = plane * h * w, outBase = plane * oh * ow;
            for (int i = 0; i < oh; i++) {
                long[] ys = {rows.i0[i], rows.i1[i]};
                double[] wy = {rows.w0[i], rows.w1[i]};
                for (int j = 0; j < ow; j++) {
                    long[] xs = {cols.i0[j], cols.i1[j]};
                    double[] wx = {cols.w0[j], cols.w1[j]};
                    long at = outBase + i * ow + j;
                    double sum = 0;
                    double g = backward ? y.get(at) : 0;
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            double weight = wy[a] * wx[b];
                            if (weight == 0) {
                                continue; // nearest's second tap, or an exact grid point
                            }
                            long src = ys[a] * w + xs[b];
                            if (backward) {
                                grad[(int) src] += weight * g;
                            } else {
                                sum += weight * x.get(inBase + src);
                            }
                        }
                    }
                    if (!backward) {
                        y.set(at, sum);
                    }
                }
            }
            if (backward) {
                store(grad, x, inBase);
            }
        }
    }

    /** Max pooling's argmax per window, as ReferencePooling picks it (first maximum, first NaN), as int64. */
    private static void indices(Pool2dParams p, Pool2dShapes s, Values src, MemorySegment dst) {
        long planes = s.batch() * s.channels();
        for (long plane = 0; plane < planes; plane++) {
            long inBase = plane * s.inH() * s.inW();
            long outBase = plane * s.outH() * s.outW();
            for (long oh = 0; oh < s.outH(); oh++) {
                for (long ow = 0; ow < s.outW(); ow++) {
                    double best = Double.NEGATIVE_INFINITY;
                    long bestIndex = -1;
                    for (long kh = 0; kh < p.kernelH(); kh++) {
                        long ih = oh * p.strideH() - p.padTop() + kh * p.dilationH();
                        for (long kw = 0; kw < p.kernelW(); kw++) {
                            long iw = ow * p.strideW() - p.padLeft() + kw * p.dilationW();
                            if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) {
                                continue;
                            }
                            double v = src.get(inBase + ih * s.inW() + iw);
                            if (bestIndex < 0 || !Double.isNaN(best) && (Double.isNaN(v) || v > best)) {
                                best = v;
                                bestIndex = ih * s.inW() + iw;
                            }
                        }
                    }
                    dst.setAtIndex(JAVA_LONG, outBase + oh * s.outW() + ow, bestIndex);
                }
            }
        }
    }

    private static void unpool(Shape input, MaxUnpool2dOps.Params p, Values x, MemorySegment indices, Values y) {
        long planes = input.dim(0) * input.dim(1), perPlane = input.dim(2) * input.dim(3);
        long outPlane = p.outH() * p.outW();
        y.zero();
        for (long plane = 0; plane < planes; plane++) {
            for (long i = 0; i < perPlane; i++) {
                long at = plane * perPlane + i;
                long index = index("max_unpool2d", indices.getAtIndex(JAVA_LONG, at), at, outPlane);
                y.set(plane * outPlane + index, x.get(at));
            }
        }
    }

    private static void unpoolBackward(Shape input, MaxUnpool2dOps.Params p, Values gradOutput,
                                       MemorySegment indices, Values gradInput) {
        long planes = input.dim(0) * input.dim(1), perPlane = input.dim(2) * input.dim(3);
        long outPlane = p.outH() * p.outW();
        for (long plane = 0; plane < planes; plane++) {
            for (long i = 0; i < perPlane; i++) {
                long at = plane * perPlane + i;
                long index = index("max_unpool2d_backward", indices.getAtIndex(JAVA_LONG, at), at, outPlane);
                gradInput.set(at, gradOutput.get(plane * outPlane + index));
            }
        }
    }

    /** An index, refused unless inside a plane of {@code plane} elements. */
    static long index(String op, long value, long at, long plane) {
        if (value < 0 || value >= plane) {
            throw new IllegalArgumentException(op + ": index " + value + " (element " + at
                    + ") is outside [0, " + plane + "), the output plane");
        }
        return value;
    }

    private static void store(double[] values, Values dst, long base) {
        for (int i = 0; i < values.length; i++) {
            dst.set(base + i, values[i]);
        }
    }
}
