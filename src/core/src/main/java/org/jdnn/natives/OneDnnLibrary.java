package org.jdnn.natives;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds and loads oneDNN ({@code libdnnl.so.3} on Linux) and the OpenMP runtime it was built with
 * ({@code libgomp.so.1}), in that dependency order, from one of two places:
 * <ol>
 *   <li>an override directory: {@code -Djdnn.dnnl.path=DIR} or {@code JDNN_DNNL_PATH=DIR};</li>
 *   <li>the class path: the {@code org.bytedeco:dnnl} jar for this {@link NativePlatform} (e.g. classifier
 *       {@code linux-x86_64}), whose two libraries are extracted once into
 *       {@code <cache>/native/dnnl-<version>-<classifier>/}.</li>
 * </ol>
 * Nothing is ever downloaded. A failure names what was looked for, where, and the real dlerror text.
 */
public final class OneDnnLibrary {
    /** The file names an override directory holds: the current platform's, or Linux's where jdnn ships none. */
    private static final NativePlatform FILE_NAMES = NativePlatform.of(System.getProperty("os.name", ""),
            System.getProperty("os.arch", "")).orElse(NativePlatform.LINUX_X86_64);
    public static final String DNNL_FILE = FILE_NAMES.dnnlFile();
    public static final String GOMP_FILE = FILE_NAMES.openMpFile();
    public static final String OVERRIDE_PROPERTY = "jdnn.dnnl.path";
    public static final String OVERRIDE_ENV = "JDNN_DNNL_PATH";
    static final String ARTIFACT_PROPERTIES = "META-INF/maven/org.bytedeco/dnnl/pom.properties";

    private static final System.Logger LOG = System.getLogger(OneDnnLibrary.class.getName());

    /** Where the libraries were found. {@code gomp} is null when an override directory has none. */
    public record Location(Path dnnl, Path gomp, String origin) {
    }

    private static Location loaded;
    private static NativeLibraryException failure;

    private OneDnnLibrary() {
    }

    /** Loads the libraries once per process and returns where they came from; throws the same error every time if that fails. */
    public static synchronized Location load() {
        if (loaded != null) {
            return loaded;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            ThreadCount.exportBeforeLoad();
            Location location = locate(Settings.value(OVERRIDE_PROPERTY, OVERRIDE_ENV), LibraryExtractor.cacheRoot(),
                    OneDnnLibrary.class.getClassLoader());
            if (location.gomp() != null) {
                dlopen(location.gomp(), location);
            }
            dlopen(location.dnnl(), location);
            // The bindings find their symbols through the loader lookup (the file name differs per platform).
            System.load(location.dnnl().toAbsolutePath().toString());
            SymbolLookup gomp = SymbolLookup.libraryLookup(
                    location.gomp() != null ? location.gomp().toString() : GOMP_FILE, Arena.global());
            ThreadCount.bindOpenMp(gomp);
            LOG.log(System.Logger.Level.DEBUG, () -> "oneDNN loaded: " + location);
            loaded = location;
            return location;
        } catch (NativeLibraryException e) {
            failure = e;
            throw e;
        } catch (RuntimeException e) {
            failure = new NativeLibraryException("oneDNN: " + e.getMessage(), e);
            throw failure;
        }
    }

    private static void dlopen(Path library, Location location) {
        try {
            LibC.dlopenGlobal(library.toString());
        } catch (NativeLibraryException e) {
            throw new NativeLibraryException("oneDNN: cannot load " + library + " (found via " + location.origin()
                    + "): dlerror: " + e.getMessage(), e);
        }
    }

    /** Resolves the library files without loading them. Public for tests and diagnostics. */
    public static Location locate(String overrideDir, Path cacheRoot, ClassLoader loader) {
        if (overrideDir != null) {
            Path dir = Path.of(overrideDir);
            Path dnnl = dir.resolve(DNNL_FILE);
            if (!Files.isRegularFile(dnnl)) {
                throw new NativeLibraryException("oneDNN: " + DNNL_FILE + " not found in " + dir.toAbsolutePath()
                        + " (named by -D" + OVERRIDE_PROPERTY + " or " + OVERRIDE_ENV + ")");
            }
            Path gomp = dir.resolve(GOMP_FILE);
            return new Location(dnnl, Files.isRegularFile(gomp) ? gomp : null, "override directory " + dir.toAbsolutePath());
        }
        return extract(NativePlatform.current(), cacheRoot, loader);
    }

    /** Extracts {@code platform}'s two libraries from its dnnl jar on the class path into the cache. */
    static Location extract(NativePlatform platform, Path cacheRoot, ClassLoader loader) {
        String resources = platform.resourceDirectory();
        URL dnnlResource = loader.getResource(resources + platform.dnnlFile());
        URL gompResource = loader.getResource(resources + platform.openMpFile());
        if (dnnlResource == null || gompResource == null) {
            throw new NativeLibraryException("oneDNN: class path resource " + resources
                    + (dnnlResource == null ? platform.dnnlFile() : platform.openMpFile()) + " not found; add "
                    + "org.bytedeco:dnnl:<version>:" + platform.classifier() + " to the class path, or set -D"
                    + OVERRIDE_PROPERTY + " (or " + OVERRIDE_ENV + ") to a directory holding " + platform.dnnlFile());
        }
        Path dir = cacheRoot.resolve("native").resolve("dnnl-" + artifactVersion(loader) + "-" + platform.classifier());
        Path gomp = LibraryExtractor.extract(gompResource, dir, platform.openMpFile());
        Path dnnl = LibraryExtractor.extract(dnnlResource, dir, platform.dnnlFile());
        return new Location(dnnl, gomp, "class path " + dnnlResource + ", extracted to " + dir);
    }

    /** The version of the jar the libraries come from, so a new version extracts to a new directory. */
    private static String artifactVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(ARTIFACT_PROPERTIES)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
