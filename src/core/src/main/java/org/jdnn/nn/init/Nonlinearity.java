package org.jdnn.nn.init;

import java.util.Locale;

/**
 * The nonlinearities {@link Init#calculateGain} knows, with PyTorch's names and gains: the factor that keeps
 * the variance of activations steady through a layer followed by that nonlinearity.
 */
public enum Nonlinearity {
    LINEAR, CONV1D, CONV2D, CONV3D, CONV_TRANSPOSE1D, CONV_TRANSPOSE2D, CONV_TRANSPOSE3D, SIGMOID, TANH, RELU,
    LEAKY_RELU, SELU;

    /** PyTorch's default negative slope for {@code leaky_relu} when no parameter is given. */
    public static final double DEFAULT_LEAKY_SLOPE = 0.01;

    /**
     * The recommended gain; {@code param} is the negative slope for {@link #LEAKY_RELU} and ignored otherwise.
     * Values: linear, convolutions and sigmoid 1; tanh 5/3; relu sqrt(2); leaky_relu sqrt(2 / (1 + slope^2));
     * selu 3/4.
     */
    public double gain(double param) {
        return switch (this) {
            case LINEAR, CONV1D, CONV2D, CONV3D, CONV_TRANSPOSE1D, CONV_TRANSPOSE2D, CONV_TRANSPOSE3D, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> {
                if (!Double.isFinite(param)) {
                    throw new IllegalArgumentException("calculate_gain: leaky_relu negative slope must be finite, got " + param);
                }
                yield Math.sqrt(2.0 / (1 + param * param));
            }
            case SELU -> 3.0 / 4.0;
        };
    }

    /** The PyTorch name, e.g. {@code "leaky_relu"}. */
    public String pytorchName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a PyTorch name such as {@code "relu"} or {@code "conv_transpose2d"} (case-insensitive). */
    public static Nonlinearity of(String name) {
        if (name != null) {
            for (Nonlinearity n : values()) {
                if (n.pytorchName().equalsIgnoreCase(name)) {
                    return n;
                }
            }
        }
        throw new IllegalArgumentException("calculate_gain: unsupported nonlinearity '" + name + "'; expected one of "
                + java.util.Arrays.stream(values()).map(Nonlinearity::pytorchName).toList());
    }
}
