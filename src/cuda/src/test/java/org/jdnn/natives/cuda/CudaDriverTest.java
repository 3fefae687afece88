package org.jdnn.natives.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** CudaDriver where the NVIDIA driver is missing (a CPU build machine) or present. */
class CudaDriverTest {
    @Test
    void withoutADriverEveryCallSaysSoNamingTheLibrary() {
        String file = CudaLibraries.driverLibrary();
        assumeTrue(file.equals(CudaLibraries.DRIVER_FILE) && CudaDriver.unavailableReason().isPresent(),
                "an NVIDIA driver is installed here (" + file + ")");
        CudaUnavailableException first = assertThrows(CudaUnavailableException.class, () -> CudaDriver.cuInit(0));
        assertTrue(first.getMessage().startsWith("no NVIDIA driver: libcuda.so.1 cannot be loaded"),
                first.getMessage());
        assertSame(first, assertThrows(CudaUnavailableException.class, CudaDriver::cuCtxGetCurrent),
                "the same failure for every call");
        assertEquals(first.getMessage(), CudaDriver.unavailableReason().orElseThrow());
    }

    @Test
    void withADriverStatusNamesAreTheDriversOwn() {
        assumeTrue(CudaDriver.unavailableReason().isEmpty(), () -> "no NVIDIA driver here: "
                + CudaDriver.unavailableReason().orElse(""));
        assertEquals("CUDA_ERROR_INVALID_VALUE", CudaDriver.errorName(1));
        CudaException e = assertThrows(CudaException.class, () -> CudaDriver.check(1, "cuTest"));
        assertTrue(e.getMessage().startsWith("cuTest: CUDA_ERROR_INVALID_VALUE (1)"), e.getMessage());
        assertTrue(Files.exists(Path.of(CudaLibraries.driverLibrary())) || CudaLibraries.driverLibrary()
                .equals(CudaLibraries.DRIVER_FILE), "a driver file or its soname");
    }
}
