package org.jdnn.benchmarks.compare;

import java.util.SplittableRandom;

/**
 * The one batch both sides train on: standard-normal images and uniform labels drawn from {@link Workload#SEED},
 * so jdnn and PyTorch see the same numbers. The batch is made once and reused for every step, so the timings
 * hold no data loading.
 */
public record SeededData(float[] images, long[] labels) {
    public static SeededData of(Workload w) {
        SplittableRandom random = new SplittableRandom(Workload.SEED);
        float[] images = new float[w.imageElements()];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        long[] labels = new long[w.labelElements()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(w.classes());
        }
        return new SeededData(images, labels);
    }
}
