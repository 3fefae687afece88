package org.jdnn.backend;

import org.jdnn.Jdnn;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fallback from a native kernel is declared once, runs the other backend's kernel, and is counted and reported. */
class FallbackTest {
    @BeforeEach
    void forgetEarlierCounts() {
        Fallbacks.reset();
    }

    @Test
    void aTransposedConvolutionOneDnnCannotExpressRunsOnTheReferenceAndIsCounted() {
        OneDnnBackend onednn = Parity.onednn("conv_transpose2d");
        // Output padding 1 with stride 1 is legal for PyTorch (it is below the dilation 2) but not for oneDNN.
        ConvTranspose2dParams p = ConvTranspose2dParams.of(1, 0, 1, 2, 1);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 2, 4, 4);
            Tensor w = Tensor.randn(2, 2, 3, 3, 3);
            Tensor expected = Tensor.empty(1, 3, 9, 9);
            Tensor actual = Tensor.empty(1, 3, 9, 9);
            Kernels.run(ReferenceBackend.INSTANCE, ConvTranspose2dOps.FORWARD, p, in(x, w, null), expected);
            Kernels.run(onednn, ConvTranspose2dOps.FORWARD, p, in(x, w, null), actual);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 0, 0, "fallback result");
        }
        List<Fallbacks.Taken> taken = Fallbacks.taken();
        assertEquals(1, taken.size(), taken.toString());
        Fallbacks.Taken t = taken.get(0);
        assertEquals(List.of("onednn", "conv_transpose2d", "reference", 1L),
                List.of(t.backend(), t.op(), t.target(), t.count()));
        assertTrue(t.reason().contains("output padding"), t.reason());
        assertTrue(Jdnn.info().toString().contains("onednn conv_transpose2d -> reference"), Jdnn.info().toString());
    }

    @Test
    void theKillSwitchIsAFallbackForEveryOpOfTheFamily() {
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("conv2d")); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, 2, 5, 5);
            Tensor w = Tensor.randn(2, 3, 2, 3, 3);
            Tensor y = Tensor.empty(1, 3, 3, 3);
            Kernels.run(killed, Conv2dOps.FORWARD, Conv2dParams.DEFAULT, in(x, w, null), y);
            Tensor dx = Tensor.empty(x.shape());
            Kernels.run(killed, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(Conv2dParams.DEFAULT, dx), in(y, w), dx);
            assertEquals(0, killed.nativeExecutions("conv2d"));
        }
        List<String> ops = Fallbacks.taken().stream().map(t -> t.op() + " -> " + t.target() + ": " + t.reason()).toList();
        assertEquals(List.of("conv2d -> reference: disabled by jdnn.onednn.disable",
                "conv2d_backward_data -> reference: disabled by jdnn.onednn.disable"), ops.stream().sorted().toList());
    }

    @Test
    void theKillSwitchTakesEveryRegisteredOpOrFamilyAndNamesTheUnknown() {
        Set<String> names = OneDnnBackend.shared().opNames();
        assertTrue(names.containsAll(Set.of("conv2d", "conv2d_backward_data", "eltwise", "log", "softmax", "sign",
                "optimizer", "adam")), names.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OneDnnBackend.create(Set.of("conv3d")));
        assertTrue(e.getMessage().startsWith("jdnn.onednn.disable: unknown op 'conv3d', expected some of ["),
                e.getMessage());
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("log"))) {
            assertEquals(false, killed.runsNatively("log"));
        }
    }
}
