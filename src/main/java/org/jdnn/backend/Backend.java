package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;


/**
 * What every backend provides: its device and its {@link KernelTable}, one kernel per op of the op table.
 *
 * <p>Being moved onto the table: the methods below are the ops not yet declared as {@link org.jdnn.ops.Op}s. Their
 * kernels write into output tensors the caller allocated with the shape the op's shape rule gives, and validate
 * their operands before any native code runs.
 */
public interface Backend {
    /** The backend's name: "reference", "onednn", "cuda". */
    String name();

    /** The device whose memory its kernels read and write. */
    Device device();

    /** Its kernels, one per op it implements ({@link Dispatch} runs them). */
    KernelTable kernels();

}
