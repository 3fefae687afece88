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

/** A {@link GradientBucket} of host gradients in a native float buffer, reduced by a non-blocking MPI all-reduce. */
final class HostGradientBucket extends GradientBucket {
    private final ProcessGroup group;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private MpiWorld.Request pending;

    HostGradientBucket(Map<String, Tensor> parameters, ProcessGroup group) {
        super(parameters);
        this.group = group;
        this.buffer = arena.allocate(JAVA_FLOAT, Math.max(1, count()));
    }

    @Override
    void pack(Tensor grad, long offset) {
        try (Pins pins = TensorAccess.pin(new Tensor[]{grad}, new Tensor[0])) {
            MemorySegment.copy(TensorAccess.segment(grad), 0, buffer, offset * JAVA_FLOAT.byteSize(),
                    grad.numel() * JAVA_FLOAT.byteSize());
        }
    }

    @Override
    void startReduction() {
        pending = group.startAllReduceSum(buffer, count());
    }

    @Override
    void pollReduction() {
        if (pending != null && !pending.isDone()) {
            group.test(pending);
        }
    }

    @Override
    void finishReduction(List<Tensor> grads, long[] offsets) {
        group.await(pending);
        float scale = 1f / group.worldSize();
        for (long i = 0; i < count(); i++) {
            buffer.setAtIndex(JAVA_FLOAT, i, buffer.getAtIndex(JAVA_FLOAT, i) * scale);
        }
        for (int i = 0; i < grads.size(); i++) {
            Tensor grad = grads.get(i);
            try (Pins pins = TensorAccess.pin(new Tensor[0], new Tensor[]{grad})) {
                MemorySegment.copy(buffer, offsets[i] * JAVA_FLOAT.byteSize(), TensorAccess.segment(grad), 0,
                        grad.numel() * JAVA_FLOAT.byteSize());
            }
        }
    }

    @Override
    void reset() {
        super.reset();
        pending = null;
    }

    @Override
    public void close() {
        arena.close();
    }
}
