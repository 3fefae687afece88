package org.jdnn.train.report;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The running numbers of one epoch shared by both progress displays: batches and images done, the mean loss so
 * far (weighted by batch size, so at the end it is the epoch's training loss), throughput and time left (the
 * elapsed time per batch so far times the batches left).
 */
final class EpochMeter {
    private final LongSupplier nanoClock;
    private int epoch;
    private int epochs;
    private int batches;
    private int done;
    private long images;
    private double weightedLoss;
    private long startNanos;
    private boolean active;

    EpochMeter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    void start(String op, int epoch, int epochs, int batches) {
        if (epoch < 1 || epochs < epoch) {
            throw new IllegalArgumentException(op + ": epoch " + epoch + " of " + epochs + " (need 1 <= epoch <= epochs)");
        }
        if (batches < 0) {
            throw new IllegalArgumentException(op + ": batches must be >= 0, got " + batches);
        }
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.done = 0;
        this.images = 0;
        this.weightedLoss = 0;
        this.startNanos = nanoClock.getAsLong();
        this.active = true;
    }

    void batch(String op, int batchImages, double loss) {
        requireActive(op);
        if (batchImages < 0) {
            throw new IllegalArgumentException(op + ": images must be >= 0, got " + batchImages);
        }
        done++;
        images += batchImages;
        weightedLoss += loss * batchImages;
    }

    void end(String op) {
        requireActive(op);
        active = false;
    }

    void requireActive(String op) {
        if (!active) {
            throw new IllegalStateException(op + ": no epoch started (call startEpoch first)");
        }
    }

    boolean active() {
        return active;
    }

    int epoch() {
        return epoch;
    }

    int epochs() {
        return epochs;
    }

    int batches() {
        return batches;
    }

    int done() {
        return done;
    }

    /** Mean loss per image so far (NaN before the first image). */
    double loss() {
        return images == 0 ? Double.NaN : weightedLoss / images;
    }

    double seconds() {
        return (nanoClock.getAsLong() - startNanos) / 1e9;
    }

    double imagesPerSecond() {
        double s = seconds();
        return s <= 0 ? 0 : images / s;
    }

    /** Seconds left, or NaN before the first batch. */
    double etaSeconds() {
        if (done == 0) {
            return Double.NaN;
        }
        return seconds() / done * Math.max(0, batches - done);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on; {@code ?} when unknown. */
    static String clock(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
