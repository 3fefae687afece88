package org.jdnn.backend.cuda;

import org.jdnn.natives.cuda.CudaLibraries;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.bindings.cudart.cudart_h;

import java.lang.foreign.MemorySegment;

/**
 * The GPU jdnn runs on, {@code cuda:0}, and its caching allocator. Created on first use, which loads the CUDA
 * libraries (or throws {@link org.jdnn.natives.cuda.CudaUnavailableException} saying why they cannot load).
 * One device per process for now: {@code cuda:N} with N > 0 is refused with a message.
 */
final class CudaDevice {
    static final int INDEX = 0;

    private static volatile CudaDevice instance;

    private final CudaLibraries.Loaded libraries;
    private final CachingAllocator allocator;
    private final String facts;

    private CudaDevice(CudaLibraries.Loaded libraries) {
        this.libraries = libraries;
        CudaRuntime.setDevice(INDEX);
        this.allocator = new CachingAllocator("cuda:" + INDEX, new CudaMalloc());
        int major = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMajor(), INDEX);
        int minor = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMinor(), INDEX);
        int sms = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrMultiProcessorCount(), INDEX);
        long total = CudaRuntime.memoryInfo()[1];
        this.facts = String.format("cuda:%d compute %d.%d, %d SMs, %.1f GiB", INDEX, major, minor, sms,
                total / (1024.0 * 1024 * 1024));
    }

    static CudaDevice get() {
        CudaDevice device = instance;
        if (device == null) {
            synchronized (CudaDevice.class) {
                device = instance;
                if (device == null) {
                    device = new CudaDevice(CudaLibraries.load());
                    instance = device;
                }
            }
        }
        return device;
    }

    /** Throws unless {@code index} is the device this build runs on. */
    static void requireIndex(int index) {
        if (index != INDEX) {
            throw new IllegalArgumentException("cuda:" + index + ": this build runs on cuda:" + INDEX
                    + " only (one GPU per process)");
        }
    }

    CachingAllocator allocator() {
        return allocator;
    }

    CudaLibraries.Loaded libraries() {
        return libraries;
    }

    /** e.g. "cuda:0 compute 9.0, 132 SMs, 139.8 GiB". */
    String facts() {
        return facts;
    }

    /** cudaMalloc / cudaFree under the caching allocator. */
    private static final class CudaMalloc implements CachingAllocator.RawMemory {
        @Override
        public long allocate(long bytes) {
            return CudaRuntime.tryMalloc(bytes).address();
        }

        @Override
        public void free(long address) {
            CudaRuntime.free(MemorySegment.ofAddress(address));
        }

        @Override
        public void synchronize() {
            CudaRuntime.deviceSynchronize();
        }

        @Override
        public long freeBytes() {
            return CudaRuntime.memoryInfo()[0];
        }
    }
}
