package org.jdnn.train.checkpoint;

import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.io.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files are read by the reference implementation, Python's {@code safetensors} package (numpy flavour, the
 * same loader as {@code safetensors.torch}), and its files by jdnn. Skipped, saying so, where python3 cannot import it.
 */
class SafeTensorsPythonTest {
    private static final String READ = """
            import json, sys
            from safetensors import safe_open
            from safetensors.numpy import load_file
            tensors = load_file(sys.argv[1])
            with safe_open(sys.argv[1], "np") as f:
                metadata = f.metadata()
            print(json.dumps({"metadata": metadata, "tensors": {k: {"dtype": str(v.dtype), "shape": list(v.shape),
                "values": v.astype("float64").ravel().tolist()} for k, v in tensors.items()}}))
            """;
    private static final String WRITE = """
            import sys, numpy as np
            from safetensors.numpy import save_file
            save_file({"w": np.arange(6, dtype=np.float32).reshape(2, 3) / 4, "n": np.array([7, -1], dtype=np.int64)},
                      sys.argv[1], metadata={"format": "np"})
            """;

    @TempDir
    Path dir;

    private static String unavailable;

    @BeforeAll
    static void probePython() throws Exception {
        Run probe = python("import safetensors.numpy, numpy");
        unavailable = probe == null ? "no python3" : probe.status == 0 ? null : probe.output;
    }

    @BeforeEach
    void needsPythonSafetensors() {
        Assumptions.assumeTrue(unavailable == null,
                "python3 with the safetensors and numpy packages is not available: " + unavailable);
    }

    private record Run(int status, String output) {
    }

    private static Run python(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not end");
        return new Run(p.exitValue(), output.strip());
    }

    @Test
    @SuppressWarnings("unchecked")
    void pythonReadsJdnnFilesWithTheirMetadata() throws Exception {
        Path file = dir.resolve("model.safetensors");
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("0.weight", Tensor.of(new float[] {1.5f, -2f, 0.25f, 3f, 0f, -0.5f}, 2, 3));
            tensors.put("step", Tensor.ofLongs(new long[] {42}, 1));
            tensors.put("mask", Tensor.ofBooleans(true, false, true));
            tensors.put("scale", Tensor.ofDoubles(new double[] {0.1}));
            SafeTensors.write(file, tensors, Map.of("lr", "0.001"));
        }
        Run run = python(READ, file.toString());
        assertEquals(0, run.status(), run.output());
        Map<String, Object> result = (Map<String, Object>) Json.parse(run.output());
        Map<String, Object> metadata = (Map<String, Object>) result.get("metadata");
        assertEquals("0.001", metadata.get("lr"));
        assertTrue(((String) metadata.get(SafeTensors.CHECKSUM_KEY)).matches("[0-9a-f]{8}"), metadata.toString());
        Map<String, Map<String, Object>> read = (Map<String, Map<String, Object>>) result.get("tensors");
        assertEquals("float32", read.get("0.weight").get("dtype"));
        assertEquals(List.of(new BigDecimal(2), new BigDecimal(3)), read.get("0.weight").get("shape"));
        assertArrayEquals(new double[] {1.5, -2, 0.25, 3, 0, -0.5}, doubles(read.get("0.weight").get("values")));
        assertEquals("int64", read.get("step").get("dtype"));
        assertEquals("bool", read.get("mask").get("dtype"));
        assertArrayEquals(new double[] {1, 0, 1}, doubles(read.get("mask").get("values")));
        assertEquals("float64", read.get("scale").get("dtype"));
    }

    @Test
    void jdnnReadsPythonFiles() throws Exception {
        Path file = dir.resolve("np.safetensors");
        Run run = python(WRITE, file.toString());
        assertEquals(0, run.status(), run.output());
        try (NamedTensors t = SafeTensors.read(file)) {
            assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 1.25f}, t.get("w").toFloatArray());
            assertArrayEquals(new long[] {2, 3}, t.get("w").dims());
            assertArrayEquals(new long[] {7, -1}, t.get("n").toLongArray());
            assertEquals(Map.of("format", "np"), t.metadata());
        }
    }

    private static double[] doubles(Object list) {
        return ((List<?>) list).stream().mapToDouble(v -> ((BigDecimal) v).doubleValue()).toArray();
    }
}
