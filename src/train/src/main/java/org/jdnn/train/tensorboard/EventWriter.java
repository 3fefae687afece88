package org.jdnn.train.tensorboard;

import com.google.protobuf.ByteString;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import javax.imageio.ImageIO;
import org.jdnn.train.tensorboard.proto.Event;
import org.jdnn.train.tensorboard.proto.HistogramProto;
import org.jdnn.train.tensorboard.proto.Summary;

/**
 * Writes one TensorBoard event file, {@code events.out.tfevents.<seconds>.<host>}, in a log directory: scalars,
 * histograms and images, each an {@code Event} protocol-buffer message in a checksummed record. Point TensorBoard at
 * the directory ({@code tensorboard --logdir DIR}) to see them, also while training still runs.
 *
 * <p>Every record is written whole: a record is built in memory, then appended, so a crash leaves at most a missing
 * tail, which TensorBoard reads past. Records reach the disk on {@link #flush} and {@link #close}. Methods are
 * synchronized so that a metrics thread and the training loop may share one writer.
 */
public final class EventWriter implements Closeable {
    /** The version TensorBoard expects in the first record of every event file. */
    public static final String FILE_VERSION = "brain.Event:2";
    /** {@code Summary.Image.colorspace} of RGB and RGBA images. */
    private static final int RGB = 3;
    private static final int RGBA = 4;

    private final Path file;
    private final InstantSource clock;
    private final OutputStream out;
    private boolean closed;

    private EventWriter(Path file, InstantSource clock, OutputStream out) {
        this.file = file;
        this.clock = clock;
        this.out = out;
    }

    /** A new event file in {@code logDir} (created if missing), named after the current time and this host. */
    public static EventWriter create(Path logDir) {
        return create(logDir, InstantSource.system(), hostName());
    }

    /** A new event file in {@code logDir}, stamped by {@code clock} and named for {@code host}. */
    public static EventWriter create(Path logDir, InstantSource clock, String host) {
        if (host.isBlank() || host.contains("/") || host.contains("\\")) {
            throw new IllegalArgumentException("tensorboard: host name '" + host + "' cannot be part of a file name");
        }
        try {
            Files.createDirectories(logDir);
            String name = "events.out.tfevents." + clock.instant().getEpochSecond() + "." + host;
            // Two writers started in the same second must not share a file: the second one gets a numbered suffix.
            for (int attempt = 0; ; attempt++) {
                Path file = logDir.resolve(attempt == 0 ? name : name + "." + attempt);
                try {
                    OutputStream out = new BufferedOutputStream(
                            Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                    EventWriter writer = new EventWriter(file, clock, out);
                    writer.write(Event.newBuilder().setFileVersion(FILE_VERSION), 0);
                    writer.flush();
                    return writer;
                } catch (FileAlreadyExistsException taken) {
                    if (attempt >= 1000) {
                        throw taken;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tensorboard: cannot create an event file in " + logDir + ": " + e, e);
        }
    }

    /** The event file being written. */
    public Path file() {
        return file;
    }

    /** One point of the scalar series {@code tag} (for example {@code loss/train}). */
    public synchronized void scalar(String tag, long step, float value) {
        checkTag(tag);
        Summary.Value entry = Summary.Value.newBuilder().setTag(tag).setSimpleValue(value).build();
        write(Event.newBuilder().setSummary(Summary.newBuilder().addValue(entry)), step);
    }

    /** The distribution of {@code values} at {@code step}, in {@link Histogram#DEFAULT_BUCKETS} buckets. */
    public void histogram(String tag, long step, float[] values) {
        histogram(tag, step, Histogram.of(tag, values, Histogram.DEFAULT_BUCKETS));
    }

    /** A histogram computed elsewhere. */
    public synchronized void histogram(String tag, long step, Histogram histogram) {
        checkTag(tag);
        HistogramProto.Builder proto = HistogramProto.newBuilder()
                .setMin(histogram.min())
                .setMax(histogram.max())
                .setNum(histogram.count())
                .setSum(histogram.sum())
                .setSumSquares(histogram.sumSquares());
        for (double limit : histogram.bucketLimits()) {
            proto.addBucketLimit(limit);
        }
        for (double count : histogram.bucketCounts()) {
            proto.addBucket(count);
        }
        Summary.Value entry = Summary.Value.newBuilder().setTag(tag).setHisto(proto).build();
        write(Event.newBuilder().setSummary(Summary.newBuilder().addValue(entry)), step);
    }

    /**
     * The picture {@code image} at {@code step}, PNG-encoded, for TensorBoard's image dashboard (which shows one per
     * step of a tag, with a slider). Images with an alpha channel are stored as RGBA, the rest as RGB.
     */
    public void image(String tag, long step, BufferedImage image) {
        checkTag(tag);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("tensorboard: image '" + tag + "': no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tensorboard: image '" + tag + "' cannot be encoded as PNG: " + e, e);
        }
        Summary.Image proto = Summary.Image.newBuilder()
                .setHeight(image.getHeight())
                .setWidth(image.getWidth())
                .setColorspace(image.getColorModel().hasAlpha() ? RGBA : RGB)
                .setEncodedImageString(ByteString.copyFrom(png.toByteArray()))
                .build();
        synchronized (this) {
            write(Event.newBuilder().setSummary(Summary.newBuilder()
                    .addValue(Summary.Value.newBuilder().setTag(tag).setImage(proto))), step);
        }
    }

    /** Pushes the records written so far to the file, so that TensorBoard sees them. */
    public synchronized void flush() {
        ensureOpen();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("tensorboard: cannot write " + file + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("tensorboard: cannot close " + file + ": " + e, e);
        }
    }

    private void write(Event.Builder event, long step) {
        ensureOpen();
        if (step < 0) {
            throw new IllegalArgumentException("tensorboard: step must not be negative, got " + step);
        }
        Instant now = clock.instant();
        byte[] data = event.setWallTime(now.getEpochSecond() + now.getNano() / 1e9).setStep(step).build().toByteArray();
        try {
            out.write(RecordFraming.frame(data));
        } catch (IOException e) {
            throw new UncheckedIOException("tensorboard: cannot write " + file + ": " + e, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tensorboard: the event writer for " + file + " is closed");
        }
    }

    private static void checkTag(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("tensorboard: a tag must not be blank, got '" + tag + "'");
        }
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host.isBlank() || host.contains("/") ? "localhost" : host;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
