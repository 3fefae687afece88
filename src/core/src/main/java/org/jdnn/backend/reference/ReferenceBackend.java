package org.jdnn.backend.reference;

import org.jdnn.backend.Backend;
import org.jdnn.backend.KernelTable;
import org.jdnn.ops.ReductionOps;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.MemorySegment;

/**
 * The oracle: every kernel in plain Java loops, readable against its textbook formula, accumulating in
 * double. It shares no numeric code with the native backends, only shape validation. Slow by design.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private final KernelTable kernels = new KernelTable("reference", java.util.Set.of());

    private ReferenceBackend() {
        // One line per op family; each family's class registers its kernels.
        ReferenceConvolution.register(kernels);
        kernels.put(ReductionOps.SUM_TO_SHAPE, (p, in, out) -> ReferenceBinary.sumToShape(in[0].shape(),
                Values.of(in[0]), out[0].shape(), Values.of(out[0])));
        ReferenceBinary.register(kernels);
        ReferenceReduction.register(kernels);
        ReferenceConcat.register(kernels);
        ReferenceOptimizers.register(kernels);
        ReferencePooling.register(kernels);
        ReferenceBatchNorm.register(kernels);
        ReferenceMatmul.register(kernels);
        ReferenceEltwise.register(kernels);
        ReferenceSoftmax.register(kernels);
        ReferenceSign.register(kernels);
        // ---- views ----
        ReferenceViews.register(kernels);
        // ---- element-wise math ----
        ReferencePow.register(kernels);
        // ---- losses ----
        ReferenceLoss.register(kernels);
        // ---- integer- and bool-valued ops ----
        ReferenceArgReduction.register(kernels);
        ReferenceComparison.register(kernels);
        ReferenceIndexing.register(kernels);
        // ---- dtypes ----
        ReferenceCast.register(kernels);
        // ---- layers ----
        ReferenceResampling.register(kernels);
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }

    /** The reference emulates bf16: operands rounded to bf16, sums in double. */
    @Override
    public boolean runsBf16() {
        return true;
    }

    private static MemorySegment segmentOrNull(Tensor t) {
        return t == null ? null : TensorAccess.segment(t);
    }
}
