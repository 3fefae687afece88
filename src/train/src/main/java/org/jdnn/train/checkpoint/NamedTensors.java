package org.jdnn.train.checkpoint;

import org.jdnn.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link SafeTensors#read} returns: the tensors by name in file order, and the string metadata.
 * The tensors are the caller's; {@link #close()} closes them all.
 *
 * @param tensors  name -> tensor, in the order of the file's header (unmodifiable)
 * @param metadata the header's {@code __metadata__} (unmodifiable, order kept; empty if absent)
 */
public record NamedTensors(Map<String, Tensor> tensors, Map<String, String> metadata) implements AutoCloseable {
    public NamedTensors {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensor called {@code name}; throws naming the missing tensor and what there is. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint: no tensor named '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t;
    }

    @Override
    public void close() {
        for (Tensor t : tensors.values()) {
            t.close();
        }
    }
}
