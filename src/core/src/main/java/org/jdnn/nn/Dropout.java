package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.tensor.Tensor;

/**
 * Dropout, PyTorch's {@code nn.Dropout}: in training each element is zeroed with probability {@code p} and the
 * kept ones are scaled by {@code 1/(1-p)}; in evaluation it is the identity. Masks are reproducible: the module
 * holds a seed and counts its training calls, and call {@code k} draws its mask from a seed mixed from both, so
 * every forward gets a fresh mask and a rebuilt model with the same seed replays the same sequence.
 */
public class Dropout extends Module {
    private final float p;
    private final long seed;
    private long calls;

    /** p = 0.5, seed from {@link Init#defaultGenerator()}. */
    public Dropout() {
        this(0.5f);
    }

    public Dropout(float p) {
        this(p, Init.defaultGenerator().nextLong());
    }

    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Tensor forward(Tensor input) {
        if (!isTraining() || p == 0f) {
            return F.dropout(input, p, false, seed);
        }
        return F.dropout(input, p, true, maskSeed(seed, calls++));
    }

    /** The seed of call {@code call}'s mask: SplitMix64's finaliser over seed and call, so nearby calls are unrelated. */
    static long maskSeed(long seed, long call) {
        long z = seed + (call + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public float p() {
        return p;
    }

    public long seed() {
        return seed;
    }

    /** How many training forwards have drawn a mask so far. */
    public long calls() {
        return calls;
    }

    /** Sets the call counter, so a run resumed from a checkpoint draws the masks the uninterrupted run would have. */
    public void restoreCalls(long calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("Dropout: calls must be >= 0, got " + calls);
        }
        this.calls = calls;
    }

    @Override
    protected String extraRepr() {
        return "p=" + Repr.number(p) + ", inplace=False";
    }
}
