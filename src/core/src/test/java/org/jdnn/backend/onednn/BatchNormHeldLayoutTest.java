package org.jdnn.backend.onednn;

import org.jdnn.backend.Backend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BatchNormOps;
import org.jdnn.ops.BatchNormParams;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch norm between two convolutions, ResNet's and the U-Net's conv - batch norm - ReLU - conv, forward and backward:
 * on oneDNN it runs in the layout the convolution left its output in (nChw16c with AVX-512, nChw8c with AVX2), so
 * every tensor of the chain stays held and batch norm adds no reorder to the chain without it; the values equal the
 * reference's; the padding channels of a blocked layout (6 channels padded to the block) stay zero, as oneDNN requires
 * of every input; inference with running statistics runs held too.
 */
class BatchNormHeldLayoutTest {
    private static final Conv2dParams CONV = Conv2dParams.of(1, 1);
    private static final BatchNormParams NORM = BatchNormParams.DEFAULT;
    private static final EltwiseParams RELU = EltwiseParams.relu();
    private static final double RTOL = 1e-4;

    /** The chain's results by name, whether each intermediate stayed held, and the reorders it ran. */
    private record Chain(Map<String, float[]> values, Map<String, Boolean> held, long reorders) {
    }

    /**
     * conv(cin -> c) - [batch norm, training] - ReLU - conv(c -> c), then the backward down to the first
     * convolution's weight gradient; without {@code norm} the batch norm is left out. Seeds 1-7.
     */
    private static Chain chain(Backend backend, long cin, long c, boolean norm) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, Boolean> held = new LinkedHashMap<>();
        try (Scope scope = Scope.open()) {
            long[] image = {4, c, 12, 12};
            Tensor x = Tensor.randn(1, 4, cin, 12, 12);
            Tensor w1 = Tensor.randn(2, c, cin, 3, 3), w2 = Tensor.randn(3, c, c, 3, 3);
            Tensor scale = Tensor.uniform(new SplittableRandom(4), 0.5f, 2f, c), shift = Tensor.randn(5, c);
            Tensor runningMean = Tensor.zeros(c), runningVariance = Tensor.ones(c);
            Tensor dy = Tensor.randn(6, image);
            Tensor c1 = Tensor.empty(image), b1 = norm ? Tensor.empty(image) : c1, mean = Tensor.empty(c);
            Tensor variance = Tensor.empty(c), r1 = Tensor.empty(image), c2 = Tensor.empty(image);
            Tensor dr1 = Tensor.empty(image), db1 = Tensor.empty(image), dc1 = norm ? Tensor.empty(image) : db1;
            Tensor dscale = Tensor.empty(c), dshift = Tensor.empty(c), dw1 = Tensor.empty(w1.shape());

            // Whether each output is held right after its op (a later op that wants another layout reads it plain).
            Map<String, Tensor> results = new LinkedHashMap<>();
            java.util.function.BiConsumer<String, Tensor> made = (name, t) -> {
                results.put(name, t);
                held.put(name, TensorAccess.nativeLayout(t) != null);
            };
            long reorders = KernelPaths.executions(KernelPaths.LAYOUT_REORDER);
            Kernels.run(backend, Conv2dOps.FORWARD, CONV, in(x, w1, null), c1);
            made.accept("conv1", c1);
            if (norm) {
                Kernels.run(backend, BatchNormOps.TRAINING, NORM, in(c1, scale, shift, runningMean, runningVariance),
                        b1, mean, variance);
                made.accept("batch norm", b1);
            }
            Kernels.run(backend, EltwiseOps.FORWARD, RELU, in(b1), r1);
            made.accept("relu", r1);
            Kernels.run(backend, Conv2dOps.FORWARD, CONV, in(r1, w2, null), c2);
            made.accept("conv2", c2);
            Kernels.run(backend, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(CONV, dr1), in(dy, w2), dr1);
            made.accept("conv2 backward data", dr1);
            Kernels.run(backend, EltwiseOps.BACKWARD, RELU, in(b1, dr1), db1);
            made.accept("relu backward", db1);
            if (norm) {
                Kernels.run(backend, BatchNormOps.BACKWARD, Kernels.normGrad(NORM, true, dscale, dshift),
                        in(c1, db1, scale, mean, variance), dc1, dscale, dshift);
                made.accept("batch norm backward", dc1);
            }
            Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(CONV, dw1, null), in(x, dc1), dw1,
                    null);
            reorders = KernelPaths.executions(KernelPaths.LAYOUT_REORDER) - reorders;

            // Read last: reading copies a held tensor back to plain.
            results.forEach((name, t) -> values.put(name, t.toFloatArray()));
            values.put("conv1 weight grad", dw1.toFloatArray());
            if (norm) {
                values.put("mean", mean.toFloatArray());
                values.put("variance", variance.toFloatArray());
                values.put("running mean", runningMean.toFloatArray());
                values.put("running variance", runningVariance.toFloatArray());
                values.put("scale grad", dscale.toFloatArray());
                values.put("shift grad", dshift.toFloatArray());
            }
            return new Chain(values, held, reorders);
        }
    }

    private static void assertChainEqualsTheReference(long cin, long c) {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        chain(onednn, cin, c, true); // creates the primitives
        long heldRuns = KernelPaths.executions(KernelPaths.BATCHNORM_HELD);
        Chain actual = chain(onednn, cin, c, true);
        assertEquals(2, KernelPaths.executions(KernelPaths.BATCHNORM_HELD) - heldRuns,
                "batch norm forward and backward on the held layout, [4," + c + ",12,12]");
        String shape = "[4," + c + ",12,12] from " + cin + " channels";
        actual.held().forEach((name, isHeld) -> assertTrue(isHeld, name + " " + shape + " should stay held: " + actual.held()));
        Chain expected = chain(ReferenceBackend.INSTANCE, cin, c, true);
        // Conv2dParityTest's bound, |err| <= 1e-4 |ref| + 1e-5 sqrt(K), times 4 for what the chain carries down; K up
        // to 9c terms per convolution output, 4x12x12 per batch statistic and weight gradient.
        double atol = 4e-5 * Math.sqrt(9 * c * 4 * 144);
        expected.values().forEach((name, want) -> Parity.assertClose(want, actual.values().get(name), RTOL, atol,
                name + " of conv - batch norm - ReLU - conv, " + shape + ", seeds 1-6"));
    }

    @Test
    void aFullBlockOfChannelsStaysHeldThroughBatchNormAndEqualsTheReference() {
        assertChainEqualsTheReference(16, 16);
    }

    @Test
    void paddedChannelsStayHeldThroughBatchNormAndEqualTheReference() {
        assertChainEqualsTheReference(3, 6);
    }

    @Test
    void batchNormAddsNoReorderToTheChain() {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        for (long c : List.of(16L, 6L)) {
            chain(onednn, 16, c, true);
            chain(onednn, 16, c, false);
            long with = chain(onednn, 16, c, true).reorders(), without = chain(onednn, 16, c, false).reorders();
            assertEquals(without, with, "reorders of conv - ReLU - conv forward and backward on [4," + c
                    + ",12,12], with batch norm after the first convolution and without");
        }
    }

    @Test
    void theBlockedPaddingStaysZeroThroughBatchNormForwardAndBackward() {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        try (Scope scope = Scope.open()) {
            long c = 6;
            long[] image = {2, c, 5, 5};
            Tensor x = Tensor.randn(11, 2, 3, 5, 5), w = Tensor.randn(12, c, 3, 3, 3);
            Tensor scale = Tensor.uniform(new SplittableRandom(13), 0.5f, 2f, c), shift = Tensor.randn(14, c);
            Tensor conv = Tensor.empty(image), y = Tensor.empty(image), mean = Tensor.empty(c);
            Tensor variance = Tensor.empty(c), dx = Tensor.empty(image), dscale = Tensor.empty(c);
            Tensor dshift = Tensor.empty(c), dyPlain = Tensor.randn(15, image), dy = Tensor.empty(image);
            Kernels.run(onednn, Conv2dOps.FORWARD, CONV, in(x, w, null), conv);
            Kernels.run(onednn, BatchNormOps.TRAINING, NORM, in(conv, scale, shift, null, null), y, mean, variance);
            // The incoming gradient held too, as ReLU's backward over the held output makes it in a network.
            Kernels.run(onednn, EltwiseOps.BACKWARD, RELU, in(y, heldCopy(onednn, dyPlain)), dy);
            Kernels.run(onednn, BatchNormOps.BACKWARD, Kernels.normGrad(NORM, true, dscale, dshift),
                    in(conv, dy, scale, mean, variance), dx, dscale, dshift);
            for (var e : Map.of("batch norm output", y, "batch norm input gradient", dx).entrySet()) {
                BlockedCopy held = BlockedCopy.acquire(onednn, e.getValue(), null);
                assertNotNull(held, e.getKey() + " [2,6,5,5] should be held");
                try {
                    assertPaddingZero(held, image, e.getKey());
                } finally {
                    held.done();
                }
            }
        }
    }

    @Test
    void inferenceWithRunningStatisticsRunsHeldAndEqualsTheReference() {
        OneDnnBackend onednn = Parity.onednn("batchnorm");
        Map<Backend, float[]> results = new LinkedHashMap<>();
        for (Backend backend : List.of(onednn, ReferenceBackend.INSTANCE)) {
            try (Scope scope = Scope.open()) {
                long c = 16;
                long[] image = {3, c, 7, 7};
                Tensor x = Tensor.randn(21, 3, 8, 7, 7), w = Tensor.randn(22, c, 8, 3, 3);
                Tensor scale = Tensor.uniform(new SplittableRandom(23), 0.5f, 2f, c), shift = Tensor.randn(24, c);
                Tensor runningMean = Tensor.randn(25, c), runningVariance = Tensor.uniform(new SplittableRandom(26), 0.5f, 2f, c);
                Tensor conv = Tensor.empty(image), y = Tensor.empty(image);
                Kernels.run(backend, Conv2dOps.FORWARD, CONV, in(x, w, null), conv);
                long heldRuns = KernelPaths.executions(KernelPaths.BATCHNORM_HELD);
                Kernels.run(backend, BatchNormOps.INFERENCE, NORM, in(conv, scale, shift, runningMean, runningVariance), y);
                if (backend == onednn) {
                    assertEquals(1, KernelPaths.executions(KernelPaths.BATCHNORM_HELD) - heldRuns,
                            "inference batch norm of a held [3,16,7,7] ran on the held layout");
                    assertNotNull(TensorAccess.nativeLayout(y), "inference batch norm output [3,16,7,7] should be held");
                }
                results.put(backend, y.toFloatArray());
            }
        }
        Parity.assertClose(results.get(ReferenceBackend.INSTANCE), results.get(onednn), RTOL, 4e-5 * Math.sqrt(72),
                "inference batch norm of a conv output [3,16,7,7], seeds 21-26");
    }

    /**
     * {@code values} held in a convolution's layout: the backward data of a 3x3 convolution whose kernel is the
     * identity (centre tap 1 from each channel to itself) hands them back unchanged, held.
     */
    private static Tensor heldCopy(OneDnnBackend onednn, Tensor values) {
        long c = values.size(1);
        float[] w = new float[(int) (c * c * 9)];
        for (int i = 0; i < c; i++) {
            w[(i * (int) c + i) * 9 + 4] = 1f;
        }
        Tensor out = Tensor.empty(values.shape());
        Kernels.run(onednn, Conv2dOps.BACKWARD_DATA, Kernels.dataGrad(CONV, out), in(values, Tensor.of(w, c, c, 3, 3)),
                out);
        assertNotNull(TensorAccess.nativeLayout(out), "conv backward data " + values.shape() + " should be held");
        return out;
    }

    /** Every channel past {@code dims[1]} in the held blocked buffer is 0 (the block pads the channels). */
    private static void assertPaddingZero(BlockedCopy held, long[] dims, String what) {
        MemoryFormat format = held.format();
        assertEquals(1, format.innerBlocks().size(), what + ": one channel block expected, format " + format);
        long block = format.innerBlocks().get(0), padded = format.paddedDims().get(1);
        assertTrue(padded > dims[1], what + ": " + dims[1] + " channels should be padded to the block " + block);
        MemorySegment data = held.buffer();
        List<Long> strides = format.strides();
        for (long n = 0; n < dims[0]; n++) {
            for (long ch = dims[1]; ch < padded; ch++) {
                for (long h = 0; h < dims[2]; h++) {
                    for (long w = 0; w < dims[3]; w++) {
                        long at = n * strides.get(0) + (ch / block) * strides.get(1) + h * strides.get(2)
                                + w * strides.get(3) + ch % block;
                        assertEquals(0f, data.getAtIndex(JAVA_FLOAT, at),
                                what + ": padding channel " + ch + " at n=" + n + " h=" + h + " w=" + w + " in " + format);
                    }
                }
            }
        }
    }
}
