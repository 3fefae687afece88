package org.jdnn.autograd;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallbacks;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code x.to(dtype)} with PyTorch's values, and its gradient between floating dtypes. */
class CastTest {
    @Test
    void conversionsAsPyTorch() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(-2.7f, 2.7f, -0.5f, 0f, -0f, 1e10f);
            // x.to(torch.int64): toward zero
            assertArrayEquals(new long[] {-2, 2, 0, 0, 0, 10000000000L}, x.to(DType.INT64).toLongArray());
            // x.to(torch.bool): x != 0
            assertArrayEquals(new boolean[] {true, true, true, false, false, true}, x.to(DType.BOOL).toBooleanArray());
            assertArrayEquals(new double[] {-2.700000047683716, 2.700000047683716, -0.5, 0, -0.0, 1e10},
                    x.to(DType.FLOAT64).toDoubleArray());
            Tensor labels = Tensor.ofLongs(3, -1, 1L << 40);
            assertArrayEquals(new float[] {3, -1, (float) (1L << 40)}, labels.to(DType.FLOAT32).toFloatArray());
            assertArrayEquals(new long[] {1, 1, 1}, labels.to(DType.BOOL).to(DType.INT64).toLongArray());
            Tensor third = Tensor.ofDoubles(1.0 / 3);
            assertEquals((float) (1.0 / 3), third.to(DType.FLOAT32).item());
            Tensor special = Tensor.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            assertArrayEquals(new boolean[] {true, true, true}, special.to(DType.BOOL).toBooleanArray());
            // Undefined in PyTorch: jdnn gives 0 for NaN and saturates.
            assertArrayEquals(new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE}, special.to(DType.INT64).toLongArray());
        }
    }

    @Test
    void theSameDTypeIsAViewAndOtherDevicesKeepTheirTensors() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1.5f, -2f);
            Tensor same = x.to(DType.FLOAT32);
            assertEquals(DType.FLOAT32, same.dtype());
            x.set(7f, 0);
            assertEquals(7f, same.get(0), "a view of x, as PyTorch returns x");
            Tensor onSim = x.to(Device.SIM).to(DType.INT64);
            assertEquals(Device.SIM, onSim.device());
            assertArrayEquals(new long[] {7, -2}, onSim.toLongArray());
        }
    }

    @Test
    void gradientsFlowBetweenFloatingDTypesOnly() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(0.5f, -1.5f).requiresGrad(true);
            Tensor y = x.to(DType.FLOAT64);
            F.sum(F.mul(y, y)).backward(); // d/dx sum(x^2) = 2x, computed in float64 and cast back
            assertEquals(DType.FLOAT32, x.grad().dtype());
            assertArrayEquals(new float[] {1f, -3f}, x.grad().toFloatArray());

            Tensor z = Tensor.of(2f, 3f).requiresGrad(true);
            Tensor asFloat = z.to(DType.INT64).to(DType.FLOAT32); // no gradient path through an integer
            F.sum(F.add(F.mul(asFloat, z), z)).backward();
            assertArrayEquals(new float[] {3f, 4f}, z.grad().toFloatArray(), "only the direct paths: 2+1, 3+1");
        }
    }

    @Test
    void reservedTargetsAreRefusedAndOneDnnFallsBackCounted() {
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(1f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.to(DType.BFLOAT16));
            assertEquals("cast: target dtype bfloat16 is reserved and has no kernels yet (float32, float64, int64 and "
                    + "bool have)", e.getMessage());
            if (Backends.current().name().equals(Backends.ONEDNN)) {
                Fallbacks.reset();
                x.to(DType.FLOAT64);
                assertTrue(Fallbacks.taken().toString().contains("onednn cast -> reference (an operand's dtype is not"
                        + " float32): 1"), Fallbacks.taken().toString());
            }
            assertNull(Tensor.of(1f).grad());
        }
    }
}
