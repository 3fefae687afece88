package org.jdnn.natives.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which file the dynamic loader mapped for a library it found by name, read from {@code /proc/self/maps}: the driver
 * may be found only through ld.so.cache, and System.load (which the generated bindings need) takes a path.
 */
final class MappedFiles {
    static final Path SELF_MAPS = Path.of("/proc/self/maps");

    private MappedFiles() {
    }

    /** The mapped file of library {@code soname} ("libcuda.so.1": libcuda.so.1 or libcuda.so.580.65.06), if any. */
    static Optional<Path> find(String soname) {
        try {
            return find(Files.readAllLines(SELF_MAPS), soname);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF_MAPS, e);
        }
    }

    /**
     * The first file among {@code mapsLines} (the format of /proc/PID/maps: address, permissions, offset, device,
     * inode, path) whose name is {@code soname} or its stem ("libcuda.so") followed by a version.
     */
    static Optional<Path> find(List<String> mapsLines, String soname) {
        int so = soname.indexOf(".so");
        if (so < 0) {
            throw new IllegalArgumentException("not a shared library name: " + soname);
        }
        String stem = soname.substring(0, so + 3);
        for (String line : mapsLines) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;   // anonymous memory, [heap], [stack], ...
            }
            Path file = Path.of(line.substring(slash).strip());
            String name = file.getFileName().toString();
            if (name.equals(soname) || name.equals(stem) || name.startsWith(stem + ".")) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }
}
