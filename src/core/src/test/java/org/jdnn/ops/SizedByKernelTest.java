package org.jdnn.ops;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Dispatch;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outputs sized by the kernel ({@link Op.Builder#sizedByKernel}): the shape rule leaves them to the kernel, the kernel
 * that runs allocates them in its backend's format (max pooling's workspace), and the caller owns what comes back.
 */
class SizedByKernelTest {

    @Test
    void theKernelThatRunsMakesTheWorkspaceTheCallerOwns() {
        Pool2dParams p = Pool2dParams.max(2, 2, 0);
        assertTrue(Pool2dOps.TRAINING.isSizedByKernel(1));
        assertFalse(Pool2dOps.TRAINING.isSizedByKernel(0));
        assertEquals(1, Pool2dOps.TRAINING.visibleOutputs());
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("pool2d"))) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(1, 2, 3, 8, 8);
                Tensor[] outputs = {Tensor.empty(2, 3, 4, 4), null};
                Kernels.run(backend, Pool2dOps.TRAINING, p, in(x), outputs);
                assertNotNull(outputs[1], backend.name() + ": the kernel made the workspace");
                assertEquals(backend.device(), outputs[1].device());
                outputs[1].close();

                Tensor given = Tensor.empty(2, 3, 4, 4);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Kernels.run(backend, Pool2dOps.TRAINING, p, in(x), Tensor.empty(2, 3, 4, 4), given));
                assertEquals("pool2d_training: workspace is not produced by this call; pass null", e.getMessage());
                Tensor[] avg = {Tensor.empty(2, 3, 4, 4), null};
                Kernels.run(backend, Pool2dOps.TRAINING, Pool2dParams.avg(2, 2, 0, true), in(x), avg);
                assertNull(avg[1], backend.name() + ": average pooling makes none");
            }
        }
    }

    @Test
    void onlyTheKernelSizesIt() {
        Op<NoParams> sized = Op.<NoParams>declare("sized_by_rule", "x").outputs("out", "state").sizedByKernel(1)
                .shapes((p, in) -> new Shape[] {in[0], in[0]});
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sized.outputShapes(NoParams.INSTANCE, new Shape[] {Shape.of(2)}));
        assertEquals("sized_by_rule: the shape rule sized state, which the kernel sizes", e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Op.<NoParams>declare("no_such_output", "x").outputs("out").sizedByKernel(1)
                        .shapes((p, in) -> new Shape[] {in[0]}));
        assertEquals("no_such_output: no output 1 in [out]", missing.getMessage());
    }

    @Test
    void dispatchHandsTheWorkspaceBack() {
        try (Scope scope = Scope.open()) {
            Tensor[] outputs = Dispatch.call(Pool2dOps.TRAINING, Pool2dParams.max(2, 2, 0), Tensor.randn(4, 1, 1, 4, 4));
            assertEquals(2, outputs.length);
            assertNotNull(outputs[1]);
        }
    }
}
