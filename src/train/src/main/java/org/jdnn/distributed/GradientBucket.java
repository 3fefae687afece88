package org.jdnn.distributed;

import org.jdnn.natives.mpi.MpiWorld;
import org.jdnn.tensor.Pins;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Some parameters' gradients packed in one native float buffer, reduced by one all-reduce. Filled as the gradients
 * become ready during backward; when the last one is in, the all-reduce starts (non-blocking); when it is done the
 * sums are divided by the world size and copied back into the gradients.
 */
final class GradientBucket implements AutoCloseable {
    private final List<String> names;
    private final List<Tensor> parameters;
    private final long[] offsets;
    private final long count;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final boolean[] ready;
    private int readyCount;
    private MpiWorld.Request pending;

    GradientBucket(Map<String, Tensor> parameters) {
        this.names = List.copyOf(parameters.keySet());
        this.parameters = List.copyOf(parameters.values());
        this.offsets = new long[this.parameters.size()];
        long offset = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = offset;
            offset += this.parameters.get(i).numel();
        }
        this.count = offset;
        this.buffer = arena.allocate(JAVA_FLOAT, Math.max(1, count));
        this.ready = new boolean[offsets.length];
    }

    long count() {
        return count;
    }

    List<String> names() {
        return names;
    }

    boolean contains(int index) {
        return index >= 0 && index < parameters.size();
    }

    /** Copies parameter {@code index}'s gradient in; returns true when it was the bucket's last one. */
    boolean add(int index) {
        Tensor parameter = parameters.get(index);
        if (ready[index]) {
            throw new IllegalStateException("DistributedDataParallel: parameter '" + names.get(index)
                    + "' got its gradient twice in one backward pass before the reduction finished");
        }
        Tensor grad = parameter.grad();
        try (Pins pins = TensorAccess.pin(new Tensor[]{grad}, new Tensor[0])) {
            MemorySegment.copy(TensorAccess.segment(grad), 0, buffer, offsets[index] * JAVA_FLOAT.byteSize(),
                    grad.numel() * JAVA_FLOAT.byteSize());
        }
        ready[index] = true;
        return ++readyCount == ready.length;
    }

    void start(ProcessGroup group) {
        pending = group.startAllReduceSum(buffer, count);
    }

    boolean started() {
        return pending != null;
    }

    /** Drives the pending reduction (MPI progresses non-blocking collectives only when asked). */
    void poll(ProcessGroup group) {
        if (pending != null && !pending.isDone()) {
            group.test(pending);
        }
    }

    /** Waits for the reduction, then writes sum / worldSize into each gradient, and resets for the next pass. */
    void finish(ProcessGroup group) {
        group.await(pending);
        float scale = 1f / group.worldSize();
        for (long i = 0; i < count; i++) {
            buffer.setAtIndex(JAVA_FLOAT, i, buffer.getAtIndex(JAVA_FLOAT, i) * scale);
        }
        for (int i = 0; i < parameters.size(); i++) {
            Tensor grad = parameters.get(i).grad();
            try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{grad})) {
                MemorySegment.copy(buffer, offsets[i] * JAVA_FLOAT.byteSize(), TensorAccess.segment(grad), 0,
                        grad.numel() * JAVA_FLOAT.byteSize());
            }
        }
        reset();
    }

    /** The names of the parameters whose gradient has not come in this pass. */
    List<String> missing() {
        return java.util.stream.IntStream.range(0, ready.length).filter(i -> !ready[i]).mapToObj(names::get).toList();
    }

    boolean partlyFilled() {
        return readyCount > 0 && pending == null;
    }

    void reset() {
        java.util.Arrays.fill(ready, false);
        readyCount = 0;
        pending = null;
    }

    @Override
    public void close() {
        arena.close();
    }
}
