package org.jdnn.optim;

import org.jdnn.autograd.Autograd;
import org.jdnn.autograd.F;
import org.jdnn.functional.Functional;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

/** Gradient clipping, PyTorch's {@code clip_grad_norm_} and {@code clip_grad_value_}: in place on the gradients. */
public final class ClipGrad {
    private ClipGrad() {
    }

    /**
     * Scales all gradients together so that their joint norm is at most {@code maxNorm}:
     * {@code g *= maxNorm / (total + 1e-6)} when that factor is below 1. {@code normType} is 2 or
     * {@link Double#POSITIVE_INFINITY} (the largest absolute value). Parameters without a gradient are skipped.
     *
     * @return the total norm before clipping
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clip_grad_norm: max norm must be >= 0, got " + maxNorm);
        }
        if (normType != 2 && normType != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("clip_grad_norm: norm type must be 2 or infinity, got " + normType);
        }
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            double total = 0;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null || g.numel() == 0) {
                    continue;
                }
                if (normType == 2) {
                    total += F.sum(F.mul(g, g), false).item();
                } else {
                    Tensor abs = F.maximum(g, F.mul(g, -1f));
                    total = Math.max(total, F.max(abs, false).item());
                }
            }
            if (normType == 2) {
                total = Math.sqrt(total);
            }
            double factor = maxNorm / (total + 1e-6);
            if (factor < 1) {
                for (Tensor p : params) {
                    if (p.grad() != null) {
                        Functional.mulInPlace(p.grad(), (float) factor);
                    }
                }
            }
            return total;
        }
    }

    /** Clamps every gradient element into {@code [-clipValue, clipValue]}. */
    public static void clipGradValue(Iterable<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clip_grad_value: clip value must be >= 0, got " + clipValue);
        }
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor high = Tensor.scalar((float) clipValue);
            Tensor low = Tensor.scalar((float) -clipValue);
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null && g.numel() > 0) {
                    Functional.copyInto(g, F.minimum(F.maximum(g, low), high));
                }
            }
        }
    }
}
