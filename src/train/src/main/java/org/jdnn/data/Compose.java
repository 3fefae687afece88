package org.jdnn.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code Compose}: runs transforms one after the other on the same sample, each seeing the
 * shape the previous one produced, all drawing from the sample's one generator in order. The usual CIFAR-10
 * training pipeline:
 *
 * <pre>{@code
 * Compose.of(RandomCrop.of(32, 4), RandomHorizontalFlip.of(), Cifar10.NORMALIZE)
 * }</pre>
 */
public final class Compose implements SampleTransform {
    private final List<SampleTransform> steps;
    /** The shapes between the steps for the last input shape seen; immutable, swapped whole (thread-safe). */
    private volatile Plan plan;

    private record Plan(long[] input, long[][] shapes, int workingSize) {
    }

    private Compose(List<SampleTransform> steps) {
        this.steps = steps;
    }

    /** The transforms, in the order they run; none may be null. */
    public static Compose of(SampleTransform... steps) {
        for (int i = 0; i < steps.length; i++) {
            Objects.requireNonNull(steps[i], "Compose: transform " + i);
        }
        return new Compose(List.of(steps));
    }

    public List<SampleTransform> steps() {
        return steps;
    }

    private Plan plan(long[] input) {
        Plan p = plan;
        if (p != null && Arrays.equals(p.input, input)) {
            return p;
        }
        long[][] shapes = new long[steps.size() + 1][];
        shapes[0] = input.clone();
        int working = Shapes.sampleSize("Compose", input);
        for (int i = 0; i < steps.size(); i++) {
            working = Math.max(working, steps.get(i).workingSize(shapes[i]));
            shapes[i + 1] = steps.get(i).outputShape(shapes[i]);
        }
        p = new Plan(shapes[0], shapes, working);
        plan = p;
        return p;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        return plan(inputShape).shapes[steps.size()].clone();
    }

    @Override
    public int workingSize(long[] inputShape) {
        return plan(inputShape).workingSize;
    }

    @Override
    public void apply(float[] values, int offset, long[] shape, RandomGenerator random) {
        long[][] shapes = plan(shape).shapes;
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).apply(values, offset, shapes[i], random);
        }
    }

    @Override
    public String toString() {
        return "Compose" + steps;
    }
}
