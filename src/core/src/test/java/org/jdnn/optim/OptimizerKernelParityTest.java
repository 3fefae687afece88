package org.jdnn.optim;

import org.jdnn.autograd.Calls;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.AdagradOps;
import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.RmspropOps;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the op matrix ({@code org.jdnn.matrix.OptimizerEntries}) does not check: the kill switch routes the updates to
 * the reference, every backend refuses bad operands (aliased state included), and the updates have no outputs and
 * write their parameter and state. The comparison of every backend's updates with the reference is the matrix's.
 */
class OptimizerKernelParityTest {
    @Test
    void theKillSwitchRoutesUpdatesToTheReference() {
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("optimizer")); Scope scope = Scope.open()) {
            Tensor p = Tensor.of(1f, 2f);
            sgd(killed, SgdParams.of(0.5), false, p, Tensor.of(1f, 1f), null);
            assertEquals(0, killed.nativeExecutions("optimizer"));
            Parity.assertClose(new float[] {0.5f, 1.5f}, p.toFloatArray(), 0, 0, "killed sgd");
        }
    }

    @Test
    void badOperandsAreRejectedOnEveryBackend() {
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Backends.get("onednn"))) {
            try (Scope scope = Scope.open()) {
                Tensor p = Tensor.zeros(3);
                assertMessage("sgd", () -> sgd(backend, SgdParams.of(0.1), false, p, Tensor.zeros(4), null));
                assertMessage("sgd", () -> sgd(backend, SgdParams.of(0.1).withMomentum(0.9, false), true, p,
                        Tensor.zeros(3), null));
                assertMessage("sgd", () -> sgd(backend, SgdParams.of(0.1), false, p, p, null));
                assertMessage("adam", () -> adam(backend, AdamParams.adam(0.1), 0, p, Tensor.zeros(3), Tensor.zeros(3),
                        Tensor.zeros(3)));
                assertMessage("adamw", () -> adam(backend, AdamParams.adamW(0.1), 1, p, Tensor.zeros(3), Tensor.zeros(3),
                        Tensor.zeros(2)));
                assertMessage("rmsprop", () -> rmsprop(backend, RmspropParams.of(0.1).withCentered(true), p,
                        Tensor.zeros(3), Tensor.zeros(3), null, null));
                assertMessage("adagrad", () -> adagrad(backend, AdagradParams.of(0.1), 1, p, Tensor.zeros(3), p));
                Tensor state = Tensor.zeros(3);
                assertExactMessage("adam: expAvg is written in place and must not share memory with expAvgSq",
                        () -> adam(backend, AdamParams.adam(0.1), 1, p, Tensor.zeros(3), state, state));
                assertExactMessage("rmsprop: squareAvg is written in place and must not share memory with momentumBuffer",
                        () -> rmsprop(backend, RmspropParams.of(0.1).withMomentum(0.9), p, Tensor.zeros(3), state, null,
                                state));
                assertExactMessage("sgd: momentumBuffer is given but is only used when momentum != 0",
                        () -> sgd(backend, SgdParams.of(0.1), false, p, Tensor.zeros(3), state));
                Tensor closed = Tensor.zeros(3);
                closed.close();
                assertThrows(IllegalStateException.class,
                        () -> adagrad(backend, AdagradParams.of(0.1), 1, p, Tensor.zeros(3), closed));
            }
        }
    }

    @Test
    void updatesHaveNoOutputsAndWriteTheirParameterAndState() {
        for (Op<?> op : List.of(SgdOps.UPDATE, AdagradOps.UPDATE, RmspropOps.UPDATE, AdamOps.UPDATE)) {
            assertEquals(List.of(), op.outputs(), op + " outputs");
            assertEquals("optimizer", op.family(), op + " family");
            assertTrue(op.isUpdated(0) && !op.isUpdated(1), op + ": param is written, grad only read");
            for (int i = 2; i < op.inputs().size(); i++) {
                assertTrue(op.isUpdated(i), op + ": state " + op.inputs().get(i) + " is written");
            }
        }
        try (Scope scope = Scope.open()) {
            Tensor p = Tensor.of(1f, 2f);
            Tensor buffer = Tensor.zeros(2);
            Tensor[] outputs = Dispatch.call(SgdOps.UPDATE,
                    new SgdOps.StepParams(SgdParams.of(0.5).withMomentum(0.9, false), true), p, Tensor.of(1f, -1f), buffer);
            assertEquals(0, outputs.length);
            Parity.assertClose(new float[] {0.5f, 2.5f}, p.toFloatArray(), 0, 0, "param after one step");
            Parity.assertClose(new float[] {1f, -1f}, buffer.toFloatArray(), 0, 0, "buffer starts at the gradient");
            // Asking for a first output fails before anything is written.
            SgdOps.StepParams plain = new SgdOps.StepParams(SgdParams.of(0.5), false);
            assertExactMessage("sgd: has no outputs (it updates its inputs in place); call it with Dispatch.call",
                    () -> Dispatch.call1(SgdOps.UPDATE, plain, p, Tensor.of(1f, 1f), null));
            assertExactMessage("sgd: has no outputs (it updates its inputs in place); call it with Dispatch.call",
                    () -> Calls.call(SgdOps.UPDATE, plain, p, Tensor.of(1f, 1f), null));
            Parity.assertClose(new float[] {0.5f, 2.5f}, p.toFloatArray(), 0, 0, "param untouched by the failed calls");
        }
    }

    private static void sgd(Backend backend, SgdParams params, boolean firstStep, Tensor param, Tensor grad,
                            Tensor momentumBuffer) {
        Kernels.run(backend, SgdOps.UPDATE, new SgdOps.StepParams(params, firstStep), in(param, grad, momentumBuffer));
    }

    private static void adagrad(Backend backend, AdagradParams params, long step, Tensor param, Tensor grad, Tensor sum) {
        Kernels.run(backend, AdagradOps.UPDATE, new AdagradOps.StepParams(params, step), in(param, grad, sum));
    }

    private static void rmsprop(Backend backend, RmspropParams params, Tensor param, Tensor grad, Tensor squareAvg,
                                Tensor gradAvg, Tensor momentumBuffer) {
        Kernels.run(backend, RmspropOps.UPDATE, params, in(param, grad, squareAvg, gradAvg, momentumBuffer));
    }

    private static void adam(Backend backend, AdamParams params, long step, Tensor param, Tensor grad, Tensor expAvg,
                             Tensor expAvgSq) {
        Kernels.run(backend, AdamOps.UPDATE, new AdamOps.StepParams(params, step), in(param, grad, expAvg, expAvgSq, null));
    }

    private static void assertMessage(String op, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
    }

    private static void assertExactMessage(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
