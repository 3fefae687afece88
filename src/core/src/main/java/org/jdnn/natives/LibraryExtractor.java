package org.jdnn.natives;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies native libraries from class-path resources into a versioned cache directory, once.
 * Each file is written to a temporary name in the same directory and renamed into place atomically, so a
 * concurrent JVM sees either no file or the whole file, never a half-written one.
 */
public final class LibraryExtractor {
    private LibraryExtractor() {
    }

    /** Extracts {@code resource} (if not already there with the same size) to {@code dir/fileName}. */
    public static Path extract(URL resource, Path dir, String fileName) {
        Path target = dir.resolve(fileName);
        try {
            URLConnection connection = resource.openConnection();
            long expectedSize = connection.getContentLengthLong();
            if (expectedSize >= 0 && Files.isRegularFile(target) && Files.size(target) == expectedSize) {
                return target;
            }
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, fileName + ".", ".tmp");
            try {
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return target;
        } catch (IOException e) {
            throw new NativeLibraryException("cannot extract " + resource + " to " + target + ": " + e
                    + " (set -Djdnn.cache.dir or JDNN_CACHE_DIR to a writable directory)", e);
        }
    }

    /** The per-user cache root: -Djdnn.cache.dir, $JDNN_CACHE_DIR, $XDG_CACHE_HOME/jdnn, else ~/.cache/jdnn. */
    public static Path cacheRoot() {
        String configured = Settings.value("jdnn.cache.dir", "JDNN_CACHE_DIR");
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "jdnn");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jdnn");
    }
}
