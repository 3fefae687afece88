package org.jdnn.train.checkpoint;

import org.jdnn.train.io.Json;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a checkpoint's {@code state.json} strictly: every field must be present, of its JSON type and in its
 * range, and an error names the file, the field and the offending value. A number is never narrowed silently
 * (an epoch of 2^32+1 must not come back as epoch 1). Keys this version does not know are ignored, so a newer
 * jdnn may add fields.
 */
final class StateJson {
    private StateJson() {
    }

    static Checkpoint.State parse(String text, String source) throws CheckpointException {
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw new CheckpointException(source + ": not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new CheckpointException(source + ": expected a JSON object, got " + describe(parsed));
        }
        int epoch = (int) integer(root.get("epoch"), source, "epoch", 0, Integer.MAX_VALUE);

        Map<String, Double> scheduler = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(root, source, "scheduler").entrySet()) {
            scheduler.put(e.getKey(), finite(e.getValue(), source, "scheduler." + e.getKey()));
        }
        Map<String, Long> calls = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(root, source, "dropout_calls").entrySet()) {
            calls.put(e.getKey(), integer(e.getValue(), source, "dropout_calls." + e.getKey(), 0, Long.MAX_VALUE));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : object(root, source, "settings").entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(source + ": \"settings." + e.getKey() + "\" must be a string, got "
                        + describe(e.getValue()));
            }
            settings.put(e.getKey(), s);
        }
        return new Checkpoint.State(epoch, scheduler, calls, settings);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<?, ?> root, String source, String field) throws CheckpointException {
        Object value = root.get(field);
        if (!(value instanceof Map<?, ?>)) {
            throw new CheckpointException(source + ": \"" + field + "\" must be an object, got " + describe(value));
        }
        return (Map<String, Object>) value;
    }

    private static long integer(Object value, String source, String field, long min, long max) throws CheckpointException {
        String expected = "\"" + field + "\" must be an integer from " + min + " to " + max;
        if (!(value instanceof BigDecimal number)) {
            throw new CheckpointException(source + ": " + expected + ", got " + describe(value));
        }
        try {
            BigDecimal exact = number.stripTrailingZeros();
            if (exact.scale() <= 0 && exact.compareTo(BigDecimal.valueOf(min)) >= 0
                    && exact.compareTo(BigDecimal.valueOf(max)) <= 0) {
                return exact.longValueExact();
            }
        } catch (ArithmeticException ignored) {
            // not an integer, or too large for a long: reported below
        }
        throw new CheckpointException(source + ": " + expected + ", got " + number.toString());
    }

    private static double finite(Object value, String source, String field) throws CheckpointException {
        if (value instanceof BigDecimal number && Double.isFinite(number.doubleValue())) {
            return number.doubleValue();
        }
        throw new CheckpointException(source + ": \"" + field + "\" must be a finite number, got " + describe(value));
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing (the field is missing)";
        }
        return switch (value) {
            case String s -> "the string " + Json.quote(s);
            case BigDecimal n -> "the number " + n;
            case Map<?, ?> m -> "an object";
            case java.util.List<?> l -> "an array";
            default -> value.toString();
        };
    }
}
