package org.jdnn.examples;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The train command's options are checked before anything runs. */
class TrainOptionsTest {

    @Test
    void anAbsurdThreadsOptionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainOptions.parse(List.of("--threads", "100000")));
        assertTrue(e.getMessage().contains("--threads") && e.getMessage().contains("100000"), e.getMessage());
        assertEquals(2, TrainOptions.parse(List.of("--threads", "2")).threads());
    }
}
