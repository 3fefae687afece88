package org.jdnn.optim;

import org.jdnn.tensor.Tensor;

import java.util.Map;

/**
 * A checkpoint of an optimizer or schedule: named state tensors (copies owned by this object; close it to free
 * them) and named numbers (step counts, hyper-parameters, learning rates). The keys follow PyTorch's layout:
 * {@code state.<i>.<buffer>}, {@code state.<i>.step} for parameter i in group order,
 * {@code param_groups.<g>.lr}, {@code hyper.<name>}. Both maps fit a safetensors file (tensors + metadata).
 */
public record StateDict(Map<String, Tensor> tensors, Map<String, Double> values) implements AutoCloseable {
    public StateDict {
        tensors = Map.copyOf(tensors);
        values = Map.copyOf(values);
    }

    /** The number under {@code key}; throws naming {@code owner} when missing. */
    public double value(String owner, String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(owner + ": state dict has no value '" + key + "'");
        }
        return v;
    }

    /** The tensor under {@code key}; throws naming {@code owner} when missing. */
    public Tensor tensor(String owner, String key) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalArgumentException(owner + ": state dict has no tensor '" + key + "'");
        }
        return t;
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
    }
}
