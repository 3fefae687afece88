package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A maxout layer (Goodfellow et al. 2013): a {@link Linear} to {@code out * pieces} features, then for each
 * output feature the maximum of its {@code pieces} consecutive values. Input (*, in), output (*, out). The
 * child is called {@code linear}, so the parameters are {@code linear.weight} and {@code linear.bias}.
 */
public class Maxout extends Module {
    private final long outFeatures;
    private final long pieces;
    private final Linear linear;

    public Maxout(long inFeatures, long outFeatures, long pieces) {
        this(inFeatures, outFeatures, pieces, Init.defaultGenerator());
    }

    public Maxout(long inFeatures, long outFeatures, long pieces, long seed) {
        this(inFeatures, outFeatures, pieces, new SplittableRandom(seed));
    }

    public Maxout(long inFeatures, long outFeatures, long pieces, RandomGenerator random) {
        if (pieces < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Maxout: out_features and pieces must be >= 1, got " + outFeatures
                    + " and " + pieces);
        }
        this.outFeatures = outFeatures;
        this.pieces = pieces;
        this.linear = registerModule("linear", new Linear(inFeatures, Math.multiplyExact(outFeatures, pieces), true, random));
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor z = linear.call(input);
        // (*, out * pieces) -> (*, out, pieces): output feature j takes the max of z[j * pieces .. j * pieces + pieces).
        long[] dims = z.dims();
        long[] split = java.util.Arrays.copyOf(dims, dims.length + 1);
        split[dims.length - 1] = outFeatures;
        split[dims.length] = pieces;
        return F.max(z.reshape(split), false, dims.length);
    }

    public Linear linear() {
        return linear;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + linear.inFeatures() + ", out_features=" + outFeatures + ", pieces=" + pieces;
    }
}
