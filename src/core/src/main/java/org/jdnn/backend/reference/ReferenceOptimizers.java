package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.AdagradOps;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.RmspropOps;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Tensor;



/**
 * Optimizer updates written as PyTorch documents them, one element at a time in double precision; state is
 * stored back in the parameter's dtype. The oneDNN backend has its own float loops (oneDNN has no optimizer
 * primitives).
 */
final class ReferenceOptimizers {
    private ReferenceOptimizers() {
    }

    /** Registers the sgd, adagrad, rmsprop and adam updates: inputs param, grad, then the state, written in place. */
    static void register(KernelTable table) {
        table.put(SgdOps.UPDATE, (p, in, out) -> sgd(p.sgd(), in[0].numel(), Values.of(in[0]),
                        Values.of(in[1]), Values.of(in[2]), p.firstStep()))
                .put(AdagradOps.UPDATE, (p, in, out) -> adagrad(p.adagrad(), p.step(), in[0].numel(),
                        Values.of(in[0]), Values.of(in[1]), Values.of(in[2])))
                .put(RmspropOps.UPDATE, (p, in, out) -> rmsprop(p, in[0].numel(), Values.of(in[0]),
                        Values.of(in[1]), Values.of(in[2]), Values.of(in[3]),
                        Values.of(in[4])))
                .put(AdamOps.UPDATE, (p, in, out) -> adam(p.adam(), p.step(), in[0].numel(),
                        Values.of(in[0]), Values.of(in[1]), Values.of(in[2]),
                        Values.of(in[3]), Values.of(in[4])));
    }


    static void sgd(SgdParams h, long n, Values param, Values grad, Values buf, boolean firstStep) {
        for (long i = 0; i < n; i++) {
            double p = param.get(i);
            double g = grad.get(i);
            double d = (h.maximize() ? -g : g) + h.weightDecay() * p;
            if (h.momentum() != 0) {
                double b = firstStep ? d : h.momentum() * buf.get(i) + (1 - h.dampening()) * d;
                buf.set(i, b);
                d = h.nesterov() ? d + h.momentum() * b : b;
            }
            param.set(i, p - h.lr() * d);
        }
    }

    static void adagrad(AdagradParams h, long step, long n, Values param, Values grad, Values sum) {
        double clr = h.lr() / (1 + (step - 1) * h.lrDecay());
        for (long i = 0; i < n; i++) {
            double p = param.get(i);
            double g = grad.get(i) + h.weightDecay() * p;
            double s = sum.get(i) + g * g;
            sum.set(i, s);
            param.set(i, p - clr * g / (Math.sqrt(s) + h.eps()));
        }
    }

    static void rmsprop(RmspropParams h, long n, Values param, Values grad, Values squareAvg,
                        Values gradAvg, Values buf) {
        double a = h.alpha();
        for (long i = 0; i < n; i++) {
            double p = param.get(i);
            double g = grad.get(i) + h.weightDecay() * p;
            double sq = a * squareAvg.get(i) + (1 - a) * g * g;
            squareAvg.set(i, sq);
            double avg;
            if (h.centered()) {
                double ga = a * gradAvg.get(i) + (1 - a) * g;
                gradAvg.set(i, ga);
                avg = Math.sqrt(sq - ga * ga) + h.eps();
            } else {
                avg = Math.sqrt(sq) + h.eps();
            }
            double update = g / avg;
            if (h.momentum() > 0) {
                update = h.momentum() * buf.get(i) + update;
                buf.set(i, update);
            }
            param.set(i, p - h.lr() * update);
        }
    }

    static void adam(AdamParams h, long step, long n, Values param, Values grad, Values expAvg,
                     Values expAvgSq, Values maxExpAvgSq) {
        double b1 = h.beta1(), b2 = h.beta2();
        double biasCorrection1 = 1 - Math.pow(b1, step);
        double biasCorrection2 = 1 - Math.pow(b2, step);
        for (long i = 0; i < n; i++) {
            double p = param.get(i);
            double g = grad.get(i);
            if (h.maximize()) {
                g = -g;
            }
            if (h.decoupled()) {
                p *= 1 - h.lr() * h.weightDecay();
            } else {
                g += h.weightDecay() * p;
            }
            double m = lerp(expAvg.get(i), g, 1 - b1);
            double v = b2 * expAvgSq.get(i) + (1 - b2) * g * g;
            expAvg.set(i, m);
            expAvgSq.set(i, v);
            if (h.amsgrad()) {
                // PyTorch keeps the maximum of the raw second moment (NaN wins), then bias-corrects it.
                v = Math.max(maxExpAvgSq.get(i), v);
                maxExpAvgSq.set(i, v);
            }
            double mHat = m / biasCorrection1;
            double vHat = v / biasCorrection2;
            // PyTorch adds eps to sqrt(v) / sqrt(1 - beta2^t), i.e. to sqrt(vHat).
            param.set(i, p - h.lr() * mHat / (Math.sqrt(vHat) + h.eps()));
        }
    }

    /**
     * PyTorch's lerp (m moves towards g by weight), in its two forms: they agree on finite values, but at an infinite g
     * the second gives NaN, and PyTorch takes it for weights of 0.5 and more (beta1 <= 0.5).
     */
    private static double lerp(double m, double g, double weight) {
        return Math.abs(weight) < 0.5 ? m + weight * (g - m) : g - (g - m) * (1 - weight);
    }
}
