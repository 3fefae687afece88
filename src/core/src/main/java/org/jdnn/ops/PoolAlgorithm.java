package org.jdnn.ops;

/** How a pooling window is reduced. */
public enum PoolAlgorithm {
    /** The largest value in the window; padding counts as minus infinity. */
    MAX("maxpool2d"),
    /** The window's sum divided by its size including padding (PyTorch's {@code count_include_pad=True}). */
    AVG_INCLUDE_PADDING("avgpool2d"),
    /** The window's sum divided by the number of input elements it covers ({@code count_include_pad=False}). */
    AVG_EXCLUDE_PADDING("avgpool2d");

    private final String opName;

    PoolAlgorithm(String opName) {
        this.opName = opName;
    }

    /** The op name used in error messages: "maxpool2d" or "avgpool2d". */
    public String opName() {
        return opName;
    }
}
