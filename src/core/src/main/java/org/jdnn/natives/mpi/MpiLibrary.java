package org.jdnn.natives.mpi;

import org.jdnn.natives.NativeLibraries;
import org.jdnn.natives.NativeLibraryException;
import org.jdnn.natives.Settings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and loads Open MPI's {@code libmpi.so.40} once per process, through the project's one loader
 * ({@link NativeLibraries#dlopenGlobal}: RTLD_GLOBAL, which Open MPI's plugins need to find libmpi's symbols, and the
 * real dlerror text on failure). Searched in order: the folder named by {@code -Djdnn.mpi.path} or
 * {@code JDNN_MPI_PATH}, then the Debian/Ubuntu and Fedora/RHEL library folders. Nothing is downloaded; when it
 * is missing the reason says how to install it.
 */
public final class MpiLibrary {
    public static final String FILE = "libmpi.so.40";
    public static final String OVERRIDE_PROPERTY = "jdnn.mpi.path";
    public static final String OVERRIDE_ENV = "JDNN_MPI_PATH";
    static final List<Path> STANDARD_DIRS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib64/openmpi/lib"), Path.of("/usr/lib/openmpi/lib"), Path.of("/usr/local/lib"));

    private static final System.Logger LOG = System.getLogger(MpiLibrary.class.getName());

    private static Path loaded;
    private static SymbolLookup symbols;
    private static NativeLibraryException failure;

    private MpiLibrary() {
    }

    /** Loads libmpi once and returns its path; throws the same {@link NativeLibraryException} every time if that fails. */
    public static synchronized Path load() {
        if (loaded != null) {
            return loaded;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            Path file = locate(Settings.value(OVERRIDE_PROPERTY, OVERRIDE_ENV));
            try {
                NativeLibraries.dlopenGlobal(file);
            } catch (NativeLibraryException e) {
                throw new NativeLibraryException("MPI: cannot load " + file + ": dlerror: " + e.getMessage(), e);
            }
            symbols = SymbolLookup.libraryLookup(file, Arena.global());
            loaded = file;
            LOG.log(System.Logger.Level.DEBUG, () -> "MPI loaded: " + file);
            return file;
        } catch (NativeLibraryException e) {
            failure = e;
            throw e;
        }
    }

    /** Empty when libmpi loads here, else why not. */
    public static Optional<String> unavailableReason() {
        try {
            load();
            return Optional.empty();
        } catch (NativeLibraryException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The symbols of the loaded libmpi (for the predefined handles, which are addresses of its globals). */
    static synchronized SymbolLookup symbols() {
        load();
        return symbols;
    }

    /** Resolves the library file without loading it; public for tests and diagnostics. */
    public static Path locate(String overrideDir) {
        List<Path> dirs = new ArrayList<>();
        if (overrideDir != null) {
            dirs.add(Path.of(overrideDir));
        } else {
            dirs.addAll(STANDARD_DIRS);
        }
        for (Path dir : dirs) {
            Path candidate = dir.resolve(FILE);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new NativeLibraryException("MPI: " + FILE + " (Open MPI 4/5) not found in " + dirs
                + (overrideDir != null ? " (named by -D" + OVERRIDE_PROPERTY + " or " + OVERRIDE_ENV + ")"
                : "; install it (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev, or run ci/setup.sh)"
                  + " or set -D" + OVERRIDE_PROPERTY + " / " + OVERRIDE_ENV + " to the folder holding it"));
    }
}
