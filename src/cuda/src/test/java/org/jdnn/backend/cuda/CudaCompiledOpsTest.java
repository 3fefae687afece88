package org.jdnn.backend.cuda;

import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** sum_to_shape as a compiled reduction: which axes of the gradient are summed. */
class CudaCompiledOpsTest {
    @Test
    void theLeadingAxesAndTheBroadcastOnesAreSummed() {
        assertArrayEquals(new int[] {0}, CudaCompiledOps.sumToShapeAxes(Shape.of(4, 3), Shape.of(3)),
                "linear's bias gradient: (batch, out) -> (out)");
        assertArrayEquals(new int[] {0}, CudaCompiledOps.sumToShapeAxes(Shape.of(4, 3), Shape.of(1, 3)));
        assertArrayEquals(new int[] {0, 2, 3}, CudaCompiledOps.sumToShapeAxes(Shape.of(2, 3, 4, 5), Shape.of(3, 1, 1)),
                "a per-channel (C, 1, 1) operand of an NCHW sum");
        assertArrayEquals(new int[] {0}, CudaCompiledOps.sumToShapeAxes(Shape.of(2, 1, 5, 1), Shape.of(1, 1, 5, 1)),
                "size-1 axes of both are not summed");
        assertArrayEquals(new int[0], CudaCompiledOps.sumToShapeAxes(Shape.of(2, 3), Shape.of(2, 3)));
        assertArrayEquals(new int[] {0, 1}, CudaCompiledOps.sumToShapeAxes(Shape.of(2, 3), Shape.of()));
    }
}
