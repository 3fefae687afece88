package org.jdnn.backend;

import org.jdnn.tensor.Device;

/**
 * What every backend provides: its name, the device whose memory its kernels use, and its {@link KernelTable}, one
 * kernel per op of the op table ({@link org.jdnn.ops.Op}). {@link Dispatch} is the only caller of the kernels; a
 * backend makes itself known with a {@link BackendProvider}.
 */
public interface Backend {
    /** The backend's name: "reference", "onednn", "sim", "cuda". */
    String name();

    /** The device whose memory its kernels read and write. */
    Device device();

    /** Its kernels, one per op it implements. */
    KernelTable kernels();

    /**
     * Whether its convolution and matmul kernels run {@link org.jdnn.ops.Precision#BF16} as bf16 arithmetic (natively,
     * or as the reference's emulation). {@code org.jdnn.autograd.Autocast} runs float32 on a backend that does not.
     */
    default boolean runsBf16() {
        return false;
    }

    /**
     * One line on the backend's state for {@code Jdnn.info()} when it is available: "available", or more where the
     * backend keeps state worth reporting (a device allocator's use and cache).
     */
    default String status() {
        return "available";
    }
}
