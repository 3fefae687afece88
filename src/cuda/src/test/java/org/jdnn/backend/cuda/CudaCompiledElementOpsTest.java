package org.jdnn.backend.cuda;

import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * How comparison with a scalar and masked_fill map onto the fill, compare and where kernels, checked without a GPU
 * through the launches they record: the scalar converted as the reference converts it, read with stride 0.
 */
class CudaCompiledElementOpsTest {
    private static final MemorySegment STREAM = MemorySegment.ofAddress(0x5000L);
    private static final MemorySegment INPUT = MemorySegment.ofAddress(0x7f00_0000_1000L);
    private static final MemorySegment SCALAR = MemorySegment.ofAddress(0x7f00_0000_2000L);
    private static final MemorySegment OUT = MemorySegment.ofAddress(0x7f00_0000_3000L);
    private static final MemorySegment MASK = MemorySegment.ofAddress(0x7f00_0000_4000L);

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static long pointer(RecordingLauncher.Launch launch, int argument) {
        return le(launch.arguments().get(argument)).getLong();
    }

    private static byte[] bytes(BroadcastShape shape) {
        try (Arena arena = Arena.ofConfined()) {
            return shape.toStruct(arena).toArray(JAVA_BYTE);
        }
    }

    @Test
    void theKernelComparesInTheInputsDtypeWhereTheReferenceDoesElseTheRoundTrip() {
        assertEquals(DType.FLOAT32, CudaCompiledElementOps.scalarCompareType(DType.FLOAT32, 0.1));
        assertEquals(DType.FLOAT64, CudaCompiledElementOps.scalarCompareType(DType.FLOAT64, Double.NaN));
        assertEquals(DType.INT64, CudaCompiledElementOps.scalarCompareType(DType.INT64, -3.0));
        assertNull(CudaCompiledElementOps.scalarCompareType(DType.INT64, 2.5), "int64 against 2.5 compares in float32");
        assertNull(CudaCompiledElementOps.scalarCompareType(DType.INT64, 0x1p63), "2^63 is no int64");
        assertNull(CudaCompiledElementOps.scalarCompareType(DType.BOOL, 1.0), "bool compares as int64");
    }

    @Test
    void theScalarIsReadWithStrideZeroAndTheInputMergesToOneDim() {
        assertEquals(BroadcastShape.of(new long[] {24}, new long[] {1}, new long[] {0}),
                CudaCompiledElementOps.againstScalar(new long[] {2, 3, 4}));
        assertEquals(0, CudaCompiledElementOps.againstScalar(new long[0]).rank(), "a rank-0 input: one element");
        assertEquals(new BroadcastShape(new long[] {4, 5}, new long[][] {{0, 1}, {0, 0}, {5, 1}}),
                CudaCompiledElementOps.maskedFillShape(new long[] {4, 5}, new long[] {5}),
                "where's operands: the mask broadcast over rows, the value everywhere, the input itself");
    }

    @Test
    void aFloat32ComparisonFillsTheScalarRoundedToFloat32ThenComparesAgainstIt() {
        RecordingLauncher recorder = new RecordingLauncher();
        CudaCompiledElementOps.compareScalar(new CompiledKernels(recorder), STREAM,
                new ComparisonOps.CompareScalarParams(CompareAlgorithm.GT, 0.1), DType.FLOAT32, new long[] {2, 3},
                INPUT, SCALAR, OUT);
        assertEquals(List.of("jdnn_fill_x32", "jdnn_compare_f32"),
                recorder.launches.stream().map(RecordingLauncher.Launch::kernel).toList());
        RecordingLauncher.Launch fill = recorder.launches.get(0);
        assertEquals(1L, le(fill.arguments().get(0)).getLong(), "one element");
        assertEquals(Float.floatToRawIntBits(0.1f), (int) le(fill.arguments().get(1)).getLong(), "0.1 as float32");
        assertEquals(SCALAR.address(), pointer(fill, 2));
        RecordingLauncher.Launch compare = recorder.launches.get(1);
        assertEquals(STREAM, compare.stream());
        assertEquals(KernelCodes.compare(CompareAlgorithm.GT), le(compare.arguments().get(0)).getInt());
        assertArrayEquals(bytes(CudaCompiledElementOps.againstScalar(new long[] {2, 3})),
                compare.arguments().get(1), "jd_broadcast of (input, scalar)");
        assertEquals(6L, le(compare.arguments().get(2)).getLong(), "n");
        assertEquals(List.of(INPUT.address(), SCALAR.address(), OUT.address()),
                List.of(pointer(compare, 3), pointer(compare, 4), pointer(compare, 5)));
    }

    @Test
    void anInt64ComparisonUsesTheScalarAsAnExactInt64() {
        RecordingLauncher recorder = new RecordingLauncher();
        CudaCompiledElementOps.compareScalar(new CompiledKernels(recorder), STREAM,
                new ComparisonOps.CompareScalarParams(CompareAlgorithm.EQ, 9007199254740993.0), DType.INT64,
                new long[] {5}, INPUT, SCALAR, OUT);
        assertEquals("jdnn_fill_x64", recorder.launches.get(0).kernel());
        assertEquals((long) 9007199254740993.0, le(recorder.launches.get(0).arguments().get(1)).getLong());
        assertEquals("jdnn_compare_i64", recorder.last().kernel());
    }

    @Test
    void maskedFillIsWhereOfTheMaskTheFilledValueAndTheInput() {
        RecordingLauncher recorder = new RecordingLauncher();
        CudaCompiledElementOps.maskedFill(new CompiledKernels(recorder), STREAM, new ComparisonOps.FillParams(-2.5),
                DType.FLOAT64, new long[] {4, 5}, new long[] {5}, INPUT, MASK, SCALAR, OUT);
        assertEquals(List.of("jdnn_fill_x64", "jdnn_where_x64"),
                recorder.launches.stream().map(RecordingLauncher.Launch::kernel).toList());
        assertEquals(Double.doubleToRawLongBits(-2.5), le(recorder.launches.get(0).arguments().get(1)).getLong());
        RecordingLauncher.Launch where = recorder.last();
        assertArrayEquals(bytes(CudaCompiledElementOps.maskedFillShape(new long[] {4, 5}, new long[] {5})),
                where.arguments().get(0), "jd_broadcast of (mask, value, input)");
        assertEquals(20L, le(where.arguments().get(1)).getLong(), "n");
        assertEquals(List.of(MASK.address(), SCALAR.address(), INPUT.address(), OUT.address()),
                List.of(pointer(where, 2), pointer(where, 3), pointer(where, 4), pointer(where, 5)),
                "condition, then the value where it holds, the input where not, the output");
    }

    @Test
    void aBoolMaskedFillWritesOneByte() {
        RecordingLauncher recorder = new RecordingLauncher();
        CudaCompiledElementOps.maskedFill(new CompiledKernels(recorder), STREAM, new ComparisonOps.FillParams(1),
                DType.BOOL, new long[] {3}, new long[] {3}, INPUT, MASK, SCALAR, OUT);
        assertEquals(List.of("jdnn_fill_x8", "jdnn_where_x8"),
                recorder.launches.stream().map(RecordingLauncher.Launch::kernel).toList());
        assertEquals(1L, le(recorder.launches.get(0).arguments().get(1)).getLong());
    }
}
