package org.jdnn.benchmarks.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this process from {@code /proc/self/status}. The peak ({@code VmHWM}) is the high-water
 * mark of everything resident: Java heap, JIT code, the native libraries and the native tensor memory. Each model
 * runs in a fresh JVM, so the peak is that model's.
 */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Peak resident set size in bytes (VmHWM); -1 where /proc is missing. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    /** Current resident set size in bytes (VmRSS); -1 where /proc is missing. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(name)) {
                    // "VmHWM:     123456 kB"
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
