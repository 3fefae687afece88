package org.jdnn.natives.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The directories searched for the CUDA libraries, in order, each with the reason it is searched:
 * <ol>
 *   <li>{@code -Djdnn.cuda.path} / {@code JDNN_CUDA_PATH}: a colon-separated list of library folders or CUDA roots
 *       (a root contributes its {@code lib64} and {@code lib});</li>
 *   <li>the {@code LD_LIBRARY_PATH} entries;</li>
 *   <li>{@code /usr/local/cuda/lib64}, then {@code /usr/local/cuda-*}/lib64 newest first (and their
 *       {@code targets/x86_64-linux/lib});</li>
 *   <li>Python's NVIDIA wheel folders {@code site-packages/nvidia/*}/lib, from the site folders python3 reports and
 *       from the usual install places (virtualenv, conda, user and system site-packages);</li>
 *   <li>the system library folders ({@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}, ...), where distribution
 *       packages of cuDNN put it.</li>
 * </ol>
 * Folders that do not exist are dropped; each folder appears once, with its first reason.
 */
public final class CudaSearchPath {
    public static final String OVERRIDE_PROPERTY = "jdnn.cuda.path";
    public static final String OVERRIDE_ENV = "JDNN_CUDA_PATH";

    /** A folder and why it is searched (for error messages). */
    public record Entry(Path dir, String origin) {
        @Override
        public String toString() {
            return dir + " (" + origin + ")";
        }
    }

    private CudaSearchPath() {
    }

    /** The search path of this process: its settings, environment and the usual places. */
    public static List<Entry> standard() {
        return build(org.jdnn.natives.Settings.value(OVERRIDE_PROPERTY, OVERRIDE_ENV), System.getenv("LD_LIBRARY_PATH"),
                Path.of("/usr/local"), pythonSiteDirs(), commonSitePackages(), systemDirs());
    }

    /** Assembles the search path from its parts; public for tests. */
    public static List<Entry> build(String override, String ldLibraryPath, Path usrLocal, List<Path> pythonSites,
                                    List<Path> commonSites, List<Path> systemDirs) {
        Map<Path, String> dirs = new LinkedHashMap<>();
        if (override != null) {
            for (String part : override.split(":")) {
                if (!part.isBlank()) {
                    Path root = Path.of(part.trim());
                    String why = "-D" + OVERRIDE_PROPERTY + " / " + OVERRIDE_ENV;
                    add(dirs, root, why);
                    add(dirs, root.resolve("lib64"), why);
                    add(dirs, root.resolve("lib"), why);
                }
            }
        }
        if (ldLibraryPath != null) {
            for (String part : ldLibraryPath.split(":")) {
                if (!part.isBlank()) {
                    add(dirs, Path.of(part.trim()), "LD_LIBRARY_PATH");
                }
            }
        }
        add(dirs, usrLocal.resolve("cuda/lib64"), "CUDA toolkit");
        add(dirs, usrLocal.resolve("cuda/targets/x86_64-linux/lib"), "CUDA toolkit");
        for (Path toolkit : versionedToolkits(usrLocal)) {
            add(dirs, toolkit.resolve("lib64"), "CUDA toolkit");
            add(dirs, toolkit.resolve("targets/x86_64-linux/lib"), "CUDA toolkit");
        }
        List<Path> sites = new ArrayList<>(pythonSites);
        sites.addAll(commonSites);
        for (Path site : sites) {
            for (Path lib : wheelLibDirs(site)) {
                add(dirs, lib, "Python NVIDIA wheel");
            }
        }
        for (Path dir : systemDirs) {
            add(dirs, dir, "system library folder");
        }
        List<Entry> entries = new ArrayList<>();
        dirs.forEach((dir, origin) -> entries.add(new Entry(dir, origin)));
        return List.copyOf(entries);
    }

    private static void add(Map<Path, String> dirs, Path dir, String origin) {
        if (Files.isDirectory(dir)) {
            try {
                dirs.putIfAbsent(dir.toRealPath(), origin);   // /usr/local/cuda is usually a link to cuda-<version>
            } catch (IOException e) {
                // Vanished or unreadable: not searched.
            }
        }
    }

    /** /usr/local/cuda-13.0, /usr/local/cuda-12.4, ...: newest version first. */
    private static List<Path> versionedToolkits(Path usrLocal) {
        List<Path> found = new ArrayList<>(glob(usrLocal, "cuda-*"));
        found.sort(Comparator.comparing((Path p) -> versionKey(p.getFileName().toString().substring("cuda-".length()))).reversed());
        return found;
    }

    /** "12.4" -> comparable key; non-numeric parts sort first. */
    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(String.format("%08d", part.matches("\\d{1,8}") ? Integer.parseInt(part) : 0));
        }
        return key.toString();
    }

    /** site-packages/nvidia/{cuda_runtime,cublas,cudnn,cu13,...}/lib. */
    static List<Path> wheelLibDirs(Path sitePackages) {
        List<Path> libs = new ArrayList<>();
        for (Path pkg : glob(sitePackages.resolve("nvidia"), "*")) {
            Path lib = pkg.resolve("lib");
            if (Files.isDirectory(lib)) {
                libs.add(lib);
            }
        }
        libs.sort(Comparator.naturalOrder());
        return libs;
    }

    /** The site-packages folders the python3 on PATH reports (empty if there is none or it fails). */
    static List<Path> pythonSiteDirs() {
        List<Path> dirs = new ArrayList<>();
        try {
            Process process = new ProcessBuilder("python3", "-c",
                    "import site,sys\nfor p in site.getsitepackages()+[site.getusersitepackages()]+sys.path: print(p)")
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return dirs;
            }
            for (String line : out.split("\n")) {
                if (line.endsWith("-packages")) {
                    dirs.add(Path.of(line.trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // No python3: the common places below still get searched.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dirs;
    }

    /** Where Python environments usually keep their packages, without asking python. */
    static List<Path> commonSitePackages() {
        List<Path> roots = new ArrayList<>();
        for (String env : new String[]{"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String value = System.getenv(env);
            if (value != null && !value.isBlank()) {
                roots.add(Path.of(value, "lib"));
            }
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            roots.add(Path.of(home, ".local/lib"));
        }
        roots.add(Path.of("/usr/local/lib"));
        roots.add(Path.of("/usr/lib"));
        roots.add(Path.of("/opt/conda/lib"));
        List<Path> sites = new ArrayList<>();
        for (Path root : roots) {
            for (Path python : glob(root, "python3*")) {
                sites.add(python.resolve("site-packages"));
                sites.add(python.resolve("dist-packages"));
            }
        }
        return sites;
    }

    static List<Path> systemDirs() {
        return List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"),
                Path.of("/usr/lib"));
    }

    private static List<Path> glob(Path dir, String pattern) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, pattern)) {
            stream.forEach(found::add);
        } catch (IOException | RuntimeException e) {
            // An unreadable folder is simply not searched.
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }
}
