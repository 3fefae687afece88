package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Set;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bugs {@link FuzzTest} found, each pinned by the smallest call that showed it. */
class FuzzRegressionTest {

    private static List<Backend> backends() {
        return List.of(ReferenceBackend.INSTANCE, Parity.onednn("matmul"));
    }

    private static void rejected(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** A batch of 0 broadcast against a batch of 1 was widened to 1: oneDNN failed, the reference read past A. */
    @Test
    void matmulEmptyBatchBroadcastsAgainstOne() {
        MatmulShapes s = MatmulShapes.infer(Shape.of(0, 3, 4), Shape.of(1, 4, 5), null, MatmulParams.PLAIN);
        assertEquals(Shape.of(0, 3, 5), s.output());
        assertEquals(Shape.of(0, 3, 5), MatmulShapes.infer(Shape.of(3, 4), Shape.of(0, 4, 5), null, MatmulParams.PLAIN).output());
        for (Backend backend : backends()) {
            try (Scope scope = Scope.open()) {
                rejected("matmul: out shape [1, 3, 5] != expected [0, 3, 5]", () -> Kernels.run(backend, MatmulOps.MATMUL,
                        MatmulParams.PLAIN, in(Tensor.empty(0, 3, 4), Tensor.ones(4, 5), null), Tensor.empty(1, 3, 5)));
                Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(Tensor.empty(0, 3, 4), Tensor.ones(4, 5), null),
                        Tensor.empty(0, 3, 5));
            }
        }
    }

    /** Null parameter records reached the kernels as NullPointerExceptions; now each op rejects them by name. */
    @Test
    void nullParamsAreRejectedByName() {
        try (OneDnnBackend killed = OneDnnBackend.create(Set.of("all"))) {
            for (Backend backend : List.of(ReferenceBackend.INSTANCE, Parity.onednn("conv_transpose2d"), killed)) {
                try (Scope scope = Scope.open()) {
                    Tensor x = Tensor.ones(1, 1, 3, 3), w = Tensor.ones(1, 1, 1, 1), y = Tensor.empty(1, 1, 3, 3);
                    Tensor c = Tensor.ones(1);
                    rejected("matmul: params is null", () -> Kernels.run(backend, MatmulOps.MATMUL, null,
                            in(Tensor.ones(2, 2), Tensor.ones(2, 2), null), Tensor.empty(2, 2)));
                    rejected("eltwise: params is null", () -> Kernels.run(backend, EltwiseOps.FORWARD, null, in(x), y));
                    rejected("softmax: params is null", () -> Kernels.run(backend, SoftmaxOps.FORWARD, null, in(x), y));
                    rejected("binary: params is null", () -> Kernels.binary(backend, null, x, x, y));
                    rejected("reduction: params is null", () -> Kernels.reduce(backend, null, x, Tensor.empty()));
                    rejected("conv2d_backward_data: params is null",
                            () -> Kernels.run(backend, Conv2dOps.BACKWARD_DATA, null, in(y, w), x));
                    rejected("conv_transpose2d: params is null", () -> Kernels.run(backend, ConvTranspose2dOps.FORWARD, null, in(x, w, null), y));
                    rejected("conv_transpose2d_backward_weights: params is null",
                            () -> Kernels.run(backend, ConvTranspose2dOps.BACKWARD_WEIGHTS, null, in(x, y), w, null));
                    rejected("pool2d: params is null", () -> Kernels.run(backend, Pool2dOps.FORWARD, null, in(x), y));
                    rejected("pool2d_training: params is null",
                            () -> Kernels.poolTraining(backend, null, x, y));
                    rejected("pool2d_backward: input shape is null",
                            () -> new Pool2dOps.BackwardParams(Pool2dParams.max(2, 2, 0), null));
                    rejected("pool2d_backward: params is null",
                            () -> Kernels.run(backend, Pool2dOps.BACKWARD, null, in(y, null), x));
                    rejected("batchnorm: params is null",
                            () -> Kernels.run(backend, BatchNormOps.INFERENCE, null, in(x, null, null, c, c), y));
                    rejected("batchnorm_backward: params is null", () -> Kernels.run(backend, BatchNormOps.BACKWARD,
                            null, in(x, x, null, c, c), y, null, null));
                }
            }
        }
    }

    /**
     * A conv2d stride of Long.MAX_VALUE passed every shape check: oneDNN ran it while the reference overflowed an
     * index. Convolution parameters are now bounded like pooling's.
     */
    @Test
    void convolutionParamsAreBounded() {
        rejected("conv2d: stride must be in [1, 1048576], got 9223372036854775807",
                () -> new Conv2dParams(1, Long.MAX_VALUE, 0, 0, 0, 0, 1, 1, 1));
        rejected("conv2d: padding must be in [0, 1048576]", () -> Conv2dParams.of(1, 1L << 40));
        rejected("conv2d: dilation must be in [1, 1048576], got 2147483648", () -> Conv2dParams.of(1, 0, 1L << 31, 1));
        rejected("conv2d: groups must be in [1, 1048576], got 1099511627776", () -> Conv2dParams.of(1, 0, 1, 1L << 40));
        Conv2dParams largest = Conv2dParams.of(Conv2dParams.MAX_PARAM, 1, 1, 1);
        for (Backend backend : backends()) {
            try (Scope scope = Scope.open()) {
                Tensor y = Tensor.empty(1, 1, 1, 1);
                Kernels.run(backend, Conv2dOps.FORWARD, largest, in(Tensor.ones(1, 1, 3, 3), Tensor.ones(1, 1, 3, 3), null), y);
                assertEquals(4f, y.item(), backend.name()); // the one window covers the 2x2 corner of ones
            }
        }
    }

    /** The batchnorm running-statistics update also names a null params record. */
    @Test
    void batchNormRunningStatsRejectsNullParams() {
        for (Backend backend : backends()) {
            try (Scope scope = Scope.open()) {
                Tensor c = Tensor.ones(2);
                rejected("batchnorm_running_stats: params is null", () -> Kernels.run(backend,
                        BatchNormOps.RUNNING_STATS, null, in(c, c, Tensor.ones(2), Tensor.ones(2))));
                rejected("batchnorm_running_stats: norm is null",
                        () -> new BatchNormOps.RunningStatsParams(null, 4));
            }
        }
    }

    /**
     * oneDNN rejects average pooling without padding when its dilation (ours - 1) reaches the input size, even on
     * a one-tap axis where dilation means nothing: (1, 1, 1, 7) with kernel 1x3, dilation 2 failed natively.
     */
    @Test
    void sparseExcludePaddingAveragePoolingRuns() {
        OneDnnBackend onednn = Parity.onednn("pool2d");
        Pool2dParams oneTapRows = Pool2dParams.avg(1, 1, 0, false).withKernel(1, 3).withStride(2, 3)
                .withPadding(0, 0, 1, 1).withDilation(2, 2).withCeilMode(true);
        // Taps 4 apart over 3 columns: each window holds exactly one input element.
        Pool2dParams sparse = Pool2dParams.avg(1, 1, 0, false).withKernel(1, 3).withDilation(1, 4).withPadding(0, 0, 4, 4);
        for (Pool2dParams p : List.of(oneTapRows, sparse)) {
            Shape input = p == sparse ? Shape.of(1, 2, 2, 3) : Shape.of(1, 1, 1, 7);
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(5, input.dims());
                Shape out = org.jdnn.ops.Pool2dShapes.infer(p, input).output();
                Tensor expected = Tensor.empty(out.dims()), actual = Tensor.empty(out.dims());
                Tensor dy = Tensor.randn(6, out.dims());
                Tensor expectedDx = Tensor.empty(input.dims()), actualDx = Tensor.empty(input.dims());
                Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.FORWARD, p, in(x), expected);
                Kernels.run(ReferenceBackend.INSTANCE, Pool2dOps.BACKWARD, Kernels.poolGrad(p, expectedDx), in(dy, null),
                        expectedDx);
                long before = onednn.nativeExecutions("pool2d");
                long fallbacks = Fallbacks.total();
                Kernels.run(onednn, Pool2dOps.FORWARD, p, in(x), actual);
                Kernels.run(onednn, Pool2dOps.BACKWARD, Kernels.poolGrad(p, actualDx), in(dy, null), actualDx);
                Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-6, 1e-6, p.toString());
                Parity.assertClose(expectedDx.toFloatArray(), actualDx.toFloatArray(), 1e-6, 1e-6, p + " backward");
                // the one-tap axis now runs natively; the truly sparse window runs on the reference
                assertEquals(p == oneTapRows ? 2 : 0, onednn.nativeExecutions("pool2d") - before, p.toString());
                assertEquals(p == oneTapRows ? 0 : 2, Fallbacks.total() - fallbacks, "declared, counted fallbacks: " + p);
            }
        }
    }
}
