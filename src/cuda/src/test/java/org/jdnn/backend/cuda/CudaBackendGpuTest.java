package org.jdnn.backend.cuda;

import org.jdnn.Jdnn;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallbacks;
import org.jdnn.autograd.F;
import org.jdnn.loss.Losses;
import org.jdnn.natives.cuda.GpuAssumptions;
import org.jdnn.nn.Module;
import org.jdnn.nn.models.Models;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cuda backend on a real GPU: copies, fills, the caching allocator, a kernel against the reference, a LeNet
 * training step against the CPU, and the state reports. Skipped with the reason where CUDA is unavailable. Bounds:
 * one training step's loss and weights |gpu - cpu| <= 1e-4 (1 + |cpu|) (float32, TF32 off).
 */
@Tag("gpu")
class CudaBackendGpuTest {
    private static final Device CUDA = Device.cuda(0);

    @BeforeEach
    void cuda() {
        GpuAssumptions.assumeCuda();
    }

    @Test
    void theBackendLoadsForCudaTensors() {
        Backend backend = Backends.forDevice(CUDA);
        assertInstanceOf(CudaBackend.class, backend);
        assertEquals(CUDA, backend.device());
        assertTrue(((CudaBackend) backend).nativeOps().containsAll(List.of("conv2d", "conv2d_backward_data",
                "conv2d_backward_weights", "conv_transpose2d", "matmul", "bmm", "pool2d", "eltwise", "softmax")),
                ((CudaBackend) backend).nativeOps().toString());
    }

    @Test
    void copiesThroughThePinnedBufferAreExactIncludingOnesLargerThanIt() {
        int n = (int) (PinnedStaging.CAPACITY / Float.BYTES) * 2 + 123; // three chunks each way
        try (Scope scope = Scope.open()) {
            Tensor host = Tensor.randn(11, n);
            Tensor device = host.to(CUDA);
            assertEquals(CUDA, device.device());
            assertArrayEquals(host.toFloatArray(), device.toFloatArray(), "host -> cuda -> host, " + n + " floats");
            Tensor again = device.copy();
            assertArrayEquals(host.toFloatArray(), again.toFloatArray(), "a copy on the device");
        }
    }

    @Test
    void fillsSetEveryElementOfEveryDType() {
        try (Scope scope = Scope.open()) {
            assertArrayEquals(new float[] {1.5f, 1.5f, 1.5f}, Tensor.full(1.5f, CUDA, 3).toFloatArray());
            assertArrayEquals(new float[] {0, 0, 0, 0}, Tensor.zeros(CUDA, 4).toFloatArray());
            assertArrayEquals(new long[] {7, 7}, Tensor.full(7, DType.INT64, CUDA, 2).toLongArray());
            assertArrayEquals(new double[] {-2.25}, Tensor.full(-2.25, DType.FLOAT64, CUDA, 1).toDoubleArray());
        }
    }

    @Test
    void aSteadyLoopReusesTheAllocatorsBlocks() {
        CachingAllocator allocator = CudaDevice.get().allocator();
        for (int step = 0; step < 2; step++) {
            try (Scope scope = Scope.open()) {
                Tensor.zeros(CUDA, 64, 1024);
                Tensor.zeros(CUDA, 3, 5);
            }
        }
        long before = allocator.stats().rawAllocations();
        for (int step = 0; step < 5; step++) {
            try (Scope scope = Scope.open()) {
                Tensor.zeros(CUDA, 64, 1024);
                Tensor.zeros(CUDA, 3, 5);
            }
        }
        assertEquals(before, allocator.stats().rawAllocations(), "no cudaMalloc in steady state: "
                + allocator.stats());
        assertTrue(Jdnn.info().toString().contains("cudaMalloc"), Jdnn.info().toString());
    }

    @Test
    void anOutOfMemoryNamesTheBytes() {
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> Tensor.empty(org.jdnn.tensor.Shape.of(1L << 40), CUDA));
        assertTrue(e.getMessage().startsWith("cuda:0 out of memory: 4398046511104 bytes requested"), e.getMessage());
    }

    @Test
    void aGroupedDilatedConvolutionMatchesTheReference() {
        Conv2dParams p = Conv2dParams.of(2, 2, 2, 2);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(1, 3, 4, 17, 15);
            Tensor w = Tensor.randn(2, 6, 2, 3, 3);
            Tensor b = Tensor.randn(3, 6);
            Tensor expected = Backends.with(Backends.get(Backends.REFERENCE), () -> F.conv2d(x, w, b, p));
            Tensor actual = F.conv2d(x.to(CUDA), w.to(CUDA), b.to(CUDA), p);
            assertEquals(CUDA, actual.device());
            assertClose(expected.toFloatArray(), actual.toFloatArray(), "conv2d " + p);
        }
    }

    @Test
    void aLeNetTrainingStepOnTheGpuMatchesTheCpu() {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
        SgdParams sgd = new SgdParams(0.05, 0.9, 0, false, 0);
        try (Module cpu = Models.create("lenet", 5); Module gpu = Models.create("lenet", 5).to(CUDA);
             SGD cpuSgd = new SGD(cpu.parameters(), sgd); SGD gpuSgd = new SGD(gpu.parameters(), sgd);
             Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(9, 8, 1, 28, 28);
            Fallbacks.reset();
            float cpuLoss = step(cpu, cpuSgd, x, labels);
            Transfers.Counts before = Transfers.counts();
            float gpuLoss = step(gpu, gpuSgd, x.to(CUDA), labels);
            Transfers.Counts made = Transfers.counts().since(before);
            assertEquals(cpuLoss, gpuLoss, 1e-4 * (1 + Math.abs(cpuLoss)), "loss");
            var c = cpu.stateDict();
            var g = gpu.stateDict();
            c.forEach((name, t) -> {
                assertEquals(CUDA, g.get(name).device(), name);
                assertClose(t.toFloatArray(), g.get(name).toFloatArray(), "after one step: " + name);
            });
            System.out.println("LeNet step on cuda: " + made + "; fallbacks: " + Fallbacks.taken());
        }
    }

    private static float step(Module model, SGD sgd, Tensor x, int[] labels) {
        try (Scope scope = Scope.open()) {
            Tensor loss = Losses.crossEntropy(model.call(x), labels);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            return loss.item();
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-4 * (1 + Math.abs(expected[i])),
                    what + ": element " + i + " cpu " + expected[i] + ", cuda " + actual[i]);
        }
    }
}
