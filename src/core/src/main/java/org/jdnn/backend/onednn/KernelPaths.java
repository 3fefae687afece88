package org.jdnn.backend.onednn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which formulation oneDNN-backed ops ran in, where an op has more than one (the rules and their measurements
 * are beside each op's kernel). Tests and benchmarks read these counters to tell which path ran; convolutions
 * count theirs in {@link ConvolutionLayouts}.
 */
public final class KernelPaths {
    /** pool2d run in oneDNN's blocked layout (nChw8c / nChw16c), the plain tensors reordered at the boundary. */
    public static final String POOL2D_BLOCKED = "pool2d blocked";
    /**
     * A reorder between a caller's plain tensor and a primitive's own layout, in either direction, including a held
     * copy read back to plain ({@link LayoutReorder}): what holding layouts between ops saves.
     */
    public static final String LAYOUT_REORDER = "layout reorder";
    /** batchnorm run in the layout its input (or incoming gradient) was held in, e.g. a convolution's nChw16c. */
    public static final String BATCHNORM_HELD = "batchnorm held";
    /** A binary add, sub or mul run in the layout an operand was held in (ResNet's residual add). */
    public static final String BINARY_HELD = "binary held";
    /** A sum or mean over leading axes run as the matmul ones(1, M) @ src(M, N). */
    public static final String REDUCTION_MATMUL = "reduction matmul";

    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private KernelPaths() {
    }

    /** How many executions, on any oneDNN backend of this process, took {@code path} (one of the constants here). */
    public static long executions(String path) {
        LongAdder count = COUNTS.get(path);
        return count == null ? 0 : count.sum();
    }

    static void record(String path) {
        COUNTS.computeIfAbsent(path, p -> new LongAdder()).increment();
    }
}
