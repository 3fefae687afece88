package org.jdnn.train.search;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The values one hyper-parameter may take: a log-uniform or uniform range of numbers, or a list of choices. A value
 * is a {@link Double} or a {@link String}.
 */
public sealed interface Domain permits Domain.LogUniform, Domain.Uniform, Domain.Choice {

    /** One value drawn at random. */
    Object sample(RandomGenerator random);

    /**
     * The values a grid search tries: the choices, or {@code points} values spread evenly over a range (on a log
     * scale for {@link LogUniform}), both ends included; one point is the range's middle.
     */
    List<Object> grid(int points);

    /** Whether the domain is a range of numbers (a grid decides how many of its values to try). */
    default boolean isRange() {
        return !(this instanceof Choice);
    }

    /** Numbers from {@code low} to {@code high}, spread evenly on a log scale: learning rates, weight decays. */
    record LogUniform(double low, double high) implements Domain {
        public LogUniform {
            if (!(low > 0) || !(high >= low) || !Double.isFinite(high)) {
                throw new IllegalArgumentException("log-uniform range needs 0 < low <= high, got " + low + ":" + high);
            }
        }

        @Override
        public Object sample(RandomGenerator random) {
            double log = Math.log(low) + random.nextDouble() * (Math.log(high) - Math.log(low));
            return Math.min(high, Math.max(low, Math.exp(log))); // exp(log(x)) may round just outside
        }

        @Override
        public List<Object> grid(int points) {
            List<Object> values = new ArrayList<>();
            for (double t : fractions(points)) {
                // the ends exactly (exp(log(x)) may miss x by an ulp: 0.39999999999999997 for 0.4)
                double value = t == 0 ? low : t == 1 ? high
                        : Math.exp(Math.log(low) + t * (Math.log(high) - Math.log(low)));
                values.add(value);
            }
            return values;
        }
    }

    /** Numbers from {@code low} to {@code high}, spread evenly. */
    record Uniform(double low, double high) implements Domain {
        public Uniform {
            if (!Double.isFinite(low) || !Double.isFinite(high) || high < low) {
                throw new IllegalArgumentException("uniform range needs low <= high, got " + low + ":" + high);
            }
        }

        @Override
        public Object sample(RandomGenerator random) {
            return low + random.nextDouble() * (high - low);
        }

        @Override
        public List<Object> grid(int points) {
            List<Object> values = new ArrayList<>();
            for (double t : fractions(points)) {
                values.add(low + t * (high - low));
            }
            return values;
        }
    }

    /** A list of values (numbers as {@link Double}, or names), tried in the given order by a grid. */
    record Choice(List<Object> values) implements Domain {
        public Choice {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a choice needs at least one value");
            }
            for (Object v : values) {
                if (!(v instanceof Double || v instanceof String)) {
                    throw new IllegalArgumentException("a choice holds numbers (Double) or names (String), got " + v);
                }
            }
            values = List.copyOf(values);
        }

        /** A choice of numbers. */
        public static Choice of(double... numbers) {
            List<Object> values = new ArrayList<>();
            for (double n : numbers) {
                values.add(n);
            }
            return new Choice(values);
        }

        /** A choice of names. */
        public static Choice of(String... names) {
            return new Choice(List.of((Object[]) names));
        }

        @Override
        public Object sample(RandomGenerator random) {
            return values.get(random.nextInt(values.size()));
        }

        @Override
        public List<Object> grid(int points) {
            return values;
        }
    }

    /** {@code points} positions in [0, 1], both ends included; one point is the middle. */
    private static double[] fractions(int points) {
        if (points < 1) {
            throw new IllegalArgumentException("a grid needs at least 1 point per range, got " + points);
        }
        double[] t = new double[points];
        for (int i = 0; i < points; i++) {
            t[i] = points == 1 ? 0.5 : (double) i / (points - 1);
        }
        return t;
    }
}
