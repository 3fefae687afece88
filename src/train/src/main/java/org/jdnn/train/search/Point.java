package org.jdnn.train.search;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** One setting of every hyper-parameter in a {@link SearchSpace}: name to value (a Double or a String), in order. */
public record Point(Map<String, Object> values) {
    public Point {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The number {@code name} is set to. */
    public double number(String name) {
        if (!(get(name) instanceof Double d)) {
            throw new IllegalArgumentException("hyper-parameter '" + name + "' is " + get(name) + ", not a number");
        }
        return d;
    }

    /** The name {@code name} is set to. */
    public String text(String name) {
        if (!(get(name) instanceof String s)) {
            throw new IllegalArgumentException("hyper-parameter '" + name + "' is " + get(name) + ", not a name");
        }
        return s;
    }

    private Object get(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no hyper-parameter '" + name + "' in " + values.keySet());
        }
        return value;
    }

    /** A value for people and CSV cells: names as they are, numbers to 4 significant digits (64, 0.1523, 1E-4). */
    public static String format(Object value) {
        if (value instanceof Double d && Double.isFinite(d)) {
            if (d == Math.rint(d) && Math.abs(d) < 1e9) {
                return Long.toString(d.longValue());
            }
            return new BigDecimal(d).round(new MathContext(4)).stripTrailingZeros().toString();
        }
        return String.valueOf(value);
    }

    /** {@code lr=0.1523, batch_size=128}. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ");
        values.forEach((name, value) -> s.add(name + "=" + format(value)));
        return s.toString();
    }
}
