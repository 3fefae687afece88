package org.jdnn.train.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines, for logs and CI: one line each time a further tenth of the epoch's batches is done
 * (every batch when an epoch has fewer than ten), then the epoch summary. No carriage returns, no escape codes.
 */
final class PlainProgressReporter implements ProgressReporter {
    private final PrintStream out;
    private final EpochMeter meter;
    private int lastTenth;
    private boolean closed;

    PlainProgressReporter(PrintStream out) {
        this(out, System::nanoTime);
    }

    PlainProgressReporter(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.meter = new EpochMeter(nanoClock);
    }

    @Override
    public void startEpoch(int epoch, int epochs, int batches) {
        requireOpen("startEpoch");
        meter.start("ProgressReporter.startEpoch", epoch, epochs, batches);
        lastTenth = 0;
    }

    @Override
    public void batchDone(int images, double loss) {
        requireOpen("batchDone");
        meter.batch("ProgressReporter.batchDone", images, loss);
        int done = meter.done();
        int batches = meter.batches();
        // The last batch prints no line of its own: the epoch summary follows at once.
        if (done >= batches) {
            return;
        }
        int tenth = (int) ((long) done * 10 / batches);
        if (tenth > lastTenth || batches < 10) {
            lastTenth = tenth;
            out.println(line());
            out.flush();
        }
    }

    String line() {
        int batches = meter.batches();
        int percent = batches == 0 ? 100 : (int) Math.min(100, (long) meter.done() * 100 / batches);
        return String.format(Locale.ROOT, "epoch %d/%d [%3d%%] %d/%d loss %.4f %.0f img/s ETA %s", meter.epoch(),
                meter.epochs(), percent, meter.done(), batches, meter.loss(), meter.imagesPerSecond(),
                EpochMeter.clock(meter.etaSeconds()));
    }

    @Override
    public void endEpoch(String summary) {
        requireOpen("endEpoch");
        meter.end("ProgressReporter.endEpoch");
        out.println(summary);
        out.flush();
    }

    @Override
    public void message(String line) {
        requireOpen("message");
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            out.flush();
        }
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException("ProgressReporter." + op + ": the reporter is closed");
        }
    }
}
