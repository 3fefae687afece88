package org.jdnn.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The arguments of one side's JVM: {@code --model NAME --threads N --steps S --out FILE [--precision fp32|bf16]}
 * (steps 0: the model's default; precision: jdnn's, under bf16 autocast with bf16; PyTorch's side runs float32 only).
 * The side appends its {@link Result} line to the file.
 */
public record SideOptions(Workload workload, int threads, Path out, String precision) {

    public static SideOptions parse(String[] args) {
        String model = null;
        int threads = 0;
        int steps = 0;
        Path out = null;
        String precision = "fp32";
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + ": missing value");
            }
            String value = args[++i];
            switch (name) {
                case "--model" -> model = value;
                case "--threads" -> threads = positive(name, value);
                case "--steps" -> steps = Integer.parseInt(value);
                case "--out" -> out = Path.of(value);
                case "--precision" -> precision = precision(value);
                default -> throw new IllegalArgumentException("unknown option '" + name
                        + "', expected --model, --threads, --steps, --out, --precision");
            }
        }
        if (model == null || threads == 0 || out == null) {
            throw new IllegalArgumentException("--model, --threads and --out are required");
        }
        return new SideOptions(Workload.named(model, steps), threads, out, precision);
    }

    private static String precision(String value) {
        if (!value.equals("fp32") && !value.equals("bf16")) {
            throw new IllegalArgumentException("--precision: expected fp32 or bf16, got '" + value + "'");
        }
        return value;
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": expected a positive integer, got '" + value + "'");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + ": expected a positive integer, got " + n);
        }
        return n;
    }

    /** Appends the result's line to the output file and echoes it. */
    public void write(Result result) throws IOException {
        Files.writeString(out, result.toLine() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.printf("%s %s: train %.2f ms/step (%.0f img/s), inference %.2f ms/batch (%.0f img/s), peak RSS %d MiB%n",
                result.side(), result.model(), result.trainStepMillis(), result.trainImagesPerSecond(),
                result.inferMillis(), result.inferImagesPerSecond(), result.peakResidentBytes() >> 20);
    }
}
