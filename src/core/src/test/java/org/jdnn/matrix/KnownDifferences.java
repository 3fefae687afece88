package org.jdnn.matrix;

import java.util.List;
import java.util.Optional;

/**
 * Where a backend is known to differ from the reference on a sample (NaN propagation, mostly): the matrix reports the
 * case under "known difference" with the reason (and skips it with that reason) instead of failing, so the summary
 * keeps showing it until the kernel is fixed. A listed case that matches the reference fails, so the list cannot rot.
 *
 * @param op      the op's name
 * @param backend the backend's name
 * @param sample  a fragment of the sample's label ("#index description")
 * @param reason  what differs, as the matrix found it
 */
record KnownDifferences(String op, String backend, String sample, String reason) {
    private static final List<KnownDifferences> ALL = List.of(); // none today: oneDNN's ReLU keeps NaN now

    /** The reason {@code op} on {@code backend} is known to differ from the reference on the sample labelled so. */
    static Optional<String> of(String op, String backend, String label) {
        return ALL.stream().filter(d -> d.op.equals(op) && d.backend.equals(backend) && label.contains(d.sample))
                .map(KnownDifferences::reason).findFirst();
    }
}
