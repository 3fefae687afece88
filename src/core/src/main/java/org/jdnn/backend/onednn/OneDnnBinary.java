package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.BroadcastShapes;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutMask;
import org.jdnn.ops.DropoutOps;
import org.jdnn.ops.DropoutParams;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Binary arithmetic on oneDNN ({@code dnnl_binary_*}): both operands are described with the output's rank,
 * size 1 on the dimensions they broadcast along, which is how oneDNN expresses NumPy broadcasting. A scalar
 * operand is a one-element memory with every dimension 1. Also hosts the comparisons ({@code dnnl_binary_eq},
 * ...; max backward's mask, the compare op), dropout (a multiply by the seed's mask) and copy (a memory copy).
 * Everything here is counted under "binary" but the callers that pass their own name (reduction, eltwise STEP).
 */
final class OneDnnBinary {
    private final OneDnnBackend backend;

    OneDnnBinary(OneDnnBackend backend) {
        this.backend = backend;
    }

    /** Registers binary (and its in-place use), binary_scalar, compare, copy and dropout. Empty outputs need no primitive. */
    private static final String MAX_MIN_OF_NAN = "max/min with a NaN operand (oneDNN's give the other operand; "
            + "PyTorch's propagate NaN)";

    private static boolean isMaxOrMin(BinaryAlgorithm algorithm) {
        return algorithm == BinaryAlgorithm.MAX || algorithm == BinaryAlgorithm.MIN;
    }

    void register(KernelTable table) {
        table.put(BinaryOps.BINARY, (p, in, out) -> {
                    if (out[0].numel() > 0 && !runHeld(p.algorithm(), in[0], in[1], out[0])) {
                        run("binary", algorithm(p.algorithm()), in[0].shape(), TensorAccess.segment(in[0]), in[1].shape(),
                                TensorAccess.segment(in[1]), out[0].shape(), TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference(MAX_MIN_OF_NAN, (p, in, out) -> isMaxOrMin(p.algorithm())
                        && (SpecialValues.anyNaN(in[0]) || SpecialValues.anyNaN(in[1]))))
                .put(BinaryOps.BINARY_SCALAR, (p, in, out) -> {
                    if (out[0].numel() > 0) {
                        scalar("binary", algorithm(p.algorithm()), in[0].shape(), TensorAccess.segment(in[0]), p.scalar(),
                                TensorAccess.segment(out[0]));
                    }
                }, Fallback.toReference(MAX_MIN_OF_NAN, (p, in, out) -> isMaxOrMin(p.algorithm())
                        && (Float.isNaN(p.scalar()) || SpecialValues.anyNaN(in[0]))))
                .put(BinaryOps.COMPARE, (p, in, out) -> {
                    if (out[0].numel() == 0) {
                        return;
                    }
                    // oneDNN's JIT computes gt as "not <=" (and ge as "not <"), which is true for NaN: a > b runs as
                    // b < a, which is false for NaN like IEEE's.
                    boolean swap = p.algorithm() == CompareAlgorithm.GT || p.algorithm() == CompareAlgorithm.GE;
                    Tensor a = swap ? in[1] : in[0], b = swap ? in[0] : in[1];
                    run("binary", algorithm(p.algorithm()), a.shape(), TensorAccess.segment(a), b.shape(),
                            TensorAccess.segment(b), out[0].shape(), TensorAccess.segment(out[0]));
                })
                .put(BinaryOps.COPY, (p, in, out) -> TensorAccess.segment(out[0]).copyFrom(TensorAccess.segment(in[0])))
                .put(DropoutOps.DROPOUT, (p, in, out) -> dropout(p, in[0], out[0]));
    }

    /** Training: the seed's mask, written into pooled memory, times the input on the multiply primitive; else a copy. */
    private void dropout(DropoutParams params, Tensor x, Tensor out) {
        if (!params.training()) {
            TensorAccess.segment(out).copyFrom(TensorAccess.segment(x));
            return;
        }
        long n = x.numel();
        if (n == 0) {
            return;
        }
        float[] values = DropoutMask.generate(params, n);
        MemorySegment mask = HostMemory.allocate(n * Float.BYTES);
        try {
            MemorySegment.copy(values, 0, mask, JAVA_FLOAT, 0, values.length);
            run("binary", dnnl_h.dnnl_binary_mul(), x.shape(), TensorAccess.segment(x), x.shape(), mask, x.shape(),
                    TensorAccess.segment(out));
        } finally {
            HostMemory.release(mask);
        }
    }

    /** A binary primitive with both operands and the output in {@code layout}, a held copy's. */
    private record HeldKey(int algorithm, MemoryFormat layout, int threads) {
    }

    /**
     * Runs {@code out = a op b} in the layout {@code a} (else {@code b}) is held in, when one of them is held
     * ({@link BlockedCopy}) and the op needs nothing else: the same shape throughout (no broadcasting), a new output
     * (not in place), and an op that maps zeros to zero (add, sub, mul), so a blocked layout's padding stays zero. The
     * other operand is read as held or reordered in, and the output stays held: ResNet's residual add and the
     * gradient sums of autograd then keep the convolutions' layout. False when it does not apply.
     */
    private boolean runHeld(BinaryAlgorithm algorithm, Tensor a, Tensor b, Tensor out) {
        boolean zeroToZero = algorithm == BinaryAlgorithm.ADD || algorithm == BinaryAlgorithm.SUB
                || algorithm == BinaryAlgorithm.MUL;
        if (!zeroToZero || !a.shape().equals(out.shape()) || !b.shape().equals(out.shape())
                || TensorAccess.sharesMemory(out, a) || TensorAccess.sharesMemory(out, b)) {
            return false;
        }
        BlockedCopy held = BlockedCopy.acquire(backend, a, null);
        if (held == null) {
            held = BlockedCopy.acquire(backend, b, null);
        }
        if (held == null) {
            return false;
        }
        try {
            if (held.format().dataType() != dnnl_h.dnnl_f32()) {
                return false;
            }
            HeldKey key = new HeldKey(algorithm(algorithm), held.format(), ThreadCount.get());
            MemorySegment layoutMd = held.md();
            backend.execute("binary", key, () -> createHeld(key, layoutMd, out.shape()), a, b, out);
            // The second lookup finds the entry just used; it ran plain if oneDNN had only a reference kernel held.
            if (backend.cachedPrimitive(key, () -> createHeld(key, layoutMd, out.shape())).reordered()) {
                KernelPaths.record(KernelPaths.BINARY_HELD);
            }
        } finally {
            held.done();
        }
        return true;
    }

    /**
     * The binary primitive on {@code layoutMd} (valid during this call) for all three arguments, the caller's tensors
     * plain {@code shape}, reordered or held by {@link CachedPrimitive}; on plain memory where oneDNN has only a
     * reference kernel for the layout.
     */
    private CachedPrimitive createHeld(HeldKey key, MemorySegment layoutMd, Shape shape) {
        String label = "binary " + key;
        try (Descriptors d = new Descriptors()) {
            MemorySegment plain = d.plain(shape.dims());
            int[] args = {dnnl_h.DNNL_ARG_SRC_0(), dnnl_h.DNNL_ARG_SRC_1(), dnnl_h.DNNL_ARG_DST()};
            MemorySegment slot = d.handleSlot();
            Dnnl.check(dnnl_h.dnnl_binary_primitive_desc_create(slot, backend.engine().handle(), key.algorithm(),
                    layoutMd, layoutMd, layoutMd, d.userScratchpadAttr()), "dnnl_binary_primitive_desc_create", label);
            MemorySegment pd = slot.get(ADDRESS, 0);
            if (CachedPrimitive.implementation(pd).startsWith("ref")) {
                dnnl_h.dnnl_primitive_desc_destroy(pd);
                Dnnl.check(dnnl_h.dnnl_binary_primitive_desc_create(slot, backend.engine().handle(), key.algorithm(),
                        plain, plain, plain, d.userScratchpadAttr()), "dnnl_binary_primitive_desc_create", label);
                pd = slot.get(ADDRESS, 0);
            }
            return new CachedPrimitive(backend.engine(), pd, args, new MemorySegment[] {plain, plain, plain},
                    new boolean[] {false, false, true}, label);
        }
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

    /** oneDNN's comparisons write 1 or 0 in the f32 destination; GT and GE run as LT and LE with the operands swapped. */
    static int algorithm(CompareAlgorithm algorithm) {
        return switch (algorithm) {
            case EQ -> dnnl_h.dnnl_binary_eq();
            case NE -> dnnl_h.dnnl_binary_ne();
            case LT, GT -> dnnl_h.dnnl_binary_lt();
            case LE, GE -> dnnl_h.dnnl_binary_le();
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
