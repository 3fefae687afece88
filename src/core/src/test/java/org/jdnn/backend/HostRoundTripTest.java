package org.jdnn.backend;

import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host round trip ({@link Fallback#viaHost}) on the sim device, as a device backend without kernels of its own
 * would take it: operands copied to the host, the reference's kernel run there, results copied back. Each call
 * must equal the reference's bit for bit, be counted as a fallback, and show its copies in {@link Transfers}.
 */
class HostRoundTripTest {
    /** A backend for the sim device with no kernel of its own: every op takes the round trip. */
    static final class ViaHostBackend implements Backend {
        private final KernelTable kernels = new KernelTable("sim-via-host", Set.of(), EnumSet.allOf(DType.class), true);

        ViaHostBackend() {
            for (Op<?> op : ReferenceBackend.INSTANCE.kernels().ops()) {
                kernels.putViaHost(op);
            }
        }

        @Override
        public String name() {
            return "sim-via-host";
        }

        @Override
        public Device device() {
            return Device.SIM;
        }

        @Override
        public KernelTable kernels() {
            return kernels;
        }
    }

    private final ViaHostBackend backend = new ViaHostBackend();

    @BeforeEach
    void forgetEarlierCounts() {
        Fallbacks.reset();
    }

    @Test
    void everyOpIsDeclaredAsARoundTripWithoutAKernelOfItsOwn() {
        KernelTable.Entry<Conv2dParams> entry = backend.kernels().entry(Conv2dOps.FORWARD);
        assertNotNull(entry);
        assertFalse(entry.hasOwnKernel());
        assertEquals(1, entry.fallbacks().size(), entry.fallbacks().toString());
        Fallback<Conv2dParams> f = entry.fallbacks().get(0);
        assertEquals(List.of(true, "reference", "no sim-via-host kernel yet: runs on the host"),
                List.of(f.viaHost(), f.backend(), f.reason()));
        assertTrue(ReferenceBackend.INSTANCE.kernels().entry(Conv2dOps.FORWARD).hasOwnKernel());
    }

    @Test
    void aConvolutionRunsOnTheHostAndItsResultLandsOnTheDevice() {
        Conv2dParams p = Conv2dParams.of(2, 1, 1, 2);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(11, 2, 4, 7, 6);
            Tensor w = Tensor.randn(12, 6, 2, 3, 3);
            Tensor b = Tensor.randn(13, 6);
            Tensor expected = Tensor.empty(2, 6, 4, 3);
            Dispatch.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, p, new Tensor[] {x, w, b}, new Tensor[] {expected});
            Tensor[] onSim = {x.to(Device.SIM), w.to(Device.SIM), b.to(Device.SIM)};
            Tensor actual = Tensor.empty(expected.shape(), Device.SIM);
            Transfers.Counts before = Transfers.counts();

            Dispatch.run(backend, Conv2dOps.FORWARD, p, onSim, new Tensor[] {actual});

            Transfers.Counts made = Transfers.counts().since(before);
            assertEquals(List.of(3L, 1L), List.of(made.deviceToHost(), made.hostToDevice()),
                    "three operands to the host, one output back: " + made);
            assertEquals(Device.SIM, actual.device());
            assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), "conv2d " + p + " via the host");
        }
        assertEquals(List.of("sim-via-host conv2d -> reference (no sim-via-host kernel yet: runs on the host): 1"),
                Fallbacks.taken().stream().map(Fallbacks.Taken::toString).toList());
    }

    @Test
    void anInPlaceResultIsWrittenBackIntoItsInput() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.of(new float[] {1, -2, 3, -4}, 2, 2);
            Tensor b = Tensor.of(new float[] {10, 20, 30, 40}, 2, 2);
            Tensor aSim = a.to(Device.SIM);
            Dispatch.run(backend, BinaryOps.BINARY, BinaryParams.of(BinaryAlgorithm.ADD),
                    new Tensor[] {aSim, b.to(Device.SIM)}, new Tensor[] {aSim});
            assertArrayEquals(new float[] {11, 18, 33, 36}, aSim.toFloatArray(), "a += b in place on sim");

            Tensor r = Tensor.of(new float[] {-1, 2, -3, 4}, 4).to(Device.SIM);
            Dispatch.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), new Tensor[] {r}, new Tensor[] {r});
            assertArrayEquals(new float[] {0, 2, 0, 4}, r.toFloatArray(), "relu in place on sim");
        }
    }

    @Test
    void anOptimizerStepUpdatesItsParameterAndStateOnTheDevice() {
        SgdOps.StepParams step = new SgdOps.StepParams(new SgdParams(0.5, 0.9, 0, false, 0, false), false);
        try (Scope scope = Scope.open()) {
            Tensor param = Tensor.of(1, 2, 3);
            Tensor grad = Tensor.of(0.5f, -1, 2);
            Tensor momentum = Tensor.of(1, 1, 1);
            Tensor[] simInputs = {param.to(Device.SIM), grad.to(Device.SIM), momentum.to(Device.SIM)};
            Dispatch.run(ReferenceBackend.INSTANCE, SgdOps.UPDATE, step, new Tensor[] {param, grad, momentum},
                    new Tensor[0]);

            Dispatch.run(backend, SgdOps.UPDATE, step, simInputs, new Tensor[0]);

            // momentum = 0.9 * 1 + g; param -= 0.5 * momentum
            assertArrayEquals(new float[] {1.4f, -0.1f, 2.9f}, momentum.toFloatArray(), 1e-6f, "reference momentum");
            assertArrayEquals(momentum.toFloatArray(), simInputs[2].toFloatArray(), "momentum updated on sim");
            assertArrayEquals(param.toFloatArray(), simInputs[0].toFloatArray(), "param updated on sim");
            assertArrayEquals(new float[] {0.5f, -1, 2}, simInputs[1].toFloatArray(), "grad left as it was");
        }
    }

    @Test
    void maxPoolingsWorkspaceMadeOnTheHostIsAcceptedBackFromTheDevice() {
        Pool2dParams p = Pool2dParams.max(2, 2, 0);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 8, 7, 0, 0, 1, 1, 9, 0, 1, 6}, 1, 1, 4, 4);
            Tensor out = Tensor.empty(org.jdnn.tensor.Shape.of(1, 1, 2, 2), Device.SIM);
            Tensor[] outputs = {out, null};
            Dispatch.run(backend, Pool2dOps.TRAINING, p, new Tensor[] {x.to(Device.SIM)}, outputs);
            assertArrayEquals(new float[] {5, 8, 9, 6}, out.toFloatArray(), "max pool forward");
            Tensor workspace = outputs[1];
            assertNotNull(workspace, "max pooling's workspace");
            assertEquals(Device.SIM, workspace.device());
            assertEquals("reference", Pool2dWorkspace.format(workspace));

            Tensor gradOut = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2).to(Device.SIM);
            Tensor gradIn = Tensor.empty(x.shape(), Device.SIM);
            Dispatch.run(backend, Pool2dOps.BACKWARD, new Pool2dOps.BackwardParams(p, x.shape()),
                    new Tensor[] {gradOut, workspace}, new Tensor[] {gradIn});
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4}, gradIn.toFloatArray(),
                    "max pool backward routes each gradient to its window's maximum");
        }
    }

    @Test
    void aKernelOfTheBackendItselfTakesNoRoundTrip() {
        KernelTable table = new KernelTable("sim-own", Set.of(), EnumSet.allOf(DType.class), true);
        table.putAll(ReferenceBackend.INSTANCE.kernels());
        KernelTable.Entry<Conv2dParams> entry = table.entry(Conv2dOps.FORWARD);
        assertTrue(entry.hasOwnKernel());
        assertTrue(entry.fallbacks().isEmpty(), entry.fallbacks().toString());
    }
}
