package org.jdnn.ops;

/** How {@link Upsample2dOps} reads the input at a fractional source position. */
public enum UpsampleMode {
    /** The input element at {@code floor(dst * in / out)} (PyTorch's {@code 'nearest'}, not {@code 'nearest-exact'}). */
    NEAREST,
    /** Linear interpolation between the two nearest rows and the two nearest columns (PyTorch's {@code 'bilinear'}). */
    BILINEAR
}
