package org.jdnn.backend.onednn;

import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A reduction reaches oneDNN over the fewest axes ({@link OneDnnReduction#simplified}): size-1 axes dropped,
 * neighbouring reduced (or kept) axes merged, the bytes unchanged. So the mean of the U-Net's per-pixel loss,
 * [16, 1, 64, 64] to a scalar, and the other shapes of the training steps get oneDNN's jit kernel rather than
 * {@code ref:any}.
 */
class ReductionAxesTest {
    private static void assertSimplified(long[] src, long[] kept, long[] wantSrc, long[] wantKept) {
        long[][] simple = OneDnnReduction.simplified(src, kept);
        String what = Arrays.toString(src) + " -> " + Arrays.toString(kept) + " simplified to "
                + Arrays.toString(simple[0]) + " -> " + Arrays.toString(simple[1]);
        assertArrayEquals(wantSrc, simple[0], what);
        assertArrayEquals(wantKept, simple[1], what);
    }

    @Test
    void sizeOneAxesAreDroppedAndNeighbouringAxesOfOneKindMerged() {
        assertSimplified(new long[] {16, 1, 64, 64}, new long[] {1, 1, 1, 1}, new long[] {65536}, new long[] {1});
        assertSimplified(new long[] {8, 3, 5, 7}, new long[] {8, 3, 1, 1}, new long[] {24, 35}, new long[] {24, 1});
        assertSimplified(new long[] {8, 3, 5, 7}, new long[] {1, 3, 1, 1}, new long[] {8, 3, 35}, new long[] {1, 3, 1});
        assertSimplified(new long[] {128, 1, 10}, new long[] {1, 1, 10}, new long[] {128, 10}, new long[] {1, 10});
        assertSimplified(new long[] {4, 5}, new long[] {4, 5}, new long[] {20}, new long[] {20});
        assertSimplified(new long[] {1, 1}, new long[] {1, 1}, new long[] {1}, new long[] {1});
    }

    @Test
    void theTrainingStepsReductionsRunJit() {
        OneDnnBackend onednn = Parity.onednn("reduction");
        long[][][] cases = {
                {{16, 1, 64, 64}, {1, 1, 1, 1}}, // the U-Net's mean per-pixel loss
                {{128, 1}, {1, 1}}, // a mean over the batch of per-sample losses
                {{16, 1, 64, 64}, {16, 1, 1, 1}}, // a per-image sum
        };
        for (long[][] c : cases) {
            for (ReductionAlgorithm algorithm : ReductionAlgorithm.values()) {
                String implementation = OneDnnReduction.implementation(onednn, algorithm, c[0], c[1]);
                assertFalse(implementation.startsWith("ref"), algorithm + " " + Arrays.toString(c[0]) + " -> "
                        + Arrays.toString(c[1]) + " runs oneDNN's " + implementation);
            }
        }
    }
}
