package org.jdnn.natives.cuda;

import org.jdnn.bindings.cuda.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The CUDA driver API calls that loading and launching jdnn's compiled kernels needs, through the generated
 * {@code cuda_h}: each makes sure the driver is loaded ({@link CudaLibraries#loadDriver()}; without one, a
 * {@link CudaUnavailableException} naming the file, every time), turns every status other than CUDA_SUCCESS into a
 * {@link CudaException} naming the function and the status, and returns what the C function writes through its
 * first argument. Handles (contexts, modules, functions, streams) are zero-length segments holding the C pointer.
 */
public final class CudaDriver {
    private CudaDriver() {
    }

    /** Empty when the driver library loads, else why not. */
    public static Optional<String> unavailableReason() {
        try {
            CudaLibraries.loadDriver();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Throws {@link CudaException} naming {@code function} when {@code status} is not CUDA_SUCCESS. */
    public static void check(int status, String function) {
        if (status != cuda_h.CUDA_SUCCESS()) {
            throw new CudaException(function, status, errorName(status), errorString(status));
        }
    }

    /** cuInit(flags); flags must be 0. */
    public static void cuInit(int flags) {
        CudaLibraries.loadDriver();
        check(cuda_h.cuInit(flags), "cuInit");
    }

    /** cuDeviceGet: the CUdevice of the ordinal-th device. */
    public static int cuDeviceGet(int ordinal) {
        CudaLibraries.loadDriver();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(cuda_h.cuDeviceGet(out, ordinal), "cuDeviceGet(" + ordinal + ")");
            return out.get(JAVA_INT, 0);
        }
    }

    /** cuDevicePrimaryCtxRetain: the device's primary context, the one the CUDA runtime uses. */
    public static MemorySegment cuDevicePrimaryCtxRetain(int device) {
        return handleOut("cuDevicePrimaryCtxRetain(" + device + ")", out -> cuda_h.cuDevicePrimaryCtxRetain(out, device));
    }

    /** cuCtxGetCurrent: the calling thread's context, NULL when it has none. */
    public static MemorySegment cuCtxGetCurrent() {
        return handleOut("cuCtxGetCurrent", cuda_h::cuCtxGetCurrent);
    }

    /** cuCtxSetCurrent: binds {@code context} to the calling thread. */
    public static void cuCtxSetCurrent(MemorySegment context) {
        CudaLibraries.loadDriver();
        check(cuda_h.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** cuModuleLoadData: loads a fatbin, cubin or PTX image (in host memory) into the current context. */
    public static MemorySegment cuModuleLoadData(MemorySegment image) {
        return handleOut("cuModuleLoadData", out -> cuda_h.cuModuleLoadData(out, image));
    }

    /** cuModuleUnload. */
    public static void cuModuleUnload(MemorySegment module) {
        CudaLibraries.loadDriver();
        check(cuda_h.cuModuleUnload(module), "cuModuleUnload");
    }

    /** cuModuleGetFunction: the kernel {@code name} (unmangled, extern "C") of {@code module}. */
    public static MemorySegment cuModuleGetFunction(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            return handleOut("cuModuleGetFunction(" + name + ")", out -> cuda_h.cuModuleGetFunction(out, module, cName));
        }
    }

    /**
     * cuLaunchKernel with {@code kernelParams} (an array of pointers to each argument, see KernelArguments) and no
     * {@code extra}; the driver copies the argument values before it returns. The grid and block sizes and the
     * shared memory are C {@code unsigned int}s, passed as Java ints of the same bits.
     */
    public static void cuLaunchKernel(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
                                      int blockZ, int sharedMemBytes, MemorySegment stream, MemorySegment kernelParams) {
        CudaLibraries.loadDriver();
        check(cuda_h.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedMemBytes, stream,
                kernelParams, MemorySegment.NULL), "cuLaunchKernel");
    }

    /** cuGetErrorName, e.g. "CUDA_ERROR_NOT_FOUND"; "CUresult N" for a status the driver does not know. */
    public static String errorName(int status) {
        return errorText(true, status, "CUresult " + status);
    }

    /** cuGetErrorString, e.g. "named symbol not found". */
    public static String errorString(int status) {
        return errorText(false, status, "");
    }

    private static String errorText(boolean name, int status, String unknown) {
        CudaLibraries.loadDriver();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int result = name ? cuda_h.cuGetErrorName(status, out) : cuda_h.cuGetErrorString(status, out);
            MemorySegment text = out.get(ADDRESS, 0);
            return result != cuda_h.CUDA_SUCCESS() || text.equals(MemorySegment.NULL) ? unknown
                    : CudaRuntime.cString(text);
        }
    }

    @FunctionalInterface
    private interface OutCall {
        int call(MemorySegment out);
    }

    /** Runs a call that writes one handle through its first argument, and returns that handle. */
    private static MemorySegment handleOut(String function, OutCall call) {
        CudaLibraries.loadDriver();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call.call(out), function);
            return out.get(ADDRESS, 0);
        }
    }
}
