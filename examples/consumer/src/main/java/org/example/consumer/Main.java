package org.example.consumer;

import org.jdnn.Jdnn;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.init.Init;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.SplittableRandom;

import static org.jdnn.loss.Losses.crossEntropy;

/**
 * Trains a small MLP to separate two interleaved rings of points (inside the unit circle or not) and exits 0 when
 * it reaches 95 % accuracy on fresh points, 1 otherwise.
 */
public final class Main {
    private static final int POINTS = 512;

    private Main() {
    }

    public static void main(String[] args) {
        System.out.println(Jdnn.info());
        Init.manualSeed(7);
        try (Module model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(),
                new Linear(32, 2))) {
            Adam optimizer = new Adam(model.parameters(), AdamParams.adam(1e-2));
            for (int step = 0; step < 300; step++) {
                try (Scope scope = Scope.open()) {
                    Points batch = points(step);
                    Tensor loss = crossEntropy(model.call(batch.x()), batch.labels());
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                }
            }
            model.eval();
            try (Scope scope = Scope.open()) {
                Points test = points(-1);
                long[] predicted = model.call(test.x()).argmax(1).toLongArray();
                long[] expected = test.labels().toLongArray();
                int right = 0;
                for (int i = 0; i < POINTS; i++) {
                    right += predicted[i] == expected[i] ? 1 : 0;
                }
                double accuracy = right / (double) POINTS;
                System.out.printf("consumer: test accuracy %.1f %% on %d points%n", 100 * accuracy, POINTS);
                System.exit(accuracy >= 0.95 ? 0 : 1);
            }
        }
    }

    private record Points(Tensor x, Tensor labels) {
    }

    /** Points uniform in [-1.5, 1.5]^2, labelled 1 inside the unit circle. */
    private static Points points(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] xy = new float[2 * POINTS];
        long[] labels = new long[POINTS];
        for (int i = 0; i < POINTS; i++) {
            float x = (float) random.nextDouble(-1.5, 1.5), y = (float) random.nextDouble(-1.5, 1.5);
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
            labels[i] = x * x + y * y < 1 ? 1 : 0;
        }
        return new Points(Tensor.of(xy, POINTS, 2), Tensor.ofLongs(labels));
    }
}
