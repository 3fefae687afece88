package org.jdnn.backend.cuda;

import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * Typed launches of jdnn's compiled CUDA kernels (the C ABI of src/main/cuda/jdnn_kernels.cuh), one method per kernel
 * family: each picks the kernel by dtype, chooses the launch geometry, packs the arguments (structs by value) and
 * enqueues the kernel on {@code stream} (a CUstream; NULL is the legacy default stream). Pointers are device pointers
 * as zero-length segments. Element counts of 0 launch nothing. Kernels run asynchronously; errors of the launch itself
 * are CudaExceptions naming cuLaunchKernel.
 *
 * <pre>{@code
 * CompiledKernels kernels = CompiledKernels.forDevice(0);
 * kernels.unary(stream, DType.FLOAT32, EltwiseParams.relu(), n, x, y);
 * }</pre>
 */
public final class CompiledKernels {
    private final KernelLauncher launcher;

    public CompiledKernels(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** The kernels on device {@code device}, loaded into its primary context on first use. */
    public static CompiledKernels forDevice(int device) {
        return new CompiledKernels(LoadedKernels.forDevice(device));
    }

    // ---- element-wise unary ----

    /** {@code y = f(x)} for {@code params}' EltwiseAlgorithm, float32 or float64; may run in place. */
    public void unary(MemorySegment stream, DType dtype, EltwiseParams params, long n, MemorySegment x,
                      MemorySegment y) {
        launch("jdnn_unary_" + KernelCodes.floating("eltwise", dtype), n, stream, a -> a
                .int32(KernelCodes.unary(params.algorithm())).float32(params.alpha()).float32(params.beta()).int64(n)
                .pointer(x).pointer(y));
    }

    /** {@code dx = f'(x) dy} (PyTorch's backward formulas; STEP has none and the op rejects it before this). */
    public void unaryBackward(MemorySegment stream, DType dtype, EltwiseParams params, long n, MemorySegment x,
                              MemorySegment dy, MemorySegment dx) {
        launch("jdnn_unary_backward_" + KernelCodes.floating("eltwise_backward", dtype), n, stream, a -> a
                .int32(KernelCodes.unary(params.algorithm())).float32(params.alpha()).float32(params.beta()).int64(n)
                .pointer(x).pointer(dy).pointer(dx));
    }

    /** EltwiseOps.LOG: {@code y = max(log x, min)}, NaN kept. */
    public void logClamped(MemorySegment stream, DType dtype, float min, long n, MemorySegment x, MemorySegment y) {
        launch("jdnn_log_clamped_" + KernelCodes.floating("log", dtype), n, stream,
                a -> a.float32(min).int64(n).pointer(x).pointer(y));
    }

    /** EltwiseOps.LOG_BACKWARD. */
    public void logClampedBackward(MemorySegment stream, DType dtype, float min, long n, MemorySegment x,
                                   MemorySegment dy, MemorySegment dx) {
        launch("jdnn_log_clamped_backward_" + KernelCodes.floating("log_backward", dtype), n, stream,
                a -> a.float32(min).int64(n).pointer(x).pointer(dy).pointer(dx));
    }

    /** SignOps.SIGN. */
    public void sign(MemorySegment stream, DType dtype, long n, MemorySegment x, MemorySegment y) {
        launch("jdnn_sign_" + KernelCodes.floating("sign", dtype), n, stream, a -> a.int64(n).pointer(x).pointer(y));
    }

    /** SignOps.ABS. */
    public void abs(MemorySegment stream, DType dtype, long n, MemorySegment x, MemorySegment y) {
        launch("jdnn_abs_" + KernelCodes.floating("abs", dtype), n, stream, a -> a.int64(n).pointer(x).pointer(y));
    }

    // ---- broadcasting binary ops ----

    /** {@code y = a op b} over {@code shape} (operands 0 and 1 are a and b); y contiguous. */
    public void binary(MemorySegment stream, DType dtype, BinaryAlgorithm op, BroadcastShape shape, MemorySegment a,
                       MemorySegment b, MemorySegment y) {
        long n = shape.numel();
        launch("jdnn_binary_" + KernelCodes.floating(op.opName(), dtype), n, stream, args -> args
                .int32(KernelCodes.binary(op)).struct(shape.toStruct(args.arena())).int64(n).pointer(a).pointer(b)
                .pointer(y));
    }

    /** {@code y = a op scalar} (BinaryOps.BINARY_SCALAR), contiguous. */
    public void binaryScalar(MemorySegment stream, DType dtype, BinaryAlgorithm op, float scalar, long n,
                             MemorySegment a, MemorySegment y) {
        launch("jdnn_binary_scalar_" + KernelCodes.floating(op.opName(), dtype), n, stream, args -> args
                .int32(KernelCodes.binary(op)).float32(scalar).int64(n).pointer(a).pointer(y));
    }

    /** PowOps.POW: {@code y = a ^ b} over {@code shape} (C's pow: 1^b and a^0 are 1, NaN included). */
    public void pow(MemorySegment stream, DType dtype, BroadcastShape shape, MemorySegment a, MemorySegment b,
                    MemorySegment y) {
        long n = shape.numel();
        launch("jdnn_pow_" + KernelCodes.floating("pow", dtype), n, stream, args -> args
                .struct(shape.toStruct(args.arena())).int64(n).pointer(a).pointer(b).pointer(y));
    }

    /**
     * PowOps.POW_BACKWARD: operand {@code operand}'s gradient (0 the base, 1 the exponent) over the broadcast
     * {@code shape}, before it is summed to the operand's shape (reduceSum); {@code gradOutput} and y contiguous.
     */
    public void powBackward(MemorySegment stream, DType dtype, int operand, BroadcastShape shape, MemorySegment a,
                            MemorySegment b, MemorySegment gradOutput, MemorySegment y) {
        if (operand != 0 && operand != 1) {
            throw new IllegalArgumentException("cuda pow_backward: operand must be 0 or 1, got " + operand);
        }
        long n = shape.numel();
        launch("jdnn_pow_backward_" + KernelCodes.floating("pow_backward", dtype), n, stream, args -> args
                .int32(operand).struct(shape.toStruct(args.arena())).int64(n).pointer(a).pointer(b)
                .pointer(gradOutput).pointer(y));
    }

    /** {@code y = a op b} as bool (1 byte, 0 or 1); a and b of {@code dtype} (f32, f64, i64, bool). */
    public void compare(MemorySegment stream, DType dtype, CompareAlgorithm op, BroadcastShape shape, MemorySegment a,
                        MemorySegment b, MemorySegment y) {
        long n = shape.numel();
        launch("jdnn_compare_" + KernelCodes.suffix(dtype), n, stream, args -> args.int32(KernelCodes.compare(op))
                .struct(shape.toStruct(args.arena())).int64(n).pointer(a).pointer(b).pointer(y));
    }

    /** {@code y = a op b} on truth values (nonzero, NaN included), as bool. */
    public void logical(MemorySegment stream, DType dtype, LogicalAlgorithm op, BroadcastShape shape, MemorySegment a,
                        MemorySegment b, MemorySegment y) {
        long n = shape.numel();
        launch("jdnn_logical_" + KernelCodes.suffix(dtype), n, stream, args -> args.int32(KernelCodes.logical(op))
                .struct(shape.toStruct(args.arena())).int64(n).pointer(a).pointer(b).pointer(y));
    }

    /** {@code y = !a} on truth values, as bool. */
    public void logicalNot(MemorySegment stream, DType dtype, long n, MemorySegment a, MemorySegment y) {
        launch("jdnn_logical_not_" + KernelCodes.suffix(dtype), n, stream, args -> args.int64(n).pointer(a).pointer(y));
    }

    /** {@code out = condition ? x : y} (operands 0, 1, 2 of {@code shape}), elements of {@code dtype} as bits. */
    public void where(MemorySegment stream, DType dtype, BroadcastShape shape, MemorySegment condition,
                      MemorySegment x, MemorySegment y, MemorySegment out) {
        long n = shape.numel();
        launch("jdnn_where_" + KernelCodes.bits(dtype), n, stream, args -> args.struct(shape.toStruct(args.arena()))
                .int64(n).pointer(condition).pointer(x).pointer(y).pointer(out));
    }

    // ---- views and fill ----

    /** A view (permuted, sliced, expanded: operand 0's strides, {@code x} at its first element) to contiguous y. */
    public void copyStrided(MemorySegment stream, DType dtype, BroadcastShape shape, MemorySegment x, MemorySegment y) {
        long n = shape.numel();
        launch("jdnn_copy_strided_" + KernelCodes.bits(dtype), n, stream, args -> args
                .struct(shape.toStruct(args.arena())).int64(n).pointer(x).pointer(y));
    }

    /** Every element of {@code y} set to the low {@code dtype.byteSize()} bytes of {@code bits}. */
    public void fillBits(MemorySegment stream, DType dtype, long bits, long n, MemorySegment y) {
        launch("jdnn_fill_" + KernelCodes.bits(dtype), n, stream, args -> args.int64(n).int64(bits).pointer(y));
    }

    /** Every element of {@code y} set to {@code value} converted to {@code dtype} as Elements.set converts. */
    public void fill(MemorySegment stream, DType dtype, double value, long n, MemorySegment y) {
        fillBits(stream, dtype, FillBits.of(dtype, value), n, y);
    }

    // ---- reductions ----

    /** Sum (or mean) of each output's reduced elements, accumulated in double. */
    public void reduceSum(MemorySegment stream, DType dtype, ReductionShape shape, boolean mean, MemorySegment x,
                          MemorySegment y) {
        String name = "jdnn_reduce_sum_" + KernelCodes.floating(mean ? "mean" : "sum", dtype);
        reduce(name, shape, stream, args -> args.struct(shape.toStruct(args.arena())).int32(mean ? 1 : 0).pointer(x)
                .pointer(y));
    }

    /** Max of each output's reduced elements: NaN propagates, as the reference's first maximal element. */
    public void reduceMax(MemorySegment stream, DType dtype, ReductionShape shape, MemorySegment x, MemorySegment y) {
        reduce("jdnn_reduce_max_" + KernelCodes.floating("max", dtype), shape, stream,
                args -> args.struct(shape.toStruct(args.arena())).pointer(x).pointer(y));
    }

    /**
     * The max reduction's backward: {@code dy[j]} written to output j's first maximal element of {@code x} (the first
     * NaN if any), every other element of {@code dx} left as it is: zero it first (fill), as the reference does.
     * Sum's and mean's backward are a broadcast: copyStrided with stride 0 on the reduced dims, then a division.
     */
    public void reduceMaxBackward(MemorySegment stream, DType dtype, ReductionShape shape, MemorySegment x,
                                  MemorySegment dy, MemorySegment dx) {
        reduce("jdnn_reduce_max_backward_" + KernelCodes.floating("max_backward", dtype), shape, stream,
                args -> args.struct(shape.toStruct(args.arena())).pointer(x).pointer(dy).pointer(dx));
    }

    /**
     * Index (int64) of the first maximum along a dim of size {@code size}, for each of outer x inner slices of a
     * contiguous input; {@code values} (may be NULL) gets the maximum. NaN wins, the first NaN stays.
     */
    public void argMax(MemorySegment stream, DType dtype, long outer, long size, long inner, MemorySegment x,
                       MemorySegment indices, MemorySegment values) {
        arg("argmax", dtype, outer, size, inner, x, indices, values, stream);
    }

    /** As {@link #argMax}, for the first minimum. */
    public void argMin(MemorySegment stream, DType dtype, long outer, long size, long inner, MemorySegment x,
                       MemorySegment indices, MemorySegment values) {
        arg("argmin", dtype, outer, size, inner, x, indices, values, stream);
    }

    // ---- casts ----

    /** {@code y = x} converted from {@code from} to {@code to} (float32, float64, int64, bool), as Elements does. */
    public void cast(MemorySegment stream, DType from, DType to, long n, MemorySegment x, MemorySegment y) {
        if (from == to) {
            throw new IllegalArgumentException("cuda cast: from and to are both " + from + " (copy instead)");
        }
        launch("jdnn_cast_" + KernelCodes.suffix(from) + "_" + KernelCodes.suffix(to), n, stream,
                args -> args.int64(n).pointer(x).pointer(y));
    }

    // ---- optimizer updates (param and state updated in place) ----

    /** One SGD step; {@code buf} may be NULL without momentum. */
    public void sgdStep(MemorySegment stream, DType dtype, SgdConstants h, long n, MemorySegment param,
                        MemorySegment grad, MemorySegment buf) {
        launch("jdnn_sgd_" + KernelCodes.floating("sgd", dtype), n, stream, args -> args
                .struct(h.toStruct(args.arena())).int64(n).pointer(param).pointer(grad).pointer(buf));
    }

    /** One Adam/AdamW step; {@code vMax} may be NULL without amsgrad. */
    public void adamStep(MemorySegment stream, DType dtype, AdamConstants h, long n, MemorySegment param,
                         MemorySegment grad, MemorySegment m, MemorySegment v, MemorySegment vMax) {
        launch("jdnn_adam_" + KernelCodes.floating("adam", dtype), n, stream, args -> args
                .struct(h.toStruct(args.arena())).int64(n).pointer(param).pointer(grad).pointer(m).pointer(v)
                .pointer(vMax));
    }

    /** One Adagrad step. */
    public void adagradStep(MemorySegment stream, DType dtype, AdagradConstants h, long n, MemorySegment param,
                            MemorySegment grad, MemorySegment sum) {
        launch("jdnn_adagrad_" + KernelCodes.floating("adagrad", dtype), n, stream, args -> args
                .struct(h.toStruct(args.arena())).int64(n).pointer(param).pointer(grad).pointer(sum));
    }

    /** One RMSprop step; {@code gradAvg} may be NULL when not centered, {@code buf} without momentum. */
    public void rmspropStep(MemorySegment stream, DType dtype, RmspropConstants h, long n, MemorySegment param,
                            MemorySegment grad, MemorySegment squareAvg, MemorySegment gradAvg, MemorySegment buf) {
        launch("jdnn_rmsprop_" + KernelCodes.floating("rmsprop", dtype), n, stream, args -> args
                .struct(h.toStruct(args.arena())).int64(n).pointer(param).pointer(grad).pointer(squareAvg)
                .pointer(gradAvg).pointer(buf));
    }

    // ---- dropout ----

    /** Training dropout: {@code y = x * mask} with DropoutMask's mask for {@code params}' seed and p, bit for bit. */
    public void dropout(MemorySegment stream, DType dtype, DropoutParams params, long n, MemorySegment x,
                        MemorySegment y) {
        launch("jdnn_dropout_" + KernelCodes.floating("dropout", dtype), n, stream, args -> args.int64(params.seed())
                .float32(params.p()).float32(params.scale()).int64(n).pointer(x).pointer(y));
    }

    /** The float32 mask itself (scale where kept, 0 where dropped), as DropoutMask.generate. */
    public void dropoutMask(MemorySegment stream, DropoutParams params, long n, MemorySegment mask) {
        launch("jdnn_dropout_mask_f32", n, stream, args -> args.int64(params.seed()).float32(params.p())
                .float32(params.scale()).int64(n).pointer(mask));
    }

    // ---- launching ----

    private void launch(String kernel, long n, MemorySegment stream, Consumer<KernelArguments> arguments) {
        if (n < 0) {
            throw new IllegalArgumentException(kernel + ": element count must be >= 0, got " + n);
        }
        if (n > 0) {
            run(kernel, LaunchGeometry.elementwise(n), stream, arguments);
        }
    }

    private void reduce(String kernel, ReductionShape shape, MemorySegment stream,
                        Consumer<KernelArguments> arguments) {
        long outputs = shape.outputs();
        if (outputs > 0) {
            run(kernel, LaunchGeometry.reduction(outputs), stream, arguments);
        }
    }

    private void arg(String op, DType dtype, long outer, long size, long inner, MemorySegment x,
                     MemorySegment indices, MemorySegment values, MemorySegment stream) {
        if (dtype == DType.BOOL) {
            throw new IllegalArgumentException("cuda " + op + ": float32, float64 or int64 only, got bool");
        }
        if (size < 1) {
            throw new IllegalArgumentException("cuda " + op + ": the dim must not be empty, got size " + size);
        }
        launch("jdnn_" + op + "_" + KernelCodes.suffix(dtype), Math.multiplyExact(outer, inner), stream, args -> args
                .int64(outer).int64(size).int64(inner).pointer(x).pointer(indices).pointer(values));
    }

    private void run(String kernel, LaunchGeometry geometry, MemorySegment stream,
                     Consumer<KernelArguments> arguments) {
        try (Arena arena = Arena.ofConfined()) {
            KernelArguments args = new KernelArguments(arena);
            arguments.accept(args);
            launcher.launch(kernel, geometry, stream, args);
        }
    }
}
