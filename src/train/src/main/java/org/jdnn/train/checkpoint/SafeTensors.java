package org.jdnn.train.checkpoint;

import org.jdnn.train.io.AtomicFiles;
import org.jdnn.train.io.Json;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Tensor;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads and writes named tensors (float32, float64, int64, bool: safetensors' F32, F64, I64, BOOL) in the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, so checkpoints can be opened by PyTorch, JAX and the {@code safetensors} tools.
 *
 * <p>Layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON,
 * {@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}},
 * padded with spaces so the data starts 8-byte aligned; then the tensors' little-endian bytes, offsets
 * relative to the data start, back to back in insertion order.
 *
 * <p>Writing is atomic: the file is built under a temporary name in the target directory, forced to disk,
 * then renamed over the target, so a crash leaves either the old file or the new one, never a torn one
 * ({@link AtomicFiles}; the temporary files of a crashed save are removed by the next save in that directory).
 *
 * <p>The checksum, {@value #CHECKSUM_KEY} in the metadata (8 lowercase hex digits, the last member of the header),
 * is the CRC-32C of the <em>whole file</em>: the 8-byte length, the header with its padding, and the data, with the
 * checksum's own 8 digits counted as the ASCII digit '0'. So a damaged header (a shape, a dtype, an offset, a metadata
 * value such as an optimizer's learning rate) is caught as surely as damaged data. Files written before it carry
 * {@value #DATA_CHECKSUM_KEY}, the CRC-32C of the data section only: they are still read, with that check.
 *
 * <p>Reading validates everything before trusting it: the checksum first (over the raw bytes, so it names the
 * damage whatever it broke), then the header length, UTF-8 and JSON syntax, each entry's dtype, shape and offsets,
 * that offsets lie inside the file and tile the data section without gap or overlap. Files from other writers have
 * no checksum: {@link #read} accepts them, {@link #readVerified} (for jdnn's own checkpoints) does not. Problems throw
 * {@link CheckpointException} naming the file and what is wrong.
 */
public final class SafeTensors {
    /** The metadata key holding the CRC-32C of the whole file (see the class comment), 8 lowercase hex digits. */
    public static final String CHECKSUM_KEY = "jdnn.file_crc32c";
    /** The key of earlier versions' checksum, the CRC-32C of the data section only; still verified when present. */
    public static final String DATA_CHECKSUM_KEY = "jdnn.crc32c";
    /** The checksum's value while it is computed, and as it is counted in itself. */
    private static final String ZERO_CHECKSUM = "00000000";
    /** The bytes just before the checksum's value in a header jdnn wrote. */
    private static final byte[] CHECKSUM_PREFIX = ("\"" + CHECKSUM_KEY + "\":\"").getBytes(StandardCharsets.US_ASCII);
    /** Headers above this are refused (the reference implementation's limit): a corrupt length must not allocate gigabytes. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final String METADATA_KEY = "__metadata__";
    private static final Set<String> KNOWN_DTYPES = Set.of("BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16",
            "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64");
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");
    private static final int CHUNK_BYTES = 1 << 18;
    /** The dtypes written and read, by their safetensors names. */
    private static final Map<String, DType> DTYPES = Map.of("F32", DType.FLOAT32, "F64", DType.FLOAT64,
            "I64", DType.INT64, "BOOL", DType.BOOL);

    private SafeTensors() {
    }

    /** Writes {@code tensors} (insertion order kept) with no user metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (insertion order kept) and {@code metadata} to {@code file}, atomically,
     * replacing any existing file. The tensors must be open and of dtype float32, float64, int64 or bool; names must
     * be non-empty and
     * not {@code "__metadata__"}; {@value #CHECKSUM_KEY} is reserved.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        String what = "safetensors write " + file;
        for (String reserved : List.of(CHECKSUM_KEY, DATA_CHECKSUM_KEY)) {
            if (metadata.containsKey(reserved)) {
                throw new IllegalArgumentException(what + ": metadata key " + reserved + " is reserved for the checksum");
            }
        }
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(what + ": bad tensor name " + (name == null ? "null" : "'" + name + "'"));
            }
            if (t == null || t.isClosed()) {
                throw new IllegalStateException(what + ": tensor '" + name + "' is " + (t == null ? "null" : "closed"));
            }
            if (!DTYPES.containsValue(t.dtype())) {
                throw new IllegalArgumentException(what + ": tensor '" + name + "' has dtype " + t.dtype()
                        + ", only float32, float64, int64 and bool are written");
            }
            long bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
            entries.add(new Entry(name, t.dtype(), t.dims(), offset, offset + bytes));
            offset += bytes;
        }
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            if (m.getKey() == null || m.getValue() == null) {
                throw new IllegalArgumentException(what + ": metadata holds a null key or value");
            }
        }

        // The checksum has a fixed width, so the header length is known before the data is written, and the header
        // with a zero checksum is what the checksum covers.
        byte[] placeholder = header(what, entries, metadata, ZERO_CHECKSUM);
        long dataStart = 8L + placeholder.length;
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Path temp = AtomicFiles.createTemporary(target);
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                crc.update(lengthBytes(placeholder.length));
                crc.update(placeholder);
                ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                long position = dataStart;
                for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                    Tensor t = e.getValue();
                    int size = t.dtype().byteSize(), perChunk = CHUNK_BYTES / size;
                    ChunkWriter chunk = chunkWriter(t);
                    for (long from = 0, n = t.numel(); from < n; from += perChunk) {
                        int count = (int) Math.min(perChunk, n - from);
                        buffer.clear();
                        chunk.put(buffer, (int) from, count);
                        buffer.position(0).limit(count * size);
                        crc.update(buffer.duplicate());
                        position += writeFully(channel, buffer, position);
                    }
                }
                byte[] header = header(what, entries, metadata, String.format("%08x", crc.getValue()));
                if (header.length != placeholder.length) {
                    throw new IllegalStateException(what + ": header length changed from " + placeholder.length + " to " + header.length);
                }
                ByteBuffer head = ByteBuffer.allocate(8 + header.length).put(lengthBytes(header.length)).put(header).flip();
                writeFully(channel, head, 0);
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(what + ": the file system of " + directory + " cannot rename atomically", e);
            }
            done = true;
            syncDirectory(directory);
        } finally {
            AtomicFiles.release(temp, !done);
        }
    }

    /** The 8-byte little-endian header length that starts the file. */
    private static byte[] lengthBytes(long headerLength) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
    }

    /** Puts elements [from, from + count) of a tensor's values into a little-endian buffer. */
    private interface ChunkWriter {
        void put(ByteBuffer buffer, int from, int count);
    }

    /** The tensor's values read once (one counted copy from a device), written a chunk at a time. */
    private static ChunkWriter chunkWriter(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT64 -> {
                double[] values = t.toDoubleArray();
                yield (b, from, count) -> b.asDoubleBuffer().put(values, from, count);
            }
            case INT64 -> {
                long[] values = t.toLongArray();
                yield (b, from, count) -> b.asLongBuffer().put(values, from, count);
            }
            case BOOL -> {
                boolean[] values = t.toBooleanArray();
                yield (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        b.put(i, values[from + i] ? (byte) 1 : (byte) 0);
                    }
                };
            }
            default -> {
                float[] values = t.toFloatArray();
                yield (b, from, count) -> b.asFloatBuffer().put(values, from, count);
            }
        };
    }

    private static String safetensorsName(DType dtype) {
        for (Map.Entry<String, DType> e : DTYPES.entrySet()) {
            if (e.getValue() == dtype) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("safetensors: no name for dtype " + dtype);
    }

    /** The header JSON, space-padded so that 8 + its length is a multiple of 8; the checksum is its last member. */
    private static byte[] header(String what, List<Entry> entries, Map<String, String> metadata, String checksum) {
        StringBuilder json = new StringBuilder("{");
        for (Entry e : entries) {
            json.append(Json.quote(e.name)).append(":{\"dtype\":\"").append(safetensorsName(e.dtype))
                    .append("\",\"shape\":[");
            for (int i = 0; i < e.shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(e.shape[i]);
            }
            json.append("],\"data_offsets\":[").append(e.begin).append(',').append(e.end).append("]},");
        }
        json.append("\"" + METADATA_KEY + "\":{");
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            json.append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue())).append(',');
        }
        json.append(Json.quote(CHECKSUM_KEY)).append(':').append(Json.quote(checksum)).append("}}");
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(json));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + ": a tensor name or metadata string is not valid Unicode (lone surrogate)");
        }
        int padded = (bytes.length + 7) / 8 * 8;
        byte[] result = Arrays.copyOf(bytes, padded);
        Arrays.fill(result, bytes.length, padded, (byte) ' ');
        return result;
    }

    private static int writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int written = 0;
        while (buffer.hasRemaining()) {
            written += channel.write(buffer, position + written);
        }
        return written;
    }

    /** Makes the rename itself durable; some platforms cannot open directories, where this is skipped. */
    private static void syncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: the data itself is already forced; only the directory entry's durability is at stake.
        }
    }

    /**
     * Reads every tensor of {@code file} into new tensors; see the class comment for what is checked. A file without a
     * checksum (from another writer) is accepted.
     */
    public static NamedTensors read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * Reads {@code file} as {@link #read} does, but only if it carries jdnn's checksum (or an earlier version's): for
     * files jdnn wrote itself, where a missing checksum means damage (a flipped byte in its key hides it).
     */
    public static NamedTensors readVerified(Path file) throws IOException {
        return read(file, true);
    }

    private static NamedTensors read(Path file, boolean requireChecksum) throws IOException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(name, null, "no such checkpoint file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new CheckpointException(name + ": truncated: " + fileSize + " bytes, not even the 8-byte header length");
            }
            ByteBuffer lengthBytes = readFully(channel, 0, 8, name).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = lengthBytes.getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointException(name + ": header length " + Long.toUnsignedString(headerLength)
                        + " is not plausible (expected 2.." + MAX_HEADER_BYTES + "); not a safetensors file?");
            }
            if (8 + headerLength > fileSize) {
                throw new CheckpointException(name + ": truncated: the header announces " + headerLength
                        + " bytes but the file has only " + (fileSize - 8) + " after the length");
            }
            byte[] header = readFully(channel, 8, (int) headerLength, name).array();
            Checksum checksum = fileChecksum(channel, header, name);
            Layout layout;
            try {
                layout = layout(header, fileSize, checksum.recorded(), requireChecksum, name);
            } catch (CheckpointException e) {
                // What the structure says (truncated, a bad shape...) is more precise; the mismatch goes with it.
                throw checksum.mismatch() == null ? e : new CheckpointException(e.getMessage() + "; " + checksum.mismatch(), e);
            }
            if (checksum.mismatch() != null) {
                throw new CheckpointException(name + ": " + checksum.mismatch());
            }
            return load(channel, layout.entries(), layout.metadata(), layout.dataStart(), name);
        }
    }

    /** What a header says: the tensors' entries, the metadata, where the data starts. */
    private record Layout(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    /** Parses and validates the header of a file of {@code fileSize} bytes (see the class comment). */
    private static Layout layout(byte[] header, long fileSize, String checksum, boolean requireChecksum, String name)
            throws CheckpointException {
        long headerLength = header.length;
        String headerText = decodeUtf8(ByteBuffer.wrap(header), name);
        if (!headerText.startsWith("{")) {
            throw new CheckpointException(name + ": header does not start with '{'; not a safetensors file?");
        }
        Object parsed;
        try {
            parsed = Json.parse(headerText);
        } catch (Json.SyntaxException e) {
            throw new CheckpointException(name + ": malformed JSON header: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> top)) {
            throw new CheckpointException(name + ": header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                metadata = metadata(e.getValue(), name);
            } else {
                entries.add(entry(key, e.getValue(), name));
            }
        }
        if (!Objects.equals(checksum, metadata.get(CHECKSUM_KEY))) {
            throw new CheckpointException(name + ": " + METADATA_KEY + "." + CHECKSUM_KEY
                    + " is not written as jdnn writes it (the last member, unescaped); the checksum cannot be checked");
        }
        if (requireChecksum && checksum == null && !metadata.containsKey(DATA_CHECKSUM_KEY)) {
            throw new CheckpointException(name + ": no checksum (" + METADATA_KEY + "." + CHECKSUM_KEY
                    + "): not a file jdnn wrote, or its header is damaged");
        }
        checkTiling(entries, dataLength, name);
        return new Layout(entries, metadata, dataStart);
    }

    /** The checksum the header records (null if none), and a description of the mismatch if it does not hold. */
    private record Checksum(String recorded, String mismatch) {
    }

    /**
     * Computes the whole-file checksum when the header carries one, before anything in the header is believed. See the
     * class comment for what it covers.
     */
    private static Checksum fileChecksum(FileChannel channel, byte[] header, String name) throws IOException {
        int at = lastIndexOf(header, CHECKSUM_PREFIX);
        if (at < 0) {
            return new Checksum(null, null);
        }
        int value = at + CHECKSUM_PREFIX.length;
        String recorded = new String(header, value, Math.min(8, header.length - value), StandardCharsets.US_ASCII);
        if (value + 8 >= header.length || header[value + 8] != '"' || !recorded.matches("[0-9a-f]{8}")) {
            throw new CheckpointException(name + ": checksum " + CHECKSUM_KEY + " = '" + recorded + "...' is not 8 hex digits");
        }
        CRC32C crc = new CRC32C();
        crc.update(lengthBytes(header.length));
        byte[] counted = header.clone();
        Arrays.fill(counted, value, value + 8, (byte) '0');
        crc.update(counted);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        for (long position = 8L + header.length; ; position += chunk.limit()) {
            chunk.clear();
            if (channel.read(chunk, position) < 0) {
                break;
            }
            crc.update(chunk.flip());
        }
        String actual = String.format("%08x", crc.getValue());
        return new Checksum(recorded, actual.equals(recorded) ? null : "checksum mismatch: the file's CRC-32C is " + actual
                + " but its header records " + recorded + " (the header or the data is corrupt)");
    }

    private static int lastIndexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = bytes.length - pattern.length; i >= 0; i--) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Map<String, String> metadata(Object value, String name) throws CheckpointException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(name + ": " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(name + ": " + METADATA_KEY + " value of \"" + e.getKey() + "\" is not a string");
            }
            result.put((String) e.getKey(), s);
        }
        return result;
    }

    private static Entry entry(String tensor, Object value, String name) throws CheckpointException {
        String where = name + ": tensor '" + tensor + "'";
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(where + ": header entry is not a JSON object");
        }
        for (Object key : map.keySet()) {
            if (!ENTRY_KEYS.contains(key)) {
                throw new CheckpointException(where + ": unexpected field \"" + key + "\" (expected dtype, shape, data_offsets)");
            }
        }
        for (String key : ENTRY_KEYS) {
            if (!map.containsKey(key)) {
                throw new CheckpointException(where + ": missing field \"" + key + "\"");
            }
        }
        if (!(map.get("dtype") instanceof String dtype)) {
            throw new CheckpointException(where + ": dtype is not a string");
        }
        DType type = DTYPES.get(dtype);
        if (type == null) {
            throw new CheckpointException(where + ": dtype " + dtype + (KNOWN_DTYPES.contains(dtype)
                    ? " is not supported (only F32, F64, I64, BOOL)" : " is not a safetensors dtype"));
        }
        long[] shape = longs(map.get("shape"), where + ": shape", -1);
        long[] offsets = longs(map.get("data_offsets"), where + ": data_offsets", 2);
        if (offsets[0] > offsets[1]) {
            throw new CheckpointException(where + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        long bytes = type.byteSize();
        for (long d : shape) {
            try {
                bytes = Math.multiplyExact(bytes, d);
            } catch (ArithmeticException e) {
                throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " overflows");
            }
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new CheckpointException(where + ": shape " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes of " + dtype + " but data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]));
        }
        if (bytes / type.byteSize() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(where + ": " + bytes / type.byteSize() + " elements are too many to load");
        }
        return new Entry(tensor, type, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers, of exactly {@code length} elements unless it is -1. */
    private static long[] longs(Object value, String where, int length) throws CheckpointException {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointException(where + " is not a JSON array");
        }
        if (length >= 0 && list.size() != length) {
            throw new CheckpointException(where + " has " + list.size() + " elements, expected " + length);
        }
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof BigDecimal number)) {
                throw new CheckpointException(where + "[" + i + "] is not a number: " + list.get(i));
            }
            try {
                result[i] = number.longValueExact();
            } catch (ArithmeticException e) {
                throw new CheckpointException(where + "[" + i + "] = " + number + " is not an integer that fits 64 bits");
            }
            if (result[i] < 0) {
                throw new CheckpointException(where + "[" + i + "] = " + result[i] + " is negative");
            }
        }
        return result;
    }

    /** The tensors must cover [0, dataLength) exactly, with no gap and no overlap (the format requires it). */
    private static void checkTiling(List<Entry> entries, long dataLength, String name) throws CheckpointException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.end > dataLength) {
                throw new CheckpointException(name + ": truncated: tensor '" + e.name + "' ends at data byte " + e.end
                        + " but the data section has only " + dataLength + " bytes");
            }
            if (e.begin < expected) {
                throw new CheckpointException(name + ": tensors '" + previous.name + "' " + previous.range() + " and '"
                        + e.name + "' " + e.range() + " overlap");
            }
            if (e.begin > expected) {
                throw new CheckpointException(name + ": " + (e.begin - expected) + " unused bytes before tensor '" + e.name
                        + "' " + e.range() + (previous == null ? "" : ", after '" + previous.name + "' " + previous.range()));
            }
            expected = e.end;
            previous = e;
        }
        if (expected != dataLength) {
            throw new CheckpointException(name + ": " + (dataLength - expected) + " bytes after the last tensor's data"
                    + " (data section " + dataLength + " bytes, tensors end at " + expected + ")");
        }
    }

    private static NamedTensors load(FileChannel channel, List<Entry> entries, Map<String, String> metadata,
                                     long dataStart, String name) throws IOException {
        String expected = metadata.get(DATA_CHECKSUM_KEY);
        if (expected != null && !expected.matches("[0-9a-f]{8}")) {
            throw new CheckpointException(name + ": checksum " + DATA_CHECKSUM_KEY + " = '" + expected + "' is not 8 hex digits");
        }
        // Read in offset order, so the data checksum of earlier versions sees the data section front to back.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(e -> e.begin));
        Map<String, Tensor> byName = new LinkedHashMap<>();
        boolean ok = false;
        try {
            CRC32C crc = new CRC32C();
            for (Entry e : byOffset) {
                ByteBuffer bytes = readFully(channel, dataStart + e.begin, Math.toIntExact(e.end - e.begin), name);
                crc.update(bytes.duplicate());
                byName.put(e.name, tensor(e, bytes.order(ByteOrder.LITTLE_ENDIAN), name));
            }
            String actual = String.format("%08x", crc.getValue());
            if (expected != null && !expected.equals(actual)) {
                throw new CheckpointException(name + ": checksum mismatch: the data's CRC-32C is " + actual
                        + " but the header records " + expected + " (the file is corrupt)");
            }
            Map<String, Tensor> inHeaderOrder = new LinkedHashMap<>();
            for (Entry e : entries) {
                inHeaderOrder.put(e.name, byName.get(e.name));
            }
            ok = true;
            return new NamedTensors(inHeaderOrder, metadata);
        } finally {
            if (!ok) {
                byName.values().forEach(Tensor::close);
            }
        }
    }

    /** The tensor of entry {@code e} from its little-endian bytes. */
    private static Tensor tensor(Entry e, ByteBuffer bytes, String name) throws CheckpointException {
        int n = (int) ((e.end - e.begin) / e.dtype.byteSize());
        switch (e.dtype) {
            case FLOAT64 -> {
                double[] values = new double[n];
                bytes.asDoubleBuffer().get(values);
                return Tensor.ofDoubles(values, e.shape);
            }
            case INT64 -> {
                long[] values = new long[n];
                bytes.asLongBuffer().get(values);
                return Tensor.ofLongs(values, e.shape);
            }
            case BOOL -> {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    byte b = bytes.get(i);
                    if (b != 0 && b != 1) {
                        throw new CheckpointException(name + ": tensor '" + e.name + "': BOOL element " + i + " is byte "
                                + (b & 0xff) + ", not 0 or 1");
                    }
                    values[i] = b == 1;
                }
                return Tensor.ofBooleans(values, e.shape);
            }
            default -> {
                float[] values = new float[n];
                bytes.asFloatBuffer().get(values);
                return Tensor.of(values, e.shape);
            }
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, String name) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CheckpointException(name + ": truncated while reading bytes " + position + ".." + (position + length));
            }
        }
        return buffer.flip();
    }

    private static String decodeUtf8(ByteBuffer bytes, String name) throws CheckpointException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(name + ": header is not valid UTF-8", e);
        }
    }

    /** One tensor's header entry. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        String range() {
            return "[" + begin + ", " + end + ")";
        }
    }
}
