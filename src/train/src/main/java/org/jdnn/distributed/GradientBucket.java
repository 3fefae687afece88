package org.jdnn.distributed;

import org.jdnn.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Some parameters' gradients packed in one flat float buffer, reduced by one all-reduce. Filled as the gradients
 * become ready during backward; when the last one is in, the all-reduce starts (without waiting); when it is done the
 * sums are divided by the world size and copied back into the gradients. This class keeps the bookkeeping (which
 * gradients came in this pass, where each one goes in the buffer); {@link HostGradientBucket} (MPI, host memory) and
 * {@link DeviceGradientBucket} (a device's collectives, device memory) move the numbers.
 */
abstract class GradientBucket implements AutoCloseable {
    private final List<String> names;
    private final List<Tensor> parameters;
    private final long[] offsets;
    private final long count;
    private final boolean[] ready;
    private int readyCount;
    private boolean started;

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
        this.ready = new boolean[offsets.length];
    }

    /** Copies {@code grad} into the buffer at element {@code offset}. */
    abstract void pack(Tensor grad, long offset);

    /** Starts summing the buffer over the ranks, without waiting. */
    abstract void startReduction();

    /** Drives the pending reduction where the transport needs it (MPI progresses only when asked). */
    void pollReduction() {
    }

    /** Waits for the sum, then writes sum / worldSize from element {@code offset} into each gradient. */
    abstract void finishReduction(List<Tensor> grads, long[] offsets);

    long count() {
        return count;
    }

    List<String> names() {
        return names;
    }

    /** Packs parameter {@code index}'s gradient; returns true when it was the bucket's last one. */
    final boolean add(int index) {
        if (ready[index]) {
            throw new IllegalStateException("DistributedDataParallel: parameter '" + names.get(index)
                    + "' got its gradient twice in one backward pass before the reduction finished");
        }
        pack(parameters.get(index).grad(), offsets[index]);
        ready[index] = true;
        return ++readyCount == ready.length;
    }

    final void start() {
        startReduction();
        started = true;
    }

    final boolean started() {
        return started;
    }

    final void poll() {
        if (started) {
            pollReduction();
        }
    }

    /** Waits for the reduction, writes the averages into the gradients, and resets for the next pass. */
    final void finish() {
        finishReduction(parameters.stream().map(Tensor::grad).toList(), offsets);
        reset();
    }

    /** The names of the parameters whose gradient has not come in this pass. */
    final List<String> missing() {
        return IntStream.range(0, ready.length).filter(i -> !ready[i]).mapToObj(names::get).toList();
    }

    final boolean partlyFilled() {
        return readyCount > 0 && !started;
    }

    void reset() {
        Arrays.fill(ready, false);
        readyCount = 0;
        started = false;
    }

    @Override
    public abstract void close();
}
