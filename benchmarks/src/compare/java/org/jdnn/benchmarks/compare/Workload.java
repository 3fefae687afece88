package org.jdnn.benchmarks.compare;

import java.util.List;

/**
 * One model of the comparison and what both sides feed it: {@code batch} images of {@code channels x size x size},
 * labels over {@code classes} (one per image, or one per pixel when {@code perPixel}), {@code timedSteps} measured
 * steps after at least {@code warmupSteps} warm-up steps (see {@link StepTimer}). Both sides build the same layer shapes for a workload and use the same optimizer.
 */
public record Workload(String name, int batch, int channels, int size, int classes, boolean perPixel,
                       int warmupSteps, int timedSteps) {
    /** The workloads in the order the comparison runs them. */
    public static final List<String> NAMES = List.of("mlp", "lenet", "resnet18", "unet");

    /** Adam with PyTorch's defaults on both sides (betas 0.9 / 0.999, eps 1e-8, no weight decay). */
    public static final float LEARNING_RATE = 1e-3f;

    /** Seed of the data (and of jdnn's weights). */
    public static final long SEED = 42;

    public Workload {
        if (batch < 1 || channels < 1 || size < 1 || classes < 2 || warmupSteps < 1 || timedSteps < 1) {
            throw new IllegalArgumentException("workload " + name + ": batch, channels, size, steps must be >= 1"
                    + " and classes >= 2, got batch " + batch + ", channels " + channels + ", size " + size
                    + ", classes " + classes + ", steps " + timedSteps);
        }
    }

    /**
     * The workload called {@code name} with its default numbers of warm-up and timed steps (MLP 20 + 100, LeNet-5
     * 20 + 50, U-Net 5 + 20, ResNet-18 2 + 5: a ResNet-18 step at batch 128 takes seconds on 2 cores), or
     * {@code steps} timed steps if positive.
     */
    public static Workload named(String name, int steps) {
        Workload w = switch (name) {
            case "mlp" -> new Workload(name, 128, 1, 28, 10, false, 20, 100);
            case "lenet" -> new Workload(name, 128, 1, 28, 10, false, 20, 50);
            case "resnet18" -> new Workload(name, 128, 3, 32, 10, false, 2, 5);
            case "unet" -> new Workload(name, 16, 3, 64, 2, true, 5, 20);
            default -> throw new IllegalArgumentException("--models: unknown model '" + name + "', expected some of " + NAMES);
        };
        return steps > 0 ? w.withSteps(steps) : w;
    }

    public Workload withSteps(int steps) {
        return new Workload(name, batch, channels, size, classes, perPixel, warmupSteps, steps);
    }

    /** Floats in one batch of images. */
    public int imageElements() {
        return batch * channels * size * size;
    }

    /** Labels in one batch: one per image, or one per pixel. */
    public int labelElements() {
        return perPixel ? batch * size * size : batch;
    }
}
