package org.jdnn.natives.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The few CUDA driver API calls that loading and launching jdnn's compiled kernels needs, hand-written in the style of
 * the other downcalls: one static method per C function, same name and argument order, every status other than
 * CUDA_SUCCESS a {@link CudaException} naming the function and the status. The driver library (libcuda.so.1) is
 * located by {@link CudaLibraries#driverLibrary()} and bound on the first call (without one, every call throws
 * {@link CudaUnavailableException} saying so); handles (contexts, modules, functions, streams) are zero-length
 * segments holding the C pointer.
 */
public final class CudaDriver {
    /** CUDA_SUCCESS. */
    public static final int SUCCESS = 0;

    private CudaDriver() {
    }

    private static volatile Calls calls;
    private static volatile CudaUnavailableException failure;

    /** The bound downcalls: the driver is loaded and bound on first use, so that this class loads without one. */
    private static final class Calls {
        private static final Linker LINKER = Linker.nativeLinker();

        final String file;
        final SymbolLookup lookup;
        final MethodHandle cuInit;
        final MethodHandle cuDeviceGet;
        final MethodHandle cuDevicePrimaryCtxRetain;
        final MethodHandle cuCtxGetCurrent;
        final MethodHandle cuCtxSetCurrent;
        final MethodHandle cuModuleLoadData;
        final MethodHandle cuModuleUnload;
        final MethodHandle cuModuleGetFunction;
        final MethodHandle cuLaunchKernel;
        final MethodHandle cuGetErrorName;
        final MethodHandle cuGetErrorString;

        Calls(String file) {
            this.file = file;
            this.lookup = SymbolLookup.libraryLookup(file, Arena.global());
            cuInit = bind("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            cuDeviceGet = bind("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            cuDevicePrimaryCtxRetain = bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_INT));
            cuCtxGetCurrent = bind("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            cuCtxSetCurrent = bind("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            cuModuleLoadData = bind("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            cuModuleUnload = bind("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            cuModuleGetFunction = bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                    ADDRESS));
            // CUresult cuLaunchKernel(CUfunction f, unsigned gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
            //                         blockDimZ, unsigned sharedMemBytes, CUstream hStream, void **kernelParams,
            //                         void **extra)
            cuLaunchKernel = bind("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            cuGetErrorName = bind("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
            cuGetErrorString = bind("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        }

        private MethodHandle bind(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(lookup.find(name).orElseThrow(() -> new CudaUnavailableException(
                    "symbol " + name + " not found in the NVIDIA driver library " + file
                            + " (a driver older than CUDA 12?)", null)), descriptor);
        }
    }

    /**
     * The driver's downcalls, bound on the first call; without a loadable driver a {@link CudaUnavailableException}
     * naming the file, every time.
     */
    private static Calls calls() {
        Calls c = calls;
        if (c != null) {
            return c;
        }
        synchronized (CudaDriver.class) {
            if (calls == null && failure == null) {
                String file = CudaLibraries.driverLibrary();
                try {
                    calls = new Calls(file);
                } catch (IllegalArgumentException e) {
                    failure = new CudaUnavailableException("no NVIDIA driver: " + file + " cannot be loaded ("
                            + e.getMessage() + ")", e);
                } catch (CudaUnavailableException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
            return calls;
        }
    }

    /** Empty when the driver library loads and has every function used here, else why not. */
    public static Optional<String> unavailableReason() {
        try {
            calls();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Throws {@link CudaException} naming {@code function} when {@code status} is not CUDA_SUCCESS. */
    public static void check(int status, String function) {
        if (status != SUCCESS) {
            throw new CudaException(function, status, errorName(status), errorString(status));
        }
    }

    /** cuInit(flags); flags must be 0. */
    public static void cuInit(int flags) {
        try {
            check((int) calls().cuInit.invokeExact(flags), "cuInit");
        } catch (Throwable t) {
            throw Downcalls.failure("cuInit", t);
        }
    }

    /** cuDeviceGet: the CUdevice of the ordinal-th device. */
    public static int cuDeviceGet(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check((int) calls().cuDeviceGet.invokeExact(out, ordinal), "cuDeviceGet(" + ordinal + ")");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Downcalls.failure("cuDeviceGet", t);
        }
    }

    /** cuDevicePrimaryCtxRetain: the device's primary context, the one the CUDA runtime uses. */
    public static MemorySegment cuDevicePrimaryCtxRetain(int device) {
        return handleOut("cuDevicePrimaryCtxRetain(" + device + ")",
                out -> (int) calls().cuDevicePrimaryCtxRetain.invokeExact(out, device));
    }

    /** cuCtxGetCurrent: the calling thread's context, NULL when it has none. */
    public static MemorySegment cuCtxGetCurrent() {
        return handleOut("cuCtxGetCurrent", out -> (int) calls().cuCtxGetCurrent.invokeExact(out));
    }

    /** cuCtxSetCurrent: binds {@code context} to the calling thread. */
    public static void cuCtxSetCurrent(MemorySegment context) {
        try {
            check((int) calls().cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw Downcalls.failure("cuCtxSetCurrent", t);
        }
    }

    /** cuModuleLoadData: loads a fatbin, cubin or PTX image (in host memory) into the current context. */
    public static MemorySegment cuModuleLoadData(MemorySegment image) {
        return handleOut("cuModuleLoadData", out -> (int) calls().cuModuleLoadData.invokeExact(out, image));
    }

    /** cuModuleUnload. */
    public static void cuModuleUnload(MemorySegment module) {
        try {
            check((int) calls().cuModuleUnload.invokeExact(module), "cuModuleUnload");
        } catch (Throwable t) {
            throw Downcalls.failure("cuModuleUnload", t);
        }
    }

    /** cuModuleGetFunction: the kernel {@code name} (unmangled, extern "C") of {@code module}. */
    public static MemorySegment cuModuleGetFunction(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            return handleOut("cuModuleGetFunction(" + name + ")",
                    out -> (int) calls().cuModuleGetFunction.invokeExact(out, module, cName));
        }
    }

    /**
     * cuLaunchKernel with {@code kernelParams} (an array of pointers to each argument, see KernelArguments) and no
     * {@code extra}; the driver copies the argument values before it returns.
     */
    public static void cuLaunchKernel(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
                                      int blockZ, int sharedMemBytes, MemorySegment stream, MemorySegment kernelParams) {
        try {
            check((int) calls().cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                    sharedMemBytes, stream, kernelParams, MemorySegment.NULL), "cuLaunchKernel");
        } catch (Throwable t) {
            throw Downcalls.failure("cuLaunchKernel", t);
        }
    }

    /** cuGetErrorName, e.g. "CUDA_ERROR_NOT_FOUND"; "CUresult N" for a status the driver does not know. */
    public static String errorName(int status) {
        return errorText(calls().cuGetErrorName, status, "CUresult " + status);
    }

    /** cuGetErrorString, e.g. "named symbol not found". */
    public static String errorString(int status) {
        return errorText(calls().cuGetErrorString, status, "");
    }

    private static String errorText(MethodHandle handle, int status, String unknown) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int result = (int) handle.invokeExact(status, out);
            MemorySegment text = out.get(ADDRESS, 0);
            return result != SUCCESS || text.equals(MemorySegment.NULL) ? unknown : CudaRuntime.cString(text);
        } catch (Throwable t) {
            throw Downcalls.failure("cuGetErrorName", t);
        }
    }

    @FunctionalInterface
    private interface OutCall {
        int call(MemorySegment out) throws Throwable;
    }

    /** Runs a call that writes one handle through its first argument, and returns that handle. */
    private static MemorySegment handleOut(String function, OutCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call.call(out), function);
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.failure(function, t);
        }
    }
}
