package org.jdnn.backend.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.cuda.Cublas;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.natives.cuda.Cudnn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * What one Java thread uses on the GPU: its own stream (every kernel and copy of the thread is queued there, so they
 * run in program order without a device-wide synchronisation), and the cuBLAS and cuDNN handles bound to that stream,
 * each created on first use. A thread that never touches the GPU creates nothing. Handles live as long as the
 * process: threads that use the GPU are few (the training loop, a loader) and a handle is cheap to keep.
 */
final class CudaThread {
    private static final ThreadLocal<CudaThread> CURRENT = ThreadLocal.withInitial(CudaThread::new);

    private MemorySegment stream;
    private MemorySegment cublas;
    private MemorySegment cudnn;
    private PinnedStaging staging;

    private CudaThread() {
    }

    /** This thread's state, with the device made current (the CUDA runtime keeps the device per thread). */
    static CudaThread current() {
        return CURRENT.get();
    }

    /** The thread's stream, non-blocking (it does not wait for the legacy default stream). */
    MemorySegment stream() {
        if (stream == null) {
            CudaDevice.get(); // loads CUDA, or throws why it cannot
            CudaRuntime.setDevice(CudaDevice.INDEX);
            stream = CudaRuntime.streamCreate();
        }
        return stream;
    }

    /**
     * The thread's cuBLAS handle on its stream: default math (no TF32 for float32, as PyTorch's
     * {@code allow_tf32 = False} for matmul), scalars read from host memory.
     */
    MemorySegment cublas() {
        if (cublas == null) {
            MemorySegment s = stream();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                Cublas.check(cublas_h.cublasCreate_v2(out), "cublasCreate_v2");
                MemorySegment handle = out.get(ADDRESS, 0);
                Cublas.check(cublas_h.cublasSetStream_v2(handle, s), "cublasSetStream_v2");
                Cublas.check(cublas_h.cublasSetMathMode(handle, cublas_h.CUBLAS_DEFAULT_MATH()),
                        "cublasSetMathMode(CUBLAS_DEFAULT_MATH)");
                Cublas.check(cublas_h.cublasSetPointerMode_v2(handle, cublas_h.CUBLAS_POINTER_MODE_HOST()),
                        "cublasSetPointerMode_v2(CUBLAS_POINTER_MODE_HOST)");
                cublas = handle;
            }
        }
        return cublas;
    }

    /** The thread's cuDNN handle on its stream. */
    MemorySegment cudnn() {
        if (cudnn == null) {
            MemorySegment s = stream();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ADDRESS);
                Cudnn.check(cudnn_h.cudnnCreate(out), "cudnnCreate");
                MemorySegment handle = out.get(ADDRESS, 0);
                Cudnn.check(cudnn_h.cudnnSetStream(handle, s), "cudnnSetStream");
                cudnn = handle;
            }
        }
        return cudnn;
    }

    /** The thread's page-locked buffer for copies between Java memory and the device. */
    PinnedStaging staging() {
        if (staging == null) {
            staging = new PinnedStaging(stream());
        }
        return staging;
    }

    /** Waits for everything queued on this thread's stream (before results are read on the host). */
    void synchronize() {
        if (stream != null) {
            CudaRuntime.streamSynchronize(stream);
        }
    }
}
