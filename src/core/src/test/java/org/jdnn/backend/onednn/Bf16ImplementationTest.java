package org.jdnn.backend.onednn;

import org.jdnn.backend.Backends;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On a CPU with AVX-512-BF16 or AMX, oneDNN runs the bf16 convolutions (all three passes) and matmuls (the linear
 * layer's three products) of a LeNet step with its jit kernels: a "ref:" implementation would be a silent slowdown.
 */
class Bf16ImplementationTest {
    private static OneDnnBackend bf16Backend() {
        assumeTrue(Backends.unavailableReason(Backends.ONEDNN).isEmpty(), "oneDNN is not available");
        OneDnnBackend backend = (OneDnnBackend) Backends.get(Backends.ONEDNN);
        assumeTrue(backend.runsBf16(), "this CPU lacks AVX-512-BF16/AMX");
        return backend;
    }

    @Test
    void lenetConvolutionsRunJitKernelsInEveryPass() {
        OneDnnBackend backend = bf16Backend();
        Conv2dParams p = Conv2dParams.of(1, 2).withPrecision(Precision.BF16);
        long[][] layers = {{64, 1, 28, 6}, {64, 6, 14, 16}}; // N, C, H=W, O: LeNet conv1 (padded) and conv2
        for (long[] l : layers) {
            Conv2dParams params = l[1] == 1 ? p : Conv2dParams.of(1, 0).withPrecision(Precision.BF16);
            Conv2dShapes s = Conv2dShapes.infer(Shape.of(l[0], l[1], l[2], l[2]), Shape.of(l[3], l[1], 5, 5),
                    Shape.of(l[3]), params);
            for (OneDnnConvolution.Pass pass : OneDnnConvolution.Pass.values()) {
                String impl = OneDnnConvolution.implementation(backend,
                        OneDnnConvolution.Key.conv(pass, s, params, pass != OneDnnConvolution.Pass.BACKWARD_DATA));
                assertFalse(impl.startsWith("ref"), "conv2d " + pass + " " + s + " in bf16 runs " + impl);
            }
        }
    }

    @Test
    void linearLayerProductsRunJitKernels() {
        OneDnnBackend backend = bf16Backend();
        // LeNet fc1 at batch 64: x (64, 400) @ W^T (400, 120), dX = G W, dW = G^T X.
        long[][] mkn = {{64, 400, 120}, {64, 120, 400}, {120, 64, 400}};
        MatmulParams[] params = {new MatmulParams(false, true), MatmulParams.PLAIN, new MatmulParams(true, false)};
        for (int i = 0; i < mkn.length; i++) {
            MatmulParams q = params[i].withPrecision(Precision.BF16);
            String impl = backend.matmulImplementation(q, mkn[i][0], mkn[i][1], mkn[i][2]);
            assertFalse(impl.startsWith("ref"), "matmul " + q + " " + java.util.Arrays.toString(mkn[i])
                    + " in bf16 runs " + impl);
        }
    }
}
