package org.jdnn.playground;

import org.jdnn.data.PlaneDatasets;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the playground trains: the data set and its noise, the network, and how it learns. Every component is
 * checked in the constructor, so a config that exists is one the session can build.
 *
 * @param dataset      circle, xor, gaussians or spiral
 * @param noise        each coordinate moves by up to this much, in {@code [0, 0.5]}
 * @param samples      points in train and test together, even, in {@code [10, 2000]}
 * @param testFraction the share of the points held out for testing, in {@code [0.1, 0.9]}
 * @param hidden       units of each hidden layer, 0 to 6 layers of 1 to 32 units
 * @param activation   relu, tanh, sigmoid or linear (none)
 * @param learningRate in {@code (0, 10]}
 * @param optimizer    sgd, momentum (0.9), adam or rmsprop
 * @param l2           the weight decay added to every gradient ({@code l2 * w}), in {@code [0, 1]}
 * @param dropout      the dropout probability after every hidden layer, in {@code [0, 0.9]}
 * @param batchSize    in {@code [1, samples]}
 * @param seed         seeds the points, the initial weights, the batch order and the dropout masks
 */
public record PlaygroundConfig(String dataset, double noise, int samples, double testFraction, List<Integer> hidden,
                               String activation, double learningRate, String optimizer, double l2, double dropout,
                               int batchSize, long seed) {
    public static final List<String> DATASETS = List.of("circle", "xor", "gaussians", "spiral");
    public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid", "linear");
    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "adam", "rmsprop");
    public static final List<String> KEYS = List.of("dataset", "noise", "samples", "testFraction", "hidden",
            "activation", "learningRate", "optimizer", "l2", "dropout", "batchSize", "seed");
    static final int MAX_LAYERS = 6;
    static final int MAX_UNITS = 32;
    static final int MAX_SAMPLES = 2000;

    /** Two layers of 8 tanh units trained by Adam: the circle is learned within a few epochs. */
    public static final PlaygroundConfig DEFAULT = new PlaygroundConfig("circle", 0.1, 500, 0.5, List.of(8, 8), "tanh",
            0.03, "adam", 0, 0, 10, 1);

    public PlaygroundConfig {
        oneOf("dataset", dataset, DATASETS);
        between("noise", noise, 0, PlaneDatasets.MAX_NOISE);
        if (samples < PlaneDatasets.MIN_SAMPLES || samples > MAX_SAMPLES || samples % 2 != 0) {
            throw new IllegalArgumentException("samples must be an even number in [" + PlaneDatasets.MIN_SAMPLES + ", "
                    + MAX_SAMPLES + "], got " + samples);
        }
        between("testFraction", testFraction, 0.1, 0.9);
        hidden = List.copyOf(hidden);
        if (hidden.size() > MAX_LAYERS) {
            throw new IllegalArgumentException("hidden must have at most " + MAX_LAYERS + " layers, got " + hidden);
        }
        for (int units : hidden) {
            if (units < 1 || units > MAX_UNITS) {
                throw new IllegalArgumentException("hidden: every layer needs 1 to " + MAX_UNITS + " units, got " + hidden);
            }
        }
        oneOf("activation", activation, ACTIVATIONS);
        if (!(learningRate > 0 && learningRate <= 10)) {
            throw new IllegalArgumentException("learningRate must be in (0, 10], got " + learningRate);
        }
        oneOf("optimizer", optimizer, OPTIMIZERS);
        between("l2", l2, 0, 1);
        between("dropout", dropout, 0, 0.9);
        if (batchSize < 1 || batchSize > samples) {
            throw new IllegalArgumentException("batchSize must be in [1, samples = " + samples + "], got " + batchSize);
        }
    }

    /** This config with {@code seed}. */
    public PlaygroundConfig withSeed(long seed) {
        return new PlaygroundConfig(dataset, noise, samples, testFraction, hidden, activation, learningRate, optimizer,
                l2, dropout, batchSize, seed);
    }

    /**
     * This config with the settings in {@code json} (a parsed JSON object, keys as in {@link #KEYS}) replacing
     * its own; a key not given keeps its value.
     *
     * @throws IllegalArgumentException naming the setting for an unknown key, a value of the wrong type or range
     */
    public PlaygroundConfig with(Map<String, Object> json) {
        for (String key : json.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "', expected one of "
                        + String.join(", ", KEYS));
            }
        }
        return new PlaygroundConfig(
                string(json, "dataset", dataset),
                number(json, "noise", noise),
                Math.toIntExact(integer(json, "samples", samples)),
                number(json, "testFraction", testFraction),
                json.containsKey("hidden") ? layers(json.get("hidden")) : hidden,
                string(json, "activation", activation),
                number(json, "learningRate", learningRate),
                string(json, "optimizer", optimizer),
                number(json, "l2", l2),
                number(json, "dropout", dropout),
                Math.toIntExact(integer(json, "batchSize", batchSize)),
                integer(json, "seed", seed));
    }

    private static String string(Map<String, Object> json, String key, String current) {
        Object v = json.getOrDefault(key, current);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(key + " must be a string, got " + v);
        }
        return s;
    }

    private static double number(Map<String, Object> json, String key, double current) {
        if (!json.containsKey(key)) {
            return current;
        }
        if (!(json.get(key) instanceof BigDecimal d)) {
            throw new IllegalArgumentException(key + " must be a number, got " + json.get(key));
        }
        return d.doubleValue();
    }

    private static long integer(Map<String, Object> json, String key, long current) {
        if (!json.containsKey(key)) {
            return current;
        }
        return wholeNumber(key, json.get(key), Integer.MIN_VALUE, Integer.MAX_VALUE, key.equals("seed"));
    }

    private static long wholeNumber(String key, Object v, long min, long max, boolean anyLong) {
        try {
            if (v instanceof BigDecimal d) {
                long value = d.longValueExact();
                if (anyLong || (value >= min && value <= max)) {
                    return value;
                }
            }
        } catch (ArithmeticException e) {
            // not a whole number or too large: reported below
        }
        throw new IllegalArgumentException(key + " must be a whole number, got " + v);
    }

    private static List<Integer> layers(Object v) {
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("hidden must be a list of unit counts such as [8, 8], got " + v);
        }
        List<Integer> units = new ArrayList<>();
        for (Object u : list) {
            units.add((int) wholeNumber("hidden", u, Integer.MIN_VALUE, Integer.MAX_VALUE, false));
        }
        return units;
    }

    private static void oneOf(String key, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", allowed) + ", got '"
                    + value + "'");
        }
    }

    private static void between(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
