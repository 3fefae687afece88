package org.jdnn.backend.onednn;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.tensor.Shape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Binary arithmetic on oneDNN ({@code dnnl_binary_*}): both operands are described with the output's rank,
 * size 1 on the dimensions they broadcast along, which is how oneDNN expresses NumPy broadcasting. A scalar
 * operand is a one-element memory with every dimension 1. Also hosts the comparison (EQ) used by max backward.
 */
final class OneDnnBinary {
    private final OneDnnBackend backend;

    OneDnnBinary(OneDnnBackend backend) {
        this.backend = backend;
    }

    /** {@code algorithm} is a dnnl_binary_* value; dims are already padded to the output's rank. */
    private record Key(int algorithm, Shape a, Shape b, Shape out, int threads) {
    }

    static int algorithm(BinaryAlgorithm algorithm) {
        return switch (algorithm) {
            case ADD -> dnnl_h.dnnl_binary_add();
            case SUB -> dnnl_h.dnnl_binary_sub();
            case MUL -> dnnl_h.dnnl_binary_mul();
            case DIV -> dnnl_h.dnnl_binary_div();
            case MAX -> dnnl_h.dnnl_binary_max();
            case MIN -> dnnl_h.dnnl_binary_min();
        };
    }

    /** {@code out = a op b}, shapes already validated; counted under {@code op}. */
    void run(String op, int algorithm, Shape a, MemorySegment aData, Shape b, MemorySegment bData, Shape out,
             MemorySegment outData) {
        int rank = Math.max(out.rank(), 1);
        Key key = new Key(algorithm, Shape.of(BroadcastShapes.padded(a, rank)), Shape.of(BroadcastShapes.padded(b, rank)),
                Shape.of(BroadcastShapes.padded(out, rank)), ThreadCount.get());
        backend.execute(op, key, () -> create(key), aData, bData, outData);
    }

    void scalar(String op, int algorithm, Shape a, MemorySegment aData, float scalar, MemorySegment outData) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(JAVA_FLOAT, scalar);
            run(op, algorithm, a, aData, Shape.of(), value, a, outData);
        }
    }

    private CachedPrimitive create(Key key) {
        String label = "binary " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_binary_primitive_desc_create(slot, backend.engine().handle(), key.algorithm(),
                    d.plain(key.a().dims()), d.plain(key.b().dims()), d.plain(key.out().dims()), d.userScratchpadAttr()),
                    "dnnl_binary_primitive_desc_create", label);
            return new CachedPrimitive(backend.engine(), slot.get(ADDRESS, 0),
                    new int[] {dnnl_h.DNNL_ARG_SRC_0(), dnnl_h.DNNL_ARG_SRC_1(), dnnl_h.DNNL_ARG_DST()}, label);
        }
    }
}
