package org.jdnn.train.report;

import java.io.PrintStream;

/**
 * Shows how far training has got: per epoch, batches done of the total, images per second, the running loss
 * and the time left.
 *
 * <p>Two implementations sit behind {@link #create(boolean)}: on a terminal a live progress bar (the
 * {@code me.tongfei:progressbar} library), otherwise, for CI logs and redirected output, a plain line at every
 * tenth of an epoch, e.g. {@code epoch 1/5 [ 40%] 188/469 loss 0.5123 1234 img/s ETA 0:12}. Which one is chosen
 * is decided by {@link ProgressMode#detect(boolean)}.
 *
 * <p>Call order per epoch: {@link #startEpoch}, {@link #batchDone} once per batch, {@link #endEpoch}; then
 * {@link #close()} once at the end. Calls come from the training thread.
 */
public interface ProgressReporter extends AutoCloseable {

    /** Begins epoch {@code epoch} (from 1) of {@code epochs}, which has {@code batches} batches. */
    void startEpoch(int epoch, int epochs, int batches);

    /** One batch of {@code images} samples finished with mean loss {@code loss}. */
    void batchDone(int images, double loss);

    /** Ends the epoch and prints its summary line (e.g. losses and accuracies). */
    void endEpoch(String summary);

    /** Prints a line of its own between epochs (e.g. why training stopped early). */
    void message(String line);

    /** Finishes the display; further calls are not allowed. */
    @Override
    void close();

    /**
     * The reporter for this process's standard output: the live bar when {@code interactiveAllowed} and the
     * output is an interactive terminal outside CI, plain lines otherwise.
     *
     * @param interactiveAllowed false forces plain lines (a {@code --plain} option, say)
     */
    static ProgressReporter create(boolean interactiveAllowed) {
        return switch (ProgressMode.detect(interactiveAllowed)) {
            case BAR -> new BarProgressReporter(System.out);
            case PLAIN -> new PlainProgressReporter(System.out);
        };
    }

    /** Plain periodic lines on {@code out}, whatever {@code out} is. */
    static ProgressReporter plain(PrintStream out) {
        return new PlainProgressReporter(out);
    }
}
