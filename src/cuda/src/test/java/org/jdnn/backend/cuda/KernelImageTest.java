package org.jdnn.backend.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel fatbin of this build: present (a CI build on a machine with /usr/local/cuda/bin/nvcc fails without it;
 * elsewhere the tests are skipped with the reason), SASS for every architecture of the pom's
 * {@code jdnn.cuda.archs} and PTX of the lowest, and every kernel CompiledKernels launches in each of them. Read with
 * {@link FatbinContents}, and with cuobjdump as well where it is installed.
 */
class KernelImageTest {
    /** Where the pom's cuda-kernels profile looks for nvcc. */
    private static final String DEFAULT_NVCC = "/usr/local/cuda/bin/nvcc";

    private static byte[] image;

    @BeforeAll
    static void fatbin() {
        var missing = KernelImage.missingReason();
        // A CI machine with the toolkit must have compiled them; one without it skips, saying so.
        if (missing.isPresent() && System.getenv("CI") != null && Files.isExecutable(Path.of(DEFAULT_NVCC))) {
            fail(missing.get() + " (CI is set and " + DEFAULT_NVCC + " exists: the build must compile them)");
        }
        assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
        image = KernelImage.bytes();
    }

    /** The architectures the pom compiles for, e.g. [75, 80, ...]. */
    private static List<Integer> architectures() throws IOException {
        Matcher m = Pattern.compile("<jdnn\\.cuda\\.archs>([^<]+)</jdnn\\.cuda\\.archs>")
                .matcher(Files.readString(HostKernels.MODULE.resolve("pom.xml")));
        assertTrue(m.find(), "src/cuda/pom.xml declares jdnn.cuda.archs");
        return Arrays.stream(m.group(1).trim().split("\\s+")).map(Integer::parseInt).toList();
    }

    @Test
    void everyArchitectureHasSassAndTheLowestHasPtx() throws IOException {
        FatbinContents contents = FatbinContents.parse(image);
        List<Integer> archs = architectures();
        Set<Integer> sass = new TreeSet<>(), ptx = new TreeSet<>();
        for (FatbinContents.Image i : contents.images()) {
            (i.ptx() ? ptx : sass).add(i.arch());
        }
        assertEquals(new TreeSet<>(archs), sass, "SASS architectures in " + contents.images());
        assertEquals(Set.of(archs.stream().min(Integer::compare).orElseThrow()), ptx, "PTX in " + contents.images());
    }

    @Test
    void everyKernelCompiledKernelsLaunchesIsInEveryImage() {
        Set<String> launched = RecordingLauncher.everyKernelName();
        // 2 float types x 18 (unary 6, binary 2, pow 2, reductions 3, optimizers 4, dropout) + the f32 mask, 4 types
        // x 3 (compare, logical, not), 3 widths x 3 (where, copy, fill), 3 types x 2 (argmax, argmin), 12 casts.
        assertEquals(76, launched.size(), "the launcher's kernels: " + launched);
        for (FatbinContents.Image i : FatbinContents.parse(image).images()) {
            Set<String> missing = new TreeSet<>(launched);
            missing.removeAll(i.kernels());
            assertTrue(missing.isEmpty(), i + " lacks " + missing);
            Set<String> unused = new TreeSet<>(i.kernels());
            unused.removeAll(launched);
            assertTrue(unused.isEmpty(), i + " has kernels no CompiledKernels method launches: " + unused);
        }
    }

    @Test
    void cuobjdumpListsTheSameArchitectures() throws IOException, InterruptedException {
        Path cuobjdump = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir.isEmpty() ? "." : dir, "cuobjdump")).filter(Files::isExecutable).findFirst()
                .orElse(Path.of("/usr/local/cuda/bin/cuobjdump"));
        assumeTrue(Files.isExecutable(cuobjdump), "cuobjdump is not installed here (checked PATH and "
                + "/usr/local/cuda/bin); the fatbin was read by FatbinContents");
        Path file = Files.createTempFile("jdnn_kernels", ".fatbin");
        try {
            Files.write(file, image);
            String elf = run(cuobjdump.toString(), "--list-elf", file.toString());
            String ptx = run(cuobjdump.toString(), "--list-ptx", file.toString());
            for (int arch : architectures()) {
                assertTrue(elf.contains("sm_" + arch), "cuobjdump --list-elf lists sm_" + arch + ":\n" + elf);
            }
            int lowest = architectures().stream().min(Integer::compare).orElseThrow();
            assertTrue(ptx.contains("sm_" + lowest) || ptx.contains("compute_" + lowest),
                    "cuobjdump --list-ptx lists " + lowest + ":\n" + ptx);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ":\n" + out);
        return out;
    }
}
