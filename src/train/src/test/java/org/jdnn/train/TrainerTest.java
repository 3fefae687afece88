package org.jdnn.train;

import org.jdnn.autograd.F;
import org.jdnn.data.DataLoader;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.train.report.ProgressReporter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fit loop's stopping rules: divergence is reported where it happened; early stopping restores the best weights. */
class TrainerTest {

    /** Two separable classes in 4 dimensions, seeded. */
    private static DataLoader data(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < 4; j++) {
                rows[i][j] = (float) (random.nextGaussian() + (labels[i] == 1 ? 1.5 : -1.5));
            }
        }
        return DataLoader.builder(InMemoryDataset.of(rows, labels)).batchSize(16).shuffle(seed).build();
    }

    private static final ProgressReporter QUIET = ProgressReporter.plain(new PrintStream(new ByteArrayOutputStream()));

    @Test
    void aNonFiniteLossStopsWithTheEpochAndBatch() {
        try (Module model = new Linear(4, 2, true, 1L); SGD sgd = new SGD(model.parameters(), SgdParams.of(0.1))) {
            LossFunction exploding = (out, batch) -> F.mul(Losses.crossEntropy(out, batch.labelArray()), Float.NaN);
            Trainer trainer = Trainer.builder(model, sgd, exploding).classes(2).progress(QUIET).build();
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer.fit(data(64, 1), null, 1, 3));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("epoch 1, batch 1 of 4"), e.getMessage());
        }
    }

    @Test
    void earlyStoppingRestoresTheBestWeights() {
        try (Module model = new Linear(4, 2, true, 2L); SGD sgd = new SGD(model.parameters(), SgdParams.of(0.05))) {
            // The validation set has the labels flipped: once the model learns the training rule, validation loss rises.
            DataLoader train = data(64, 3);
            DataLoader flipped = DataLoader.builder(new org.jdnn.data.Dataset() {
                private final org.jdnn.data.Dataset base = train.dataset();
                public int size() { return base.size(); }
                public long[] sampleShape() { return base.sampleShape(); }
                public void copyFeatures(int i, float[] dst, int offset) { base.copyFeatures(i, dst, offset); }
                public int label(int i) { return 1 - base.label(i); }
            }).batchSize(64).build();
            LossFunction loss = (out, batch) -> Losses.crossEntropy(out, batch.labelArray());
            float[][] weightsAfterEpoch = new float[10][];
            Trainer trainer = Trainer.builder(model, sgd, loss).classes(2).progress(QUIET).earlyStopping(2, 0)
                    .onEpochEnd(r -> weightsAfterEpoch[r.epoch()] = model.namedParameters().get("weight").toFloatArray())
                    .build();
            Trainer.FitResult result = trainer.fit(train, flipped, 1, 9);

            assertTrue(result.stoppedEarly(), "validation loss kept improving on flipped labels?");
            assertEquals(1, result.bestEpoch(), "the first epoch should be the best on flipped labels");
            assertEquals(3, result.history().size(), "stops after patience 2");
            assertArrayEquals(weightsAfterEpoch[1], model.namedParameters().get("weight").toFloatArray(),
                    "the best epoch's weights are restored");
        }
    }

    @Test
    void evaluationDoesNotChangeTheModelOrItsMode() {
        try (Module model = new Linear(4, 2, true, 3L)) {
            float[] before = model.namedParameters().get("weight").toFloatArray();
            Evaluation e = Trainer.evaluate(model, (out, b) -> Losses.crossEntropy(out, b.labelArray()), 2, data(40, 4));
            assertEquals(40, e.samples());
            assertEquals(40, e.confusion().total());
            assertTrue(model.isTraining());
            assertArrayEquals(before, model.namedParameters().get("weight").toFloatArray());
        }
    }
}
