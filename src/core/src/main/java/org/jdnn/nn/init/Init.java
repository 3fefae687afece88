package org.jdnn.nn.init;

import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Weight initialisation, PyTorch's {@code torch.nn.init}: each method fills a tensor in place from a seeded
 * generator (so the same seed gives the same weights) and returns it. Values are drawn in row-major order.
 *
 * <p>Modules built without an explicit generator take one from {@link #defaultGenerator()}, a process-wide
 * stream reset by {@link #manualSeed} (like {@code torch.manual_seed}): a model built in the same order after
 * the same {@code manualSeed} call gets the same weights.
 */
public final class Init {
    /** The seed the default stream starts from, before any {@link #manualSeed} call. */
    public static final long DEFAULT_SEED = 0x6A64_6E6EL; // "jdnn"

    private static SplittableRandom global = new SplittableRandom(DEFAULT_SEED);

    private Init() {
    }

    // ---- the default stream ----

    /** Resets the process-wide stream that modules without an explicit seed draw from. */
    public static synchronized void manualSeed(long seed) {
        global = new SplittableRandom(seed);
    }

    /** A new generator split off the process-wide stream: independent of every other one it hands out. */
    public static synchronized RandomGenerator defaultGenerator() {
        return global.split();
    }

    // ---- gains and fans ----

    /** PyTorch's {@code calculate_gain(nonlinearity, param)}; {@code param} is leaky_relu's negative slope. */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        return nonlinearity.gain(param);
    }

    /** PyTorch's {@code calculate_gain(nonlinearity)} (leaky_relu with slope 0.01). */
    public static double calculateGain(Nonlinearity nonlinearity) {
        return nonlinearity.gain(Nonlinearity.DEFAULT_LEAKY_SLOPE);
    }

    /** {@code calculate_gain} by PyTorch name, e.g. {@code calculateGain("leaky_relu", 0.2)}. */
    public static double calculateGain(String nonlinearity, double param) {
        return Nonlinearity.of(nonlinearity).gain(param);
    }

    // ---- constants ----

    public static Tensor zeros(Tensor t) {
        return t.fill(0f);
    }

    public static Tensor ones(Tensor t) {
        return t.fill(1f);
    }

    public static Tensor constant(Tensor t, float value) {
        return t.fill(value);
    }

    // ---- plain distributions ----

    /** Fills {@code t} with U(low, high). */
    public static Tensor uniform(Tensor t, double low, double high, RandomGenerator random) {
        if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("init.uniform: need finite low <= high, got [" + low + ", " + high + ")");
        }
        float[] values = new float[checkedSize("init.uniform", t)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return write(t, values);
    }

    public static Tensor uniform(Tensor t, double low, double high, long seed) {
        return uniform(t, low, high, new SplittableRandom(seed));
    }

    /** Fills {@code t} with N(mean, std^2). */
    public static Tensor normal(Tensor t, double mean, double std, RandomGenerator random) {
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("init.normal: need finite mean and std >= 0, got mean " + mean + ", std " + std);
        }
        float[] values = new float[checkedSize("init.normal", t)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean + std * random.nextGaussian());
        }
        return write(t, values);
    }

    public static Tensor normal(Tensor t, double mean, double std, long seed) {
        return normal(t, mean, std, new SplittableRandom(seed));
    }

    // ---- Xavier / Glorot ----

    /** U(-b, b) with {@code b = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, RandomGenerator random) {
        if (isEmpty(t)) {
            return t;
        }
        double bound = Math.sqrt(3.0) * xavierStd(t, gain);
        return uniform(t, -bound, bound, random);
    }

    public static Tensor xavierUniform(Tensor t, double gain, long seed) {
        return xavierUniform(t, gain, new SplittableRandom(seed));
    }

    /** N(0, std^2) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, RandomGenerator random) {
        if (isEmpty(t)) {
            return t;
        }
        return normal(t, 0, xavierStd(t, gain), random);
    }

    public static Tensor xavierNormal(Tensor t, double gain, long seed) {
        return xavierNormal(t, gain, new SplittableRandom(seed));
    }

    private static double xavierStd(Tensor t, double gain) {
        Fans fans = Fans.of(t.shape());
        long sum = fans.fanIn() + fans.fanOut();
        if (sum == 0) {
            throw new IllegalArgumentException("init.xavier: tensor of shape " + t.shape() + " has zero fan in and fan out");
        }
        return gain * Math.sqrt(2.0 / sum);
    }

    // ---- Kaiming / He ----

    /**
     * U(-b, b) with {@code b = sqrt(3) * gain / sqrt(fan)}, gain from {@code nonlinearity} with parameter
     * {@code a} (leaky_relu's negative slope). {@code kaimingUniform(t, sqrt(5), FAN_IN, LEAKY_RELU, r)} is
     * PyTorch's default for Linear and Conv weights: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, RandomGenerator random) {
        if (isEmpty(t)) {
            return t;
        }
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, random);
    }

    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, long seed) {
        return kaimingUniform(t, a, mode, nonlinearity, new SplittableRandom(seed));
    }

    /** PyTorch's defaults: a = 0, fan_in, leaky_relu (gain sqrt(2)). */
    public static Tensor kaimingUniform(Tensor t, RandomGenerator random) {
        return kaimingUniform(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, random);
    }

    /** N(0, std^2) with {@code std = gain / sqrt(fan)}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, RandomGenerator random) {
        if (isEmpty(t)) {
            return t;
        }
        return normal(t, 0, kaimingStd(t, a, mode, nonlinearity), random);
    }

    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, long seed) {
        return kaimingNormal(t, a, mode, nonlinearity, new SplittableRandom(seed));
    }

    /** PyTorch's defaults: a = 0, fan_in, leaky_relu (gain sqrt(2)). */
    public static Tensor kaimingNormal(Tensor t, RandomGenerator random) {
        return kaimingNormal(t, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, random);
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        long fan = Fans.of(t.shape()).select(mode);
        if (fan == 0) {
            throw new IllegalArgumentException("init.kaiming: tensor of shape " + t.shape() + " has " + mode + " 0");
        }
        return nonlinearity.gain(a) / Math.sqrt(fan);
    }

    // ---- writing ----

    /** A zero-element tensor of rank >= 2 is left alone (PyTorch warns and does nothing); rank < 2 still throws. */
    private static boolean isEmpty(Tensor t) {
        return t.numel() == 0 && t.rank() >= 2;
    }

    private static int checkedSize(String op, Tensor t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": tensor of shape " + t.shape() + " is too large to initialise");
        }
        return (int) n;
    }

    /** Copies {@code values} into {@code t} in place, element by element through a flat view (no backend needed). */
    private static Tensor write(Tensor t, float[] values) {
        // detach first: the view is not part of any graph, and both views are closed so the storage is not pinned.
        try (Tensor detached = t.detach(); Tensor flat = detached.reshape(values.length)) {
            for (int i = 0; i < values.length; i++) {
                flat.set(values[i], i);
            }
        }
        return t;
    }
}
