package org.jdnn.natives.cuda;

import org.jdnn.bindings.cudart.cudart_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Checked calls into the CUDA runtime: each error status becomes a {@link CudaException} naming the function and
 * the status. Device pointers are {@link MemorySegment}s of size 0 (never dereferenced on the host); streams and
 * events are opaque handles. Callers must have loaded CUDA through {@link CudaLibraries#load()} first.
 */
public final class CudaRuntime {
    private CudaRuntime() {
    }

    public static void check(int status, String function) {
        if (status != cudart_h.cudaSuccess()) {
            throw new CudaException(function, status, errorName(status), errorString(status));
        }
    }

    /** cudaGetErrorName, e.g. "cudaErrorMemoryAllocation". */
    public static String errorName(int status) {
        return cString(cudart_h.cudaGetErrorName(status));
    }

    /** cudaGetErrorString, e.g. "out of memory". */
    public static String errorString(int status) {
        return cString(cudart_h.cudaGetErrorString(status));
    }

    static String cString(MemorySegment pointer) {
        return pointer.equals(MemorySegment.NULL) ? "(null)" : pointer.reinterpret(4096).getString(0);
    }

    public static void setDevice(int device) {
        check(cudart_h.cudaSetDevice(device), "cudaSetDevice(" + device + ")");
    }

    /** cudaDeviceGetAttribute, e.g. {@code cudart_h.cudaDevAttrMultiProcessorCount()}. */
    public static int deviceAttribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(cudart_h.cudaDeviceGetAttribute(out, attribute, device), "cudaDeviceGetAttribute(" + attribute + ", " + device + ")");
            return out.get(JAVA_INT, 0);
        }
    }

    /** {free, total} bytes of the current device. */
    public static long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check(cudart_h.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[]{free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    public static void deviceSynchronize() {
        check(cudart_h.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    /** cudaMalloc; the result is a zero-length segment holding the device address. */
    public static MemorySegment malloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("cudaMalloc: bytes must be positive, got " + bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(cudart_h.cudaMalloc(out, bytes), "cudaMalloc(" + bytes + ")");
            return out.get(ADDRESS, 0);
        }
    }

    /**
     * cudaMalloc that reports out-of-memory as {@link MemorySegment#NULL} (the error is cleared, so the caller may
     * free cached blocks and retry); any other error throws.
     */
    public static MemorySegment tryMalloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("cudaMalloc: bytes must be positive, got " + bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int status = cudart_h.cudaMalloc(out, bytes);
            if (status == cudart_h.cudaErrorMemoryAllocation()) {
                cudart_h.cudaGetLastError(); // resets the last error the failed cudaMalloc left on this thread
                return MemorySegment.NULL;
            }
            check(status, "cudaMalloc(" + bytes + ")");
            return out.get(ADDRESS, 0);
        }
    }

    /** cudaMallocHost: page-locked host memory of {@code bytes} bytes, readable from Java (for staging copies). */
    public static MemorySegment mallocHost(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("cudaMallocHost: bytes must be positive, got " + bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(cudart_h.cudaMallocHost(out, bytes), "cudaMallocHost(" + bytes + ")");
            return out.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    public static void freeHost(MemorySegment host) {
        check(cudart_h.cudaFreeHost(host), "cudaFreeHost");
    }

    /** Queues a device to device copy of {@code bytes} bytes on {@code stream}. */
    public static void copyOnDeviceAsync(MemorySegment source, MemorySegment target, long bytes, MemorySegment stream) {
        check(cudart_h.cudaMemcpyAsync(target, source, bytes, cudart_h.cudaMemcpyDeviceToDevice(), stream),
                "cudaMemcpyAsync(DeviceToDevice)");
    }

    /** Queues a host to device copy of {@code bytes} bytes from {@code host} (page-locked) on {@code stream}. */
    public static void copyToDeviceAsync(MemorySegment host, MemorySegment device, long bytes, MemorySegment stream) {
        check(cudart_h.cudaMemcpyAsync(device, host, bytes, cudart_h.cudaMemcpyHostToDevice(), stream),
                "cudaMemcpyAsync(HostToDevice)");
    }

    /** Queues a device to host copy of {@code bytes} bytes into {@code host} (page-locked) on {@code stream}. */
    public static void copyToHostAsync(MemorySegment device, MemorySegment host, long bytes, MemorySegment stream) {
        check(cudart_h.cudaMemcpyAsync(host, device, bytes, cudart_h.cudaMemcpyDeviceToHost(), stream),
                "cudaMemcpyAsync(DeviceToHost)");
    }

    /** Queues setting {@code bytes} bytes to {@code value} on {@code stream}. */
    public static void memsetAsync(MemorySegment device, int value, long bytes, MemorySegment stream) {
        check(cudart_h.cudaMemsetAsync(device, value, bytes, stream), "cudaMemsetAsync");
    }

    public static void free(MemorySegment device) {
        check(cudart_h.cudaFree(device), "cudaFree");
    }

    /** Synchronous host to device copy of {@code host.byteSize()} bytes. */
    public static void copyToDevice(MemorySegment host, MemorySegment device) {
        check(cudart_h.cudaMemcpy(device, host, host.byteSize(), cudart_h.cudaMemcpyHostToDevice()), "cudaMemcpy(HostToDevice)");
    }

    /** Synchronous device to host copy filling {@code host}. */
    public static void copyToHost(MemorySegment device, MemorySegment host) {
        check(cudart_h.cudaMemcpy(host, device, host.byteSize(), cudart_h.cudaMemcpyDeviceToHost()), "cudaMemcpy(DeviceToHost)");
    }

    public static void copyOnDevice(MemorySegment source, MemorySegment target, long bytes) {
        check(cudart_h.cudaMemcpy(target, source, bytes, cudart_h.cudaMemcpyDeviceToDevice()), "cudaMemcpy(DeviceToDevice)");
    }

    public static void copyToDeviceAsync(MemorySegment host, MemorySegment device, MemorySegment stream) {
        check(cudart_h.cudaMemcpyAsync(device, host, host.byteSize(), cudart_h.cudaMemcpyHostToDevice(), stream),
                "cudaMemcpyAsync(HostToDevice)");
    }

    public static void copyToHostAsync(MemorySegment device, MemorySegment host, MemorySegment stream) {
        check(cudart_h.cudaMemcpyAsync(host, device, host.byteSize(), cudart_h.cudaMemcpyDeviceToHost(), stream),
                "cudaMemcpyAsync(DeviceToHost)");
    }

    public static void memset(MemorySegment device, int value, long bytes) {
        check(cudart_h.cudaMemset(device, value, bytes), "cudaMemset");
    }

    /** A non-blocking stream (it does not synchronise with the legacy default stream). */
    public static MemorySegment streamCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(cudart_h.cudaStreamCreateWithFlags(out, cudart_h.cudaStreamNonBlocking()), "cudaStreamCreateWithFlags");
            return out.get(ADDRESS, 0);
        }
    }

    public static void streamSynchronize(MemorySegment stream) {
        check(cudart_h.cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    }

    public static void streamDestroy(MemorySegment stream) {
        check(cudart_h.cudaStreamDestroy(stream), "cudaStreamDestroy");
    }

    public static MemorySegment eventCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(cudart_h.cudaEventCreateWithFlags(out, cudart_h.cudaEventDefault()), "cudaEventCreateWithFlags");
            return out.get(ADDRESS, 0);
        }
    }

    public static void eventRecord(MemorySegment event, MemorySegment stream) {
        check(cudart_h.cudaEventRecord(event, stream), "cudaEventRecord");
    }

    public static void eventSynchronize(MemorySegment event) {
        check(cudart_h.cudaEventSynchronize(event), "cudaEventSynchronize");
    }

    /** Milliseconds between two recorded, completed events. */
    public static float eventElapsedMillis(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT);
            check(cudart_h.cudaEventElapsedTime(out, start, end), "cudaEventElapsedTime");
            return out.get(JAVA_FLOAT, 0);
        }
    }

    public static void eventDestroy(MemorySegment event) {
        check(cudart_h.cudaEventDestroy(event), "cudaEventDestroy");
    }
}
