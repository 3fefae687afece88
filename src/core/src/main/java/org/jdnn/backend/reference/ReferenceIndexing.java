package org.jdnn.backend.reference;

import org.jdnn.backend.KernelTable;
import org.jdnn.ops.IndexOps;
import org.jdnn.ops.IndexShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * index_select, gather, scatter and scatter_add and their backward ops, element by element from the coordinates the
 * formulas name: for gather along dim 0, output element (i, j, k) reads input element (index[i][j][k], j, k). Sums
 * accumulate in double (floats) or long (int64), in the order the elements are visited. Every index read is checked.
 */
final class ReferenceIndexing {
    private ReferenceIndexing() {
    }

    static void register(KernelTable table) {
        table.put(IndexOps.INDEX_SELECT, (p, in, out) -> indexSelect(p.dim(), in[0], in[1], out[0]))
                .put(IndexOps.INDEX_SELECT_BACKWARD, (p, in, out) -> indexSelectBackward(p.dim(), in[0], in[1],
                        out[0]))
                .put(IndexOps.GATHER, (p, in, out) -> gather("gather", p.dim(), in[0], in[1], out[0]))
                .put(IndexOps.GATHER_BACKWARD, (p, in, out) -> gatherBackward(p.dim(), in[0], in[1], out[0]))
                .put(IndexOps.SCATTER, (p, in, out) -> scatter("scatter", false, p.dim(), in[0], in[1], in[2],
                        out[0]))
                .put(IndexOps.SCATTER_ADD, (p, in, out) -> scatter("scatter_add", true, p.dim(), in[0], in[1], in[2],
                        out[0]))
                .put(IndexOps.SCATTER_BACKWARD, (p, in, out) -> scatterBackward(p, in[0], in[1], out[0], out[1]));
    }

    /** {@code index[i]}, checked to lie in [0, size). */
    static long index(String op, MemorySegment index, long i, long size, int dim) {
        long v = index.getAtIndex(JAVA_LONG, i);
        if (v < 0 || v >= size) {
            throw new IllegalArgumentException(op + ": index " + v + " is out of range for dimension " + dim
                    + " with size " + size);
        }
        return v;
    }

    private static void checkAll(String op, MemorySegment index, long n, long size, int dim) {
        for (long i = 0; i < n; i++) {
            index(op, index, i, size, dim);
        }
    }

    private static void indexSelect(int dimArg, Tensor input, Tensor index, Tensor out) {
        long[] inDims = ReferenceElements.walked(input.shape());
        int dim = IndexShapes.dim("index_select", dimArg, input.shape());
        long[] outDims = inDims.clone();
        outDims[dim] = index.numel();
        MemorySegment src = TensorAccess.segment(input), idx = TensorAccess.segment(index),
                dst = TensorAccess.segment(out);
        checkAll("index_select", idx, index.numel(), inDims[dim], dim); // also when the output is empty
        for (long i = 0, n = Shape.of(outDims).numel(); i < n; i++) {
            long[] c = ReferenceElements.coordinates(i, outDims);
            c[dim] = index("index_select", idx, c[dim], inDims[dim], dim);
            ReferenceElements.copy(src, ReferenceElements.flat(c, inDims), dst, i, input.dtype());
        }
    }

    private static void indexSelectBackward(int dim, Tensor grad, Tensor index, Tensor out) {
        long[] inDims = ReferenceElements.walked(out.shape());
        long[] gradDims = inDims.clone();
        gradDims[dim] = index.numel();
        Accumulator sums = new Accumulator(out);
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index);
        checkAll("index_select_backward", idx, index.numel(), inDims[dim], dim);
        for (long i = 0, n = Shape.of(gradDims).numel(); i < n; i++) {
            long[] c = ReferenceElements.coordinates(i, gradDims);
            c[dim] = index("index_select_backward", idx, c[dim], inDims[dim], dim);
            sums.add(ReferenceElements.flat(c, inDims), g, grad.dtype(), i);
        }
        sums.write();
    }

    private static void gather(String op, int dimArg, Tensor input, Tensor index, Tensor out) {
        long[] inDims = ReferenceElements.walked(input.shape());
        long[] idxDims = ReferenceElements.walked(index.shape());
        int dim = IndexShapes.dim(op, dimArg, input.shape());
        MemorySegment src = TensorAccess.segment(input), idx = TensorAccess.segment(index),
                dst = TensorAccess.segment(out);
        for (long i = 0, n = index.numel(); i < n; i++) {
            long[] c = ReferenceElements.coordinates(i, idxDims);
            c[dim] = index(op, idx, i, inDims[dim], dim);
            ReferenceElements.copy(src, ReferenceElements.flat(c, inDims), dst, i, input.dtype());
        }
    }

    private static void gatherBackward(int dim, Tensor grad, Tensor index, Tensor out) {
        long[] inDims = ReferenceElements.walked(out.shape());
        long[] idxDims = ReferenceElements.walked(index.shape());
        Accumulator sums = new Accumulator(out);
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index);
        for (long i = 0, n = index.numel(); i < n; i++) {
            long[] c = ReferenceElements.coordinates(i, idxDims);
            c[dim] = index("gather_backward", idx, i, inDims[dim], dim);
            sums.add(ReferenceElements.flat(c, inDims), g, grad.dtype(), i);
        }
        sums.write();
    }

    /** out = input, then each src element within index's extent written (or added) where its index points. */
    private static void scatter(String op, boolean add, int dimArg, Tensor input, Tensor index, Tensor src,
                                Tensor out) {
        long[] outDims = ReferenceElements.walked(out.shape());
        long[] idxDims = ReferenceElements.walked(index.shape());
        long[] srcDims = ReferenceElements.walked(src.shape());
        int dim = IndexShapes.dim(op, dimArg, input.shape());
        DType type = out.dtype();
        MemorySegment x = TensorAccess.segment(input), idx = TensorAccess.segment(index),
                s = TensorAccess.segment(src), o = TensorAccess.segment(out);
        long[] targets = new long[Math.toIntExact(index.numel())];
        for (long i = 0; i < targets.length; i++) { // every index checked before anything is written
            long[] c = ReferenceElements.coordinates(i, idxDims);
            c[dim] = index(op, idx, i, outDims[dim], dim);
            targets[(int) i] = ReferenceElements.flat(c, outDims);
        }
        if (!add) {
            for (long i = 0, n = out.numel(); i < n; i++) {
                ReferenceElements.copy(x, i, o, i, type);
            }
            for (int i = 0; i < targets.length; i++) {
                long from = ReferenceElements.flat(ReferenceElements.coordinates(i, idxDims), srcDims);
                ReferenceElements.copy(s, from, o, targets[i], type);
            }
            return;
        }
        Accumulator sums = new Accumulator(out);
        for (long i = 0, n = out.numel(); i < n; i++) {
            sums.add(i, x, type, i);
        }
        for (int i = 0; i < targets.length; i++) {
            sums.add(targets[i], s, type, ReferenceElements.flat(ReferenceElements.coordinates(i, idxDims),
                    srcDims));
        }
        sums.write();
    }

    private static void scatterBackward(IndexOps.ScatterBackwardParams p, Tensor grad, Tensor index, Tensor gradInput,
                                        Tensor gradSrc) {
        long[] gradDims = ReferenceElements.walked(grad.shape());
        long[] idxDims = ReferenceElements.walked(index.shape());
        int dim = p.dim();
        DType type = grad.dtype();
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index);
        long[] targets = new long[Math.toIntExact(index.numel())];
        for (long i = 0; i < targets.length; i++) {
            long[] c = ReferenceElements.coordinates(i, idxDims);
            c[dim] = index("scatter_backward", idx, i, gradDims[dim], dim);
            targets[(int) i] = ReferenceElements.flat(c, gradDims);
        }
        if (gradInput != null) {
            MemorySegment gi = TensorAccess.segment(gradInput);
            for (long i = 0, n = grad.numel(); i < n; i++) {
                ReferenceElements.copy(g, i, gi, i, type);
            }
            for (long target : targets) {
                ReferenceElements.setDouble(gi, type, target, 0);
            }
        }
        if (gradSrc != null) {
            long[] srcDims = ReferenceElements.walked(p.srcShape());
            MemorySegment gs = TensorAccess.segment(gradSrc);
            gs.fill((byte) 0);
            for (int i = 0; i < targets.length; i++) {
                long to = ReferenceElements.flat(ReferenceElements.coordinates(i, idxDims), srcDims);
                ReferenceElements.copy(g, targets[i], gs, to, type);
            }
        }
    }

    /** Sums into an output of any numeric dtype: double for floats, long for int64. Starts at zero. */
    private static final class Accumulator {
        private final Tensor out;
        private final double[] doubles;
        private final long[] longs;

        Accumulator(Tensor out) {
            this.out = out;
            int n = Math.toIntExact(out.numel());
            boolean integral = out.dtype() == DType.INT64;
            this.doubles = integral ? null : new double[n];
            this.longs = integral ? new long[n] : null;
        }

        void add(long target, MemorySegment s, DType type, long i) {
            if (longs != null) {
                longs[(int) target] += ReferenceElements.getLong(s, type, i);
            } else {
                doubles[(int) target] += ReferenceElements.getDouble(s, type, i);
            }
        }

        void write() {
            MemorySegment o = TensorAccess.segment(out);
            for (int i = 0; i < (longs != null ? longs.length : doubles.length); i++) {
                if (longs != null) {
                    ReferenceElements.setLong(o, out.dtype(), i, longs[i]);
                } else {
                    ReferenceElements.setDouble(o, out.dtype(), i, doubles[i]);
                }
            }
        }
    }
}
