package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A 2-D transposed convolution ("deconvolution"), PyTorch's {@code nn.ConvTranspose2d}: weight
 * (in, out/groups, kH, kW), optional bias (out). Initialised as PyTorch, whose fan-in rule reads the weight's
 * dimension 1: weight kaiming_uniform(a = sqrt(5)) and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with
 * {@code fanIn = out/groups * kH * kW}.
 */
public class ConvTranspose2d extends Module {
    private final long inChannels;
    private final long outChannels;
    private final long kernelH;
    private final long kernelW;
    private final ConvTranspose2dParams params;
    private final Tensor weight;
    private final Tensor bias;

    public ConvTranspose2d(long inChannels, long outChannels, long kernel) {
        this(inChannels, outChannels, kernel, 1, 0);
    }

    public ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride, long padding) {
        this(inChannels, outChannels, kernel, stride, padding, 0, 1, true, 1);
    }

    /** PyTorch's argument order: kernel, stride, padding, output_padding, groups, bias, dilation. */
    public ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride, long padding, long outputPadding,
                           long groups, boolean bias, long dilation) {
        this(inChannels, outChannels, kernel, stride, padding, outputPadding, groups, bias, dilation, Init.defaultGenerator());
    }

    public ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride, long padding, long outputPadding,
                           long groups, boolean bias, long dilation, long seed) {
        this(inChannels, outChannels, kernel, stride, padding, outputPadding, groups, bias, dilation,
                new SplittableRandom(seed));
    }

    public ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride, long padding, long outputPadding,
                           long groups, boolean bias, long dilation, RandomGenerator random) {
        this(inChannels, outChannels, kernel, kernel,
                ConvTranspose2dParams.of(stride, padding, outputPadding, dilation, groups), bias, random);
    }

    /** The general form: a (kernelH, kernelW) kernel and the full {@link ConvTranspose2dParams}. */
    public ConvTranspose2d(long inChannels, long outChannels, long kernelH, long kernelW, ConvTranspose2dParams params,
                           boolean bias, RandomGenerator random) {
        if (params == null) {
            throw new IllegalArgumentException("ConvTranspose2d: params are null");
        }
        long groups = params.conv().groups();
        Conv2d.checkChannels("ConvTranspose2d", inChannels, outChannels, kernelH, kernelW, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.params = params;
        long fanIn = outChannels / groups * kernelH * kernelW;
        this.weight = registerParameter("weight", () -> Linear.defaultWeight(
                Tensor.empty(inChannels, outChannels / groups, kernelH, kernelW), random));
        this.bias = bias ? registerParameter("bias", () -> Linear.defaultBias(Tensor.empty(outChannels), fanIn, random)) : null;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.convTranspose2d(input, weight, bias, params);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public ConvTranspose2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        Conv2dParams p = params.conv();
        return inChannels + ", " + outChannels + ", "
                + Conv2d.describe(kernelH, kernelW, p, new long[] {params.outputPaddingH(), params.outputPaddingW()})
                + (bias == null ? ", bias=False" : "");
    }
}
