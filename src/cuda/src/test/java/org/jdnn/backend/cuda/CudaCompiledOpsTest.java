package org.jdnn.backend.cuda;

import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** How ops map onto the compiled kernels: sum_to_shape's summed axes, an arg reduction's (outer, size, inner). */
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

    @Test
    void anArgReductionSplitsTheShapeAroundItsDim() {
        assertArrayEquals(new long[] {8, 10, 1}, CudaCompiledOps.around(new ArgReductionOps.DimParams(1, false),
                Shape.of(8, 10)), "argmax over the classes of (batch, classes)");
        assertArrayEquals(new long[] {2, 3, 20}, CudaCompiledOps.around(new ArgReductionOps.DimParams(-3, true),
                Shape.of(2, 3, 4, 5)));
        assertArrayEquals(new long[] {1, 1, 1}, CudaCompiledOps.around(new ArgReductionOps.DimParams(0, false),
                Shape.of()));
    }

    @Test
    void aReductionSumsItsNormalisedAxesOrEveryAxisWhenNoneIsGiven() {
        assertArrayEquals(new int[] {0, 2}, CudaCompiledOps.reducedAxes(new ReductionParams(ReductionAlgorithm.SUM,
                List.of(-1, 0), false), Shape.of(2, 3, 4)));
        assertArrayEquals(new int[] {0, 1}, CudaCompiledOps.reducedAxes(new ReductionParams(ReductionAlgorithm.MEAN,
                List.of(), true), Shape.of(8, 10)));
    }
}
