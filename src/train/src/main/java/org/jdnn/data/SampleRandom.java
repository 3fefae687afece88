package org.jdnn.data;

import java.util.random.RandomGenerator;

/**
 * The generator a {@link DataLoader} hands to its {@link SampleTransform}s: SplitMix64, reseeded for every
 * sample from (seed, epoch, dataset index) so that augmentations do not depend on the order in which samples
 * are assembled, on the thread that assembles them, or on where a resumed run starts. Reseeding is a field
 * write, so the loading loop allocates nothing per sample.
 */
final class SampleRandom implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    /** Starts the stream of sample {@code index} in epoch {@code epoch}. */
    void reseed(long seed, int epoch, int index) {
        // Two rounds of mixing: nearby (epoch, index) pairs must give unrelated streams.
        state = mix(mix(seed ^ 0x5DEECE66DL) + GOLDEN_GAMMA * (epoch + 1L)) + GOLDEN_GAMMA * (index + 1L);
        state = mix(state);
    }

    @Override
    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
