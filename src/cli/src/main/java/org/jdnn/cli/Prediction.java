package org.jdnn.cli;

import org.jdnn.train.io.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** A model's class probabilities for one image. */
record Prediction(String source, List<String> classes, float[] probabilities) {
    /** The most probable label. */
    int label() {
        return top(1).getFirst();
    }

    /** The {@code k} most probable labels, most probable first (ties: the lower label first). */
    List<Integer> top(int k) {
        return IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i]).thenComparing(i -> i))
                .limit(k).toList();
    }

    String text(int k) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(classes.get(label()))
                .append(String.format(" (%.1f %%)", 100.0 * probabilities[label()])).append('\n');
        int width = classes.stream().mapToInt(String::length).max().orElse(0);
        for (int i : top(k)) {
            sb.append(String.format("  %-" + width + "s  %6.2f %%%n", classes.get(i), 100.0 * probabilities[i]));
        }
        return sb.toString();
    }

    String json(int k) {
        List<String> top = new ArrayList<>();
        for (int i : top(k)) {
            top.add("{\"label\": " + i + ", \"class\": " + Json.quote(classes.get(i)) + ", \"probability\": "
                    + probabilities[i] + "}");
        }
        return "{\"input\": " + Json.quote(source) + ", \"label\": " + label() + ", \"class\": "
                + Json.quote(classes.get(label())) + ", \"top\": [" + String.join(", ", top) + "]}";
    }
}
