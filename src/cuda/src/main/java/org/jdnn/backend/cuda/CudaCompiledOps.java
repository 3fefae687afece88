package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.ops.AdagradOps;
import org.jdnn.ops.AdamOps;
import org.jdnn.ops.ArgReductionOps;
import org.jdnn.ops.Axes;
import org.jdnn.ops.BinaryOps;
import org.jdnn.ops.CastOps;
import org.jdnn.ops.ComparisonOps;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionOps;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.ReductionShapes;
import org.jdnn.ops.RmspropOps;
import org.jdnn.ops.SgdOps;
import org.jdnn.ops.SignOps;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Ops run by jdnn's compiled CUDA kernels ({@link CompiledKernels}): broadcasting binary ops, binary ops with a
 * scalar, reductions (sum, mean, max over axes), sum_to_shape (a broadcast operand's gradient), casts, argmax/argmin,
 * sign, abs, comparisons, logical ops, logical_not, where, and the SGD, Adam/AdamW, Adagrad and RMSprop updates
 * (element-wise functions cuDNN lacks are in {@link CudaActivations}; log, pow, comparison with a scalar, masked_fill
 * and dropout in {@link CudaCompiledElementOps}).
 * Registered only when the build carries the kernel image ({@link KernelImage}); otherwise these ops keep the host
 * round trip, and {@link #missing()} says why.
 */
final class CudaCompiledOps {
    private static volatile CompiledKernels kernels;

    private CudaCompiledOps() {
    }

    /** Why the compiled kernels cannot be used, or null when they can. */
    static String missing() {
        return KernelImage.missingReason().orElse(null);
    }

    /** The kernels on the device, loaded on first use. */
    static CompiledKernels kernels() {
        CompiledKernels k = kernels;
        if (k == null) {
            synchronized (CudaCompiledOps.class) {
                k = kernels;
                if (k == null) {
                    k = CompiledKernels.forDevice(CudaDevice.INDEX);
                    kernels = k;
                }
            }
        }
        return k;
    }

    static void register(KernelTable table) {
        if (missing() != null) {
            return;
        }
        table.put(BinaryOps.BINARY, (p, in, out) -> kernels().binary(stream(), DType.FLOAT32, p.algorithm(),
                        BroadcastShape.contiguous(out[0].dims(), in[0].dims(), in[1].dims()),
                        TensorAccess.segment(in[0]), TensorAccess.segment(in[1]), TensorAccess.segment(out[0])),
                        Fallback.viaHost("a broadcast of more than " + BroadcastShape.MAX_RANK + " dimensions",
                                (p, in, out) -> out[0].rank() > BroadcastShape.MAX_RANK))
                .put(BinaryOps.BINARY_SCALAR, (p, in, out) -> kernels().binaryScalar(stream(), DType.FLOAT32,
                        p.algorithm(), p.scalar(), out[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(out[0])))
                .put(ReductionOps.SUM_TO_SHAPE, (p, in, out) -> sumToShape(in[0], out[0]),
                        Fallback.viaHost("more than " + BroadcastShape.MAX_RANK + " dimensions",
                                (p, in, out) -> in[0].rank() > BroadcastShape.MAX_RANK))
                .putAccepting(CastOps.CAST, CAST_DTYPES, (p, in, out) -> cast(in[0], out[0]))
                .putAccepting(ArgReductionOps.ARGMAX, ARG_DTYPES, (p, in, out) -> arg(true, p, in[0], out[0]),
                        Fallback.viaHost("a bool input or an empty dim", (p, in, out) -> !argRuns(p, in[0])))
                .putAccepting(ArgReductionOps.ARGMIN, ARG_DTYPES, (p, in, out) -> arg(false, p, in[0], out[0]),
                        Fallback.viaHost("a bool input or an empty dim", (p, in, out) -> !argRuns(p, in[0])))
                .put(ReductionOps.REDUCE, (p, in, out) -> reduce(p, in[0], out[0]),
                        Fallback.viaHost("more than " + BroadcastShape.MAX_RANK + " dimensions, or a mean of nothing",
                                (p, in, out) -> in[0].rank() > BroadcastShape.MAX_RANK
                                        || (in[0].numel() == 0 && out[0].numel() > 0
                                        && p.algorithm() == ReductionAlgorithm.MEAN)))
                .put(SignOps.SIGN, (p, in, out) -> kernels().sign(stream(), DType.FLOAT32, in[0].numel(),
                        TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .put(SignOps.ABS, (p, in, out) -> kernels().abs(stream(), DType.FLOAT32, in[0].numel(),
                        TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .putAccepting(ComparisonOps.COMPARE, ARG_DTYPES, (p, in, out) -> kernels().compare(stream(),
                        in[0].dtype(), p.algorithm(), BroadcastShape.contiguous(out[0].dims(), in[0].dims(),
                                in[1].dims()), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                        TensorAccess.segment(out[0])), twoOperandsOfOneDType())
                .putAccepting(ComparisonOps.LOGICAL, ARG_DTYPES, (p, in, out) -> kernels().logical(stream(),
                        in[0].dtype(), p.algorithm(), BroadcastShape.contiguous(out[0].dims(), in[0].dims(),
                                in[1].dims()), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                        TensorAccess.segment(out[0])), twoOperandsOfOneDType())
                .putAccepting(ComparisonOps.WHERE, ARG_DTYPES, (p, in, out) -> kernels().where(stream(),
                        in[1].dtype(), BroadcastShape.contiguous(out[0].dims(), in[0].dims(), in[1].dims(),
                                in[2].dims()), TensorAccess.segment(in[0]), TensorAccess.segment(in[1]),
                        TensorAccess.segment(in[2]), TensorAccess.segment(out[0])),
                        Fallback.viaHost("a broadcast of more than " + BroadcastShape.MAX_RANK + " dimensions",
                                (p, in, out) -> out[0].rank() > BroadcastShape.MAX_RANK))
                .putAccepting(ComparisonOps.LOGICAL_NOT, ARG_DTYPES, (p, in, out) -> kernels().logicalNot(stream(),
                        in[0].dtype(), in[0].numel(), TensorAccess.segment(in[0]), TensorAccess.segment(out[0])))
                .put(SgdOps.UPDATE, (p, in, out) -> kernels().sgdStep(stream(), DType.FLOAT32,
                        SgdConstants.of(p.sgd(), p.firstStep()), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), segmentOrNull(in[2])))
                .put(AdamOps.UPDATE, (p, in, out) -> kernels().adamStep(stream(), DType.FLOAT32,
                        AdamConstants.of(p.adam(), p.step()), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(in[2]), TensorAccess.segment(in[3]),
                        segmentOrNull(in[4])))
                .put(AdagradOps.UPDATE, (p, in, out) -> kernels().adagradStep(stream(), DType.FLOAT32,
                        AdagradConstants.of(p.adagrad(), p.step()), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(in[2])))
                .put(RmspropOps.UPDATE, (p, in, out) -> kernels().rmspropStep(stream(), DType.FLOAT32,
                        RmspropConstants.of(p), in[0].numel(), TensorAccess.segment(in[0]),
                        TensorAccess.segment(in[1]), TensorAccess.segment(in[2]), segmentOrNull(in[3]),
                        segmentOrNull(in[4])));
        CudaCompiledElementOps.register(table);
    }

    /** The compiled compare/logical kernels take two operands of one dtype, broadcast over at most MAX_RANK dims. */
    private static <P> Fallback<P> twoOperandsOfOneDType() {
        return Fallback.viaHost("operands of two dtypes, or a broadcast of more than " + BroadcastShape.MAX_RANK
                + " dimensions", (p, in, out) -> in[0].dtype() != in[1].dtype() || out[0].rank() > BroadcastShape.MAX_RANK);
    }

    private static final Set<DType> CAST_DTYPES = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);
    private static final Set<DType> ARG_DTYPES = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);

    private static void cast(Tensor in, Tensor out) {
        long n = in.numel();
        if (n == 0) {
            return;
        }
        if (in.dtype() == out.dtype()) {
            CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(in), TensorAccess.segment(out), n * in.dtype().byteSize(),
                    stream());
        } else {
            kernels().cast(stream(), in.dtype(), out.dtype(), n, TensorAccess.segment(in), TensorAccess.segment(out));
        }
    }

    /** {outer, size, inner} of a contiguous {@code shape} around {@code p}'s dim (a scalar is one of size 1). */
    static long[] around(ArgReductionOps.DimParams p, Shape shape) {
        if (shape.rank() == 0) {
            return new long[] {1, 1, 1};
        }
        int axis = Axes.normalize("argmax", p.dim(), shape);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape.dim(d);
        }
        for (int d = axis + 1; d < shape.rank(); d++) {
            inner *= shape.dim(d);
        }
        return new long[] {outer, shape.dim(axis), inner};
    }

    /** The compiled arg reductions take float32, float64 and int64 over a non-empty dim. */
    private static boolean argRuns(ArgReductionOps.DimParams p, Tensor x) {
        return x.dtype() != DType.BOOL && around(p, x.shape())[1] > 0;
    }

    private static void arg(boolean max, ArgReductionOps.DimParams p, Tensor x, Tensor indices) {
        long[] s = around(p, x.shape());
        if (s[0] * s[2] == 0) {
            return;
        }
        if (max) {
            kernels().argMax(stream(), x.dtype(), s[0], s[1], s[2], TensorAccess.segment(x),
                    TensorAccess.segment(indices), MemorySegment.NULL);
        } else {
            kernels().argMin(stream(), x.dtype(), s[0], s[1], s[2], TensorAccess.segment(x),
                    TensorAccess.segment(indices), MemorySegment.NULL);
        }
    }

    /**
     * The axes of {@code in} that sum_to_shape sums to reach {@code out} (broadcast-compatible, rank at most in's):
     * the leading axes {@code out} lacks, and those where {@code out} has 1 and {@code in} more.
     */
    static int[] sumToShapeAxes(Shape in, Shape out) {
        int lead = in.rank() - out.rank();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) {
            if (d < lead || (out.dim(d - lead) == 1 && in.dim(d) != 1)) {
                axes.add(d);
            }
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The reduced axes of a reduction of {@code shape} with {@code p}. */
    static int[] reducedAxes(ReductionParams p, Shape shape) {
        boolean[] reduced = ReductionShapes.infer(p, shape).reduced();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < reduced.length; d++) {
            if (reduced[d]) {
                axes.add(d);
            }
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** sum, mean or max over the axes of {@code p}; the result is laid out as the kept dims, whatever keepDim says. */
    private static void reduce(ReductionParams p, Tensor in, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        if (in.numel() == 0) {
            CudaConvolution.zero(out); // a sum of nothing (a mean of nothing takes the round trip)
            return;
        }
        if (in.rank() == 0) {
            CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(in), TensorAccess.segment(out), Float.BYTES, stream());
            return;
        }
        ReductionShape shape = ReductionShape.of(in.dims(), reducedAxes(p, in.shape()));
        if (p.algorithm() == ReductionAlgorithm.MAX) {
            kernels().reduceMax(stream(), DType.FLOAT32, shape, TensorAccess.segment(in), TensorAccess.segment(out));
        } else {
            kernels().reduceSum(stream(), DType.FLOAT32, shape, p.algorithm() == ReductionAlgorithm.MEAN,
                    TensorAccess.segment(in), TensorAccess.segment(out));
        }
    }

    /** The gradient of a broadcast: {@code in} summed down to {@code out}'s shape. */
    private static void sumToShape(Tensor in, Tensor out) {
        if (out.numel() == 0) {
            return;
        }
        if (in.numel() == 0) {
            CudaConvolution.zero(out); // an empty sum
            return;
        }
        int[] axes = sumToShapeAxes(in.shape(), out.shape());
        if (axes.length == 0) {
            CudaRuntime.copyOnDeviceAsync(TensorAccess.segment(in), TensorAccess.segment(out),
                    out.numel() * Float.BYTES, stream());
            return;
        }
        kernels().reduceSum(stream(), DType.FLOAT32, ReductionShape.of(in.dims(), axes), false,
                TensorAccess.segment(in), TensorAccess.segment(out));
    }

    private static MemorySegment stream() {
        return CudaThread.current().stream();
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? MemorySegment.NULL : TensorAccess.segment(t);
    }
}
