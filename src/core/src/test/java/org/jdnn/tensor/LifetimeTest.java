package org.jdnn.tensor;

import org.jdnn.autograd.F;
import org.jdnn.natives.HostMemory;
import org.jdnn.nn.Linear;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closed things fail loudly instead of being skipped, and a failed op leaves no memory behind. */
class LifetimeTest {

    @Test
    void backwardThroughAClosedIntermediateThrowsAndChangesNoGradient() {
        try (Tensor w = Tensor.randn(1, 3, 3).requiresGrad(true); Tensor x = Tensor.randn(2, 4, 3);
             Scope scope = Scope.open()) {
            Tensor hidden = F.matmul(x, w);
            Tensor loss = F.sum(F.relu(hidden), false);
            hidden.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("[4, 3]"), e.getMessage());
            assertNull(w.grad(), "no gradient reached the parameter");
        }
    }

    @Test
    void backwardIntoAClosedParameterThrows() {
        Tensor w = Tensor.randn(1, 3, 3).requiresGrad(true);
        try (Tensor x = Tensor.randn(2, 4, 3); Scope scope = Scope.open()) {
            Tensor loss = F.sum(F.matmul(x, w), false);
            w.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("[3, 3]"), e.getMessage());
        }
    }

    @Test
    void stepAfterTheOptimizerWasClosedThrows() {
        try (Tensor p = parameter()) {
            Optimizer adam = new Adam(List.of(p), AdamParams.adam(0.1));
            adam.step();
            adam.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, adam::step);
            assertTrue(e.getMessage().contains("adam") && e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void stepAfterAParameterWasClosedThrowsAndUpdatesNoOtherParameter() {
        Tensor closed = parameter();
        try (Tensor open = parameter(); Optimizer sgd = new SGD(List.of(open, closed), SgdParams.of(0.1))) {
            float[] before = open.toFloatArray();
            closed.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, sgd::step);
            assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("closed"), e.getMessage());
            assertEquals(before[0], open.toFloatArray()[0], "step changes all parameters or none");
        }
    }

    @Test
    void stepAfterTheModuleWasClosedThrows() {
        Linear linear = new Linear(3, 2);
        try (Optimizer adam = new Adam(linear.parameters(), AdamParams.adam(0.1))) {
            linear.close();
            assertThrows(IllegalStateException.class, adam::step);
        }
    }

    @Test
    void aFailedOpFreesWhatItAllocated() {
        try (Tensor a = Tensor.randn(1, 64, 64); Tensor b = Tensor.randn(2, 64, 64)) {
            b.close();
            long live = HostMemory.stats().liveBytes();
            for (int i = 0; i < 10; i++) {
                assertThrows(IllegalStateException.class, () -> F.matmul(a, b));
                assertThrows(IllegalStateException.class, () -> F.add(a, b));
                assertThrows(IllegalStateException.class, () -> F.concat(0, a, b));
                assertThrows(IllegalStateException.class, () -> b.copy());
            }
            assertEquals(live, HostMemory.stats().liveBytes(), "the failed ops' outputs were freed at once");
        }
    }

    @Test
    void aPinKeepsTheStorageAfterCloseAndAClosedTensorCannotBePinned() {
        Tensor t = Tensor.of(1f, 2f, 3f);
        long live = HostMemory.stats().liveBytes();
        try (Pins pins = TensorAccess.pin(new Tensor[] {t}, new Tensor[] {null})) {
            t.close();
            assertEquals(live, HostMemory.stats().liveBytes(), "the free waits for the pin");
        }
        assertTrue(HostMemory.stats().liveBytes() < live, "freed when the pin is released");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TensorAccess.pin(new Tensor[] {t}, new Tensor[0]));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aFailedPinReleasesTheOperandsPinnedBeforeIt() {
        Tensor open = Tensor.of(1f, 2f);
        Tensor closed = Tensor.of(3f);
        closed.close();
        assertThrows(IllegalStateException.class, () -> TensorAccess.pin(new Tensor[] {open, closed}, new Tensor[0]));
        long live = HostMemory.stats().liveBytes();
        open.close();
        assertTrue(HostMemory.stats().liveBytes() < live, "no pin left behind on the open operand");
    }

    private static Tensor parameter() {
        Tensor p = Tensor.randn(9, 4, 4).requiresGrad(true);
        AutogradSupport.setGrad(p, Tensor.randn(10, 4, 4));
        return p;
    }

    /** Run in a fresh JVM by {@link #theFirstReshapeInAFreshJvmIsTracked}: autograd has not loaded yet. */
    public static void main(String[] args) {
        try (Tensor leaf = Tensor.randn(1, 2, 3).requiresGrad(true); Tensor view = leaf.reshape(3, 2)) {
            assertNotNull(view.gradFn(), "the view is recorded");
            view.backward(Tensor.ones(3, 2), false);
            assertNotNull(leaf.grad(), "the gradient flows through the view");
            System.out.println("tracked");
        }
    }

    @Test
    void theFirstReshapeInAFreshJvmIsTracked() throws Exception {
        String java = System.getProperty("java.home") + "/bin/java";
        Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), LifetimeTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        assertTrue(output.contains("tracked"), output);
    }
}
