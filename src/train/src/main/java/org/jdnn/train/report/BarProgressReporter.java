package org.jdnn.train.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Progress as a live bar on the terminal, one bar per epoch, drawn by {@code me.tongfei:progressbar}:
 * {@code epoch 1/5  40% [=====     ] 188/469 (0:00:04 / 0:00:06) loss 0.5123 12345 img/s}, where the times are
 * elapsed / left.
 *
 * <p>Only chosen when standard output is a terminal ({@link ProgressMode}). The terminal width comes from a JLine
 * terminal this class opens itself with {@code nativeSignals(false)}: the library's own one would install the
 * default handler for SIGINT while a bar is shown, so Ctrl-C would kill the JVM without running its shutdown
 * hooks. The width is re-read every couple of seconds (JLine's exec provider runs {@code stty} for it) so a
 * resized window is followed.
 */
final class BarProgressReporter implements ProgressReporter {
    private static final long WIDTH_REFRESH_NANOS = 2_000_000_000L;
    private static final long MESSAGE_REFRESH_NANOS = 100_000_000L;

    private final PrintStream out;
    private final Terminal terminal;
    private final EpochMeter meter = new EpochMeter(System::nanoTime);
    private ProgressBar bar;
    private long lastMessageNanos;
    private boolean closed;

    BarProgressReporter(PrintStream out) {
        this.out = out;
        try {
            this.terminal = TerminalBuilder.builder().system(true).dumb(true).nativeSignals(false).build();
        } catch (IOException e) {
            throw new UncheckedIOException("ProgressReporter: cannot open the terminal", e);
        }
    }

    @Override
    public void startEpoch(int epoch, int epochs, int batches) {
        requireOpen("startEpoch");
        finishBar();
        meter.start("ProgressReporter.startEpoch", epoch, epochs, batches);
        bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                .setInitialMax(batches)
                .setStyle(style())
                .setUpdateIntervalMillis(250)
                .setConsumer(new WidthTrackingConsumer(out, terminal))
                .build();
        lastMessageNanos = 0;
    }

    /** Block characters when the terminal takes UTF-8, else plain ASCII (no mojibake on a Latin-1 console). */
    private static ProgressBarStyle style() {
        String encoding = System.getProperty("stdout.encoding", "");
        return encoding.equalsIgnoreCase("UTF-8") ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII;
    }

    @Override
    public void batchDone(int images, double loss) {
        requireOpen("batchDone");
        meter.batch("ProgressReporter.batchDone", images, loss);
        bar.step();
        long now = System.nanoTime();
        // Formatting every batch would cost more than the bar is worth at thousands of batches per second.
        if (now - lastMessageNanos >= MESSAGE_REFRESH_NANOS || meter.done() >= meter.batches()) {
            lastMessageNanos = now;
            bar.setExtraMessage(message());
        }
    }

    private String message() {
        return String.format(Locale.ROOT, "loss %.4f %.0f img/s", meter.loss(), meter.imagesPerSecond());
    }

    @Override
    public void endEpoch(String summary) {
        requireOpen("endEpoch");
        meter.end("ProgressReporter.endEpoch");
        bar.setExtraMessage(message());
        finishBar();
        out.println(summary);
        out.flush();
    }

    @Override
    public void message(String line) {
        requireOpen("message");
        finishBar();
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finishBar();
        try {
            terminal.close();
        } catch (IOException ignored) {
            // Closing only restores terminal attributes we never changed.
        }
    }

    private void finishBar() {
        if (bar != null) {
            bar.close(); // renders the final state and ends the line
            bar = null;
        }
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException("ProgressReporter." + op + ": the reporter is closed");
        }
    }

    /** The library's console consumer with the width taken from our own terminal, refreshed now and then. */
    private static final class WidthTrackingConsumer extends ConsoleProgressBarConsumer {
        private final Terminal terminal;
        private int width;
        private long readAt;

        WidthTrackingConsumer(PrintStream out, Terminal terminal) {
            super(out);
            this.terminal = terminal;
        }

        @Override
        public int getMaxRenderedLength() {
            long now = System.nanoTime();
            if (width == 0 || now - readAt > WIDTH_REFRESH_NANOS) {
                int w = terminal.getWidth();
                width = w >= 20 ? w - 1 : 79; // 0 when unknown; the last column would wrap on some terminals
                readAt = now;
            }
            return width;
        }
    }
}
