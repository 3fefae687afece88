package org.jdnn.backend.cuda;

import org.jdnn.ops.AdamParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What CompiledKernels hands to cuLaunchKernel, checked without a GPU: kernel names, launch geometry, the pointer
 * array and each argument's bytes (structs by value), the shapes' simplification and the operation codes against the
 * header's enums.
 */
class CompiledKernelsLaunchTest {
    private static final MemorySegment X = MemorySegment.ofAddress(0x7f00_0000_1000L);
    private static final MemorySegment Y = MemorySegment.ofAddress(0x7f00_0000_2000L);
    private static final MemorySegment Z = MemorySegment.ofAddress(0x7f00_0000_3000L);
    private static final MemorySegment STREAM = MemorySegment.ofAddress(0x5000L);

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    @Test
    void packedArgumentsAreOnePointerPerValueInOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment struct = arena.allocate(16, 8);
            struct.set(JAVA_LONG, 0, 11);
            struct.set(JAVA_LONG, 8, 22);
            KernelArguments args = new KernelArguments(arena).int32(-3).float32(1.5f).int64(1L << 40).pointer(X)
                    .struct(struct);
            MemorySegment packed = args.pack().reinterpret(5 * ADDRESS.byteSize());
            assertEquals(5, args.count());
            assertEquals(-3, packed.getAtIndex(ADDRESS, 0).reinterpret(4).get(JAVA_INT, 0), "int32");
            assertEquals(1.5f, packed.getAtIndex(ADDRESS, 1).reinterpret(4).get(JAVA_FLOAT, 0), "float32");
            assertEquals(1L << 40, packed.getAtIndex(ADDRESS, 2).reinterpret(8).get(JAVA_LONG, 0), "int64");
            assertEquals(X.address(), packed.getAtIndex(ADDRESS, 3).reinterpret(8).get(ADDRESS, 0).address(),
                    "a device pointer is passed as the address of a host copy of the pointer");
            MemorySegment copy = packed.getAtIndex(ADDRESS, 4).reinterpret(16);
            assertEquals(11, copy.get(JAVA_LONG, 0), "struct field 0");
            assertEquals(22, copy.get(JAVA_LONG, 8), "struct field 1");
            assertTrue(copy.address() != struct.address(), "a struct travels as a copy");
            assertEquals(0, copy.address() % 8, "struct copies are 8-byte aligned");
        }
    }

    @Test
    void unaryLaunchesItsDtypesKernelWithCodeAlphaBetaCountAndPointers() {
        RecordingLauncher recorder = new RecordingLauncher();
        new CompiledKernels(recorder).unary(STREAM, DType.FLOAT32, new EltwiseParams(EltwiseAlgorithm.SOFTPLUS, 2f, 5f),
                1000, X, Y);
        RecordingLauncher.Launch launch = recorder.last();
        assertEquals("jdnn_unary_f32", launch.kernel());
        assertEquals(new LaunchGeometry(4, 256), launch.geometry(), "1000 elements: 4 blocks of 256");
        assertEquals(STREAM, launch.stream());
        assertEquals(6, launch.arguments().size(), "op, alpha, beta, n, x, y");
        assertEquals(EltwiseAlgorithm.SOFTPLUS.ordinal(), le(launch.arguments().get(0)).getInt());
        assertEquals(2f, le(launch.arguments().get(1)).getFloat());
        assertEquals(5f, le(launch.arguments().get(2)).getFloat());
        assertEquals(1000L, le(launch.arguments().get(3)).getLong());
        assertEquals(X.address(), le(launch.arguments().get(4)).getLong());
        assertEquals(Y.address(), le(launch.arguments().get(5)).getLong());
    }

    @Test
    void adamStepPassesItsConstantsByValueThenCountAndFivePointers() {
        RecordingLauncher recorder = new RecordingLauncher();
        AdamConstants h = AdamConstants.of(AdamParams.adamW(1e-3).withAmsgrad(true), 7);
        new CompiledKernels(recorder).adamStep(STREAM, DType.FLOAT64, h, 10, X, Y, Z, X, MemorySegment.NULL);
        RecordingLauncher.Launch launch = recorder.last();
        assertEquals("jdnn_adam_f64", launch.kernel());
        assertEquals(7, launch.arguments().size());
        try (Arena arena = Arena.ofConfined()) {
            assertArrayEquals(h.toStruct(arena).toArray(JAVA_BYTE), launch.arguments().get(0), "jd_adam bytes");
        }
        ByteBuffer constants = le(launch.arguments().get(0));
        assertEquals(1e-3, constants.getDouble(0), "lr");
        assertEquals(1 - Math.pow(0.9, 7), constants.getDouble(48), "biasCorrection1 = 1 - beta1^t");
        assertEquals(1 - 1e-3 * 0.01, constants.getDouble(80), "decayFactor = 1 - lr weightDecay");
        assertEquals(1, constants.getInt(88), "decoupled");
        assertEquals(1, constants.getInt(92), "amsgrad");
        assertEquals(104, launch.arguments().get(0).length);
        assertEquals(10L, le(launch.arguments().get(1)).getLong());
        assertEquals(0L, le(launch.arguments().get(6)).getLong(), "vMax NULL");
    }

    @Test
    void binaryPassesTheSimplifiedBroadcastByValue() {
        RecordingLauncher recorder = new RecordingLauncher();
        BroadcastShape shape = BroadcastShape.contiguous(new long[] {4, 5, 6}, new long[] {4, 5, 6}, new long[] {6});
        new CompiledKernels(recorder).binary(STREAM, DType.FLOAT32, BinaryAlgorithm.MUL, shape, X, Y, Z);
        RecordingLauncher.Launch launch = recorder.last();
        assertEquals("jdnn_binary_f32", launch.kernel());
        ByteBuffer s = le(launch.arguments().get(1));
        assertEquals(264, launch.arguments().get(1).length, "sizeof(jd_broadcast)");
        assertEquals(2, s.getInt(0), "rank after merging [4, 5] (both operands step through it contiguously)");
        assertEquals(20, s.getLong(8), "dims[0]");
        assertEquals(6, s.getLong(16), "dims[1]");
        assertEquals(6, s.getLong(72), "strides[0][0]: a steps 6 per row");
        assertEquals(1, s.getLong(80), "strides[0][1]");
        assertEquals(0, s.getLong(72 + 64), "strides[1][0]: b is broadcast along rows");
        assertEquals(1, s.getLong(80 + 64), "strides[1][1]");
        assertEquals(120L, le(launch.arguments().get(2)).getLong(), "n");
    }

    @Test
    void broadcastShapesDropOnesAndMergeContiguousDims() {
        assertEquals(new BroadcastShape(new long[] {24}, new long[][] {{1}, {1}}),
                BroadcastShape.contiguous(new long[] {2, 3, 4}, new long[] {2, 3, 4}, new long[] {2, 3, 4}));
        assertEquals(new BroadcastShape(new long[] {16, 32, 64}, new long[][] {{64, 0, 1}, {0, 64, 1}}),
                BroadcastShape.contiguous(new long[] {16, 32, 64}, new long[] {16, 1, 64}, new long[] {32, 64}));
        assertEquals(new BroadcastShape(new long[] {}, new long[][] {{}}),
                BroadcastShape.contiguous(new long[] {1, 1}, new long[] {1}), "a single element: rank 0");
        assertEquals(new BroadcastShape(new long[] {4, 6}, new long[][] {{1, 4}}),
                BroadcastShape.of(new long[] {4, 2, 3}, new long[] {1, 12, 4}), "a permuted view's last two merge");
    }

    @Test
    void broadcastShapesRejectWhatDoesNotBroadcast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BroadcastShape.contiguous(new long[] {3, 4}, new long[] {5}));
        assertEquals("broadcast: operand dims [5] do not broadcast to [3, 4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BroadcastShape.of(new long[] {2, 3, 2, 3, 2, 3, 2, 3, 2},
                new long[] {0, 1, 0, 1, 0, 1, 0, 1, 0}));
        assertTrue(e.getMessage().startsWith("broadcast: rank 9 exceeds the kernels' 8"), e.getMessage());
    }

    @Test
    void reductionShapesSplitKeptAndReducedDimsInInputOrder() {
        ReductionShape s = ReductionShape.of(new long[] {4, 5, 1, 6}, 0, 3);
        assertArrayEquals(new long[] {5}, s.keptDims());
        assertArrayEquals(new long[] {6}, s.keptStrides());
        assertArrayEquals(new long[] {4, 6}, s.reducedDims());
        assertArrayEquals(new long[] {30, 1}, s.reducedStrides());
        assertEquals(5, s.outputs());
        assertEquals(24, s.size());
        ReductionShape inner = ReductionShape.of(new long[] {2, 3, 4}, 1, 2);
        assertArrayEquals(new long[] {12}, inner.reducedDims(), "neighbouring reduced dims merge");
        assertArrayEquals(new long[] {1}, inner.reducedStrides());
        assertThrows(IllegalArgumentException.class, () -> ReductionShape.of(new long[] {2, 3}, 2));
    }

    @Test
    void reductionsRunOneBlockPerOutput() {
        RecordingLauncher recorder = new RecordingLauncher();
        new CompiledKernels(recorder).reduceSum(STREAM, DType.FLOAT32, ReductionShape.of(new long[] {8, 100}, 1), true,
                X, Y);
        assertEquals("jdnn_reduce_sum_f32", recorder.last().kernel());
        assertEquals(new LaunchGeometry(8, LaunchGeometry.REDUCE_THREADS), recorder.last().geometry());
        assertEquals(1, le(recorder.last().arguments().get(1)).getInt(), "mean");
    }

    @Test
    void launchGeometryCapsTheGridOfElementwiseKernels() {
        assertEquals(new LaunchGeometry(1, 256), LaunchGeometry.elementwise(1));
        assertEquals(new LaunchGeometry(LaunchGeometry.MAX_BLOCKS, 256), LaunchGeometry.elementwise(1L << 40));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.elementwise(0));
    }

    @Test
    void emptyTensorsLaunchNothing() {
        RecordingLauncher recorder = new RecordingLauncher();
        CompiledKernels kernels = new CompiledKernels(recorder);
        kernels.unary(STREAM, DType.FLOAT32, EltwiseParams.relu(), 0, X, Y);
        kernels.binary(STREAM, DType.FLOAT32, BinaryAlgorithm.ADD,
                BroadcastShape.contiguous(new long[] {0, 3}, new long[] {0, 3}, new long[] {3}), X, Y, Z);
        assertEquals(0, recorder.launches.size());
    }

    @Test
    void fillPassesTheElementsBitsAsElementsSetConverts() {
        RecordingLauncher recorder = new RecordingLauncher();
        CompiledKernels kernels = new CompiledKernels(recorder);
        kernels.fill(STREAM, DType.FLOAT32, 1.5, 3, X);
        assertEquals("jdnn_fill_x32", recorder.last().kernel());
        assertEquals(Float.floatToRawIntBits(1.5f), le(recorder.last().arguments().get(1)).getLong());
        kernels.fill(STREAM, DType.INT64, Double.NaN, 3, X);
        assertEquals(0L, le(recorder.last().arguments().get(1)).getLong(), "NaN to int64 is 0");
        kernels.fill(STREAM, DType.BOOL, Double.NaN, 3, X);
        assertEquals("jdnn_fill_x8", recorder.last().kernel());
        assertEquals(1L, le(recorder.last().arguments().get(1)).getLong(), "NaN is true");
        kernels.fill(STREAM, DType.FLOAT64, -0.0, 3, X);
        assertEquals(Double.doubleToRawLongBits(-0.0), le(recorder.last().arguments().get(1)).getLong());
    }

    @Test
    void dropoutPassesSeedProbabilityAndScale() {
        RecordingLauncher recorder = new RecordingLauncher();
        DropoutParams params = new DropoutParams(0.25f, true, -42L);
        new CompiledKernels(recorder).dropout(STREAM, DType.FLOAT32, params, 5, X, Y);
        assertEquals("jdnn_dropout_f32", recorder.last().kernel());
        assertEquals(-42L, le(recorder.last().arguments().get(0)).getLong());
        assertEquals(0.25f, le(recorder.last().arguments().get(1)).getFloat());
        assertEquals(params.scale(), le(recorder.last().arguments().get(2)).getFloat());
    }

    @Test
    void dtypesWithoutKernelsAreRejectedNamingTheOp() {
        CompiledKernels kernels = new CompiledKernels(new RecordingLauncher());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernels.unary(STREAM, DType.INT64, EltwiseParams.relu(), 4, X, Y));
        assertEquals("cuda eltwise: float32 or float64 only, got int64", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kernels.cast(STREAM, DType.FLOAT32, DType.FLOAT32, 4, X, Y));
        assertEquals("cuda cast: from and to are both float32 (copy instead)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> kernels.argMax(STREAM, DType.BOOL, 1, 4, 1, X, Y, MemorySegment.NULL));
        assertEquals("cuda argmax: float32, float64 or int64 only, got bool", e.getMessage());
    }

    @Test
    void operationCodesAreTheHeadersEnumValues() throws IOException {
        Map<String, Integer> header = new HashMap<>();
        for (String file : new String[] {"jdnn_eltwise.cuh", "jdnn_binary.cuh"}) {
            Matcher m = Pattern.compile("\\b(JD_(?:UNARY|BINARY|COMPARE|LOGICAL)_[A-Z_0-9]+)\\s*=\\s*(\\d+)")
                    .matcher(Files.readString(HostKernels.CUDA_SOURCES.resolve(file)));
            while (m.find()) {
                header.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        for (EltwiseAlgorithm a : EltwiseAlgorithm.values()) {
            assertEquals(header.get("JD_UNARY_" + a.name()), KernelCodes.unary(a), "JD_UNARY_" + a.name());
        }
        for (BinaryAlgorithm a : BinaryAlgorithm.values()) {
            assertEquals(header.get("JD_BINARY_" + a.name()), KernelCodes.binary(a), "JD_BINARY_" + a.name());
        }
        for (CompareAlgorithm a : CompareAlgorithm.values()) {
            assertEquals(header.get("JD_COMPARE_" + a.name()), KernelCodes.compare(a), "JD_COMPARE_" + a.name());
        }
        for (LogicalAlgorithm a : LogicalAlgorithm.values()) {
            assertEquals(header.get("JD_LOGICAL_" + a.name()), KernelCodes.logical(a), "JD_LOGICAL_" + a.name());
        }
        assertEquals(EltwiseAlgorithm.values().length + BinaryAlgorithm.values().length
                + CompareAlgorithm.values().length + LogicalAlgorithm.values().length, header.size(),
                "no code in the header without a Java constant: " + header.keySet());
    }

    @Test
    void structLayoutsMatchTheHeadersFieldOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = SgdConstants.of(new org.jdnn.ops.SgdParams(0.1, 0.9, 0.25, false, 0.5, true), false)
                    .toStruct(arena);
            assertEquals(48, s.byteSize());
            assertEquals(0.1, s.get(JAVA_DOUBLE, 0));
            assertEquals(0.75, s.get(JAVA_DOUBLE, 16), "oneMinusDampening");
            assertEquals(0, s.get(JAVA_INT, 32), "nesterov");
            assertEquals(1, s.get(JAVA_INT, 36), "maximize");
            assertEquals(0, s.get(JAVA_INT, 40), "firstStep");
        }
    }
}
