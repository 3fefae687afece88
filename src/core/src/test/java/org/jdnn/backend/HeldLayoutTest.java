package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.natives.HostMemory;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.Pool2dOps;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.Pool2dShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tensors held in oneDNN's own layout between ops (org.jdnn.backend.onednn.BlockedCopy): a convolution's output stays
 * in the blocked layout the primitive chose, ReLU and pooling run on it there, and the plain bytes are only brought up
 * to date when something reads them. Specified here: the chain really stays blocked, every value read back equals
 * the reference (forward and backward, seeded inputs, the LeNet shapes whose 6 channels pad to the 8-channel block),
 * any plain access (a view, a write, a kernel without a blocked path) first copies the elements back, functions that
 * would write into the padding (sigmoid: f(0) != 0) run plain, buffers are freed with their tensor, and a private
 * backend (which can be closed) never holds.
 */
class HeldLayoutTest {
    private static final Conv2dParams CONV1 = Conv2dParams.of(1, 2);
    private static final Conv2dParams CONV2 = Conv2dParams.of(1, 0);
    private static final Pool2dParams POOL = Pool2dParams.max(2, 2, 0);
    private static final double RTOL = 1e-4, ATOL = 1e-5;

    /** LeNet's first layers, forward and the backward of the first block, on one backend; the results by name. */
    private static Map<String, float[]> lenetBlock(Backend backend, Map<String, Boolean> held) {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(11, 8, 1, 28, 28);
            Tensor w1 = Tensor.randn(12, 6, 1, 5, 5), b1 = Tensor.randn(13, 6);
            Tensor w2 = Tensor.randn(14, 16, 6, 5, 5), b2 = Tensor.randn(15, 16);
            Tensor c1 = Tensor.empty(Conv2dShapes.infer(x.shape(), w1.shape(), b1.shape(), CONV1).output());
            Kernels.run(backend, Conv2dOps.FORWARD, CONV1, in(x, w1, b1), c1);
            held.put("conv1", TensorAccess.nativeLayout(c1) != null);
            Tensor r1 = Tensor.empty(c1.shape());
            Kernels.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), in(c1), r1);
            held.put("relu1", TensorAccess.nativeLayout(r1) != null);
            Tensor p1 = Tensor.empty(Pool2dShapes.infer(POOL, r1.shape()).output());
            Tensor workspace = Kernels.poolTraining(backend, POOL, r1, p1);
            held.put("pool1", TensorAccess.nativeLayout(p1) != null);
            Tensor c2 = Tensor.empty(Conv2dShapes.infer(p1.shape(), w2.shape(), b2.shape(), CONV2).output());
            Kernels.run(backend, Conv2dOps.FORWARD, CONV2, in(p1, w2, b2), c2);
            held.put("conv2", TensorAccess.nativeLayout(c2) != null);

            Tensor dp1 = Tensor.randn(16, p1.shape().dims());
            Tensor dr1 = Tensor.empty(r1.shape());
            Kernels.run(backend, Pool2dOps.BACKWARD, Kernels.poolGrad(POOL, dr1), in(dp1, workspace), dr1);
            held.put("pool1 backward", TensorAccess.nativeLayout(dr1) != null);
            Tensor dc1 = Tensor.empty(c1.shape());
            Kernels.run(backend, EltwiseOps.BACKWARD, EltwiseParams.relu(), in(c1, dr1), dc1);
            held.put("relu1 backward", TensorAccess.nativeLayout(dc1) != null);
            Tensor dw1 = Tensor.empty(w1.shape()), db1 = Tensor.empty(b1.shape());
            Kernels.run(backend, Conv2dOps.BACKWARD_WEIGHTS, Kernels.weightGrad(CONV1, dw1, db1), in(x, dc1), dw1, db1);

            // Read last: reading copies a held tensor back to plain, which would change what later ops see.
            for (var e : Map.of("conv1", c1, "relu1", r1, "pool1", p1, "conv2", c2, "pool1 backward", dr1,
                    "relu1 backward", dc1, "conv1 weight grad", dw1, "conv1 bias grad", db1).entrySet()) {
                out.put(e.getKey(), e.getValue().toFloatArray());
            }
            workspace.close();
        }
        return out;
    }

    @Test
    void aConvReluPoolChainStaysInTheBlockedLayoutAndEqualsTheReference() {
        Map<String, Boolean> held = new LinkedHashMap<>();
        Map<String, float[]> actual = lenetBlock(Parity.onednn("conv2d"), held);
        Map<String, float[]> expected = lenetBlock(ReferenceBackend.INSTANCE, new LinkedHashMap<>());
        for (String name : held.keySet()) {
            assertTrue(held.get(name), name + " [8,6,28,28] chain: output should stay in oneDNN's layout; held: " + held);
        }
        // Conv2dParityTest's bound, |err| <= 1e-4 |ref| + 1e-5 sqrt(K), doubled for errors carried down the chain; K is
        // the number of terms each result sums (conv1: 1x5x5, conv2: 6x5x5, weight and bias grads: 8x28x28).
        Map<String, Integer> terms = Map.of("conv1", 25, "relu1", 25, "pool1", 25, "conv2", 150, "pool1 backward", 1,
                "relu1 backward", 1, "conv1 weight grad", 6272, "conv1 bias grad", 6272);
        for (String name : expected.keySet()) {
            Parity.assertClose(expected.get(name), actual.get(name), RTOL, 2e-5 * Math.sqrt(terms.get(name)),
                    name + " of the LeNet block, seeds 11-16");
        }
    }

    @Test
    void aViewOfAHeldTensorReadsThePlainValuesAndTheCopyIsDropped() {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(21, 4, 1, 12, 12), w = Tensor.randn(22, 6, 1, 5, 5);
            Tensor expected = Tensor.empty(4, 6, 12, 12), held = Tensor.empty(4, 6, 12, 12);
            Kernels.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, CONV1, in(x, w, null), expected);
            Kernels.run(onednn, Conv2dOps.FORWARD, CONV1, in(x, w, null), held);
            assertNotNull(TensorAccess.nativeLayout(held), "conv output [4,6,12,12] should be held");

            Tensor flat = held.reshape(4, 6 * 12 * 12);
            assertNotNull(TensorAccess.nativeLayout(flat), "a view shares its storage's held copy");
            Parity.assertClose(expected.toFloatArray(), flat.toFloatArray(), RTOL, ATOL, "reshaped view [4,864] of a held conv output");
            assertNull(TensorAccess.nativeLayout(held), "after a plain read the plain bytes are current and the copy is gone");
            Parity.assertClose(expected.toFloatArray(), held.toFloatArray(), RTOL, ATOL, "held conv output after the view's read");
        }
    }

    @Test
    void writingIntoAHeldTensorFirstBringsBackTheOtherElements() {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(31, 2, 1, 8, 8), w = Tensor.randn(32, 6, 1, 5, 5);
            Tensor expected = Tensor.empty(2, 6, 8, 8), held = Tensor.empty(2, 6, 8, 8);
            Kernels.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, CONV1, in(x, w, null), expected);
            Kernels.run(onednn, Conv2dOps.FORWARD, CONV1, in(x, w, null), held);
            held.set(42f, 1, 5, 7, 7);
            expected.set(42f, 1, 5, 7, 7);
            Parity.assertClose(expected.toFloatArray(), held.toFloatArray(), RTOL, ATOL, "held conv output [2,6,8,8] after one write");
        }
    }

    @Test
    void functionsThatWouldFillThePaddingRunOnPlainMemory() {
        OneDnnBackend onednn = Parity.onednn("eltwise");
        for (EltwiseAlgorithm algorithm : EltwiseAlgorithm.values()) {
            if (algorithm == EltwiseAlgorithm.STEP || algorithm.isMath()) {
                continue; // Java loops on plain memory (OneDnnEltwiseLoops)
            }
            EltwiseParams params = EltwiseParams.of(algorithm);
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(41, 3, 1, 10, 10), w = Tensor.randn(42, 6, 1, 5, 5);
                Tensor conv = Tensor.empty(3, 6, 10, 10), y = Tensor.empty(3, 6, 10, 10);
                Kernels.run(onednn, Conv2dOps.FORWARD, CONV1, in(x, w, null), conv);
                Tensor expected = Tensor.empty(3, 6, 10, 10), plainConv = conv.copy();
                Kernels.run(onednn, Conv2dOps.FORWARD, CONV1, in(x, w, null), conv); // held again: copy() read it back
                Kernels.run(ReferenceBackend.INSTANCE, EltwiseOps.FORWARD, params, in(plainConv), expected);
                Kernels.run(onednn, EltwiseOps.FORWARD, params, in(conv), y);
                boolean zeroAtZero = algorithm != EltwiseAlgorithm.SIGMOID && algorithm != EltwiseAlgorithm.SOFTPLUS;
                assertEquals(zeroAtZero, TensorAccess.nativeLayout(y) != null,
                        algorithm + " on a held [3,6,10,10]: held output only where f(0) = 0 keeps the padding zero");
                Parity.assertClose(expected.toFloatArray(), y.toFloatArray(), 1e-5, 1e-5, algorithm + " of a held conv output");
            }
        }
    }

    @Test
    void heldBuffersAreFreedWithTheirTensors() {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        lenetBlock(onednn, new LinkedHashMap<>()); // creates and caches the primitives (and their scratchpads)
        long before = HostMemory.stats().liveBytes();
        for (int i = 0; i < 3; i++) {
            lenetBlock(onednn, new LinkedHashMap<>());
        }
        assertEquals(before, HostMemory.stats().liveBytes(), "live host bytes after three LeNet blocks in scopes");
    }

    @Test
    void threadsReadingOneHeldTensorAtOnceAllSeeItsValues() throws Exception {
        OneDnnBackend onednn = Parity.onednn("conv2d");
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(51, 16, 1, 28, 28), w = Tensor.randn(52, 6, 1, 5, 5);
            Tensor expected = Tensor.empty(16, 6, 28, 28);
            Kernels.run(ReferenceBackend.INSTANCE, Conv2dOps.FORWARD, CONV1, in(x, w, null), expected);
            float[] want = expected.toFloatArray();
            for (int round = 0; round < 5; round++) {
                Tensor held = Tensor.empty(16, 6, 28, 28);
                Kernels.run(onednn, Conv2dOps.FORWARD, CONV1, in(x, w, null), held);
                var readers = java.util.stream.IntStream.range(0, 4)
                        .mapToObj(t -> CompletableFuture.supplyAsync(held::toFloatArray)).toList();
                float[] first = readers.getFirst().get();
                Parity.assertClose(want, first, RTOL, ATOL, "round " + round + ", a reader of a held [16,6,28,28]");
                for (var reader : readers) {
                    assertArrayEquals(first, reader.get(), "round " + round + ": every reader sees the same values");
                }
                held.close();
            }
        }
    }

    @Test
    void aPrivateBackendNeverHolds() {
        try (OneDnnBackend own = OneDnnBackend.create(Set.of()); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(61, 2, 1, 8, 8), w = Tensor.randn(62, 6, 1, 5, 5), y = Tensor.empty(2, 6, 8, 8);
            Kernels.run(own, Conv2dOps.FORWARD, CONV1, in(x, w, null), y);
            assertNull(TensorAccess.nativeLayout(y), "a backend that can be closed must leave its outputs plain");
        }
    }
}
