package org.jdnn.matrix;

import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.Op;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every op with a kernel has a matrix entry, so no op escapes the comparison across backends. */
class MatrixCoverageTest {

    @Test
    void everyOpOfTheReferenceTableHasAnEntry() {
        Set<Op<?>> covered = OpEntries.all().stream().map(OpInfo::op).collect(Collectors.toSet());
        List<String> missing = ReferenceBackend.INSTANCE.kernels().ops().stream()
                .filter(op -> !covered.contains(op)).map(Op::name).toList();
        assertEquals(List.of(), missing, "ops with a kernel but no matrix entry");
    }
}
