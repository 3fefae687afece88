package org.jdnn.backend.cuda;

import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** How batch norm's operands and statistics map onto cuDNN's spatial batch norm. */
class CudaBatchNormTest {
    @Test
    void anNcInputIsAnNc11Tensor() {
        try (Scope scope = Scope.open()) {
            assertArrayEquals(new int[] {8, 3, 1, 1}, CudaBatchNorm.dims(Tensor.zeros(8, 3)));
            assertArrayEquals(new int[] {2, 3, 5, 7}, CudaBatchNorm.dims(Tensor.zeros(2, 3, 5, 7)));
        }
    }

    @Test
    void theUnbiasedVarianceScaledByCountMinusOneOverCountIsTheBiasedOne() {
        double[] values = {1, 2, 4, 8, 16};
        double mean = 6.2, squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double unbiased = squares / 4, biased = squares / 5;
        assertEquals(biased, unbiased * CudaBatchNorm.biasedFromUnbiased(values.length), 1e-12);
        assertEquals(0.75, CudaBatchNorm.biasedFromUnbiased(4));
    }
}
