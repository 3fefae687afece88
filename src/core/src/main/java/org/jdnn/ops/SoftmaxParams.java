package org.jdnn.ops;

/**
 * Softmax over one axis: {@code y = exp(x - max) / sum(exp(x - max))}, or with {@code log} the log-softmax
 * {@code y = x - max - log(sum(exp(x - max)))}. {@code axis} may be negative (counted from the end).
 */
public record SoftmaxParams(int axis, boolean log) {
    public static SoftmaxParams softmax(int axis) {
        return new SoftmaxParams(axis, false);
    }

    public static SoftmaxParams logSoftmax(int axis) {
        return new SoftmaxParams(axis, true);
    }

    /** The op name used in messages and for the oneDNN kill switch. */
    public String opName() {
        return log ? "log_softmax" : "softmax";
    }
}
