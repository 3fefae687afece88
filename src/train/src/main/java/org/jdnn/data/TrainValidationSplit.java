package org.jdnn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded random split of a dataset into disjoint training and validation subsets whose sizes are
 * exactly as asked. The same seed gives the same split; the indices in each part are kept in ascending
 * order (the loader shuffles anyway).
 *
 * @param train      the samples not chosen for validation
 * @param validation the chosen samples
 */
public record TrainValidationSplit(Dataset train, Dataset validation) {

    /** Holds out exactly {@code validationSize} samples, chosen uniformly at random with {@code seed}. */
    public static TrainValidationSplit of(Dataset dataset, int validationSize, long seed) {
        int n = dataset.size();
        if (validationSize < 0 || validationSize > n) {
            throw new IllegalArgumentException("TrainValidationSplit: validation size " + validationSize
                    + " outside 0.." + n + " (dataset size)");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Partial Fisher-Yates: the first validationSize positions become a uniform random sample.
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < validationSize; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] validation = Arrays.copyOfRange(order, 0, validationSize);
        int[] train = Arrays.copyOfRange(order, validationSize, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidationSplit(dataset.subset(train), dataset.subset(validation));
    }

    /**
     * Holds out {@code round(fraction * size)} samples; {@code fraction} must be in [0, 1].
     */
    public static TrainValidationSplit ofFraction(Dataset dataset, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("TrainValidationSplit: validation fraction " + fraction + " outside [0, 1]");
        }
        return of(dataset, (int) Math.round(fraction * dataset.size()), seed);
    }
}
