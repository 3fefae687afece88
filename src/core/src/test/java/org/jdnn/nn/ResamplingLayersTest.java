package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.autograd.MaxPoolWithIndices;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.ops.Upsample2dParams;
import org.jdnn.ops.UpsampleMode;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The resampling layers and pooling options against PyTorch's numbers, worked out by hand from its rules (see each
 * case), on the reference and on oneDNN.
 */
class ResamplingLayersTest {
    private static final float[] ARANGE_16 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    private static List<Backend> backends() {
        return List.of(ReferenceBackend.INSTANCE, OneDnnBackend.shared());
    }

    private static void onEach(Runnable check) {
        for (Backend b : backends()) {
            Backends.with(b, () -> {
                try (Scope scope = Scope.open()) {
                    check.run();
                }
                return null;
            });
        }
    }

    @Test
    void adaptiveAvgPoolMatchesPyTorchWindows() {
        onEach(() -> {
            // Windows [floor(i*5/3), ceil((i+1)*5/3)): [0, 2), [1, 4), [3, 5) of 0..4.
            Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4}, 1, 1, 1, 5);
            assertArrayEquals(new float[] {0.5f, 2f, 3.5f}, new AdaptiveAvgPool2d(1, 3).forward(x).toFloatArray());
            // Global pooling of 1..16, and its gradient: 1/16 everywhere.
            Tensor y = Tensor.of(ARANGE_16, 1, 1, 4, 4).requiresGrad(true);
            Tensor global = new AdaptiveAvgPool2d(1).forward(y);
            assertArrayEquals(new float[] {8.5f}, global.toFloatArray());
            F.sum(global).backward();
            for (float g : y.grad().toFloatArray()) {
                assertEquals(1f / 16, g);
            }
            // An output larger than the input repeats elements: 2 -> 3 gives windows [0,1), [0,2), [1,2).
            assertArrayEquals(new float[] {1, 1.5f, 2},
                    F.adaptiveAvgPool2d(Tensor.of(new float[] {1, 2}, 1, 1, 1, 2), 1, 3).toFloatArray());
        });
    }

    @Test
    void upsampleMatchesPyTorch() {
        onEach(() -> {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
            // nn.Upsample(scale_factor=2, mode='nearest'): each element repeated 2x2.
            assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                    new Upsample(2).forward(x).toFloatArray());
            // nearest to width 3: index floor(o * 2/3) = 0, 0, 1.
            assertArrayEquals(new float[] {1, 1, 2}, F.interpolate(Tensor.of(new float[] {1, 2}, 1, 1, 1, 2), 1, 3,
                    UpsampleMode.NEAREST, false).toFloatArray());
            // PyTorch's documented bilinear example (align_corners=False): f = 1 + x + 2y sampled at 0, .25, .75, 1.
            assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f,
                            3, 3.25f, 3.75f, 4},
                    new Upsample(2, UpsampleMode.BILINEAR, false).forward(x).toFloatArray());
            // align_corners=True: the corners stay, steps of (2-1)/(4-1) = 1/3.
            float[] aligned = F.interpolate(Tensor.of(new float[] {1, 2}, 1, 1, 1, 2), 1, 4, UpsampleMode.BILINEAR, true)
                    .toFloatArray();
            assertArrayEquals(new float[] {1, 4f / 3, 5f / 3, 2}, aligned, 1e-6f);
            // Backward of sum: nearest x2 gives 4 per input; bilinear [1,2] -> 4 gives 1 + .75 + .25 = 2 each.
            Tensor a = Tensor.of(new float[] {1, 2}, 1, 1, 1, 2).requiresGrad(true);
            F.sum(F.interpolate(a, Upsample2dParams.size(UpsampleMode.BILINEAR, 1, 4, false))).backward();
            assertArrayEquals(new float[] {2, 2}, a.grad().toFloatArray());
            Tensor b = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2).requiresGrad(true);
            F.sum(F.interpolate(b, Upsample2dParams.nearest(2))).backward();
            assertArrayEquals(new float[] {4, 4, 4, 4}, b.grad().toFloatArray());
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Upsample2dParams.size(UpsampleMode.NEAREST, 4, 4, true));
        assertEquals("upsample2d: alignCorners is only for bilinear, not NEAREST", e.getMessage());
    }

    @Test
    void maxPoolIndicesAndUnpoolMatchPyTorchsExample() {
        onEach(() -> {
            // PyTorch's MaxUnpool2d example: 1..16 in 4x4, MaxPool2d(2, stride=2, return_indices=True).
            Tensor x = Tensor.of(ARANGE_16, 1, 1, 4, 4).requiresGrad(true);
            MaxPoolWithIndices pooled = new MaxPool2d(2).forwardWithIndices(x);
            assertArrayEquals(new float[] {6, 8, 14, 16}, pooled.output().toFloatArray());
            assertEquals(DType.INT64, pooled.indices().dtype());
            assertArrayEquals(new long[] {5, 7, 13, 15}, pooled.indices().toLongArray());
            Tensor unpooled = new MaxUnpool2d(2).forward(pooled.output(), pooled.indices());
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16}, unpooled.toFloatArray());
            // Gradient through unpool (a gather) and pool (to the maxima): 1 at the maxima, 0 elsewhere.
            F.sum(unpooled).backward();
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}, x.grad().toFloatArray());
            // An explicit output size: 5x5 (PyTorch's output_size after pooling an odd input); indices index its plane.
            assertEquals(Shape.of(1, 1, 5, 5), new MaxUnpool2d(2).forward(pooled.output(), pooled.indices(), 5, 5)
                    .shape());
            // Dilation 2 over a row 1..7, window of 3 taps: taps {0,2,4}, {1,3,5}, {2,4,6}.
            MaxPoolWithIndices dilated = F.maxPool2dWithIndices(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7}, 1, 1, 1, 7),
                    new Pool2dParams(PoolAlgorithm.MAX, 1, 3, 1, 1, 0, 0, 0, 0, 1, 2, false));
            assertArrayEquals(new float[] {5, 6, 7}, dilated.output().toFloatArray());
            assertArrayEquals(new long[] {4, 5, 6}, dilated.indices().toLongArray());
            // NaN propagates and takes the index; a window of -Inf only gives -Inf (PyTorch).
            float inf = Float.NEGATIVE_INFINITY;
            MaxPoolWithIndices special = F.maxPool2dWithIndices(Tensor.of(new float[] {1, Float.NaN, inf, inf}, 1, 1, 1, 4),
                    Pool2dParams.max(1, 1, 0).withKernel(1, 2).withStride(1, 2));
            float[] out = special.output().toFloatArray();
            assertTrue(Float.isNaN(out[0]), "NaN propagates: " + out[0]);
            assertEquals(inf, out[1]);
            assertArrayEquals(new long[] {1, 2}, special.indices().toLongArray());
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F.maxUnpool2d(Tensor.of(new float[] {1}, 1, 1, 1, 1), Tensor.ofLongs(new long[] {16}, 1, 1, 1, 1), 4,
                        4));
        assertEquals("max_unpool2d: index 16 (element 0) is outside [0, 16), the output plane", e.getMessage());
    }

    @Test
    void avgPoolCeilModeDividesAsPyTorch() {
        onEach(() -> {
            // AvgPool2d((1,3), stride (1,2), padding (0,1), ceil_mode=True) over the row 1 2 3 4: three windows
            // starting at -1, 1, 3; the last ends at min(3 + 3, 4 + 1) = 5, so it counts 2 with padding counted
            // ((4 + 0) / 2) and 1 without (4 / 1). PyTorch: [1, 3, 2] and [1.5, 3, 4].
            Tensor row = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 1, 4);
            Pool2dParams counted = new Pool2dParams(PoolAlgorithm.AVG_INCLUDE_PADDING, 1, 3, 1, 2, 0, 0, 1, 1, 1, 1,
                    true);
            assertArrayEquals(new float[] {1, 3, 2}, new AvgPool2d(counted).forward(row).toFloatArray(), 1e-6f);
            Pool2dParams excluded = new Pool2dParams(PoolAlgorithm.AVG_EXCLUDE_PADDING, 1, 3, 1, 2, 0, 0, 1, 1, 1, 1,
                    true);
            assertArrayEquals(new float[] {1.5f, 3, 4}, new AvgPool2d(excluded).forward(row).toFloatArray(), 1e-6f);
            // MaxPool2d(2, 2, ceil_mode=True) over 5x5: 3x3, the last row and column of windows half outside.
            assertEquals(Shape.of(1, 1, 3, 3), new MaxPool2d(2, 2, 0, 1, true).forward(Tensor.randn(1, 1, 1, 5, 5))
                    .shape());
            assertEquals(Shape.of(1, 1, 3, 3), new AvgPool2d(2, 2, 0, true, false).forward(Tensor.randn(1, 1, 1, 5, 5))
                    .shape());
        });
    }

    @Test
    void modulesPrintAsPyTorch() {
        assertEquals("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).toString());
        assertEquals("AdaptiveAvgPool2d(output_size=(2, 3))", new AdaptiveAvgPool2d(2, 3).toString());
        assertEquals("Upsample(scale_factor=2.0, mode='nearest')", new Upsample(2).toString());
        assertEquals("Upsample(scale_factor=2.0, mode='bilinear', align_corners=True)",
                new Upsample(2, UpsampleMode.BILINEAR, true).toString());
        assertEquals("MaxUnpool2d(kernel_size=2, stride=2, padding=0)", new MaxUnpool2d(2).toString());
    }
}
