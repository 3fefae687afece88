package org.jdnn.train.tensorboard;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.GradientHealth;
import org.jdnn.train.StepListener;
import org.jdnn.train.StepRecord;
import org.jdnn.train.report.ConfusionMatrix;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.report.Plots;

/**
 * Logs a training run to an event file, with the global training step (one per batch, from 1 across epochs) as the
 * step of every series, so that per-step and per-epoch series share one axis in TensorBoard:
 *
 * <ul>
 *   <li>every {@code every} steps: {@code loss/train_step}, {@code learning_rate/step}, {@code images_per_second/step},
 *       {@code grad_norm/LAYER} and {@code weight_norm/LAYER} (the norms {@link GradientHealth} measures, before
 *       gradient clipping), and a histogram of every parameter, {@code weights/NAME}, and of its gradient,
 *       {@code gradients/NAME} (as the optimizer used it, after clipping);</li>
 *   <li>after every epoch, at its last step: {@code epoch}, {@code loss/train}, {@code accuracy/train},
 *       {@code loss/validation}, {@code accuracy/validation} (with a validation set), {@code learning_rate},
 *       {@code images_per_second}, and the histograms unless that step already has them;</li>
 *   <li>on request: a confusion matrix as an image ({@link #confusionMatrix}).</li>
 * </ul>
 *
 * <p>Hook it into a {@link org.jdnn.train.Trainer} both ways: {@code onStep(logger)} and {@code onEpochEnd(logger)}.
 * Records are flushed after every logged step and every epoch, so a running TensorBoard shows them at once. A tensor
 * holding NaN or infinity has no meaningful histogram and is left out (its norm, a NaN scalar, shows the divergence).
 */
public final class TensorBoardLogger implements StepListener, Consumer<EpochRecord> {
    /**
     * The interval {@code jdnn train --tensorboard} uses: about 9 points per epoch of Fashion-MNIST at batch 128, for
     * about 0.3 % of LeNet-5's training time (docs/TENSORBOARD.md has the measurements).
     */
    public static final int DEFAULT_EVERY = 50;

    private final EventWriter writer;
    private final Module model;
    private final int every;
    private long lastStep;
    private long lastHistograms = -1;

    /**
     * @param writer the event file
     * @param model  the model whose parameters and gradients get histograms
     * @param every  log per-step series every this many steps; 0 logs per epoch only
     */
    public TensorBoardLogger(EventWriter writer, Module model, int every) {
        if (writer == null || model == null) {
            throw new IllegalArgumentException("TensorBoardLogger: the event writer and the model are required");
        }
        if (every < 0) {
            throw new IllegalArgumentException("TensorBoardLogger: every must be >= 0 steps (0: per epoch only), got "
                    + every);
        }
        this.writer = writer;
        this.model = model;
        this.every = every;
    }

    /** The interval of the per-step series, in steps (0: none). */
    public int every() {
        return every;
    }

    /** The last training step seen, 0 before the first. */
    public long lastStep() {
        return lastStep;
    }

    /** Whether {@code step} gets the per-step series. */
    public boolean due(long step) {
        return every > 0 && step % every == 0;
    }

    @Override
    public boolean wantsNorms(long step) {
        return due(step);
    }

    @Override
    public void onStep(StepRecord record) {
        lastStep = record.step();
        if (!due(record.step())) {
            return;
        }
        long step = record.step();
        writer.scalar("loss/train_step", step, (float) record.loss());
        writer.scalar("learning_rate/step", step, (float) record.learningRate());
        writer.scalar("images_per_second/step", step, (float) record.imagesPerSecond());
        for (GradientHealth.LayerNorms norms : record.norms()) {
            writer.scalar("grad_norm/" + norms.layer(), step, (float) norms.gradNorm());
            writer.scalar("weight_norm/" + norms.layer(), step, (float) norms.weightNorm());
        }
        histograms(step);
        writer.flush();
    }

    @Override
    public void accept(EpochRecord record) {
        if (lastStep == 0) {
            throw new IllegalStateException("TensorBoardLogger: epoch " + record.epoch() + " ended before any training "
                    + "step was seen; register the logger with Trainer.Builder.onStep as well as onEpochEnd");
        }
        long step = lastStep;
        writer.scalar("epoch", step, record.epoch());
        writer.scalar("loss/train", step, (float) record.trainLoss());
        writer.scalar("accuracy/train", step, (float) record.trainAccuracy());
        if (!Double.isNaN(record.validationLoss())) {
            writer.scalar("loss/validation", step, (float) record.validationLoss());
        }
        if (!Double.isNaN(record.validationAccuracy())) {
            writer.scalar("accuracy/validation", step, (float) record.validationAccuracy());
        }
        writer.scalar("learning_rate", step, (float) record.learningRate());
        writer.scalar("images_per_second", step, (float) record.imagesPerSecond());
        if (lastHistograms != step) {
            histograms(step);
        }
        writer.flush();
    }

    /**
     * {@code matrix} drawn as {@code confusion.png} is ({@link Plots#confusionMatrixImage}), as an image tagged
     * {@code tag} at {@code step}: say {@code confusion_matrix/validation} after each epoch at {@link #lastStep()}.
     */
    public void confusionMatrix(String tag, long step, ConfusionMatrix matrix, List<String> classNames) {
        writer.image(tag, step, Plots.confusionMatrixImage(matrix, classNames));
        writer.flush();
    }

    /**
     * A histogram of every parameter, {@code weights/NAME}, and of every trainable parameter's gradient,
     * {@code gradients/NAME}, at {@code step}; each tensor is copied to the host once.
     */
    public void histograms(long step) {
        for (Map.Entry<String, Tensor> entry : model.namedParameters().entrySet()) {
            Tensor parameter = entry.getValue();
            histogram("weights/" + entry.getKey(), step, parameter);
            Tensor grad = parameter.grad();
            if (parameter.requiresGrad() && grad != null) {
                histogram("gradients/" + entry.getKey(), step, grad);
            }
        }
        lastHistograms = step;
    }

    private void histogram(String tag, long step, Tensor tensor) {
        float[] values = tensor.toFloatArray();
        if (values.length > 0 && allFinite(values)) {
            writer.histogram(tag, step, values);
        }
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
