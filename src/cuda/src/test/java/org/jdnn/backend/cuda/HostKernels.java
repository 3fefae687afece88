package org.jdnn.backend.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kernels' per-element functions (src/main/cuda/*.cuh) compiled as host C++ into a shared library under target/
 * (src/test/cpp/jdnn_kernels_host.cpp, with -ffp-contract=off as the kernels have --fmad=false), built once per test
 * run by the C++ compiler found ($CXX, g++, c++ or clang++), and its functions bound through FFM.
 */
final class HostKernels {
    static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
    static final Path CUDA_SOURCES = MODULE.resolve("src/main/cuda");
    private static final Path SOURCE = MODULE.resolve("src/test/cpp/jdnn_kernels_host.cpp");
    private static final Path LIBRARY = MODULE.resolve("target/kernel-host/libjdnn_kernels_host.so");

    private static SymbolLookup lookup;
    private static String unavailable;

    private HostKernels() {
    }

    /** Empty when the library is built (or was already), else why it cannot be. */
    static synchronized Optional<String> unavailableReason() {
        if (lookup == null && unavailable == null) {
            try {
                build();
                lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
            } catch (IOException | RuntimeException e) {
                unavailable = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unavailable = "interrupted while compiling " + SOURCE;
            }
        }
        return Optional.ofNullable(unavailable);
    }

    /** The host function {@code name} with the C signature {@code descriptor}. */
    static MethodHandle function(String name, FunctionDescriptor descriptor) {
        if (unavailableReason().isPresent()) {
            throw new IllegalStateException(unavailable);
        }
        return Linker.nativeLinker().downcallHandle(lookup.find(name).orElseThrow(
                () -> new IllegalStateException(name + " is not in " + LIBRARY)), descriptor);
    }

    private static void build() throws IOException, InterruptedException {
        String compiler = compiler().orElseThrow(() -> new IllegalStateException(
                "no C++ compiler ($CXX, g++, c++ or clang++) to build the host check of the CUDA kernels' math"));
        Files.createDirectories(LIBRARY.getParent());
        List<String> command = new ArrayList<>(List.of(compiler, "-std=c++17", "-O2", "-fPIC", "-shared",
                "-ffp-contract=off", "-I", CUDA_SOURCES.toString(), "-o", LIBRARY.toString(), SOURCE.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static Optional<String> compiler() {
        List<String> candidates = new ArrayList<>();
        String cxx = System.getenv("CXX");
        if (cxx != null && !cxx.isBlank()) {
            candidates.add(cxx);
        }
        candidates.addAll(List.of("g++", "c++", "clang++"));
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (path.isAbsolute() ? Files.isExecutable(path) : onPath(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
