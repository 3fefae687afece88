package org.jdnn.cli;

import org.jdnn.data.FashionMnist;
import org.jdnn.nn.Module;
import org.jdnn.train.Evaluation;
import org.jdnn.train.Trainer;
import org.jdnn.train.report.EpochRecord;
import org.jdnn.train.tensorboard.EventWriter;
import org.jdnn.train.tensorboard.TensorBoardLogger;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A train run's TensorBoard output (--tensorboard): the event file, the per-step logger hooked into the trainer, the
 * epoch records and the validation and test confusion matrices. Without a directory every call does nothing, so the
 * train loops (single process and distributed, where only rank 0 writes) need no null checks.
 */
final class TensorBoardRun implements AutoCloseable {
    private static final TensorBoardRun NONE = new TensorBoardRun(null, null, null);

    private final Path logDir;
    private final EventWriter events;
    private final TensorBoardLogger logger;

    private TensorBoardRun(Path logDir, EventWriter events, TensorBoardLogger logger) {
        this.logDir = logDir;
        this.events = events;
        this.logger = logger;
    }

    /** Event files for {@code model} in {@code logDir}, per-step records every {@code every} steps; null: none. */
    static TensorBoardRun open(Path logDir, int every, Module model) throws IOException {
        if (logDir == null) {
            return NONE;
        }
        EventWriter events = EventWriter.create(logDir);
        return new TensorBoardRun(logDir, events, new TensorBoardLogger(events, model, every));
    }

    /** Logs the trainer's steps (losses, learning rate, images/s, norms, histograms). */
    Trainer.Builder attach(Trainer.Builder builder) {
        return logger == null ? builder : builder.onStep(logger);
    }

    /** An epoch's record, and the confusion matrix of its validation when there was one. */
    void epochEnded(EpochRecord record, Evaluation validated) {
        if (logger == null) {
            return;
        }
        logger.accept(record);
        if (validated != null) {
            logger.confusionMatrix("confusion_matrix/validation", logger.lastStep(), validated.confusion(),
                    FashionMnist.CLASSES);
        }
    }

    void tested(Evaluation result) {
        if (logger != null) {
            logger.confusionMatrix("confusion_matrix/test", logger.lastStep(), result.confusion(),
                    FashionMnist.CLASSES);
        }
    }

    /** The line the run ends with, or null without TensorBoard output. */
    String summary() {
        return events == null ? null : "tensorboard: " + events.file() + " (tensorboard --logdir " + logDir + ")";
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
    }
}
