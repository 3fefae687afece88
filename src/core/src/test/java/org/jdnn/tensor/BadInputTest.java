package org.jdnn.tensor;

import org.jdnn.Jdnn;
import org.jdnn.natives.ThreadCount;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is an IllegalArgumentException naming the offending value, before anything runs or crashes. */
class BadInputTest {

    @Test
    void aShapeWhoseElementCountOverflowsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(1L << 32, 1L << 32));
        assertTrue(e.getMessage().contains("[4294967296, 4294967296]") && e.getMessage().contains("overflows"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.empty(Long.MAX_VALUE, 2));
        assertEquals(0, Shape.of(1L << 40, 1L << 40, 0).numel(), "an empty shape has no elements to overflow");
    }

    @Test
    void aShapeTooLargeToCountInBytesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.empty(Long.MAX_VALUE / 2));
        assertTrue(e.getMessage().contains(Long.toString(Long.MAX_VALUE / 2)), e.getMessage());
    }

    @Test
    void anAbsurdThreadCountIsRejected() {
        int before = Jdnn.numThreads();
        for (int bad : new int[] {0, -1, 100_000, ThreadCount.MAX + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jdnn.setNumThreads(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
        assertEquals(before, Jdnn.numThreads(), "a rejected count changes nothing");
        Jdnn.setNumThreads(before);
    }

    @Test
    void anOptimizerOverNoParametersIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam(List.of(), AdamParams.adam(0.1)));
        assertTrue(e.getMessage().contains("adam") && e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), SgdParams.of(0.1)));
        assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("empty"), e.getMessage());
    }
}
