package org.jdnn.autograd;

import org.jdnn.tensor.RemovableHandle;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The autograd contract beyond recording, as PyTorch's: gradients always have their tensor's shape (a derivative that
 * breaks this throws naming the op), retained non-leaf gradients, tensor hooks and post-accumulate-grad hooks (each
 * called once per pass with the complete gradient, removable), and the no-grad, enable-grad and inference-mode scopes
 * (thread-local, nested).
 */
class AutogradHooksTest {

    @Test
    void aDerivativeReturningAWronglyShapedGradientThrowsNamingTheOp() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
            Tensor y;
            try (Autograd.NoGrad g = Autograd.noGrad()) {
                y = F.mul(x, 2f);
            }
            Autograd.record("broken_op", y, (g, needs) -> new Tensor[] {Tensor.ones(2)}, x);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.sum(y).backward());
            assertEquals("backward: the derivative of broken_op returned a gradient of shape [2] for its input 0 of"
                    + " shape [3]", e.getMessage());
            assertNull(x.grad(), "nothing was accumulated");
        }
    }

    @Test
    void retainGradKeepsANonLeafsGradientAndAccumulatesIt() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, -2f).requiresGrad(true);
            Tensor y = F.mul(x, 3f).retainGrad();
            Tensor z = F.sum(F.square(y)).retainGrad();
            assertTrue(y.retainsGrad());
            z.backward(null, true);
            assertArrayEquals(new float[] {6f, -12f}, y.grad().toFloatArray(), "dz/dy = 2y");
            assertArrayEquals(new float[] {1f}, z.grad().toFloatArray(), "the root's own gradient");
            assertArrayEquals(new float[] {18f, -36f}, x.grad().toFloatArray());
            z.backward();
            assertArrayEquals(new float[] {12f, -24f}, y.grad().toFloatArray(), "accumulated as a leaf's");
            Tensor leaf = Tensor.of(1f).requiresGrad(true);
            assertFalse(leaf.retainGrad().retainsGrad(), "a no-op on a leaf");
            assertThrows(IllegalStateException.class, () -> Tensor.of(1f).retainGrad());
        }
    }

    @Test
    void unretainedNonLeavesKeepNoGradient() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
            Tensor y = F.mul(x, 3f);
            F.sum(y).backward();
            assertNull(y.grad());
        }
    }

    @Test
    void aLeafHookSeesTheWholeGradientOnceAndMayReplaceIt() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
            List<float[]> seen = new ArrayList<>();
            RemovableHandle handle = x.registerHook(g -> {
                seen.add(g.toFloatArray());
                return F.mul(g, 2f);
            });
            // Two uses of x: the hook runs once, on their sum 2x + 1.
            F.add(F.sum(F.square(x)), F.sum(x)).backward();
            assertEquals(1, seen.size());
            assertArrayEquals(new float[] {3f, 5f}, seen.getFirst());
            assertArrayEquals(new float[] {6f, 10f}, x.grad().toFloatArray(), "the replacement is accumulated");
            handle.remove();
            handle.remove(); // idempotent
            F.sum(x).backward();
            assertEquals(1, seen.size(), "removed");
            assertArrayEquals(new float[] {7f, 11f}, x.grad().toFloatArray());
        }
    }

    @Test
    void aNonLeafHookChangesWhatFlowsBack() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
            Tensor y = F.mul(x, 3f);
            AtomicInteger calls = new AtomicInteger();
            y.registerHook(g -> {
                calls.incrementAndGet();
                return F.mul(g, 0.5f);
            });
            y.registerHook(g -> null); // null keeps the gradient
            F.add(F.sum(y), F.sum(F.mul(y, 2f))).backward(); // dL/dy = 3, halved by the hook
            assertEquals(1, calls.get());
            assertArrayEquals(new float[] {4.5f, 4.5f}, x.grad().toFloatArray());
        }
    }

    @Test
    void aHookReturningAnotherShapeThrows() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
            Tensor y = F.mul(x, 3f);
            y.registerHook(g -> Tensor.ones(3));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.sum(y).backward());
            assertTrue(e.getMessage().startsWith("backward: a hook on tensor [2] (made by "), e.getMessage());
            assertTrue(e.getMessage().endsWith(") returned a gradient of shape [3]"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> Tensor.of(1f).registerHook(g -> g));
        }
    }

    @Test
    void postAccumulateGradHooksRunOnceTheLeafsGradientIsComplete() {
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(1f, 2f).requiresGrad(true);
            Tensor b = Tensor.of(0.5f).requiresGrad(true);
            List<String> events = new ArrayList<>();
            RemovableHandle hw = w.registerPostAccumulateGradHook(p -> {
                assertTrue(p == w);
                events.add("w " + java.util.Arrays.toString(p.grad().toFloatArray()));
            });
            b.registerPostAccumulateGradHook(p -> events.add("b " + java.util.Arrays.toString(p.grad().toFloatArray())));
            // w is used twice, through two branches: its hook fires once, with both contributions in.
            Tensor h = F.add(F.mul(w, 2f), b);
            F.add(F.sum(F.square(h)), F.sum(w)).backward();
            assertEquals(2, events.size(), events.toString());
            assertTrue(events.contains("w [11.0, 19.0]"), events.toString()); // 4(2w + b) + 1
            assertTrue(events.contains("b [14.0]"), events.toString());      // 2 sum(2w + b)
            hw.remove();
            events.clear();
            F.sum(w).backward();
            assertTrue(events.isEmpty(), "removed");
            // A leaf as the root of backward.
            Tensor s = Tensor.of(4f).requiresGrad(true);
            AtomicInteger calls = new AtomicInteger();
            s.registerPostAccumulateGradHook(p -> calls.incrementAndGet());
            s.backward();
            assertEquals(1, calls.get());
            assertThrows(IllegalStateException.class, () -> h.registerPostAccumulateGradHook(p -> { }));
        }
    }

    @Test
    void noGradAndEnableGradNestAndStayOnTheirThread() throws InterruptedException {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f).requiresGrad(true);
            assertTrue(Autograd.isGradEnabled());
            try (var off = Autograd.noGrad()) {
                assertFalse(Autograd.isGradEnabled());
                assertNull(F.mul(x, 2f).gradFn());
                try (var on = Autograd.enableGrad()) {
                    assertTrue(Autograd.isGradEnabled());
                    assertTrue(F.mul(x, 2f).requiresGrad());
                    try (var offAgain = Autograd.noGrad()) {
                        assertFalse(Autograd.isGradEnabled());
                    }
                    assertTrue(Autograd.isGradEnabled());
                }
                assertFalse(Autograd.isGradEnabled());
                AtomicBoolean other = new AtomicBoolean();
                Thread t = new Thread(() -> other.set(Autograd.isGradEnabled()));
                t.start();
                t.join();
                assertTrue(other.get(), "another thread records as usual");
            }
            assertTrue(Autograd.isGradEnabled());
        }
    }

    @Test
    void inferenceTensorsCannotEnterARecordedOp() {
        try (Scope scope = Scope.open()) {
            Tensor w = Tensor.of(1f, 2f).requiresGrad(true);
            Tensor made;
            try (var inference = Autograd.inferenceMode()) {
                assertTrue(Autograd.isInferenceModeEnabled());
                assertFalse(Autograd.isGradEnabled());
                try (var on = Autograd.enableGrad()) {
                    assertFalse(Autograd.isGradEnabled(), "inference mode records nothing, enableGrad or not");
                }
                made = F.mul(w, 3f);
                assertTrue(made.isInference());
                assertNull(made.gradFn());
                assertTrue(Tensor.ones(2).isInference());
            }
            assertFalse(Autograd.isInferenceModeEnabled());
            assertFalse(Tensor.ones(2).isInference());
            assertFalse(w.isInference());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.mul(made, w));
            assertTrue(e.getMessage().startsWith("binary: input [2] is an inference tensor"), e.getMessage()); // mul's op
            assertThrows(IllegalStateException.class, () -> made.requiresGrad(true));
            // Outside a recorded op it is an ordinary tensor, and a copy made outside inference mode is a normal one.
            assertArrayEquals(new float[] {6f, 12f}, F.mul(made, 2f).toFloatArray());
            Tensor copy = made.copy();
            assertFalse(copy.isInference());
            F.sum(F.mul(copy, w)).backward();
            assertArrayEquals(new float[] {3f, 6f}, w.grad().toFloatArray());
        }
    }
}
