package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.FusedConv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;


/**
 * conv2d as the textbook loop nest, in double:
 * {@code y[n,o,oh,ow] = b[o] + sum_{ci,kh,kw} x[n, g*C/G+ci, oh*sH-padT+kh*dH, ow*sW-padL+kw*dW] * w[o,ci,kh,kw]}
 * with {@code g = o / (O/G)} and taps outside the input reading zero padding. Backward data runs the same
 * nest and scatters each product into the input gradient (the adjoint); backward weights sums the products
 * per weight. Operands are copied to Java arrays: this is the oracle, small sizes only.
 */
final class ReferenceConvolution {
    private ReferenceConvolution() {
    }

    /** The loop bounds, as ints (the reference handles arrays of at most 2^31 elements). */
    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int cg, int og,
                            int sh, int sw, int pt, int pl, int dh, int dw) {
        static Geometry of(Conv2dShapes s, Conv2dParams p) {
            return new Geometry(i(s.batch()), i(s.inChannels()), i(s.inH()), i(s.inW()), i(s.outChannels()),
                    i(s.kernelH()), i(s.kernelW()), i(s.outH()), i(s.outW()), i(s.inChannels() / s.groups()),
                    i(s.outChannels() / s.groups()), i(p.strideH()), i(p.strideW()), i(p.padTop()), i(p.padLeft()),
                    i(p.dilationH()), i(p.dilationW()));
        }

        private static int i(long v) {
            return Math.toIntExact(v);
        }

        int src(int n, int c, int y, int x) {
            return ((n * this.c + c) * h + y) * w + x;
        }

        int weight(int o, int ci, int ky, int kx) {
            return ((o * cg + ci) * kh + ky) * kw + kx;
        }

        int dst(int n, int o, int y, int x) {
            return ((n * this.o + o) * oh + y) * ow + x;
        }
    }

    /** Registers the conv2d kernels: forward, input gradient, weight (and bias) gradients. */
    static void register(KernelTable table) {
        table.put(Conv2dOps.FORWARD, (p, in, out) -> forward(p, shapes(p, in[0].shape(), in[1].shape(), in[2]),
                        Values.readAs(p.precision(), Values.of(in[0])), Values.readAs(p.precision(), Values.of(in[1])), Values.of(in[2]),
                        Values.of(out[0])))
                .put(Conv2dOps.BACKWARD_DATA, (p, in, out) -> backwardData(p.conv(),
                        shapes(p.conv(), p.input(), in[1].shape(), null), Values.readAs(p.conv().precision(), Values.of(in[0])),
                        Values.readAs(p.conv().precision(), Values.of(in[1])), Values.of(out[0])))
                .put(Conv2dOps.BACKWARD_WEIGHTS, (p, in, out) -> backwardWeights(p.conv(),
                        shapes(p.conv(), in[0].shape(), p.weight(), out[1]), Values.readAs(p.conv().precision(), Values.of(in[0])),
                        Values.readAs(p.conv().precision(), Values.of(in[1])), Values.of(out[0]), Values.of(out[1])));
        table.put(FusedConv2dOps.FORWARD, (p, in, out) -> fused(p, shapes(p.conv(), in[0].shape(), in[1].shape(), in[2]),
                Values.readAs(p.conv().precision(), Values.of(in[0])), Values.readAs(p.conv().precision(), Values.of(in[1])),
                Values.of(in[2]), Values.of(in[3]), Values.of(out[0])));
        ReferenceConvTranspose.register(table);
    }

    /** conv2d_fused as its definition reads: the convolution with bias, plus the residual, then ReLU; rounded once. */
    static void fused(FusedConv2dOps.Params p, Conv2dShapes s, Values src, Values weights, Values bias,
                      Values residual, Values dst) {
        double[] y = convolve(p.conv(), s, src, weights, bias);
        for (int i = 0; i < y.length; i++) {
            if (residual != null) {
                y[i] += residual.get(i);
            }
            if (p.postOps().relu() && y[i] < 0) { // NaN stays NaN, as max(x, 0) in oneDNN's ReLU
                y[i] = 0.0;
            }
        }
        store(y, dst);
    }

    private static Conv2dShapes shapes(Conv2dParams p, Shape input, Shape weight, Tensor bias) {
        return Conv2dShapes.infer(input, weight, bias == null ? null : bias.shape(), p);
    }

    static void forward(Conv2dParams p, Conv2dShapes s, Values src, Values weights, Values bias,
                        Values dst) {
        store(convolve(p, s, src, weights, bias), dst);
    }

    /** The convolution with bias, unrounded (double sums). */
    private static double[] convolve(Conv2dParams p, Conv2dShapes s, Values src, Values weights, Values bias) {
        Geometry g = Geometry.of(s, p);
        double[] x = src.toArray();
        double[] w = weights.toArray();
        double[] b = bias == null ? null : bias.toArray();
        double[] y = new double[g.n() * g.o() * g.oh() * g.ow()];
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.o(); o++) {
                int group = o / g.og();
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double sum = b == null ? 0.0 : b[o];
                        for (int ci = 0; ci < g.cg(); ci++) {
                            int c = group * g.cg() + ci;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    sum += (double) x[g.src(n, c, iy, ix)] * w[g.weight(o, ci, ky, kx)];
                                }
                            }
                        }
                        y[g.dst(n, o, oy, ox)] = sum; // rounded to the dtype by the caller's store
                    }
                }
            }
        }
        return y;
    }

    /** {@code dx[n,c,iy,ix] = sum over the forward taps that read x[n,c,iy,ix] of dy[n,o,oy,ox] * w[o,ci,ky,kx]}. */
    static void backwardData(Conv2dParams p, Conv2dShapes s, Values diffDst, Values weights,
                             Values diffSrc) {
        Geometry g = Geometry.of(s, p);
        double[] dy = diffDst.toArray();
        double[] w = weights.toArray();
        double[] dx = new double[g.n() * g.c() * g.h() * g.w()];
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.o(); o++) {
                int group = o / g.og();
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double grad = dy[g.dst(n, o, oy, ox)];
                        for (int ci = 0; ci < g.cg(); ci++) {
                            int c = group * g.cg() + ci;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    dx[g.src(n, c, iy, ix)] += grad * w[g.weight(o, ci, ky, kx)];
                                }
                            }
                        }
                    }
                }
            }
        }
        store(dx, diffSrc);
    }

    /** {@code dw[o,ci,ky,kx] = sum_{n,oy,ox} dy[n,o,oy,ox] * x[n,c,iy,ix]} and {@code db[o] = sum_{n,oy,ox} dy[n,o,oy,ox]}. */
    static void backwardWeights(Conv2dParams p, Conv2dShapes s, Values src, Values diffDst,
                                Values diffWeights, Values diffBias) {
        Geometry g = Geometry.of(s, p);
        double[] x = src.toArray();
        double[] dy = diffDst.toArray();
        double[] dw = new double[g.o() * g.cg() * g.kh() * g.kw()];
        for (int o = 0; o < g.o(); o++) {
            int group = o / g.og();
            for (int ci = 0; ci < g.cg(); ci++) {
                int c = group * g.cg() + ci;
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        double sum = 0.0;
                        for (int n = 0; n < g.n(); n++) {
                            for (int oy = 0; oy < g.oh(); oy++) {
                                int iy = oy * g.sh() - g.pt() + ky * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int ox = 0; ox < g.ow(); ox++) {
                                    int ix = ox * g.sw() - g.pl() + kx * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    sum += (double) dy[g.dst(n, o, oy, ox)] * x[g.src(n, c, iy, ix)];
                                }
                            }
                        }
                        dw[g.weight(o, ci, ky, kx)] = sum;
                    }
                }
            }
        }
        store(dw, diffWeights);
        if (diffBias != null) {
            double[] db = new double[g.o()];
            for (int n = 0; n < g.n(); n++) {
                for (int o = 0; o < g.o(); o++) {
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            db[o] += dy[g.dst(n, o, oy, ox)];
                        }
                    }
                }
            }
            store(db, diffBias);
        }
    }

    static void store(double[] values, Values out) {
        for (int i = 0; i < values.length; i++) {
            out.set(i, values[i]);
        }
    }
}
