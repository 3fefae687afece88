package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudart.cudart_h;
import org.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.jdnn.bindings.cublas.cublas_h.CUBLAS_DEFAULT_MATH;
import static org.jdnn.bindings.cublas.cublas_h.CUBLAS_OP_N;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_ACTIVATION_RELU;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_CROSS_CORRELATION;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_DATA_FLOAT;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_FMA_MATH;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_NOT_PROPAGATE_NAN;
import static org.jdnn.bindings.cudnn.cudnn_h.CUDNN_TENSOR_NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA runtime, cuBLAS and cuDNN generated bindings on a real device, against plain loops in double precision.
 * Skipped with the reason when CUDA is unavailable. Bounds: GEMM and convolution |gpu - ref| <= 1e-4 * (1 + |ref|)
 * for reductions of length <= 64 with inputs in [-1, 1] (float32 with FMA math, TF32 off); copies are exact.
 */
@Tag("gpu")
class CudaGpuTest {
    private static final long SEED = 20240605L;

    @BeforeEach
    void cuda() {
        GpuAssumptions.assumeCuda();
    }

    private static float[] random(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /** Device copy of {@code values}; freed by the caller. */
    private static MemorySegment upload(Arena arena, float[] values) {
        MemorySegment device = CudaRuntime.malloc((long) values.length * Float.BYTES);
        CudaRuntime.copyToDevice(arena.allocateFrom(JAVA_FLOAT, values), device);
        return device;
    }

    private static float[] download(Arena arena, MemorySegment device, int n) {
        MemorySegment host = arena.allocate(JAVA_FLOAT, n);
        CudaRuntime.copyToHost(device, host);
        return host.toArray(JAVA_FLOAT);
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double bound = 1e-4 * (1 + Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= bound,
                    what + " seed " + SEED + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    @Test
    void deviceFactsAndVersions() {
        CudaLibraries.Loaded cuda = CudaLibraries.load();
        assertTrue(cuda.deviceCount() > 0, cuda.toString());
        CudaRuntime.setDevice(0);
        int major = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMajor(), 0);
        int minor = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMinor(), 0);
        int sms = CudaRuntime.deviceAttribute(cudart_h.cudaDevAttrMultiProcessorCount(), 0);
        long[] memory = CudaRuntime.memoryInfo();
        System.out.printf("gpu: %s; compute capability %d.%d, %d SMs, %.1f GiB total; cuDNN %d%n", cuda, major, minor,
                sms, memory[1] / (double) (1L << 30), cudnn_h.cudnnGetVersion());
        assertTrue(major >= 5 && sms > 0 && memory[1] > 0, "device 0: cc " + major + "." + minor + ", sms " + sms);
    }

    @Test
    void copiesRoundTripAndMemsetZeroes() {
        Random random = new Random(SEED);
        float[] values = random(random, 1000);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = upload(arena, values);
            MemorySegment b = CudaRuntime.malloc(values.length * 4L);
            try {
                CudaRuntime.copyOnDevice(a, b, values.length * 4L);
                assertArrayEquals(values, download(arena, b, values.length), "host->device->device->host");
                CudaRuntime.memset(b, 0, values.length * 4L);
                assertArrayEquals(new float[values.length], download(arena, b, values.length), "memset 0");
            } finally {
                CudaRuntime.free(a);
                CudaRuntime.free(b);
            }
        }
    }

    @Test
    void streamsAndEventsTimeAnAsyncCopy() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = CudaRuntime.streamCreate();
            MemorySegment start = CudaRuntime.eventCreate();
            MemorySegment end = CudaRuntime.eventCreate();
            MemorySegment host = arena.allocate(JAVA_FLOAT, 1 << 20);
            MemorySegment device = CudaRuntime.malloc(host.byteSize());
            try {
                CudaRuntime.eventRecord(start, stream);
                CudaRuntime.copyToDeviceAsync(host, device, stream);
                CudaRuntime.copyToHostAsync(device, host, stream);
                CudaRuntime.eventRecord(end, stream);
                CudaRuntime.eventSynchronize(end);
                CudaRuntime.streamSynchronize(stream);
                assertTrue(CudaRuntime.eventElapsedMillis(start, end) >= 0);
            } finally {
                CudaRuntime.free(device);
                CudaRuntime.eventDestroy(start);
                CudaRuntime.eventDestroy(end);
                CudaRuntime.streamDestroy(stream);
            }
        }
    }

    @Test
    void cublasSgemmRowMajorMatchesLoops() {
        int m = 17, k = 33, n = 9;   // odd sizes on purpose
        Random random = new Random(SEED);
        float[] a = random(random, m * k);
        float[] b = random(random, k * n);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * n + j];
                }
                expected[i * n + j] = sum;
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handleOut = arena.allocate(ADDRESS);
            Cublas.check(cublas_h.cublasCreate_v2(handleOut), "cublasCreate_v2");
            MemorySegment handle = handleOut.get(ADDRESS, 0);
            MemorySegment da = upload(arena, a);
            MemorySegment db = upload(arena, b);
            MemorySegment dc = CudaRuntime.malloc((long) m * n * 4);
            try {
                Cublas.check(cublas_h.cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH()), "cublasSetMathMode");
                // Row-major C = A B is column-major C^T = B^T A^T: swap the operands and m/n.
                Cublas.check(cublas_h.cublasSgemm_v2(handle, CUBLAS_OP_N(), CUBLAS_OP_N(), n, m, k, arena.allocateFrom(JAVA_FLOAT, 1f),
                        db, n, da, k, arena.allocateFrom(JAVA_FLOAT, 0f), dc, n), "cublasSgemm_v2");
                assertClose(expected, download(arena, dc, m * n), "sgemm " + m + "x" + k + "x" + n);

                // The same product twice as a batch of 2 with stride 0 for B.
                MemorySegment da2 = upload(arena, concat(a, a));
                MemorySegment dc2 = CudaRuntime.malloc(2L * m * n * 4);
                try {
                    Cublas.check(cublas_h.cublasSgemmStridedBatched(handle, CUBLAS_OP_N(), CUBLAS_OP_N(), n, m, k,
                            arena.allocateFrom(JAVA_FLOAT, 1f), db, n, 0, da2, k, (long) m * k,
                            arena.allocateFrom(JAVA_FLOAT, 0f), dc2, n, (long) m * n, 2), "cublasSgemmStridedBatched");
                    float[] both = download(arena, dc2, 2 * m * n);
                    assertClose(concat(expected, expected), both, "sgemm strided batched x2");
                } finally {
                    CudaRuntime.free(da2);
                    CudaRuntime.free(dc2);
                }
            } finally {
                CudaRuntime.free(da);
                CudaRuntime.free(db);
                CudaRuntime.free(dc);
                Cublas.check(cublas_h.cublasDestroy_v2(handle), "cublasDestroy_v2");
            }
        }
    }

    private static float[] concat(float[] x, float[] y) {
        float[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static double[] concat(double[] x, double[] y) {
        double[] out = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    @Test
    void cudnnConvolutionForwardAndReluMatchLoops() {
        int n = 2, c = 3, h = 7, w = 6, k = 4, r = 3, s = 3, pad = 1, stride = 2;
        int oh = (h + 2 * pad - r) / stride + 1;
        int ow = (w + 2 * pad - s) / stride + 1;
        Random random = new Random(SEED);
        float[] x = random(random, n * c * h * w);
        float[] wt = random(random, k * c * r * s);
        double[] expected = new double[n * k * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < k; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int z = 0; z < ow; z++) {
                        double sum = 0;
                        for (int i = 0; i < c; i++) {
                            for (int u = 0; u < r; u++) {
                                for (int v = 0; v < s; v++) {
                                    int iy = y * stride - pad + u;
                                    int iz = z * stride - pad + v;
                                    if (iy >= 0 && iy < h && iz >= 0 && iz < w) {
                                        sum += (double) x[((b * c + i) * h + iy) * w + iz] * wt[((o * c + i) * r + u) * s + v];
                                    }
                                }
                            }
                        }
                        expected[((b * k + o) * oh + y) * ow + z] = sum;
                    }
                }
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Cudnn.check(cudnn_h.cudnnCreate(out), "cudnnCreate");
            MemorySegment handle = out.get(ADDRESS, 0);
            MemorySegment xDesc = tensorDesc(arena, n, c, h, w);
            MemorySegment yDesc = tensorDesc(arena, n, k, oh, ow);
            Cudnn.check(cudnn_h.cudnnCreateFilterDescriptor(out), "cudnnCreateFilterDescriptor");
            MemorySegment wDesc = out.get(ADDRESS, 0);
            Cudnn.check(cudnn_h.cudnnSetFilter4dDescriptor(wDesc, CUDNN_DATA_FLOAT(), CUDNN_TENSOR_NCHW(), k, c, r, s), "cudnnSetFilter4dDescriptor");
            Cudnn.check(cudnn_h.cudnnCreateConvolutionDescriptor(out), "cudnnCreateConvolutionDescriptor");
            MemorySegment conv = out.get(ADDRESS, 0);
            Cudnn.check(cudnn_h.cudnnSetConvolution2dDescriptor(conv, pad, pad, stride, stride, 1, 1, CUDNN_CROSS_CORRELATION(),
                    CUDNN_DATA_FLOAT()), "cudnnSetConvolution2dDescriptor");
            Cudnn.check(cudnn_h.cudnnSetConvolutionMathType(conv, CUDNN_FMA_MATH()), "cudnnSetConvolutionMathType");

            MemorySegment dims = arena.allocate(JAVA_INT, 4);
            Cudnn.check(cudnn_h.cudnnGetConvolution2dForwardOutputDim(conv, xDesc, wDesc, dims, dims.asSlice(4), dims.asSlice(8),
                    dims.asSlice(12)), "cudnnGetConvolution2dForwardOutputDim");
            assertArrayEquals(new int[]{n, k, oh, ow}, dims.toArray(JAVA_INT), "cuDNN output dims");

            MemorySegment perf = cudnnConvolutionFwdAlgoPerf_t.allocateArray(8, arena);
            MemorySegment returned = arena.allocate(JAVA_INT);
            Cudnn.check(cudnn_h.cudnnGetConvolutionForwardAlgorithm_v7(handle, xDesc, wDesc, conv, yDesc, 8, returned, perf),
                    "cudnnGetConvolutionForwardAlgorithm_v7");
            assertTrue(returned.get(JAVA_INT, 0) > 0, "no forward algorithm returned");
            int algo = cudnnConvolutionFwdAlgoPerf_t.algo(perf);
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            Cudnn.check(cudnn_h.cudnnGetConvolutionForwardWorkspaceSize(handle, xDesc, wDesc, conv, yDesc, algo, bytes),
                    "cudnnGetConvolutionForwardWorkspaceSize");
            long workspaceBytes = bytes.get(JAVA_LONG, 0);

            MemorySegment dx = upload(arena, x);
            MemorySegment dw = upload(arena, wt);
            MemorySegment dy = CudaRuntime.malloc((long) expected.length * 4);
            MemorySegment workspace = workspaceBytes > 0 ? CudaRuntime.malloc(workspaceBytes) : MemorySegment.NULL;
            MemorySegment one = arena.allocateFrom(JAVA_FLOAT, 1f);
            MemorySegment zero = arena.allocateFrom(JAVA_FLOAT, 0f);
            try {
                Cudnn.check(cudnn_h.cudnnConvolutionForward(handle, one, xDesc, dx, wDesc, dw, conv, algo, workspace, workspaceBytes,
                        zero, yDesc, dy), "cudnnConvolutionForward(algo " + algo + ")");
                assertClose(expected, download(arena, dy, expected.length), "conv2d forward algo " + algo);

                Cudnn.check(cudnn_h.cudnnCreateActivationDescriptor(out), "cudnnCreateActivationDescriptor");
                MemorySegment relu = out.get(ADDRESS, 0);
                Cudnn.check(cudnn_h.cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU(), CUDNN_NOT_PROPAGATE_NAN(), 0.0),
                        "cudnnSetActivationDescriptor");
                Cudnn.check(cudnn_h.cudnnActivationForward(handle, relu, one, yDesc, dy, zero, yDesc, dy), "cudnnActivationForward");
                double[] relued = expected.clone();
                for (int i = 0; i < relued.length; i++) {
                    relued[i] = Math.max(0, relued[i]);
                }
                assertClose(relued, download(arena, dy, expected.length), "relu(conv2d)");
                Cudnn.check(cudnn_h.cudnnDestroyActivationDescriptor(relu), "cudnnDestroyActivationDescriptor");
            } finally {
                CudaRuntime.free(dx);
                CudaRuntime.free(dw);
                CudaRuntime.free(dy);
                if (workspaceBytes > 0) {
                    CudaRuntime.free(workspace);
                }
                Cudnn.check(cudnn_h.cudnnDestroyTensorDescriptor(xDesc), "cudnnDestroyTensorDescriptor");
                Cudnn.check(cudnn_h.cudnnDestroyTensorDescriptor(yDesc), "cudnnDestroyTensorDescriptor");
                Cudnn.check(cudnn_h.cudnnDestroyFilterDescriptor(wDesc), "cudnnDestroyFilterDescriptor");
                Cudnn.check(cudnn_h.cudnnDestroyConvolutionDescriptor(conv), "cudnnDestroyConvolutionDescriptor");
                Cudnn.check(cudnn_h.cudnnDestroy(handle), "cudnnDestroy");
            }
        }
    }

    private static MemorySegment tensorDesc(Arena arena, int n, int c, int h, int w) {
        MemorySegment out = arena.allocate(ADDRESS);
        Cudnn.check(cudnn_h.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
        MemorySegment desc = out.get(ADDRESS, 0);
        Cudnn.check(cudnn_h.cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW(), CUDNN_DATA_FLOAT(), n, c, h, w), "cudnnSetTensor4dDescriptor");
        return desc;
    }
}
