package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A 2-D convolution over NCHW input, PyTorch's {@code nn.Conv2d}: weight (out, in/groups, kH, kW), optional
 * bias (out). Initialised as PyTorch: weight kaiming_uniform(a = sqrt(5)) and bias U(-1/sqrt(fanIn),
 * 1/sqrt(fanIn)) with {@code fanIn = in/groups * kH * kW}.
 */
public class Conv2d extends Module {
    private final long inChannels;
    private final long outChannels;
    private final long kernelH;
    private final long kernelW;
    private final Conv2dParams params;
    private final Tensor weight;
    private final Tensor bias;

    /** Stride 1, no padding, with bias. */
    public Conv2d(long inChannels, long outChannels, long kernel) {
        this(inChannels, outChannels, kernel, 1, 0);
    }

    public Conv2d(long inChannels, long outChannels, long kernel, long stride, long padding) {
        this(inChannels, outChannels, kernel, stride, padding, 1, 1, true);
    }

    /** PyTorch's argument order: kernel, stride, padding, dilation, groups, bias; weights from the default stream. */
    public Conv2d(long inChannels, long outChannels, long kernel, long stride, long padding, long dilation, long groups,
                  boolean bias) {
        this(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, Init.defaultGenerator());
    }

    public Conv2d(long inChannels, long outChannels, long kernel, long stride, long padding, long dilation, long groups,
                  boolean bias, long seed) {
        this(inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, new SplittableRandom(seed));
    }

    public Conv2d(long inChannels, long outChannels, long kernel, long stride, long padding, long dilation, long groups,
                  boolean bias, RandomGenerator random) {
        this(inChannels, outChannels, kernel, kernel, Conv2dParams.of(stride, padding, dilation, groups), bias, random);
    }

    /** The general form: a (kernelH, kernelW) kernel and the full {@link Conv2dParams} (per-side padding...). */
    public Conv2d(long inChannels, long outChannels, long kernelH, long kernelW, Conv2dParams params, boolean bias,
                  RandomGenerator random) {
        if (params == null) {
            throw new IllegalArgumentException("Conv2d: params are null");
        }
        checkChannels("Conv2d", inChannels, outChannels, kernelH, kernelW, params.groups());
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.params = params;
        long fanIn = inChannels / params.groups() * kernelH * kernelW;
        this.weight = registerParameter("weight", () -> Linear.defaultWeight(
                Tensor.empty(outChannels, inChannels / params.groups(), kernelH, kernelW), random));
        this.bias = bias ? registerParameter("bias", () -> Linear.defaultBias(Tensor.empty(outChannels), fanIn, random)) : null;
    }

    static void checkChannels(String op, long in, long out, long kernelH, long kernelW, long groups) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(op + ": in_channels and out_channels must be >= 1, got " + in + " and " + out);
        }
        if (kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException(op + ": kernel size must be >= 1, got " + Repr.pair(kernelH, kernelW));
        }
        if (in % groups != 0) {
            throw new IllegalArgumentException(op + ": in_channels " + in + " not divisible by groups " + groups);
        }
        if (out % groups != 0) {
            throw new IllegalArgumentException(op + ": out_channels " + out + " not divisible by groups " + groups);
        }
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.conv2d(input, weight, bias, params);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Tensor bias() {
        return bias;
    }

    public Conv2dParams params() {
        return params;
    }

    public long inChannels() {
        return inChannels;
    }

    public long outChannels() {
        return outChannels;
    }

    @Override
    protected String extraRepr() {
        return inChannels + ", " + outChannels + ", " + describe(kernelH, kernelW, params, null) + (bias == null ? ", bias=False" : "");
    }

    /** PyTorch's conv description: kernel_size and stride always, padding/dilation/output_padding/groups when not default. */
    static String describe(long kernelH, long kernelW, Conv2dParams p, long[] outputPadding) {
        StringBuilder sb = new StringBuilder("kernel_size=").append(Repr.pair(kernelH, kernelW))
                .append(", stride=").append(Repr.pair(p.strideH(), p.strideW()));
        if (p.padTop() != p.padBottom() || p.padLeft() != p.padRight()) {
            sb.append(", padding=((").append(p.padTop()).append(", ").append(p.padBottom()).append("), (")
                    .append(p.padLeft()).append(", ").append(p.padRight()).append("))");
        } else if (p.padTop() != 0 || p.padLeft() != 0) {
            sb.append(", padding=").append(Repr.pair(p.padTop(), p.padLeft()));
        }
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            sb.append(", dilation=").append(Repr.pair(p.dilationH(), p.dilationW()));
        }
        if (outputPadding != null && (outputPadding[0] != 0 || outputPadding[1] != 0)) {
            sb.append(", output_padding=").append(Repr.pair(outputPadding[0], outputPadding[1]));
        }
        if (p.groups() != 1) {
            sb.append(", groups=").append(p.groups());
        }
        return sb.toString();
    }
}
