package org.jdnn.natives.cuda;

import org.jdnn.natives.Settings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cuBLAS / cuDNN constants and struct layouts jdnn uses, as generated into org.jdnn.bindings.{cublas,cudnn}
 * (from cuBLAS 13.1 and cuDNN 9.24), against the headers installed where this runs: compiles and runs
 * native/cuda-constants.c with the C compiler on PATH and requires each value it prints to be the generated one of
 * the same name. Needs headers and a C compiler, not a device; skipped with the reason when either is missing. Header folders:
 * {@code -Djdnn.cuda.include} / {@code JDNN_CUDA_INCLUDE} (colon-separated), then the {@code include} folders beside
 * the CUDA library folders jdnn searches, then /usr/include.
 */
@Tag("gpu")
class CudaConstantsTest {
    private static Map<String, Long> printed;
    private static Set<String> missing;
    private static String compileCommand;
    /** Why nothing can be checked here; each test skips with it (an aborted @BeforeAll would hide the tests from Surefire's count). */
    private static String skipReason;
    private static String compileFailure;

    @BeforeAll
    static void compileAndRun() throws IOException, InterruptedException {
        String nativeDir = Settings.value("jdnn.native.dir", "JDNN_NATIVE_DIR");
        Path source = Path.of(nativeDir != null ? nativeDir : "native").resolve("cuda-constants.c").toAbsolutePath();
        if (!Files.isRegularFile(source)) {
            skipReason = "cuda constants check: " + source.toAbsolutePath() + " not found (set -Djdnn.native.dir)";
            return;
        }
        String compiler = findCompiler();
        if (compiler == null) {
            skipReason = "cuda constants check: no C compiler (cc, gcc, clang) on PATH";
            return;
        }

        Path work = Files.createTempDirectory("jdnn-cuda-constants");
        Path binary = work.resolve("cuda-constants");
        List<String> command = new ArrayList<>(List.of(compiler, "-o", binary.toString()));
        for (Path include : includeDirs()) {
            command.add("-I" + include);
        }
        command.add(source.toString());
        compileCommand = String.join(" ", command);
        String compiled = run(command, work);
        if (!Files.isExecutable(binary)) {
            // Missing headers are handled inside the program (__has_include), so this is a real error.
            compileFailure = compileCommand + " failed: " + compiled;
            return;
        }

        printed = new TreeMap<>();
        missing = new LinkedHashSet<>();
        for (String line : run(List.of(binary.toString()), work).split("\n")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2 && parts[0].equals("missing")) {
                missing.add(parts[1]);
            } else if (parts.length == 2 && parts[0].startsWith("version.")) {
                System.out.println("cuda constants check: headers of " + parts[0].substring(8) + " " + parts[1]);
            } else if (parts.length == 2) {
                printed.put(parts[0], Long.parseLong(parts[1]));
            }
        }
    }

    private static String findCompiler() {
        String path = System.getenv("PATH");
        for (String name : new String[]{System.getenv("CC"), "cc", "gcc", "clang"}) {
            if (name == null || name.isBlank()) {
                continue;
            }
            for (String dir : path == null ? new String[0] : path.split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    private static List<Path> includeDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        String explicit = Settings.value("jdnn.cuda.include", "JDNN_CUDA_INCLUDE");
        if (explicit != null) {
            for (String part : explicit.split(":")) {
                dirs.add(Path.of(part));
            }
        }
        for (CudaSearchPath.Entry entry : CudaSearchPath.standard()) {
            // <toolkit>/lib64 -> <toolkit>/include, site-packages/nvidia/cudnn/lib -> .../cudnn/include
            Path include = entry.dir().resolveSibling("include");
            if (Files.isDirectory(include) && !include.toString().equals("/usr/include")) {
                dirs.add(include);
            }
        }
        dirs.add(Path.of("/usr/include"));
        return dirs.stream().filter(Files::isDirectory).toList();
    }

    private static String run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static void check(String library) {
        assumeTrue(skipReason == null, skipReason);
        assertNull(compileFailure, compileFailure);
        assumeTrue(!missing.contains(library), "cuda constants check: no " + library + " header found by " + compileCommand);
        String prefix = library + ".";
        Map<String, Long> actual = new TreeMap<>();
        Map<String, Long> generated = new TreeMap<>();
        printed.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                actual.put(name, value);
                generated.put(name, GeneratedValues.of(name));
            }
        });
        assertTrue(actual.size() >= 15, library + ": only " + actual.size() + " values printed by " + compileCommand);
        assertEquals(generated, actual, library + ": the generated bindings (expected) vs the headers (actual), via "
                + compileCommand);
    }

    @Test
    void cublasConstantsMatchTheHeaders() {
        check("cublas");
    }

    @Test
    void cudnnConstantsAndStructLayoutsMatchTheHeaders() {
        check("cudnn");
    }
}
