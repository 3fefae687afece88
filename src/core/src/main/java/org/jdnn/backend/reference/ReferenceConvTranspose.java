package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;


/**
 * conv_transpose2d as the textbook loop nest, in double: every input element scatters through the kernel,
 * {@code y[n, g*O/G+co, iy*sH-padT+ky*dH, ix*sW-padL+kx*dW] += x[n,ci,iy,ix] * w[ci,co,ky,kx]} with
 * {@code g = ci / (C/G)}, plus the bias; targets outside the output (cropped by the padding) are dropped.
 * Weights are in PyTorch's layout (C, O/G, KH, KW). Backward data gathers along the same taps; backward
 * weights sums the products per weight. Written independently of {@link ReferenceConvolution}.
 */
final class ReferenceConvTranspose {
    private ReferenceConvTranspose() {
    }

    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int cg, int og,
                            int sh, int sw, int pt, int pl, int dh, int dw) {
        static Geometry of(ConvTranspose2dShapes s, ConvTranspose2dParams params) {
            var p = params.conv();
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

        int weight(int ci, int co, int ky, int kx) {
            return ((ci * og + co) * kh + ky) * kw + kx;
        }

        int dst(int n, int o, int y, int x) {
            return ((n * this.o + o) * oh + y) * ow + x;
        }
    }

    /** Registers the conv_transpose2d kernels: forward, input gradient, weight (and bias) gradients. */
    static void register(KernelTable table) {
        table.put(ConvTranspose2dOps.FORWARD, (p, in, out) -> forward(p, shapes(p, in[0].shape(), in[1].shape(), in[2]),
                        Values.readAs(p.conv().precision(), Values.of(in[0])), Values.readAs(p.conv().precision(), Values.of(in[1])),
                        Values.of(in[2]), Values.of(out[0])))
                .put(ConvTranspose2dOps.BACKWARD_DATA, (p, in, out) -> backwardData(p.conv(),
                        shapes(p.conv(), p.input(), in[1].shape(), null), Values.readAs(p.conv().conv().precision(), Values.of(in[0])),
                        Values.readAs(p.conv().conv().precision(), Values.of(in[1])), Values.of(out[0])))
                .put(ConvTranspose2dOps.BACKWARD_WEIGHTS, (p, in, out) -> backwardWeights(p.conv(),
                        shapes(p.conv(), in[0].shape(), p.weight(), out[1]), Values.readAs(p.conv().conv().precision(), Values.of(in[0])),
                        Values.readAs(p.conv().conv().precision(), Values.of(in[1])), Values.of(out[0]),
                        Values.of(out[1])));
    }

    private static ConvTranspose2dShapes shapes(ConvTranspose2dParams p, Shape input, Shape weight, Tensor bias) {
        return ConvTranspose2dShapes.infer(input, weight, bias == null ? null : bias.shape(), p);
    }

    static void forward(ConvTranspose2dParams p, ConvTranspose2dShapes s, Values src, Values weights,
                        Values bias, Values dst) {
        Geometry g = Geometry.of(s, p);
        double[] x = src.toArray();
        double[] w = weights.toArray();
        double[] y = new double[g.n() * g.o() * g.oh() * g.ow()];
        if (bias != null) {
            double[] b = bias.toArray();
            for (int n = 0; n < g.n(); n++) {
                for (int o = 0; o < g.o(); o++) {
                    for (int oy = 0; oy < g.oh(); oy++) {
                        for (int ox = 0; ox < g.ow(); ox++) {
                            y[g.dst(n, o, oy, ox)] = b[o];
                        }
                    }
                }
            }
        }
        for (int n = 0; n < g.n(); n++) {
            for (int ci = 0; ci < g.c(); ci++) {
                int group = ci / g.cg();
                for (int iy = 0; iy < g.h(); iy++) {
                    for (int ix = 0; ix < g.w(); ix++) {
                        double value = x[g.src(n, ci, iy, ix)];
                        for (int co = 0; co < g.og(); co++) {
                            int o = group * g.og() + co;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int oy = iy * g.sh() - g.pt() + ky * g.dh();
                                if (oy < 0 || oy >= g.oh()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ox = ix * g.sw() - g.pl() + kx * g.dw();
                                    if (ox < 0 || ox >= g.ow()) continue;
                                    y[g.dst(n, o, oy, ox)] += value * w[g.weight(ci, co, ky, kx)];
                                }
                            }
                        }
                    }
                }
            }
        }
        ReferenceConvolution.store(y, dst);
    }

    /** {@code dx[n,ci,iy,ix] = sum_{co,ky,kx} dy[n,o,oy,ox] * w[ci,co,ky,kx]} over the taps the forward scattered to. */
    static void backwardData(ConvTranspose2dParams p, ConvTranspose2dShapes s, Values diffDst,
                             Values weights, Values diffSrc) {
        Geometry g = Geometry.of(s, p);
        double[] dy = diffDst.toArray();
        double[] w = weights.toArray();
        double[] dx = new double[g.n() * g.c() * g.h() * g.w()];
        for (int n = 0; n < g.n(); n++) {
            for (int ci = 0; ci < g.c(); ci++) {
                int group = ci / g.cg();
                for (int iy = 0; iy < g.h(); iy++) {
                    for (int ix = 0; ix < g.w(); ix++) {
                        double sum = 0.0;
                        for (int co = 0; co < g.og(); co++) {
                            int o = group * g.og() + co;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int oy = iy * g.sh() - g.pt() + ky * g.dh();
                                if (oy < 0 || oy >= g.oh()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ox = ix * g.sw() - g.pl() + kx * g.dw();
                                    if (ox < 0 || ox >= g.ow()) continue;
                                    sum += (double) dy[g.dst(n, o, oy, ox)] * w[g.weight(ci, co, ky, kx)];
                                }
                            }
                        }
                        dx[g.src(n, ci, iy, ix)] = sum;
                    }
                }
            }
        }
        ReferenceConvolution.store(dx, diffSrc);
    }

    /** {@code dw[ci,co,ky,kx] = sum_{n,iy,ix} x[n,ci,iy,ix] * dy[n,o,oy,ox]}; {@code db[o] = sum_{n,oy,ox} dy[n,o,oy,ox]}. */
    static void backwardWeights(ConvTranspose2dParams p, ConvTranspose2dShapes s, Values src,
                                Values diffDst, Values diffWeights, Values diffBias) {
        Geometry g = Geometry.of(s, p);
        double[] x = src.toArray();
        double[] dy = diffDst.toArray();
        double[] dw = new double[g.c() * g.og() * g.kh() * g.kw()];
        for (int ci = 0; ci < g.c(); ci++) {
            int group = ci / g.cg();
            for (int co = 0; co < g.og(); co++) {
                int o = group * g.og() + co;
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        double sum = 0.0;
                        for (int n = 0; n < g.n(); n++) {
                            for (int iy = 0; iy < g.h(); iy++) {
                                int oy = iy * g.sh() - g.pt() + ky * g.dh();
                                if (oy < 0 || oy >= g.oh()) continue;
                                for (int ix = 0; ix < g.w(); ix++) {
                                    int ox = ix * g.sw() - g.pl() + kx * g.dw();
                                    if (ox < 0 || ox >= g.ow()) continue;
                                    sum += (double) x[g.src(n, ci, iy, ix)] * dy[g.dst(n, o, oy, ox)];
                                }
                            }
                        }
                        dw[g.weight(ci, co, ky, kx)] = sum;
                    }
                }
            }
        }
        ReferenceConvolution.store(dw, diffWeights);
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
            ReferenceConvolution.store(db, diffBias);
        }
    }
}
