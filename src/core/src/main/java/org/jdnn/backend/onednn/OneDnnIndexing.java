package org.jdnn.backend.onednn;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.ops.IndexOps;
import org.jdnn.ops.IndexShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * index_select, gather, scatter and their backward ops on the CPU. oneDNN has no gather or scatter primitive, so these
 * are plain loops: index_select copies whole rows (one bulk copy per index and outer position), gather and scatter walk
 * the index with running offsets ({@link StridedWalk}). Data movement takes float32, int64 and bool (element bytes
 * are copied); the sums (scatter_add and the backward ops) are float32 here, accumulated in float in index order, and
 * run on the reference for int64 (declared); float64 runs on the reference, as for every oneDNN op. Every index read
 * is checked.
 */
final class OneDnnIndexing {
    private OneDnnIndexing() {
    }

    static void register(KernelTable table) {
        Set<DType> all = TAKES;
        Fallback<IndexOps.DimShapeParams> sumsOfOthers = Fallback.toReference(SUMS,
                (p, in, out) -> in[0].dtype() != DType.FLOAT32);
        table.putAccepting(IndexOps.INDEX_SELECT, all, (p, in, out) -> indexSelect(p.dim(), in[0], in[1], out[0]))
                .putAccepting(IndexOps.INDEX_SELECT_BACKWARD, all, (p, in, out) -> indexSelectBackward(p.dim(), in[0],
                        in[1], out[0]), sumsOfOthers)
                .putAccepting(IndexOps.GATHER, all, (p, in, out) -> gather(p.dim(), in[0], in[1], out[0]))
                .putAccepting(IndexOps.GATHER_BACKWARD, all, (p, in, out) -> gatherBackward(p.dim(), in[0], in[1],
                        out[0]), sumsOfOthers)
                .putAccepting(IndexOps.SCATTER, all, (p, in, out) -> scatter("scatter", false, p.dim(), in[0], in[1],
                        in[2], out[0]))
                .putAccepting(IndexOps.SCATTER_ADD, all, (p, in, out) -> scatter("scatter_add", true, p.dim(), in[0],
                        in[1], in[2], out[0]),
                        Fallback.toReference(SUMS, (p, in, out) -> in[0].dtype() != DType.FLOAT32))
                .putAccepting(IndexOps.SCATTER_BACKWARD, all, (p, in, out) -> scatterBackward(p, in[0], in[1], out[0],
                        out[1]));
    }

    /** float32, int64 and bool data, int64 indices; float64 takes the table's dtype fallback, as every oneDNN op. */
    private static final Set<DType> TAKES = Set.of(DType.FLOAT32, DType.INT64, DType.BOOL);

    private static final String SUMS = "a sum of int64 values (the loops here add float32)";

    private static long checked(String op, long v, long size, int dim) {
        if (v < 0 || v >= size) {
            throw new IllegalArgumentException(op + ": index " + v + " is out of range for dimension " + dim
                    + " with size " + size);
        }
        return v;
    }

    private static void indexSelect(int dimArg, Tensor input, Tensor index, Tensor out) {
        long[] dims = StridedWalk.dims(input.shape());
        int dim = IndexShapes.dim("index_select", dimArg, input.shape());
        long outer = 1, inner = 1, size = dims[dim], n = index.numel();
        for (int d = 0; d < dim; d++) {
            outer *= dims[d];
        }
        for (int d = dim + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        MemorySegment src = TensorAccess.segment(input), idx = TensorAccess.segment(index),
                dst = TensorAccess.segment(out);
        long row = inner * input.dtype().byteSize();
        for (long j = 0; j < n; j++) {
            long v = checked("index_select", idx.getAtIndex(JAVA_LONG, j), size, dim);
            for (long o = 0; o < outer; o++) {
                MemorySegment.copy(src, (o * size + v) * row, dst, (o * n + j) * row, row);
            }
        }
    }

    private static void indexSelectBackward(int dim, Tensor grad, Tensor index, Tensor out) {
        long[] dims = StridedWalk.dims(out.shape());
        long outer = 1, inner = 1, size = dims[dim], n = index.numel();
        for (int d = 0; d < dim; d++) {
            outer *= dims[d];
        }
        for (int d = dim + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index), dst = TensorAccess.segment(out);
        dst.fill((byte) 0);
        for (long j = 0; j < n; j++) {
            long v = checked("index_select_backward", idx.getAtIndex(JAVA_LONG, j), size, dim);
            for (long o = 0; o < outer; o++) {
                long from = (o * n + j) * inner, to = (o * size + v) * inner;
                for (long t = 0; t < inner; t++) {
                    dst.setAtIndex(JAVA_FLOAT, to + t, dst.getAtIndex(JAVA_FLOAT, to + t)
                            + g.getAtIndex(JAVA_FLOAT, from + t));
                }
            }
        }
    }

    private static void gather(int dimArg, Tensor input, Tensor index, Tensor out) {
        long[] inDims = StridedWalk.dims(input.shape());
        int dim = IndexShapes.dim("gather", dimArg, input.shape());
        long[] inStrides = StridedWalk.strides(inDims);
        StridedWalk walk = new StridedWalk(StridedWalk.dims(index.shape()), StridedWalk.without(inStrides, dim));
        MemorySegment src = TensorAccess.segment(input), idx = TensorAccess.segment(index),
                dst = TensorAccess.segment(out);
        long bytes = input.dtype().byteSize();
        for (long i = 0, n = index.numel(); i < n; i++, walk.next()) {
            long v = checked("gather", idx.getAtIndex(JAVA_LONG, i), inDims[dim], dim);
            MemorySegment.copy(src, (walk.offsets[0] + v * inStrides[dim]) * bytes, dst, i * bytes, bytes);
        }
    }

    private static void gatherBackward(int dim, Tensor grad, Tensor index, Tensor out) {
        long[] outDims = StridedWalk.dims(out.shape());
        long[] outStrides = StridedWalk.strides(outDims);
        StridedWalk walk = new StridedWalk(StridedWalk.dims(index.shape()), StridedWalk.without(outStrides, dim));
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index), dst = TensorAccess.segment(out);
        dst.fill((byte) 0);
        for (long i = 0, n = index.numel(); i < n; i++, walk.next()) {
            long v = checked("gather_backward", idx.getAtIndex(JAVA_LONG, i), outDims[dim], dim);
            long to = walk.offsets[0] + v * outStrides[dim];
            dst.setAtIndex(JAVA_FLOAT, to, dst.getAtIndex(JAVA_FLOAT, to) + g.getAtIndex(JAVA_FLOAT, i));
        }
    }

    private static void scatter(String op, boolean add, int dimArg, Tensor input, Tensor index, Tensor src,
                                Tensor out) {
        long[] outDims = StridedWalk.dims(out.shape());
        int dim = IndexShapes.dim(op, dimArg, input.shape());
        long[] outStrides = StridedWalk.strides(outDims);
        StridedWalk walk = new StridedWalk(StridedWalk.dims(index.shape()), StridedWalk.without(outStrides, dim),
                StridedWalk.strides(StridedWalk.dims(src.shape())));
        MemorySegment s = TensorAccess.segment(src), idx = TensorAccess.segment(index), dst = TensorAccess.segment(out);
        dst.copyFrom(TensorAccess.segment(input));
        long bytes = out.dtype().byteSize();
        for (long i = 0, n = index.numel(); i < n; i++, walk.next()) {
            long v = checked(op, idx.getAtIndex(JAVA_LONG, i), outDims[dim], dim);
            long to = walk.offsets[0] + v * outStrides[dim], from = walk.offsets[1];
            if (add) {
                dst.setAtIndex(JAVA_FLOAT, to, dst.getAtIndex(JAVA_FLOAT, to) + s.getAtIndex(JAVA_FLOAT, from));
            } else {
                MemorySegment.copy(s, from * bytes, dst, to * bytes, bytes);
            }
        }
    }

    private static void scatterBackward(IndexOps.ScatterBackwardParams p, Tensor grad, Tensor index, Tensor gradInput,
                                        Tensor gradSrc) {
        long[] gradDims = StridedWalk.dims(grad.shape());
        int dim = p.dim();
        long[] gradStrides = StridedWalk.strides(gradDims);
        StridedWalk walk = new StridedWalk(StridedWalk.dims(index.shape()), StridedWalk.without(gradStrides, dim),
                StridedWalk.strides(StridedWalk.dims(p.srcShape())));
        MemorySegment g = TensorAccess.segment(grad), idx = TensorAccess.segment(index);
        MemorySegment gi = gradInput == null ? null : TensorAccess.segment(gradInput);
        MemorySegment gs = gradSrc == null ? null : TensorAccess.segment(gradSrc);
        if (gi != null) {
            gi.copyFrom(g);
        }
        if (gs != null) {
            gs.fill((byte) 0);
        }
        long bytes = grad.dtype().byteSize();
        MemorySegment zero = MemorySegment.ofArray(new byte[(int) bytes]);
        for (long i = 0, n = index.numel(); i < n; i++, walk.next()) {
            long v = checked("scatter_backward", idx.getAtIndex(JAVA_LONG, i), gradDims[dim], dim);
            long at = walk.offsets[0] + v * gradStrides[dim];
            if (gs != null) {
                MemorySegment.copy(g, at * bytes, gs, walk.offsets[1] * bytes, bytes);
            }
            if (gi != null) {
                MemorySegment.copy(zero, 0, gi, at * bytes, bytes);
            }
        }
    }
}
