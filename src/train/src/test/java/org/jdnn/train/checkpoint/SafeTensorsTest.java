package org.jdnn.train.checkpoint;

import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors checkpoints: the writer's bytes checked by an independent reader written here (its own JSON
 * parsing, offsets and sizes), exact round trips, files from other writers, and every kind of damage.
 */
class SafeTensorsTest {
    @TempDir
    Path dir;

    /** Tensors named out of alphabetical order, including a scalar, an empty tensor and one larger than a write chunk. */
    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("layer2.weight", Tensor.randn(1, 3, 4));
        m.put("layer1.bias", Tensor.of(1f, -2.5f, Float.MIN_VALUE, Float.MAX_VALUE, -0f));
        m.put("step", Tensor.scalar(42));
        m.put("empty", Tensor.zeros(0, 3));
        m.put("big \"quoted\" \u00e9\u4e2d", Tensor.randn(2, 70_001));
        return m;
    }

    @Test
    void roundTripKeepsValuesOrderAndMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = sample();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("epoch", "3");
            meta.put("format", "pt");
            SafeTensors.write(file, tensors, meta);
            try (NamedTensors back = SafeTensors.read(file)) {
                assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "insertion order");
                for (var e : tensors.entrySet()) {
                    Tensor t = back.get(e.getKey());
                    assertArrayEquals(e.getValue().dims(), t.dims(), e.getKey());
                    assertArrayEquals(e.getValue().toFloatArray(), t.toFloatArray(), e.getKey()); // bit-exact
                }
                assertEquals(List.of("epoch", "format", SafeTensors.CHECKSUM_KEY), List.copyOf(back.metadata().keySet()));
                assertEquals("3", back.metadata().get("epoch"));
                var missing = assertThrows(IllegalArgumentException.class, () -> back.get("nope"));
                assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    /** The exact bytes of a one-tensor file, as the format specifies them. */
    @Test
    void exactBytesOfASmallFile() throws IOException {
        Path file = dir.resolve("a.safetensors");
        try (Tensor a = Tensor.of(new float[] {1f, -2f}, 2)) {
            SafeTensors.write(file, Map.of("a", a));
        }
        byte[] bytes = Files.readAllBytes(file);
        byte[] data = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0}; // 1.0f and -2.0f, little-endian
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"jdnn.file_crc32c\":\"%s\"}}";
        int padded = (json.length() - 2 + 8 + 7) / 8 * 8; // %s becomes 8 digits
        // The checksum covers the whole file, its own 8 digits counted as '0'.
        byte[] withZeros = file(padded, String.format(json, "00000000"), data);
        CRC32C crc = new CRC32C();
        crc.update(withZeros);
        assertArrayEquals(file(padded, String.format(json, String.format("%08x", crc.getValue())), data), bytes);
    }

    private static byte[] file(int padded, String json, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    /** The writer's output read back by the independent reader below, which shares no code with SafeTensors. */
    @Test
    void independentReaderAgreesWithTheWriter() throws IOException {
        Path file = dir.resolve("indep.safetensors");
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = sample();
            SafeTensors.write(file, tensors, Map.of("note", "line\nbreak \\ \"q\" \u0001"));
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long n = buf.getLong();
            assertEquals(0, (8 + n) % 8, "data section 8-byte aligned");
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            String trimmed = header.stripTrailing();
            assertTrue(header.substring(trimmed.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
            @SuppressWarnings("unchecked")
            Map<String, Object> top = (Map<String, Object>) new MiniJson(trimmed).parseValue();
            assertEquals(tensors.size() + 1, top.size());
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) top.get("__metadata__");
            assertEquals("line\nbreak \\ \"q\" \u0001", meta.get("note"));
            long dataStart = 8 + n;
            long expectedBegin = 0;
            List<String> names = new ArrayList<>();
            for (var e : top.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                names.add(e.getKey());
                @SuppressWarnings("unchecked")
                Map<String, Object> info = (Map<String, Object>) e.getValue();
                assertEquals("F32", info.get("dtype"));
                long[] shape = ((List<?>) info.get("shape")).stream().mapToLong(x -> (Long) x).toArray();
                long[] offsets = ((List<?>) info.get("data_offsets")).stream().mapToLong(x -> (Long) x).toArray();
                Tensor original = tensors.get(e.getKey());
                assertArrayEquals(original.dims(), shape, e.getKey());
                assertEquals(expectedBegin, offsets[0], e.getKey() + " follows the previous tensor");
                assertEquals(original.numel() * 4, offsets[1] - offsets[0], e.getKey());
                float[] values = new float[(int) original.numel()];
                ByteBuffer.wrap(bytes, (int) (dataStart + offsets[0]), (int) (offsets[1] - offsets[0]))
                        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                assertArrayEquals(original.toFloatArray(), values, e.getKey());
                expectedBegin = offsets[1];
            }
            assertEquals(List.copyOf(tensors.keySet()), names, "header order is insertion order");
            assertEquals(bytes.length - dataStart, expectedBegin, "tensors fill the data section exactly");
            String recorded = (String) meta.get("jdnn.file_crc32c");
            assertTrue(trimmed.endsWith("\"jdnn.file_crc32c\":\"" + recorded + "\"}}"), "the checksum is the last member");
            byte[] counted = bytes.clone();
            int at = 8 + trimmed.getBytes(StandardCharsets.UTF_8).length - 11; // the 8 digits before "}}
            Arrays.fill(counted, at, at + 8, (byte) '0');
            CRC32C crc = new CRC32C();
            crc.update(counted);
            assertEquals(String.format("%08x", crc.getValue()), recorded);
        }
    }

    /** A file as another writer makes it: no checksum, whitespace, tensor data in another order than the header. */
    @Test
    void readsFilesFromOtherWriters() throws IOException {
        String json = "{ \"b\" : {\"shape\": [1], \"dtype\": \"F32\", \"data_offsets\": [8, 12]},\n"
                + "  \"a\": {\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}, \"__metadata__\": {\"format\": \"pt\"}}";
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2).putFloat(3);
        Path file = write("other.safetensors", json, data.array());
        try (NamedTensors t = SafeTensors.read(file)) {
            assertEquals(List.of("b", "a"), List.copyOf(t.tensors().keySet()));
            assertArrayEquals(new float[] {1, 2}, t.get("a").toFloatArray());
            assertArrayEquals(new float[] {3}, t.get("b").toFloatArray());
            assertEquals(Map.of("format", "pt"), t.metadata());
        }
    }

    @Test
    void overwritesAtomicallyAndRejectsBadInputBeforeTouchingTheFile() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        try (Tensor a = Tensor.ones(3); Tensor b = Tensor.zeros(2)) {
            SafeTensors.write(file, Map.of("a", a));
            SafeTensors.write(file, Map.of("b", b));
            try (NamedTensors t = SafeTensors.read(file)) {
                assertEquals(List.of("b"), List.copyOf(t.tensors().keySet()));
            }
            byte[] before = Files.readAllBytes(file);
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("a", a), Map.of(SafeTensors.CHECKSUM_KEY, "0")));
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("a", a), Map.of(SafeTensors.DATA_CHECKSUM_KEY, "0")));
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("__metadata__", a)));
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("", a)));
            assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("bad\ud800", a)));
            b.close();
            var e = assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, Map.of("b", b)));
            assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("closed"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "a failed write leaves the old file untouched");
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    // ---- damage ----

    private Path write(String name, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Files.write(dir.resolve(name), b.array());
    }

    private static void assertRejected(Path file, String... parts) {
        var e = assertThrows(CheckpointException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "message '" + e.getMessage() + "' does not name the file");
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    private Path good() throws IOException {
        Path file = dir.resolve("good.safetensors");
        try (Tensor w = Tensor.randn(3, 8, 8); Tensor b = Tensor.randn(4, 8)) {
            SafeTensors.write(file, Map.of("w", w, "b", b));
        }
        return file;
    }

    @Test
    void flippedDataByteFailsTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(good());
        bytes[bytes.length - 3] ^= 0x10;
        Path bad = Files.write(dir.resolve("flipped.safetensors"), bytes);
        assertRejected(bad, "checksum mismatch");
    }

    @Test
    void truncationAnywhereIsRejected() throws IOException {
        byte[] bytes = Files.readAllBytes(good());
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int length : new int[] {0, 5, 8, 20, (int) (8 + n), (int) (8 + n + 100), bytes.length - 1}) {
            Path cut = Files.write(dir.resolve("cut" + length + ".safetensors"), Arrays.copyOf(bytes, length));
            var e = assertThrows(CheckpointException.class, () -> SafeTensors.read(cut), "cut at " + length);
            assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"),
                    "cut at " + length + ": " + e.getMessage());
        }
    }

    @Test
    void implausibleHeaderLength() throws IOException {
        byte[] bytes = Files.readAllBytes(good());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertRejected(Files.write(dir.resolve("len.safetensors"), bytes), "header length", "not plausible");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -5);
        assertRejected(Files.write(dir.resolve("neg.safetensors"), bytes), "not plausible");
        assertRejected(Files.write(dir.resolve("text.safetensors"), "hello world, this is text".getBytes()), "not plausible");
    }

    @Test
    void badHeaders() throws IOException {
        byte[] four = new byte[4];
        String ok = "\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]";
        assertRejected(write("syntax.st", "{\"a\":{" + ok + "}", four), "malformed JSON");
        assertRejected(write("trail.st", "{\"a\":{" + ok + "}} x", four), "malformed JSON");
        assertRejected(write("notobj.st", "[1,2]   ", four), "does not start with '{'");
        assertRejected(write("utf8.st", "{\"\u00ff\":1}".replace('\u00ff', '?') + "\u0000", four), "malformed JSON");
        assertRejected(write("dup.st", "{\"a\":{" + ok + "},\"a\":{" + ok + "}}", four), "duplicate key \"a\"");
        assertRejected(write("bf16.st", "{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", four),
                "tensor 'a'", "BF16 is not supported");
        assertRejected(write("q8.st", "{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,4]}}", four),
                "Q8 is not a safetensors dtype");
        assertRejected(write("shape.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", four),
                "shape [2] needs 8 bytes", "span 4");
        assertRejected(write("frac.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", four),
                "not an integer");
        assertRejected(write("negdim.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", four),
                "negative");
        assertRejected(write("missing.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", four), "missing field \"data_offsets\"");
        assertRejected(write("extra.st", "{\"a\":{" + ok + ",\"x\":1}}", four), "unexpected field \"x\"");
        assertRejected(write("three.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", four),
                "3 elements, expected 2");
        assertRejected(write("meta.st", "{\"a\":{" + ok + "},\"__metadata__\":{\"k\":1}}", four), "not a string");
        assertRejected(write("overflow.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", four),
                "overflows");
        assertRejected(write("crcfmt.st", "{\"a\":{" + ok + "},\"__metadata__\":{\"jdnn.crc32c\":\"xyz\"}}", four),
                "not 8 hex digits");
        assertRejected(write("filecrcfmt.st", "{\"a\":{" + ok + "},\"__metadata__\":{\"jdnn.file_crc32c\":\"0123456z\"}}", four),
                "not 8 hex digits");
        assertRejected(write("escaped.st", "{\"a\":{" + ok + "},\"__metadata__\":{\"jdnn.file_crc32c\" : \"01234567\"}}", four),
                "not written as jdnn writes it");
        byte[] invalidUtf8 = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + invalidUtf8.length).order(ByteOrder.LITTLE_ENDIAN).putLong(invalidUtf8.length).put(invalidUtf8);
        assertRejected(Files.write(dir.resolve("badutf8.st"), b.array()), "not valid UTF-8");
    }

    @Test
    void offsetsMustTileTheDataSection() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertRejected(write("overlap.st", "{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "'a' [0, 8) and 'b' [4, 8) overlap");
        assertRejected(write("gap.st", "{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", new byte[16]),
                "4 unused bytes before tensor 'b'");
        assertRejected(write("beyond.st", "{" + a + "}", new byte[4]), "truncated", "ends at data byte 8", "only 4");
        assertRejected(write("trailing.st", "{" + a + "}", new byte[12]), "4 bytes after the last tensor");
        assertRejected(write("reversed.st", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", new byte[8]),
                "end before they begin");
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> SafeTensors.read(dir.resolve("absent.safetensors")));
    }

    /**
     * A deliberately separate, minimal JSON reader (objects keep key order, integers become Long) so the
     * writer is not validated by its own parser.
     */
    private static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Object parseValue() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                do {
                    ws();
                    String k = (String) parseValue();
                    ws();
                    if (s.charAt(i++) != ':') {
                        throw new AssertionError("':' expected at " + (i - 1));
                    }
                    m.put(k, parseValue());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') {
                    throw new AssertionError("'}' expected at " + (i - 1));
                }
                return m;
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(parseValue());
                    ws();
                } while (s.charAt(i++) == ',');
                return l;
            }
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    char ch = s.charAt(i++);
                    if (ch == '\\') {
                        char esc = s.charAt(i++);
                        switch (esc) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'u' -> {
                                sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                                i += 4;
                            }
                            default -> sb.append(esc);
                        }
                    } else {
                        sb.append(ch);
                    }
                }
                i++;
                return sb.toString();
            }
            int start = i;
            while (i < s.length() && "-0123456789".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return Long.parseLong(s.substring(start, i));
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
