package org.jdnn.optim;

import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** An optimizer's state for one parameter: its step count and named buffers (owned here, outside any scope). */
public final class ParamState implements AutoCloseable {
    private final Tensor param;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private long step;

    ParamState(Tensor param) {
        this.param = param;
    }

    /** Updates applied to this parameter so far. */
    public long step() {
        return step;
    }

    void setStep(long value) {
        step = value;
    }

    long advance() {
        return ++step;
    }

    /** Whether the buffer exists yet. */
    public boolean has(String name) {
        return buffers.containsKey(name);
    }

    /** The named buffer, created filled with {@code initial} (param's shape) on first use. */
    public Tensor buffer(String name, float initial) {
        Tensor b = buffers.get(name);
        if (b == null) {
            b = Scope.untracked(() -> Tensor.full(initial, param.dtype(), param.device(), param.dims()));
            buffers.put(name, b);
        }
        return b;
    }

    Map<String, Tensor> buffers() {
        return buffers;
    }

    /** Replaces the named buffer with a copy of {@code value} (from a state dict). */
    void put(String name, Tensor value) {
        if (!value.shape().equals(param.shape())) {
            throw new IllegalArgumentException("optimizer: state '" + name + "' has shape " + value.shape()
                    + " but its parameter has shape " + param.shape());
        }
        Tensor copy = Scope.untracked(() -> Tensor.empty(param.shape(), param.dtype(), param.device()).copyFrom(value)); // any device
        Tensor old = buffers.put(name, copy);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}
