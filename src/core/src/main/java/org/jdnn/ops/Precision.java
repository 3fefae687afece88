package org.jdnn.ops;

/**
 * The arithmetic a convolution or matmul runs in. {@code FP32} reads its float32 operands as they are. {@code BF16}
 * reads its multiplied operands (input, weight, incoming gradient) rounded to bfloat16 (round to nearest even), and
 * accumulates and writes in float32: the output, bias and weight gradient stay float32. Set by
 * {@code Autocast.bf16()}; part of the params record, so cached primitives key on it and backward passes inherit it.
 */
public enum Precision {
    FP32,
    BF16
}
