package org.jdnn.backend.cuda;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Op;
import org.jdnn.ops.PowOps;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cuda backend's kernel table, built without a GPU: every op of the op table has an entry, the cuBLAS/cuDNN and
 * compiled-kernel ones their own kernel, the rest the host round trip; and the declared fallbacks pick the cases cuDNN cannot take.
 * (The fallback conditions read only shapes, params and dtypes, so CPU tensors stand in for device ones.)
 */
class CudaKernelTableTest {
    private final KernelTable table = CudaBackend.kernelTable(Set.of());

    @Test
    void everyOpOfTheOpTableRunsOnCuda() {
        for (Op<?> op : Backends.get(Backends.REFERENCE).kernels().ops()) {
            assertNotNull(table.entry(op), op + " has no cuda entry");
        }
    }

    @Test
    void theNativeOpsAreTheCublasAndCudnnOnesTheDeviceCopyAndTheCompiledKernels() {
        List<String> expected = new ArrayList<>(List.of("batchnorm", "batchnorm_backward", "batchnorm_training",
                "bmm", "conv2d", "conv2d_backward_data", "conv2d_backward_weights", "conv_transpose2d",
                "conv_transpose2d_backward_data", "conv_transpose2d_backward_weights", "copy", "eltwise",
                "eltwise_backward", "matmul", "pool2d", "pool2d_backward", "pool2d_training", "softmax",
                "softmax_backward"));
        List<String> roundTrip = CudaBackend.ops(table, false);
        if (CudaCompiledOps.missing() == null) {
            expected.addAll(List.of("abs", "adagrad", "adam", "argmax", "argmin", "binary", "binary_scalar", "cast",
                    "comparison", "logical", "logical_not", "reduction", "rmsprop", "sgd", "sign", "sum_to_shape",
                    "where"));
            expected.addAll(List.of("comparison_scalar", "dropout", "log", "log_backward", "masked_fill", "pow",
                    "pow_backward"));
        } else {
            assertTrue(roundTrip.containsAll(List.of("binary", "sgd", "adam")), roundTrip.toString());
        }
        assertEquals(expected.stream().sorted().toList(), CudaBackend.ops(table, true).stream().sorted().toList());
        assertTrue(roundTrip.containsAll(List.of("nll_loss", "reduction_backward")), roundTrip.toString());
    }

    @Test
    void casesCudnnAndCublasCannotTakeTakeTheRoundTrip() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.zeros(1, 2, 6, 6), w = Tensor.zeros(3, 2, 3, 3);
            assertEquals(null, taken(Conv2dOps.FORWARD, Conv2dParams.of(1, 1), new Tensor[] {x, w, null},
                    Tensor.zeros(1, 3, 6, 6)));
            assertEquals("conv2d parameters cuDNN does not take", taken(Conv2dOps.FORWARD,
                    Conv2dParams.DEFAULT.withPadding(1, 0, 1, 1), new Tensor[] {x, w, null}, Tensor.zeros(1, 3, 5, 6)));
            assertEquals("an operand's dtype is not float32", taken(Conv2dOps.FORWARD, Conv2dParams.DEFAULT,
                    new Tensor[] {Tensor.zeros(DType.FLOAT64, 1, 2, 6, 6), w, null}, Tensor.zeros(1, 3, 4, 4)));

            Tensor a = Tensor.zeros(3, 4), b = Tensor.zeros(4, 5), c = Tensor.zeros(3, 5);
            assertEquals(null, taken(MatmulOps.MATMUL, MatmulParams.PLAIN, new Tensor[] {a, b, null}, c));
            assertEquals("bf16 precision (no cuda kernel yet)", taken(MatmulOps.MATMUL,
                    MatmulParams.PLAIN.withPrecision(Precision.BF16), new Tensor[] {a, b, null}, c));

            assertEquals(null, taken(EltwiseOps.FORWARD, EltwiseParams.relu(), new Tensor[] {a}, a));
            assertEquals(CudaCompiledOps.missing() == null ? null : "an element-wise function cuDNN does not have",
                    taken(EltwiseOps.FORWARD, EltwiseParams.leakyRelu(0.1f), new Tensor[] {a}, a),
                    "leaky ReLU: compiled kernel, or the round trip without them");
        }
    }

    @Test
    void comparisonWithAScalarAndMaskedFillTakeTheRoundTripOnlyWhereTheKernelsCannot() {
        assumeTrue(CudaCompiledOps.missing() == null, CudaCompiledOps::missing);
        try (Scope scope = Scope.open()) {
            Tensor f = Tensor.zeros(2, 3), i = Tensor.zeros(DType.INT64, 2, 3), b = Tensor.zeros(DType.BOOL, 2, 3);
            String other = "an int64 or bool input the reference compares with the scalar in another dtype";
            assertEquals(null, taken(ComparisonOps.COMPARE_SCALAR, scalar(0.5), new Tensor[] {f}, b));
            assertEquals(null, taken(ComparisonOps.COMPARE_SCALAR, scalar(2), new Tensor[] {i}, b));
            assertEquals(other, taken(ComparisonOps.COMPARE_SCALAR, scalar(0.5), new Tensor[] {i}, b));
            assertEquals(other, taken(ComparisonOps.COMPARE_SCALAR, scalar(1), new Tensor[] {b}, b));

            ComparisonOps.FillParams fill = new ComparisonOps.FillParams(0);
            assertEquals(null, taken(ComparisonOps.MASKED_FILL, fill, new Tensor[] {i, b}, i));
            long[] nine = {1, 2, 1, 2, 1, 2, 1, 2, 1};
            Tensor x = Tensor.zeros(nine), mask = Tensor.zeros(DType.BOOL, nine);
            assertEquals("a broadcast of more than 8 dimensions", taken(ComparisonOps.MASKED_FILL, fill,
                    new Tensor[] {x, mask}, x));
            assertEquals(null, taken(PowOps.POW, NoParams.INSTANCE, new Tensor[] {f, f}, f));
            String log = taken(EltwiseOps.LOG, new EltwiseOps.LogParams(-100), new Tensor[] {i}, i);
            assertTrue(log.startsWith("an operand's dtype is not one of"), "log of an int64 tensor: " + log);
            assertEquals(null, taken(EltwiseOps.LOG, new EltwiseOps.LogParams(-100),
                    new Tensor[] {Tensor.zeros(DType.FLOAT64, 3)}, Tensor.zeros(DType.FLOAT64, 3)), "float64 log");
        }
    }

    private static ComparisonOps.CompareScalarParams scalar(double value) {
        return new ComparisonOps.CompareScalarParams(CompareAlgorithm.LT, value);
    }

    @Test
    void theKillSwitchSendsAnOpThroughTheRoundTripAndAnUnknownNameIsRefused() {
        KernelTable killed = CudaBackend.kernelTable(Set.of("conv2d"));
        assertFalse(killed.entry(Conv2dOps.FORWARD).hasOwnKernel());
        assertTrue(killed.entry(MatmulOps.MATMUL).hasOwnKernel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaBackend.kernelTable(Set.of("conv3d")));
        assertTrue(e.getMessage().startsWith("jdnn.cuda.disable: unknown op 'conv3d'"), e.getMessage());
    }

    /** The reason of the first fallback the dispatcher would take for this call, or null for the cuda kernel. */
    private <P> String taken(Op<P> op, P params, Tensor[] inputs, Tensor... outputs) {
        for (Fallback<P> f : table.entry(op).fallbacks()) {
            if (f.when().test(params, inputs, outputs)) {
                assertTrue(f.viaHost(), op + ": " + f.reason() + " must go through the host");
                return f.reason();
            }
        }
        return null;
    }
}
