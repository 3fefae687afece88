package org.jdnn.backend.cuda;

import org.jdnn.natives.cuda.CudaDriver;
import org.jdnn.natives.cuda.CudaLibraries;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The kernel fatbin loaded into one device's primary context (the CUDA runtime's), once per device, with each
 * kernel's CUfunction looked up once by name and kept. Launches make that context current on the calling thread
 * first, so they work from any thread.
 */
public final class LoadedKernels implements KernelLauncher {
    private static final Map<Integer, LoadedKernels> BY_DEVICE = new ConcurrentHashMap<>();

    private final int device;
    private final MemorySegment context;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new ConcurrentHashMap<>();

    private LoadedKernels(int device, MemorySegment context, MemorySegment module) {
        this.device = device;
        this.context = context;
        this.module = module;
    }

    /**
     * The kernels on device {@code device} (its primary context retained and kept for the process's life), loaded on
     * first use. Throws CudaUnavailableException without CUDA, IllegalStateException without compiled kernels.
     */
    public static LoadedKernels forDevice(int device) {
        return BY_DEVICE.computeIfAbsent(device, LoadedKernels::load);
    }

    private static LoadedKernels load(int device) {
        CudaLibraries.load();
        byte[] image = KernelImage.bytes();
        CudaDriver.cuInit(0);
        MemorySegment context = CudaDriver.cuDevicePrimaryCtxRetain(CudaDriver.cuDeviceGet(device));
        MemorySegment previous = CudaDriver.cuCtxGetCurrent();
        CudaDriver.cuCtxSetCurrent(context);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(image.length + 1L, 16);  // the driver reads the fatbin from host memory
            MemorySegment.copy(image, 0, data, JAVA_BYTE, 0, image.length);
            return new LoadedKernels(device, context, CudaDriver.cuModuleLoadData(data));
        } finally {
            if (!previous.equals(MemorySegment.NULL)) {
                CudaDriver.cuCtxSetCurrent(previous);
            }
        }
    }

    /** The device these kernels run on. */
    public int device() {
        return device;
    }

    /** The CUfunction of kernel {@code name}, looked up once. */
    public MemorySegment function(String name) {
        return functions.computeIfAbsent(name, n -> CudaDriver.cuModuleGetFunction(module, n));
    }

    @Override
    public void launch(String kernel, LaunchGeometry geometry, MemorySegment stream, KernelArguments arguments) {
        if (!CudaDriver.cuCtxGetCurrent().equals(context)) {
            CudaDriver.cuCtxSetCurrent(context);
        }
        CudaDriver.cuLaunchKernel(function(kernel), geometry.blocks(), 1, 1, geometry.threads(), 1, 1, 0, stream,
                arguments.pack());
    }
}
