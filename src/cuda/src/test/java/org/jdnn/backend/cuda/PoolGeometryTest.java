package org.jdnn.backend.cuda;

import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_POOLING_MAX;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_POOLING_MAX_DETERMINISTIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** 2-d pooling as a cuDNN pooling descriptor, and the cases cuDNN cannot pool. */
class PoolGeometryTest {
    @Test
    void modesWindowPaddingStrideAndDims() {
        PoolGeometry g = PoolGeometry.of(Pool2dParams.max(3, 2, 1), Shape.of(2, 5, 9, 8), false);
        assertEquals(List.of(CUDNN_POOLING_MAX(), 3, 3, 1, 1, 2, 2), List.of(g.mode(), g.windowH(), g.windowW(),
                g.padH(), g.padW(), g.strideH(), g.strideW()));
        assertArrayEquals(new int[] {2, 5, 9, 8}, g.x());
        assertArrayEquals(new int[] {2, 5, 5, 4}, g.y());
        assertEquals(CUDNN_POOLING_MAX_DETERMINISTIC(),
                PoolGeometry.of(Pool2dParams.max(2, 2, 0), Shape.of(1, 1, 4, 4), true).mode());
        assertEquals(CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING(), PoolGeometry.of(new Pool2dParams(
                PoolAlgorithm.AVG_INCLUDE_PADDING, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, false), Shape.of(1, 1, 4, 4), false).mode());
        assertEquals(CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING(), PoolGeometry.of(new Pool2dParams(
                PoolAlgorithm.AVG_EXCLUDE_PADDING, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, false), Shape.of(1, 1, 4, 4), false).mode());
    }

    @Test
    void whatCudnnCannotPoolIsNamed() {
        Shape x = Shape.of(1, 2, 7, 7);
        assertEquals("dilated pooling (cuDNN pools dense windows only)", PoolGeometry.unsupported(
                new Pool2dParams(PoolAlgorithm.MAX, 2, 2, 1, 1, 0, 0, 0, 0, 2, 1, false), x));
        assertEquals("asymmetric padding (cuDNN pads both sides of an axis alike)", PoolGeometry.unsupported(
                new Pool2dParams(PoolAlgorithm.MAX, 3, 3, 1, 1, 1, 0, 1, 1, 1, 1, false), x));
        assertEquals("ceil mode adding a window (cuDNN rounds the output size down)", PoolGeometry.unsupported(
                new Pool2dParams(PoolAlgorithm.MAX, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, true), x));
        assertNull(PoolGeometry.unsupported(new Pool2dParams(PoolAlgorithm.MAX, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, true),
                Shape.of(1, 2, 8, 8)), "ceil mode that adds no window is the same pooling");
        assertNull(PoolGeometry.unsupported(Pool2dParams.max(2, 2, 0), x));
    }
}
