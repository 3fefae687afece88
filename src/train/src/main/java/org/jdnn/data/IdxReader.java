package org.jdnn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed (recognised by the gzip
 * magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>An IDX file is a big-endian header: two zero bytes, an element-type byte, a dimension-count byte,
 * one 32-bit size per dimension; then the elements. Only unsigned bytes (type {@code 0x08}) are supported:
 * images are {@code 0x00000803} (count, rows, columns), labels {@code 0x00000801} (count). Everything is
 * checked: the magic number, the dimension count, that sizes are not negative, that the data has exactly
 * the announced length (no truncation, no trailing bytes) and, for gzip, the stream's own CRC. Any
 * problem throws {@link DataFileException} naming the file and what was wrong.
 */
public final class IdxReader {
    /** The element-type byte of unsigned bytes, the only type supported. */
    public static final int UNSIGNED_BYTE = 0x08;
    /** The magic number of unsigned-byte image files (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** The magic number of unsigned-byte label files (1 dimension). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** Images: a rank-3 unsigned-byte IDX file, dims (count, rows, columns). */
    public static IdxArray readImages(Path file) throws IOException {
        return read(file, 3, "pixel");
    }

    /** Labels: a rank-1 unsigned-byte IDX file, dims (count). */
    public static IdxArray readLabels(Path file) throws IOException {
        return read(file, 1, "label");
    }

    /** Any unsigned-byte IDX file, of any rank from 1 to 255. */
    public static IdxArray read(Path file) throws IOException {
        return read(file, -1, "data");
    }

    private static IdxArray read(Path file, int expectedRank, String what) throws IOException {
        String name = String.valueOf(file.getFileName());
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        boolean gzip;
        try (InputStream probe = Files.newInputStream(file)) {
            gzip = probe.read() == 0x1f && probe.read() == 0x8b;
        }
        try (InputStream in = open(file, gzip)) {
            long[] consumed = {0};
            int magic = readInt(in, name, "the 4-byte magic number", consumed);
            if ((magic >>> 16) != 0) {
                throw new DataFileException(name + ": not an IDX file (magic number " + hex(magic)
                        + ", expected 0x00000803 for images or 0x00000801 for labels)");
            }
            int type = (magic >>> 8) & 0xFF;
            int rank = magic & 0xFF;
            if (type != UNSIGNED_BYTE) {
                throw new DataFileException(name + ": IDX element type " + String.format("0x%02X", type) + " ("
                        + typeName(type) + ") is not supported; only unsigned bytes (0x08) are");
            }
            if (rank == 0) {
                throw new DataFileException(name + ": IDX header announces 0 dimensions (magic " + hex(magic) + ")");
            }
            if (expectedRank > 0 && rank != expectedRank) {
                throw new DataFileException(name + ": expected a " + expectedRank + "-dimensional IDX " + what
                        + " file (magic " + hex(0x800 | expectedRank) + "), found " + rank + " dimensions (magic "
                        + hex(magic) + ")");
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = readInt(in, name, "dimension " + i + " of " + rank, consumed);
                if (dims[i] < 0) {
                    throw new DataFileException(name + ": IDX dimension " + i + " is negative ("
                            + Integer.toUnsignedString(dims[i]) + " as unsigned exceeds 2^31-1)");
                }
                total *= dims[i];
                if (total > Integer.MAX_VALUE - 8) {
                    throw new DataFileException(name + ": IDX dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                            + " describe more than 2^31 elements, too many for one array");
                }
            }
            byte[] data = new byte[(int) total];
            int read = in.readNBytes(data, 0, data.length);
            if (read < data.length) {
                throw new DataFileException(name + ": expected " + data.length + " " + what + " bytes for dimensions "
                        + Arrays.toString(dims) + ", " + (gzip ? "decompressed data" : "file")
                        + " ends after " + read);
            }
            // Reading on to the end also makes GZIPInputStream verify the stream's CRC and length.
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw new DataFileException(name + ": " + trailing + " unexpected bytes after the "
                        + data.length + " " + what + " bytes announced by dimensions " + Arrays.toString(dims));
            }
            return new IdxArray(file.toString(), dims, data);
        } catch (ZipException | EOFException e) {
            // GZIPInputStream's own messages ("Unexpected end of ZLIB input stream", "Corrupt GZIP trailer") name no file.
            throw new DataFileException(name + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** A big-endian int; a short read says what was being read and how far the data went. */
    private static int readInt(InputStream in, String name, String what, long[] consumed) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) {
            throw new DataFileException(name + ": IDX header truncated: data ends after " + (consumed[0] + b.length)
                    + " bytes, while reading " + what);
        }
        consumed[0] += 4;
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown type";
        };
    }
}
