package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.FanMode;
import org.jdnn.nn.init.Init;
import org.jdnn.nn.init.Nonlinearity;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer, PyTorch's {@code nn.Linear}: {@code y = x @ weight^T + bias} with weight
 * (out, in) and bias (out). Input (*, in), output (*, out). Initialised as PyTorch: weight
 * kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)), and bias U(-1/sqrt(in), 1/sqrt(in)).
 */
public class Linear extends Module {
    private final long inFeatures;
    private final long outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /** With bias, weights from {@link Init#defaultGenerator()}. */
    public Linear(long inFeatures, long outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Init.defaultGenerator());
    }

    public Linear(long inFeatures, long outFeatures, boolean bias, long seed) {
        this(inFeatures, outFeatures, bias, new SplittableRandom(seed));
    }

    public Linear(long inFeatures, long outFeatures, boolean bias, RandomGenerator random) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be >= 1, got "
                    + inFeatures + " and " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", () -> defaultWeight(Tensor.empty(outFeatures, inFeatures), random));
        this.bias = bias ? registerParameter("bias", () -> defaultBias(Tensor.empty(outFeatures), inFeatures, random)) : null;
    }

    /** PyTorch's default weight init for Linear and Conv: kaiming_uniform with a = sqrt(5). */
    static Tensor defaultWeight(Tensor weight, RandomGenerator random) {
        return Init.kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, random);
    }

    /** PyTorch's default bias init for Linear and Conv: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    static Tensor defaultBias(Tensor bias, long fanIn, RandomGenerator random) {
        double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        return Init.uniform(bias, -bound, bound, random);
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() < 1 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear: input last dimension must be in_features " + inFeatures
                    + ", got input shape " + input.shape());
        }
        return F.linear(input, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public long inFeatures() {
        return inFeatures;
    }

    public long outFeatures() {
        return outFeatures;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + Repr.bool(bias != null);
    }
}
