package org.jdnn.ops;

import java.util.SplittableRandom;

/**
 * The dropout mask, generated in Java so it is bit-identical on every backend: element {@code i} (row-major)
 * draws the i-th double of {@code SplittableRandom(seed)} and is kept (value {@code 1/(1-p)}) when that draw
 * is {@code >= p}, else dropped (value 0). Backends apply it with their multiply kernel.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    public static float[] generate(DropoutParams params, long numel) {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("dropout: " + numel + " elements are too many for a Java-generated mask");
        }
        float[] mask = new float[(int) numel];
        float scale = params.scale();
        SplittableRandom random = new SplittableRandom(params.seed());
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() >= params.p() ? scale : 0f;
        }
        return mask;
    }
}
