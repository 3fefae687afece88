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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole-file checksum: any damaged byte, in the length, the header, its metadata or the data, is a
 * {@link CheckpointException}; files of earlier versions (data-only checksum) and of other writers stay readable.
 */
class SafeTensorsChecksumTest {
    @TempDir
    Path dir;

    /** An optimizer-like file: two state tensors and hyper-parameters as metadata, as Checkpoint writes it. */
    private Path optimizerFile() throws IOException {
        Path file = dir.resolve("optimizer.safetensors");
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("0.exp_avg", Tensor.randn(1, 4, 8));
            tensors.put("0.exp_avg_sq", Tensor.rand(2, 8));
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("lr", "0.001");
            metadata.put("betas.0", "0.9");
            SafeTensors.write(file, tensors, metadata);
        }
        return file;
    }

    private static long headerLength(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private Path damaged(byte[] bytes, String name) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static CheckpointException rejected(Path file, boolean verified) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> (verified ? SafeTensors.readVerified(file) : SafeTensors.read(file)).close(), file.toString());
        assertTrue(e.getMessage().contains(file.toString()), "message does not name the file: " + e.getMessage());
        return e;
    }

    @Test
    void everyFlippedBitOfTheHeaderIsDetected() throws IOException {
        byte[] good = Files.readAllBytes(optimizerFile());
        int headerEnd = (int) (8 + headerLength(good));
        String header = new String(good, 8, headerEnd - 8, StandardCharsets.UTF_8);
        int keyStart = 8 + header.indexOf("\"jdnn.file_crc32c\""), keyEnd = keyStart + "\"jdnn.file_crc32c\"".length();
        int checksumMessages = 0, cases = 0;
        for (int i = 0; i < headerEnd; i++) {
            for (int bit : new int[] {0x01, 0x02, 0x10, 0x40}) {
                byte[] bytes = good.clone();
                bytes[i] ^= (byte) bit;
                Path file = damaged(bytes, "flip.safetensors");
                CheckpointException e = rejected(file, true);
                cases++;
                checksumMessages += e.getMessage().contains("checksum mismatch") ? 1 : 0;
                // The lenient reader takes a file whose checksum key is damaged for one from another writer; every
                // other flip it rejects as well.
                if (i < keyStart || i >= keyEnd) {
                    rejected(file, false);
                }
            }
        }
        System.out.printf("safetensors: %d header bit flips, all rejected, %d of them as a checksum mismatch%n",
                cases, checksumMessages);
        assertTrue(checksumMessages > cases * 3 / 4, checksumMessages + " of " + cases + " name the checksum");
    }

    @Test
    void flippedDataBytesAreDetected() throws IOException {
        byte[] good = Files.readAllBytes(optimizerFile());
        int dataStart = (int) (8 + headerLength(good));
        for (int i : new int[] {dataStart, dataStart + 17, good.length - 1}) {
            byte[] bytes = good.clone();
            bytes[i] ^= (byte) 0x80;
            assertTrue(rejected(damaged(bytes, "data" + i + ".safetensors"), false).getMessage().contains("checksum mismatch"));
        }
    }

    /** Edits that keep the header valid JSON of the same length: only the checksum can see them. */
    @Test
    void aSwappedShapeOrAChangedHyperParameterFailsTheChecksum() throws IOException {
        byte[] good = Files.readAllBytes(optimizerFile());
        String text = new String(good, StandardCharsets.ISO_8859_1);
        for (String[] edit : new String[][] {{"\"shape\":[4,8]", "\"shape\":[8,4]"}, {"\"lr\":\"0.001\"", "\"lr\":\"0.101\""}}) {
            assertTrue(text.contains(edit[0]), edit[0]);
            byte[] bytes = text.replace(edit[0], edit[1]).getBytes(StandardCharsets.ISO_8859_1);
            CheckpointException e = rejected(damaged(bytes, "edited.safetensors"), false);
            assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains("header or the data"),
                    e.getMessage());
        }
    }

    @Test
    void aGoodFileReadsWithEitherReader() throws IOException {
        Path file = optimizerFile();
        try (NamedTensors lenient = SafeTensors.read(file); NamedTensors verified = SafeTensors.readVerified(file)) {
            assertArrayEquals(new long[] {4, 8}, verified.get("0.exp_avg").dims());
            assertArrayEquals(lenient.get("0.exp_avg_sq").toFloatArray(), verified.get("0.exp_avg_sq").toFloatArray());
            assertEquals("0.001", verified.metadata().get("lr"));
        }
    }

    /** A file as jdnn wrote it before the whole-file checksum: the data's CRC-32C under jdnn.crc32c. */
    private Path legacyFile(byte[] data) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(data);
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"jdnn.crc32c\":\""
                + String.format("%08x", crc.getValue()) + "\"}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII)).put(data);
        return Files.write(dir.resolve("legacy.safetensors"), b.array());
    }

    @Test
    void filesOfEarlierVersionsAreReadWithTheirDataChecksum() throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        Path legacy = legacyFile(data);
        try (NamedTensors t = SafeTensors.readVerified(legacy)) {
            assertArrayEquals(new float[] {1.5f, -2f}, t.get("a").toFloatArray());
        }
        byte[] bytes = Files.readAllBytes(legacy);
        bytes[bytes.length - 1] ^= 1;
        assertTrue(rejected(damaged(bytes, "legacy-bad.safetensors"), true).getMessage().contains("checksum mismatch"));
    }

    @Test
    void filesOfOtherWritersHaveNoChecksumAndOnlyTheLenientReaderTakesThem() throws IOException {
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"__metadata__\":{\"format\":\"pt\"}}";
        byte[] h = json.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).putFloat(3f);
        Path file = Files.write(dir.resolve("pt.safetensors"), b.array());
        try (NamedTensors t = SafeTensors.read(file)) {
            assertArrayEquals(new float[] {3f}, t.get("a").toFloatArray());
        }
        assertTrue(rejected(file, true).getMessage().contains("no checksum"));
    }
}
