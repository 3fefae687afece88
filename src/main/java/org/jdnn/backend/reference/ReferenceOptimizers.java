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
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Optimizer updates written as PyTorch documents them, one element at a time in double precision; state is
 * stored back as float. The oneDNN backend has its own float loops (oneDNN has no optimizer primitives).
 */
final class ReferenceOptimizers {
    private ReferenceOptimizers() {
    }

    /** Registers the sgd, adagrad, rmsprop and adam updates: inputs param, grad, then the state, written in place. */
    static void register(KernelTable table) {
        table.put(SgdOps.UPDATE, (p, in, out) -> sgd(p.sgd(), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), segmentOrNull(in[2]), p.firstStep()))
                .put(AdagradOps.UPDATE, (p, in, out) -> adagrad(p.adagrad(), p.step(), in[0].numel(),
                        TensorAccess.segment(in[0]), TensorAccess.segment(in[1]), TensorAccess.segment(in[2])))
                .put(RmspropOps.UPDATE, (p, in, out) -> rmsprop(p, in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(in[2]), segmentOrNull(in[3]),
                        segmentOrNull(in[4])))
                .put(AdamOps.UPDATE, (p, in, out) -> adam(p.adam(), p.step(), in[0].numel(),
                        TensorAccess.segment(in[0]), TensorAccess.segment(in[1]), TensorAccess.segment(in[2]),
                        TensorAccess.segment(in[3]), segmentOrNull(in[4])));
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }

    static void sgd(SgdParams h, long n, MemorySegment param, MemorySegment grad, MemorySegment buf, boolean firstStep) {
        for (long i = 0; i < n; i++) {
            double p = param.getAtIndex(JAVA_FLOAT, i);
            double g = grad.getAtIndex(JAVA_FLOAT, i);
            double d = (h.maximize() ? -g : g) + h.weightDecay() * p;
            if (h.momentum() != 0) {
                double b = firstStep ? d : h.momentum() * buf.getAtIndex(JAVA_FLOAT, i) + (1 - h.dampening()) * d;
                buf.setAtIndex(JAVA_FLOAT, i, (float) b);
                d = h.nesterov() ? d + h.momentum() * b : b;
            }
            param.setAtIndex(JAVA_FLOAT, i, (float) (p - h.lr() * d));
        }
    }

    static void adagrad(AdagradParams h, long step, long n, MemorySegment param, MemorySegment grad, MemorySegment sum) {
        double clr = h.lr() / (1 + (step - 1) * h.lrDecay());
        for (long i = 0; i < n; i++) {
            double p = param.getAtIndex(JAVA_FLOAT, i);
            double g = grad.getAtIndex(JAVA_FLOAT, i) + h.weightDecay() * p;
            double s = sum.getAtIndex(JAVA_FLOAT, i) + g * g;
            sum.setAtIndex(JAVA_FLOAT, i, (float) s);
            param.setAtIndex(JAVA_FLOAT, i, (float) (p - clr * g / (Math.sqrt(s) + h.eps())));
        }
    }

    static void rmsprop(RmspropParams h, long n, MemorySegment param, MemorySegment grad, MemorySegment squareAvg,
                        MemorySegment gradAvg, MemorySegment buf) {
        double a = h.alpha();
        for (long i = 0; i < n; i++) {
            double p = param.getAtIndex(JAVA_FLOAT, i);
            double g = grad.getAtIndex(JAVA_FLOAT, i) + h.weightDecay() * p;
            double sq = a * squareAvg.getAtIndex(JAVA_FLOAT, i) + (1 - a) * g * g;
            squareAvg.setAtIndex(JAVA_FLOAT, i, (float) sq);
            double avg;
            if (h.centered()) {
                double ga = a * gradAvg.getAtIndex(JAVA_FLOAT, i) + (1 - a) * g;
                gradAvg.setAtIndex(JAVA_FLOAT, i, (float) ga);
                avg = Math.sqrt(sq - ga * ga) + h.eps();
            } else {
                avg = Math.sqrt(sq) + h.eps();
            }
            double update = g / avg;
            if (h.momentum() > 0) {
                update = h.momentum() * buf.getAtIndex(JAVA_FLOAT, i) + update;
                buf.setAtIndex(JAVA_FLOAT, i, (float) update);
            }
            param.setAtIndex(JAVA_FLOAT, i, (float) (p - h.lr() * update));
        }
    }

    static void adam(AdamParams h, long step, long n, MemorySegment param, MemorySegment grad, MemorySegment expAvg,
                     MemorySegment expAvgSq, MemorySegment maxExpAvgSq) {
        double b1 = h.beta1(), b2 = h.beta2();
        double biasCorrection1 = 1 - Math.pow(b1, step);
        double biasCorrection2 = 1 - Math.pow(b2, step);
        for (long i = 0; i < n; i++) {
            double p = param.getAtIndex(JAVA_FLOAT, i);
            double g = grad.getAtIndex(JAVA_FLOAT, i);
            if (h.maximize()) {
                g = -g;
            }
            if (h.decoupled()) {
                p *= 1 - h.lr() * h.weightDecay();
            } else {
                g += h.weightDecay() * p;
            }
            double m = lerp(expAvg.getAtIndex(JAVA_FLOAT, i), g, 1 - b1);
            double v = b2 * expAvgSq.getAtIndex(JAVA_FLOAT, i) + (1 - b2) * g * g;
            expAvg.setAtIndex(JAVA_FLOAT, i, (float) m);
            expAvgSq.setAtIndex(JAVA_FLOAT, i, (float) v);
            if (h.amsgrad()) {
                // PyTorch keeps the maximum of the raw second moment (NaN wins), then bias-corrects it.
                v = Math.max(maxExpAvgSq.getAtIndex(JAVA_FLOAT, i), v);
                maxExpAvgSq.setAtIndex(JAVA_FLOAT, i, (float) v);
            }
            double mHat = m / biasCorrection1;
            double vHat = v / biasCorrection2;
            // PyTorch adds eps to sqrt(v) / sqrt(1 - beta2^t), i.e. to sqrt(vHat).
            param.setAtIndex(JAVA_FLOAT, i, (float) (p - h.lr() * mHat / (Math.sqrt(vHat) + h.eps())));
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
