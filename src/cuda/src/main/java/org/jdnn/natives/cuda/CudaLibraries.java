package org.jdnn.natives.cuda;

import org.jdnn.bindings.cudart.cudart_h;
import org.jdnn.natives.NativeLibraries;
import org.jdnn.natives.NativeLibraryException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Finds and loads the CUDA libraries once per process, in dependency order (CUDA runtime, driver, cuBLASLt, cuBLAS,
 * NVRTC, cuDNN; NCCL only through {@link #loadNccl()}), each visible to the generated bindings, then checks that a device is usable. Nothing is loaded until CUDA is asked for, and a failure says
 * precisely why: which library was not found where, the dlerror text of a failed load, no driver, a driver too old,
 * or no device. The rest of jdnn keeps working on the CPU.
 */
public final class CudaLibraries {
    private static final System.Logger LOG = System.getLogger(CudaLibraries.class.getName());

    /** The files chosen for each library (optional ones may be absent) and what could not be found. */
    public record Located(Map<CudaLibrary, Path> files, List<String> missing, List<CudaSearchPath.Entry> searched) {
        public Located {
            files = Collections.unmodifiableMap(new EnumMap<>(files));
            missing = List.copyOf(missing);
            searched = List.copyOf(searched);
        }

        /** The CUDA runtime's major version, from its file name; 0 if it was not found. */
        public int runtimeMajor() {
            Path cudart = files.get(CudaLibrary.CUDART);
            if (cudart == null) {
                return 0;
            }
            String name = cudart.getFileName().toString();
            return Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
        }
    }

    /** A usable CUDA: where each library came from, the versions, and how many devices there are. */
    public record Loaded(Map<CudaLibrary, Path> files, int runtimeVersion, int driverVersion, int deviceCount) {
        @Override
        public String toString() {
            return "CUDA runtime " + CudaVersions.format(runtimeVersion) + ", driver supports " + CudaVersions.format(driverVersion)
                    + ", " + deviceCount + " device(s); " + files;
        }
    }

    private static Loaded loaded;
    private static CudaUnavailableException failure;

    private CudaLibraries() {
    }

    /** Loads the libraries once; throws the same {@link CudaUnavailableException} every time if that fails. */
    public static synchronized Loaded load() {
        if (loaded != null) {
            return loaded;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            loaded = loadFrom(locate(CudaSearchPath.standard()));
            LOG.log(System.Logger.Level.DEBUG, () -> "CUDA loaded: " + loaded);
            return loaded;
        } catch (CudaUnavailableException e) {
            failure = e;
            throw e;
        } catch (RuntimeException | LinkageError e) {
            failure = new CudaUnavailableException("CUDA: " + e, e);
            throw failure;
        }
    }

    /** Empty when CUDA is usable here, else why not. */
    public static Optional<String> unavailableReason() {
        try {
            load();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The NVIDIA driver's file name (the driver API of {@link CudaDriver}); the CUDA runtime dlopens the same. */
    public static final String DRIVER_FILE = "libcuda.so.1";

    /**
     * Where {@link CudaDriver} loads the driver from: libcuda.so.1 in the first folder of the search path holding
     * one, else the bare name, resolved by the dynamic loader as the CUDA runtime resolves it.
     */
    public static String driverLibrary() {
        for (CudaSearchPath.Entry entry : CudaSearchPath.standard()) {
            Path candidate = entry.dir().resolve(DRIVER_FILE);
            if (Files.exists(candidate)) {
                return candidate.toString();
            }
        }
        return DRIVER_FILE;
    }

    private static volatile Path driver;
    private static CudaUnavailableException driverFailure;

    /**
     * Loads the NVIDIA driver once for the generated driver bindings ({@link CudaDriver}): {@link #driverLibrary()},
     * opened by path, or by name through the dynamic loader (as the CUDA runtime opens it) and then System.loaded
     * from the file the loader mapped. Throws the same {@link CudaUnavailableException} every time if that fails.
     * Every driver call comes through here, so once loaded it returns without taking a lock.
     */
    public static Path loadDriver() {
        Path loaded = driver;
        if (loaded != null) {
            return loaded;
        }
        synchronized (CudaLibraries.class) {
            if (driver != null) {
                return driver;
            }
            if (driverFailure != null) {
                throw driverFailure;
            }
            String file = driverLibrary();
            try {
                NativeLibraries.dlopenGlobal(Path.of(file));
                Path path = Path.of(file).isAbsolute() ? Path.of(file) : MappedFiles.find(file).orElseThrow(() ->
                        new CudaUnavailableException("no NVIDIA driver: " + file + " was opened, but no file of that"
                                + " name is mapped in " + MappedFiles.SELF_MAPS, null));
                load("CUDA driver", path);
                driver = path;
                return path;
            } catch (NativeLibraryException e) {
                driverFailure = new CudaUnavailableException("no NVIDIA driver: " + file + " cannot be loaded ("
                        + e.getMessage() + ")", e);
                throw driverFailure;
            } catch (CudaUnavailableException e) {
                driverFailure = e;
                throw e;
            }
        }
    }

    /** Resolves the library files in the search path without loading anything; public for tests and diagnostics. */
    public static Located locate(List<CudaSearchPath.Entry> searchPath) {
        Map<CudaLibrary, Path> files = new EnumMap<>(CudaLibrary.class);
        List<String> missing = new ArrayList<>();
        int major = 0;
        for (CudaLibrary library : CudaLibrary.values()) {
            List<String> names = library == CudaLibrary.CUDART ? library.fileNames(0)
                    : major > 0 ? library.fileNames(major) : null;
            if (names == null) {
                continue;   // without a runtime, the majors the others need are unknown; the runtime is reported missing
            }
            Path found = find(searchPath, names);
            if (found != null) {
                files.put(library, found);
                if (library == CudaLibrary.CUDART) {
                    String name = found.getFileName().toString();
                    major = Integer.parseInt(name.substring(name.lastIndexOf('.') + 1));
                }
            } else if (!library.optional()) {
                missing.add(library.title() + " (" + String.join(" or ", names) + ") not found");
            }
        }
        return new Located(files, missing, searchPath);
    }

    /** The first accepted name in the first folder holding one: folders are ordered by priority. */
    private static Path find(List<CudaSearchPath.Entry> searchPath, List<String> names) {
        for (CudaSearchPath.Entry entry : searchPath) {
            for (String name : names) {
                Path candidate = entry.dir().resolve(name);
                if (Files.exists(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /** Loads the runtime, probes the device, then loads the rest; public for tests with a crafted {@link Located}. */
    public static Loaded loadFrom(Located located) {
        String searched = located.searched().isEmpty() ? "no folder (none of the usual places exists)"
                : located.searched().stream().map(CudaSearchPath.Entry::toString).collect(Collectors.joining(", "));
        Path cudart = located.files().get(CudaLibrary.CUDART);
        if (cudart == null) {
            throw new CudaUnavailableException(String.join("; ", located.missing()) + "; searched " + searched
                    + "; set -D" + CudaSearchPath.OVERRIDE_PROPERTY + " or " + CudaSearchPath.OVERRIDE_ENV
                    + " to the folders holding the CUDA libraries", null);
        }
        load(CudaLibrary.CUDART.title(), cudart);
        int runtime = version("cudaRuntimeGetVersion", true);
        int driver = version("cudaDriverGetVersion", false);
        String deviceProblem = deviceProblem(cudart, runtime, driver);
        int devices = deviceProblem == null ? deviceCount() : 0;
        if (!located.missing().isEmpty() || deviceProblem != null) {
            List<String> reasons = new ArrayList<>(located.missing());
            if (!located.missing().isEmpty()) {
                reasons.set(reasons.size() - 1, reasons.getLast() + " (searched " + searched + ")");
            }
            if (deviceProblem != null) {
                reasons.add(deviceProblem);
            }
            throw new CudaUnavailableException(String.join("; ", reasons), null);
        }
        // The driver exists now (the runtime found it); the generated cuda_h bindings need it loaded by path.
        try {
            loadDriver();
        } catch (CudaUnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "the generated driver bindings stay unbound (the compiled kernels"
                    + " cannot be launched): " + e.getMessage());
        }
        for (CudaLibrary library : List.of(CudaLibrary.CUBLASLT, CudaLibrary.CUBLAS, CudaLibrary.NVRTC)) {
            Path file = located.files().get(library);
            if (file != null) {
                load(library.title(), file);
            }
        }
        Path cudnn = located.files().get(CudaLibrary.CUDNN);
        for (String part : CudaLibrary.CUDNN_PARTS) {
            Path file = cudnn.resolveSibling(part);
            if (Files.exists(file)) {
                try {
                    NativeLibraries.dlopenGlobal(file);
                } catch (NativeLibraryException e) {
                    // cuDNN loads its parts lazily itself and reports a missing one when an op needs it.
                    LOG.log(System.Logger.Level.DEBUG, () -> "cuDNN part " + file + " did not preload: " + e.getMessage());
                }
            }
        }
        load(CudaLibrary.CUDNN.title(), cudnn);
        return new Loaded(located.files(), runtime, driver, devices);
    }

    /** NCCL's file name; NCCL is loaded only for multi-GPU work, by {@link #loadNccl()}. */
    public static final String NCCL_FILE = "libnccl.so.2";

    private static Path nccl;

    /** Loads NCCL from the search path once, for the generated nccl_h bindings; throws saying where it looked. */
    public static synchronized Path loadNccl() {
        if (nccl == null) {
            List<CudaSearchPath.Entry> searchPath = CudaSearchPath.standard();
            Path file = find(searchPath, List.of(NCCL_FILE));
            if (file == null) {
                throw new CudaUnavailableException("NCCL (" + NCCL_FILE + ") not found; searched " + searchPath.stream()
                        .map(CudaSearchPath.Entry::toString).collect(Collectors.joining(", ")), null);
            }
            load("NCCL", file);
            nccl = file;
        }
        return nccl;
    }

    /**
     * Loads one library for the generated bindings: dlopen with RTLD_GLOBAL first, so that a failure reports the
     * loader's dlerror text and later libraries resolve against this one, then System.load, because the generated
     * packages find symbols through SymbolLookup.loaderLookup(), which sees only what this class loader loaded.
     * Public for tests that load the libraries without a device.
     */
    public static void load(String title, Path file) {
        try {
            NativeLibraries.dlopenGlobal(file);
        } catch (NativeLibraryException e) {
            throw new CudaUnavailableException(title + ": cannot load " + file + ": dlerror: " + e.getMessage(), e);
        }
        try {
            System.load(file.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new CudaUnavailableException(title + ": System.load " + file + ": " + e.getMessage(), e);
        }
    }

    private static int version(String function, boolean runtime) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int status = runtime ? cudart_h.cudaRuntimeGetVersion(out) : cudart_h.cudaDriverGetVersion(out);
            return status == cudart_h.cudaSuccess() ? out.get(JAVA_INT, 0) : 0;
        }
    }

    /** Null when cudaGetDeviceCount finds at least one device, else the reason in words. */
    private static String deviceProblem(Path cudart, int runtime, int driver) {
        int status;
        int count;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            status = cudart_h.cudaGetDeviceCount(out);
            count = out.get(JAVA_INT, 0);
        }
        String runtimeText = "CUDA runtime " + CudaVersions.format(runtime) + " (" + cudart + ")";
        if (status == cudart_h.cudaSuccess()) {
            return count > 0 ? null : "no CUDA device: cudaGetDeviceCount found 0 with " + runtimeText;
        }
        String error = CudaRuntime.errorName(status) + ": " + CudaRuntime.errorString(status);
        if (status == cudart_h.cudaErrorInsufficientDriver()) {
            return driver == 0
                    ? "no NVIDIA driver: " + runtimeText + " cannot find libcuda.so.1 (cudaGetDeviceCount: " + error + ")"
                    : "NVIDIA driver too old: it supports CUDA " + CudaVersions.format(driver) + ", " + runtimeText
                      + " needs a newer one (cudaGetDeviceCount: " + error + ")";
        }
        if (status == cudart_h.cudaErrorNoDevice()) {
            return "no CUDA device visible to " + runtimeText + " (check CUDA_VISIBLE_DEVICES; cudaGetDeviceCount: " + error + ")";
        }
        if (status == cudart_h.cudaErrorStubLibrary()) {
            return "the libcuda.so found is the toolkit's stub, not a driver (cudaGetDeviceCount: " + error + ")";
        }
        return "no usable CUDA device: cudaGetDeviceCount: " + error + " with " + runtimeText
                + ", driver supports CUDA " + CudaVersions.format(driver);
    }

    private static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            CudaRuntime.check(cudart_h.cudaGetDeviceCount(out), "cudaGetDeviceCount");
            return out.get(JAVA_INT, 0);
        }
    }
}
