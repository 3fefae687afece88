package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN matmul beyond its values (compared with the reference on every backend by the op test matrix's matmul
 * entry): repeated shapes reuse the cached primitive.
 */
class MatmulParityTest {

    @Test
    void repeatedShapesReuseTheCachedPrimitive() {
        OneDnnBackend onednn = Parity.onednn("matmul");
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(5, 13, 11);
            Tensor b = Tensor.randn(6, 11, 9);
            Tensor out = Tensor.empty(13, 9);
            Kernels.run(onednn, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), out);
            int cached = onednn.cachedPrimitives();
            for (int i = 0; i < 5; i++) {
                Kernels.run(onednn, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), out);
            }
            assertTrue(onednn.cachedPrimitives() == cached, "same shapes created new primitives");
        }
    }
}
