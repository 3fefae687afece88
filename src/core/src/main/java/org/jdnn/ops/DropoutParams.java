package org.jdnn.ops;

/**
 * Dropout: in training each element is kept with probability {@code 1 - p} and scaled by {@code 1/(1-p)}, or
 * zeroed; the mask is drawn from {@code seed} (see {@link DropoutMask}), so the same seed gives the same mask on
 * every backend and backward reuses it. In inference dropout is the identity.
 */
public record DropoutParams(float p, boolean training, long seed) {
    public DropoutParams {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
        }
    }

    /** The factor kept elements are multiplied by. */
    public float scale() {
        return 1f / (1f - p);
    }
}
