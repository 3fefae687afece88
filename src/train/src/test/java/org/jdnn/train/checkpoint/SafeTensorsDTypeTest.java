package org.jdnn.train.checkpoint;

import org.jdnn.nn.Linear;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** int64, float64 and bool tensors round-trip through safetensors as I64, F64 and BOOL; other dtypes are refused. */
class SafeTensorsDTypeTest {
    @TempDir
    Path dir;

    @Test
    void everyDTypeRoundTripsWithItsSafetensorsName() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        long big = (1L << 53) + 1;
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("weight", Tensor.of(new float[] {1.5f, -2f}, 2));
            tensors.put("labels", Tensor.ofLongs(new long[] {3, -1, big, 0, 7, 9}, 2, 3));
            tensors.put("precise", Tensor.ofDoubles(1.0 / 3, Math.PI, -0.0));
            tensors.put("mask", Tensor.ofBooleans(true, false, true));
            tensors.put("onSim", Tensor.ofLongs(5, 6).to(Device.SIM));
            tensors.put("empty", Tensor.zeros(DType.INT64, 0));
            SafeTensors.write(file, tensors);
            String header = new String(Files.readAllBytes(file), 8, 400, StandardCharsets.UTF_8);
            assertTrue(header.contains("\"labels\":{\"dtype\":\"I64\",\"shape\":[2,3]"), header);
            assertTrue(header.contains("\"precise\":{\"dtype\":\"F64\""), header);
            assertTrue(header.contains("\"mask\":{\"dtype\":\"BOOL\""), header);
            assertTrue(header.contains("\"weight\":{\"dtype\":\"F32\""), header);
            try (NamedTensors read = SafeTensors.read(file)) {
                assertEquals(DType.INT64, read.get("labels").dtype());
                assertArrayEquals(new long[] {3, -1, big, 0, 7, 9}, read.get("labels").toLongArray());
                assertEquals(DType.FLOAT64, read.get("precise").dtype());
                assertArrayEquals(new double[] {1.0 / 3, Math.PI, -0.0}, read.get("precise").toDoubleArray());
                assertEquals(DType.BOOL, read.get("mask").dtype());
                assertArrayEquals(new boolean[] {true, false, true}, read.get("mask").toBooleanArray());
                assertArrayEquals(new float[] {1.5f, -2f}, read.get("weight").toFloatArray());
                assertArrayEquals(new long[] {5, 6}, read.get("onSim").toLongArray());
                assertEquals(0, read.get("empty").numel());
            }
        }
    }

    @Test
    void reservedDTypesAreNotWritten() {
        try (Tensor half = Tensor.zeros(DType.FLOAT16, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SafeTensors.write(dir.resolve("half.safetensors"), Map.of("h", half)));
            assertTrue(e.getMessage().contains("tensor 'h' has dtype float16, only float32, float64, int64 and bool"),
                    e.getMessage());
        }
    }

    @Test
    void aBoolByteOtherThanZeroOrOneIsRefused() throws IOException {
        String json = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.UTF_8));
        b.put((byte) 1).put((byte) 2);
        Path file = dir.resolve("bool.safetensors");
        Files.write(file, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("tensor 'm': BOOL element 1 is byte 2, not 0 or 1"), e.getMessage());
    }

    @Test
    void aStateDictOfAnotherDTypeIsRefusedBeforeAnythingIsCopied() {
        try (Scope scope = Scope.open(); Linear linear = new Linear(2, 1)) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            state.put("weight", Tensor.zeros(DType.FLOAT64, 1, 2));
            state.put("bias", Tensor.zeros(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> linear.loadStateDict(state, true));
            assertTrue(e.getMessage().contains("weight: checkpoint dtype float64 != module dtype float32"),
                    e.getMessage());
        }
    }
}
