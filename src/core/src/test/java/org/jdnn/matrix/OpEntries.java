package org.jdnn.matrix;

import java.util.ArrayList;
import java.util.List;

/** Every op's matrix entry, family by family: adding a family is one line here and one file beside it. */
final class OpEntries {
    private OpEntries() {
    }

    static List<OpInfo<?>> all() {
        List<OpInfo<?>> all = new ArrayList<>();
        all.addAll(ConvolutionEntries.all());
        all.addAll(ReductionEntries.all());
        all.addAll(MatmulEntries.all());
        all.addAll(EltwiseEntries.all());
        all.addAll(SoftmaxEntries.all());
        all.addAll(BinaryEntries.all());
        all.addAll(ConcatEntries.all());
        all.addAll(PoolingEntries.all());
        all.addAll(BatchNormEntries.all());
        all.addAll(OptimizerEntries.all());
        all.addAll(SignEntries.all());
        // ---- views ----
        all.addAll(ViewEntries.all());
        // ---- element-wise math ----
        all.addAll(EltwiseMathEntries.all());
        // ---- losses ----
        all.addAll(LossEntries.all());
        // ---- integer- and bool-valued ops ----
        all.addAll(IntegerOpsEntries.all());
        // ---- dtypes ----
        all.addAll(CastEntries.all());
        // ---- layers ----
        all.addAll(ResamplingEntries.all());
        return all;
    }
}
