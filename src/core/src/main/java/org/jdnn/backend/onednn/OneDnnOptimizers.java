package org.jdnn.backend.onednn;

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
 * Optimizer updates for the CPU backend. oneDNN has no optimizer primitives, so these are single-pass float
 * loops over the memory segments, with the per-step constants hoisted out of the loop. They are written
 * independently of the reference kernels, which are the oracle for them.
 */
final class OneDnnOptimizers {
    private static final int CHUNK = 4096;
    private static final ThreadLocal<float[][]> CHUNKS = ThreadLocal.withInitial(() -> new float[5][CHUNK]);

    static final String OP = "optimizer";

    private OneDnnOptimizers() {
    }

    /**
     * Registers the sgd, adagrad, rmsprop and adam updates (inputs param, grad, then the state, written in place).
     * Each run is counted under {@link #OP} as a primitive execution would be, so tests can tell these loops ran.
     */
    static void register(OneDnnBackend backend, KernelTable table) {
        table.put(SgdOps.UPDATE, (p, in, out) -> {
                    sgd(p.sgd(), in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                            segmentOrNull(in[2]), p.firstStep());
                    backend.countOptimizerUpdate();
                })
                .put(AdagradOps.UPDATE, (p, in, out) -> {
                    adagrad(p.adagrad(), p.step(), in[0].numel(), TensorAccess.segment(in[0]),
                            TensorAccess.segment(in[1]), TensorAccess.segment(in[2]));
                    backend.countOptimizerUpdate();
                })
                .put(RmspropOps.UPDATE, (p, in, out) -> {
                    rmsprop(p, in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                            TensorAccess.segment(in[2]), segmentOrNull(in[3]), segmentOrNull(in[4]));
                    backend.countOptimizerUpdate();
                })
                .put(AdamOps.UPDATE, (p, in, out) -> {
                    adam(p.adam(), p.step(), in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                            TensorAccess.segment(in[2]), TensorAccess.segment(in[3]), segmentOrNull(in[4]));
                    backend.countOptimizerUpdate();
                });
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }

    static void sgd(SgdParams h, long n, MemorySegment param, MemorySegment grad, MemorySegment buf, boolean firstStep) {
        float lr = (float) h.lr();
        float wd = (float) h.weightDecay();
        float mu = (float) h.momentum();
        float keep = (float) (1 - h.dampening());
        boolean useMomentum = h.momentum() != 0;
        boolean nesterov = h.nesterov();
        boolean maximize = h.maximize();
        for (long i = 0; i < n; i++) {
            float w = param.getAtIndex(JAVA_FLOAT, i);
            float g = grad.getAtIndex(JAVA_FLOAT, i);
            float step = (maximize ? -g : g) + wd * w;
            if (useMomentum) {
                float velocity = firstStep ? step : mu * buf.getAtIndex(JAVA_FLOAT, i) + keep * step;
                buf.setAtIndex(JAVA_FLOAT, i, velocity);
                step = nesterov ? step + mu * velocity : velocity;
            }
            param.setAtIndex(JAVA_FLOAT, i, w - lr * step);
        }
    }

    static void adagrad(AdagradParams h, long step, long n, MemorySegment param, MemorySegment grad, MemorySegment sum) {
        float rate = (float) (h.lr() / (1 + (step - 1) * h.lrDecay()));
        float wd = (float) h.weightDecay();
        float eps = (float) h.eps();
        for (long i = 0; i < n; i++) {
            float w = param.getAtIndex(JAVA_FLOAT, i);
            float g = grad.getAtIndex(JAVA_FLOAT, i) + wd * w;
            float acc = sum.getAtIndex(JAVA_FLOAT, i) + g * g;
            sum.setAtIndex(JAVA_FLOAT, i, acc);
            param.setAtIndex(JAVA_FLOAT, i, w - rate * g / ((float) Math.sqrt(acc) + eps));
        }
    }

    static void rmsprop(RmspropParams h, long n, MemorySegment param, MemorySegment grad, MemorySegment squareAvg,
                        MemorySegment gradAvg, MemorySegment buf) {
        float lr = (float) h.lr();
        float alpha = (float) h.alpha();
        float rest = (float) (1 - h.alpha());
        float eps = (float) h.eps();
        float wd = (float) h.weightDecay();
        float mu = (float) h.momentum();
        boolean centered = h.centered();
        boolean useMomentum = h.momentum() > 0;
        for (long i = 0; i < n; i++) {
            float w = param.getAtIndex(JAVA_FLOAT, i);
            float g = grad.getAtIndex(JAVA_FLOAT, i) + wd * w;
            float sq = alpha * squareAvg.getAtIndex(JAVA_FLOAT, i) + rest * g * g;
            squareAvg.setAtIndex(JAVA_FLOAT, i, sq);
            float variance = sq;
            if (centered) {
                float mean = alpha * gradAvg.getAtIndex(JAVA_FLOAT, i) + rest * g;
                gradAvg.setAtIndex(JAVA_FLOAT, i, mean);
                variance -= mean * mean;
            }
            float delta = g / ((float) Math.sqrt(variance) + eps);
            if (useMomentum) {
                delta += mu * buf.getAtIndex(JAVA_FLOAT, i);
                buf.setAtIndex(JAVA_FLOAT, i, delta);
            }
            param.setAtIndex(JAVA_FLOAT, i, w - lr * delta);
        }
    }

    /**
     * PyTorch's float32 Adam, operation for operation ({@code _single_tensor_adam}): the scalars are computed in double
     * and rounded to float once, as Python computes them before they meet the tensors. Computing {@code 1 - beta2} in
     * float instead is off by 1.3e-5 relative, and the parameters drift visibly from PyTorch's within 20 steps.
     */
    static void adam(AdamParams h, long step, long n, MemorySegment param, MemorySegment grad, MemorySegment expAvg,
                     MemorySegment expAvgSq, MemorySegment maxExpAvgSq) {
        float weight = (float) (1 - h.beta1());            // exp_avg.lerp_(grad, 1 - beta1)
        float oneMinusWeight = 1f - weight;                // lerp's own complement, in float as ATen's
        boolean smallWeight = Math.abs(weight) < 0.5f;
        float b2 = (float) h.beta2();                      // exp_avg_sq.mul_(beta2)
        float rest2 = (float) (1 - h.beta2());             // .addcmul_(grad, grad, value=1 - beta2)
        float correction2Sqrt = (float) Math.sqrt(1 - Math.pow(h.beta2(), step));
        float negStepSize = (float) -(h.lr() / (1 - Math.pow(h.beta1(), step)));
        float eps = (float) h.eps();
        boolean decoupled = h.decoupled();
        float l2 = (float) h.weightDecay();
        boolean useL2 = !decoupled && h.weightDecay() != 0;
        float shrink = (float) (1 - h.lr() * h.weightDecay());
        boolean useShrink = decoupled && h.weightDecay() != 0;
        boolean maximize = h.maximize();
        boolean amsgrad = h.amsgrad();
        // Chunks are copied to heap arrays and back: the array loop is vectorised by the JIT, while element-wise
        // segment access with its bounds and alignment checks made this loop ~12% of a LeNet-5 training step.
        float[][] buffers = CHUNKS.get();
        float[] w = buffers[0];
        float[] g = buffers[1];
        float[] m = buffers[2];
        float[] v = buffers[3];
        float[] vMax = buffers[4];
        for (long start = 0; start < n; start += CHUNK) {
            int len = (int) Math.min(CHUNK, n - start);
            MemorySegment.copy(param, JAVA_FLOAT, start * 4, w, 0, len);
            MemorySegment.copy(grad, JAVA_FLOAT, start * 4, g, 0, len);
            MemorySegment.copy(expAvg, JAVA_FLOAT, start * 4, m, 0, len);
            MemorySegment.copy(expAvgSq, JAVA_FLOAT, start * 4, v, 0, len);
            if (amsgrad) {
                MemorySegment.copy(maxExpAvgSq, JAVA_FLOAT, start * 4, vMax, 0, len);
            }
            for (int i = 0; i < len; i++) {
                float wi = useShrink ? w[i] * shrink : w[i];
                float gi = maximize ? -g[i] : g[i];
                if (useL2) {
                    gi = gi + l2 * wi;
                }
                float mi = smallWeight ? m[i] + weight * (gi - m[i]) : gi - (gi - m[i]) * oneMinusWeight;
                float vi = b2 * v[i] + rest2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                if (amsgrad) {
                    vi = Math.max(vMax[i], vi);
                    vMax[i] = vi;
                }
                float denom = (float) Math.sqrt(vi) / correction2Sqrt + eps;
                w[i] = wi + negStepSize * mi / denom;
            }
            MemorySegment.copy(w, 0, param, JAVA_FLOAT, start * 4, len);
            MemorySegment.copy(m, 0, expAvg, JAVA_FLOAT, start * 4, len);
            MemorySegment.copy(v, 0, expAvgSq, JAVA_FLOAT, start * 4, len);
            if (amsgrad) {
                MemorySegment.copy(vMax, 0, maxExpAvgSq, JAVA_FLOAT, start * 4, len);
            }
        }
    }
}
