package org.jdnn.backend.cuda;

/**
 * A one-dimensional launch: {@code blocks} blocks of {@code threads} threads. The element-wise kernels are grid-stride
 * loops, so the grid is capped and any n fits; the reductions run one block per output element.
 */
public record LaunchGeometry(int blocks, int threads) {
    /** Threads per block of the element-wise kernels. */
    public static final int THREADS = 256;
    /** JD_REDUCE_THREADS of the kernels: the reductions' block size, a power of two their shared arrays are sized for. */
    public static final int REDUCE_THREADS = 256;
    /** Blocks beyond this loop instead (a grid-stride loop keeps every thread busy with more than one element). */
    public static final int MAX_BLOCKS = 65_536;

    public LaunchGeometry {
        if (blocks < 1 || threads < 1) {
            throw new IllegalArgumentException("launch geometry: blocks and threads must be positive, got " + blocks
                    + " x " + threads);
        }
    }

    /** For an element-wise kernel over {@code n > 0} elements. */
    public static LaunchGeometry elementwise(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("launch geometry: n must be positive, got " + n);
        }
        return new LaunchGeometry((int) Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS), THREADS);
    }

    /** For a reduction kernel with {@code outputs > 0} output elements: one block each, up to the cap. */
    public static LaunchGeometry reduction(long outputs) {
        if (outputs <= 0) {
            throw new IllegalArgumentException("launch geometry: outputs must be positive, got " + outputs);
        }
        return new LaunchGeometry((int) Math.min(MAX_BLOCKS, outputs), REDUCE_THREADS);
    }
}
