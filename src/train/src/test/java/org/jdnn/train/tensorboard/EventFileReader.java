package org.jdnn.train.tensorboard;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads an event file back without the writer's code or its generated classes: the record framing by hand, the
 * messages field by field with TensorBoard's field numbers (event.proto, summary.proto, histogram.proto), so that a
 * wrong field number or checksum in the writer shows up here.
 */
final class EventFileReader {
    /** One decoded {@code Event}; {@code fileVersion}, {@code scalar}, {@code histogram} or {@code image} is set. */
    record ReadEvent(double wallTime, long step, String fileVersion, String tag, Float scalar, Histo histogram,
                     Image image) {}

    /** A decoded {@code Summary.Image}. */
    record Image(int height, int width, int colorspace, byte[] encoded) {}

    /** A decoded {@code HistogramProto}. */
    record Histo(double min, double max, double num, double sum, double sumSquares, List<Double> bucketLimits,
                 List<Double> buckets) {}

    private EventFileReader() {}

    static List<ReadEvent> read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<ReadEvent> events = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < 12) {
                throw new IOException("truncated length at byte " + start);
            }
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = in.getInt();
            if (lengthCrc != masked(lengthBytes)) {
                throw new IOException("length checksum mismatch at byte " + start);
            }
            if (length < 0 || length > in.remaining() - 4) {
                throw new IOException("record at byte " + start + " claims " + length + " bytes");
            }
            byte[] data = new byte[(int) length];
            in.get(data);
            int dataCrc = in.getInt();
            if (dataCrc != masked(data)) {
                throw new IOException("data checksum mismatch in the record at byte " + start);
            }
            events.add(event(data));
        }
        return events;
    }

    static int masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return Integer.rotateRight(c, 15) + 0xa282ead8;
    }

    private static ReadEvent event(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double wallTime = 0;
        long step = 0;
        String fileVersion = null;
        ReadEvent summary = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (tag >>> 3) {
                case 1 -> wallTime = in.readDouble();
                case 2 -> step = in.readInt64();
                case 3 -> fileVersion = in.readString();
                case 5 -> summary = summary(in.readByteArray());
                default -> throw new IOException("unexpected Event field " + (tag >>> 3));
            }
        }
        if (summary == null) {
            return new ReadEvent(wallTime, step, fileVersion, null, null, null, null);
        }
        return new ReadEvent(wallTime, step, fileVersion, summary.tag(), summary.scalar(), summary.histogram(),
                summary.image());
    }

    /** A Summary with exactly one Value (field 1), which is what the writer produces. */
    private static ReadEvent summary(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        ReadEvent value = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag >>> 3 != 1 || value != null) {
                throw new IOException("expected one Summary.value, got field " + (tag >>> 3));
            }
            value = value(in.readByteArray());
        }
        return value;
    }

    private static ReadEvent value(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        String tag = null;
        Float scalar = null;
        Histo histo = null;
        Image image = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (t >>> 3) {
                case 1 -> tag = in.readString();
                case 2 -> scalar = in.readFloat();
                case 4 -> image = image(in.readByteArray());
                case 5 -> histo = histo(in.readByteArray());
                default -> throw new IOException("unexpected Summary.Value field " + (t >>> 3));
            }
        }
        return new ReadEvent(0, 0, null, tag, scalar, histo, image);
    }

    private static Image image(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        int height = 0;
        int width = 0;
        int colorspace = 0;
        byte[] encoded = null;
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (t >>> 3) {
                case 1 -> height = in.readInt32();
                case 2 -> width = in.readInt32();
                case 3 -> colorspace = in.readInt32();
                case 4 -> encoded = in.readByteArray();
                default -> throw new IOException("unexpected Summary.Image field " + (t >>> 3));
            }
        }
        return new Image(height, width, colorspace, encoded);
    }

    private static Histo histo(byte[] data) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        double[] fields = new double[6];
        List<Double> limits = new ArrayList<>();
        List<Double> buckets = new ArrayList<>();
        for (int t = in.readTag(); t != 0; t = in.readTag()) {
            int field = t >>> 3;
            if (field >= 1 && field <= 5) {
                fields[field] = in.readDouble();
            } else if (field == 6 || field == 7) {
                if ((t & 7) != 2) {
                    throw new IOException("HistogramProto field " + field + " is not packed");
                }
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    (field == 6 ? limits : buckets).add(in.readDouble());
                }
                in.popLimit(limit);
            } else {
                throw new IOException("unexpected HistogramProto field " + field);
            }
        }
        return new Histo(fields[1], fields[2], fields[3], fields[4], fields[5], limits, buckets);
    }
}
