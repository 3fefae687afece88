package org.jdnn.train;

/**
 * Called by the {@link Trainer} after every optimizer step (see {@link Trainer.Builder#onStep}), inside the step's
 * scope: the parameters' gradients are still those of this step (after clipping, as the optimizer used them) and the
 * weights are already updated. Temporaries a listener makes are freed with the step.
 *
 * <p>A listener that logs only every N steps should do its work in {@link #onStep} when the step is due and return at
 * once otherwise; the trainer reads nothing from the device for it unless {@link #wantsNorms} says so.
 */
@FunctionalInterface
public interface StepListener {
    /** The step just taken. */
    void onStep(StepRecord step);

    /**
     * Whether {@code step} should carry the per-layer norms in {@link StepRecord#norms()}: measured on the device
     * after backward (one host copy), or taken from the gradient-health check when that one checks the same step.
     * The default never asks.
     */
    default boolean wantsNorms(long step) {
        return false;
    }
}
