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
    private static final String MAX_POOL_NAN = "oneDNN's max pooling skips NaN (and so routes the gradient "
            + "elsewhere); the reference, as PyTorch, propagates every NaN";
    private static final String MAX_POOL_MINUS_INF = "oneDNN's max pooling gives -3.4028235E38 (the lowest float) for a "
            + "window of -Inf only; the reference and PyTorch -Inf";
    private static final List<KnownDifferences> ALL = List.of(
            new KnownDifferences("pool2d", "onednn", "NaN first in window 0", MAX_POOL_NAN),
            new KnownDifferences("pool2d_training", "onednn", "NaN first in window 0", MAX_POOL_NAN),
            new KnownDifferences("pool2d", "onednn", "a window of -Inf only", MAX_POOL_MINUS_INF),
            new KnownDifferences("pool2d_training", "onednn", "a window of -Inf only", MAX_POOL_MINUS_INF));

    /** The reason {@code op} on {@code backend} is known to differ from the reference on the sample labelled so. */
    static Optional<String> of(String op, String backend, String label) {
        return ALL.stream().filter(d -> d.op.equals(op) && d.backend.equals(backend) && label.contains(d.sample))
                .map(KnownDifferences::reason).findFirst();
    }
}
