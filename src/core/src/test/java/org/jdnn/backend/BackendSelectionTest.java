package org.jdnn.backend;

import org.jdnn.Jdnn;
import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which backend runs, how to choose it, and the kill switch. */
class BackendSelectionTest {

    @Test
    void oneDnnIsTheDefaultOnThisMachine() {
        assertEquals("onednn", Backends.defaultBackend().name(), "oneDNN failed to load: " + Backends.unavailableReason("onednn"));
        Jdnn.Info info = Jdnn.info();
        assertTrue(info.onednnVersion().orElseThrow().startsWith("3.13"), info.toString());
        assertTrue(info.cpuIsa().isPresent(), info.toString());
        assertEquals("available", info.backends().get("reference"));
    }

    @Test
    void unknownAndUnavailableBackendsSayWhy() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Backends.get("tpu"));
        assertTrue(unknown.getMessage().contains("'tpu'") && unknown.getMessage().contains("onednn"), unknown.getMessage());
        BackendUnavailableException cuda = assertThrows(BackendUnavailableException.class, () -> Backends.get("cuda"));
        assertTrue(cuda.getMessage().startsWith("cuda unavailable: "), cuda.getMessage());
    }

    @Test
    void withOverridesTheBackendForThisThreadOnly() {
        assertSame(ReferenceBackend.INSTANCE, Backends.with(ReferenceBackend.INSTANCE, Backends::current));
        assertEquals("onednn", Backends.current().name());
    }

    @Test
    void theKillSwitchRoutesAnOpToTheReference() {
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("matmul")); Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(1, 5, 7);
            Tensor b = Tensor.randn(2, 7, 3);
            Tensor viaKilled = Backends.with(killed, () -> F.matmul(a, b));
            Tensor viaReference = Backends.with(ReferenceBackend.INSTANCE, () -> F.matmul(a, b));

            assertEquals(0, killed.nativeExecutions("matmul"));
            assertArrayEquals(viaReference.toFloatArray(), viaKilled.toFloatArray(), "bit-identical to the reference");
            Backends.with(killed, () -> F.relu(a));
            assertEquals(1, killed.nativeExecutions("eltwise"), "other ops still run on oneDNN");
        }
    }

    @Test
    void theKillSwitchRejectsUnknownOpNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OneDnnBackend.create(Set.of("convolution2")));
        assertTrue(e.getMessage().contains("convolution2"), e.getMessage());
    }

    @Test
    void aPrivateBackendFreesEverythingOnClose() {
        OneDnnBackend backend = OneDnnBackend.create(Set.of());
        try (Scope scope = Scope.open()) {
            Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(Tensor.ones(2, 2), Tensor.ones(2, 2), null),
                    Tensor.empty(2, 2));
            assertEquals(1, backend.cachedPrimitives());
        }
        backend.close();
        assertEquals(0, backend.cachedPrimitives());
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalStateException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN,
                            in(Tensor.ones(2, 2), Tensor.ones(2, 2), null), Tensor.empty(2, 2)));
        }
    }

    @Test
    void theThreadKnobAcceptsOnlyPositiveCountsAndKeepsResultsTheSame() {
        int original = Jdnn.numThreads();
        assertThrows(IllegalArgumentException.class, () -> Jdnn.setNumThreads(0));
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(3, 64, 64);
            Tensor b = Tensor.randn(4, 64, 64);
            float[] before = F.matmul(a, b).toFloatArray();
            Jdnn.setNumThreads(1);
            assertEquals(1, Jdnn.numThreads());
            float[] single = F.matmul(a, b).toFloatArray();
            org.jdnn.testing.Parity.assertClose(before, single, 1e-5, 1e-5, "1 thread vs " + original);
        } finally {
            Jdnn.setNumThreads(original);
        }
    }
}
