package org.jdnn.train;

import org.jdnn.autograd.F;
import org.jdnn.data.DataLoader;
import org.jdnn.data.InMemoryDataset;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.nn.Sequential;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.ProgressReporter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void stepListenersSeeEveryStepWithItsGlobalNumberAndTheLossTheEpochMeanIsMadeOf() {
        List<StepRecord> steps = new ArrayList<>();
        try (Module model = new Linear(4, 2, true, 4L); SGD sgd = new SGD(model.parameters(), SgdParams.of(0.1))) {
            Trainer trainer = Trainer.builder(model, sgd, LOSS).classes(2).progress(QUIET).onStep(steps::add).build();
            Trainer.FitResult result = trainer.fit(data(64, 5), null, 1, 2);

            assertEquals(8, steps.size(), "64 samples in batches of 16, two epochs: " + steps);
            for (int i = 0; i < steps.size(); i++) {
                StepRecord step = steps.get(i);
                assertEquals(i + 1, step.step(), "steps count from 1 across epochs: " + step);
                assertEquals(i / 4 + 1, step.epoch(), step.toString());
                assertEquals(i % 4 + 1, step.batch(), step.toString());
                assertEquals(4, step.batches(), step.toString());
                assertEquals(i % 4 == 3, step.endsEpoch(), step.toString());
                assertEquals(16, step.batchSize(), step.toString());
                assertEquals(0.1, step.learningRate(), 1e-12, step.toString());
                assertTrue(step.seconds() > 0 && step.imagesPerSecond() > 0, step.toString());
                assertEquals(List.of(), step.norms(), "no norms unless asked for: " + step);
            }
            for (EpochRecord epoch : result.history()) {
                double sum = 0;
                for (StepRecord step : steps.subList(4 * (epoch.epoch() - 1), 4 * epoch.epoch())) {
                    sum += step.loss() * step.batchSize();
                }
                assertEquals(epoch.trainLoss(), sum / 64, "epoch " + epoch.epoch() + " mean of its step losses");
            }
        }
    }

    @Test
    void normsAreMeasuredOnlyOnStepsAListenerAsksForAndShareGradientHealthsCheck() {
        List<StepRecord> steps = new ArrayList<>();
        StepListener asking = new StepListener() {
            @Override
            public void onStep(StepRecord step) {
                steps.add(step);
            }

            @Override
            public boolean wantsNorms(long step) {
                return step == 3 || step == 5;
            }
        };
        try (Module model = new Linear(4, 2, true, 4L); SGD sgd = new SGD(model.parameters(), SgdParams.of(0.1))) {
            Trainer trainer = Trainer.builder(model, sgd, LOSS).classes(2).progress(QUIET).gradientHealth(5)
                    .onStep(asking).build();
            trainer.fit(data(64, 5), null, 1, 2);
            for (StepRecord step : steps) {
                int expected = step.step() == 3 || step.step() == 5 ? 1 : 0;
                assertEquals(expected, step.norms().size(), "norms at step " + step.step() + ": " + step.norms());
            }
            // Step 5 is gradient health's check step: the listener gets that very check, not a second one.
            assertEquals(trainer.gradientHealth().rows(), steps.get(4).norms());
            GradientHealth.LayerNorms third = steps.get(2).norms().getFirst();
            assertEquals(3, third.step());
            assertEquals(GradientHealth.ROOT, third.layer());
            assertTrue(third.gradNorm() > 0 && third.weightNorm() > 0, third.toString());
        }
    }

    @Test
    void aStepListenerCopiesNothingFromTheDeviceUnlessItAsksForNorms() {
        Transfers.Counts plain = transfersOfTwoEpochsOnSim(null);
        assertTrue(plain.hostToDevice() >= 8 && plain.deviceToHost() >= 8, "the steps ran on sim: " + plain);
        Transfers.Counts quiet = transfersOfTwoEpochsOnSim(step -> { });
        assertEquals(plain, quiet, "a listener that asks for nothing");
        Transfers.Counts asking = transfersOfTwoEpochsOnSim(new StepListener() {
            @Override
            public void onStep(StepRecord step) {
            }

            @Override
            public boolean wantsNorms(long step) {
                return true;
            }
        });
        // Eight steps, one read each of four squared sums (weight and bias, gradient and value) of 4 bytes.
        assertEquals(new Transfers.Counts(plain.hostToDevice(), plain.deviceToHost() + 8, plain.hostToDeviceBytes(),
                plain.deviceToHostBytes() + 8 * 16), asking, "a listener asking for norms at every step");
    }

    /** Host-to-device and back copies of two epochs (8 steps) of a linear model on the sim device. */
    private static Transfers.Counts transfersOfTwoEpochsOnSim(StepListener listener) {
        DataLoader data = data(64, 5);
        try (Module model = new Sequential(new ToSim(), new Linear(4, 2, true, 4L)).to(Device.SIM);
             SGD sgd = new SGD(model.parameters(), SgdParams.of(0.1))) {
            Trainer.Builder builder = Trainer.builder(model, sgd, LOSS).classes(2).progress(QUIET);
            if (listener != null) {
                builder.onStep(listener);
            }
            Trainer trainer = builder.build();
            Transfers.Counts before = Transfers.counts();
            trainer.fit(data, null, 1, 2);
            return Transfers.counts().since(before);
        }
    }

    /** Moves the host batches to the sim device, so that the model's steps run there. */
    private static final class ToSim extends Module {
        @Override
        public Tensor forward(Tensor input) {
            return input.to(Device.SIM);
        }
    }

    private static final LossFunction LOSS = (out, batch) -> Losses.crossEntropy(out, batch.labelArray());
}
