package org.jdnn.backend.onednn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which memory layouts oneDNN convolutions ran in. Most passes let oneDNN choose its layouts (format_tag any,
 * typically blocked nChw8c / nChw16c) and reorder the caller's plain NCHW tensors at the boundary; backward passes
 * over images with very few channels run on the plain layouts directly, where blocking would not pay (the rule and
 * its measurements are in {@code OneDnnConvolution.blockedLayouts}). Tests and benchmarks read these counters to
 * tell which path ran.
 */
public final class ConvolutionLayouts {
    private static final Map<String, LongAdder> REORDERED = new ConcurrentHashMap<>();

    private ConvolutionLayouts() {
    }

    /**
     * How many executions of {@code op} ("conv2d", "conv_transpose2d"), on any oneDNN backend of this process, ran
     * in layouts oneDNN chose, with at least one argument reordered from or to the caller's plain layout.
     */
    public static long reorderedExecutions(String op) {
        LongAdder count = REORDERED.get(op);
        return count == null ? 0 : count.sum();
    }

    static void recordReordered(String op) {
        REORDERED.computeIfAbsent(op, o -> new LongAdder()).increment();
    }
}
