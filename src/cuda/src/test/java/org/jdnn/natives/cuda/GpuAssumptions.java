package org.jdnn.natives.cuda;

import org.junit.jupiter.api.Assumptions;

/** Skips a gpu-tagged test, with the precise reason, when CUDA cannot run here: never a silent pass. */
public final class GpuAssumptions {
    private GpuAssumptions() {
    }

    public static CudaLibraries.Loaded assumeCuda() {
        var reason = CudaLibraries.unavailableReason();
        Assumptions.assumeTrue(reason.isEmpty(), () -> "cuda unavailable: " + reason.orElse(""));
        return CudaLibraries.load();
    }
}
