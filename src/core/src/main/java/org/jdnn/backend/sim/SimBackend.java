package org.jdnn.backend.sim;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Device;

import java.util.Set;

/**
 * The simulated device's backend, for CPU-only machines to run every device path: the reference backend's kernels,
 * registered again for the {@code sim} device, over memory host code cannot read without a counted copy
 * ({@link SimMemory}). A training step that runs here with no unexpected transfer needs only kernels to run on a
 * real device; and since its kernels are the reference's, its results equal the reference's bit for bit.
 */
public final class SimBackend implements Backend {
    public static final SimBackend INSTANCE = new SimBackend();

    private final KernelTable kernels = new KernelTable("sim", Set.of());

    private SimBackend() {
        kernels.putAll(ReferenceBackend.INSTANCE.kernels());
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public Device device() {
        return Device.SIM;
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }

    /** The reference emulates bf16: operands rounded to bf16, sums in double. */
    @Override
    public boolean runsBf16() {
        return true;
    }
}
