package org.jdnn.backend;

import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.BinaryParams;
import org.jdnn.ops.ReductionAlgorithm;
import org.jdnn.ops.ReductionParams;
import org.jdnn.ops.SoftmaxOps;
import org.jdnn.ops.SoftmaxParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The kill switch routes softmax, binary, reduction, concat and split to the reference: same bits, no native runs. */
class ElementwiseKillSwitchTest {

    @Test
    void disabledOpsRunTheReference() {
        Set<String> ops = Set.of("softmax", "binary", "reduction", "concat", "split");
        try (OneDnnBackend routed = OneDnnBackend.create(ops); Scope scope = Scope.open()) {
            Backend ref = ReferenceBackend.INSTANCE;
            Tensor x = Tensor.randn(1, 3, 5);
            Tensor b = Tensor.randn(2, 5);
            Tensor[] outs = {Tensor.empty(3, 5), Tensor.empty(3, 5)};
            Backend[] backends = {ref, routed};
            float[][] results = new float[2][];
            for (int i = 0; i < 2; i++) {
                Backend backend = backends[i];
                Tensor soft = Tensor.empty(3, 5);
                Kernels.run(backend, SoftmaxOps.FORWARD, SoftmaxParams.logSoftmax(-1), in(x), soft);
                Kernels.binary(backend, BinaryParams.of(BinaryAlgorithm.DIV), soft, b, outs[i]);
                Tensor sum = Tensor.empty(5);
                Kernels.reduce(backend, ReductionParams.of(ReductionAlgorithm.SUM, false, 0), outs[i], sum);
                Tensor cat = Tensor.empty(6, 5);
                Kernels.concat(backend, 0, List.of(outs[i], soft), cat);
                Tensor first = Tensor.empty(2, 5), second = Tensor.empty(4, 5);
                Kernels.split(backend, 0, cat, List.of(first, second));
                results[i] = concatArrays(sum.toFloatArray(), cat.toFloatArray(), first.toFloatArray());
            }
            assertArrayEquals(results[0], results[1]);
            for (String op : List.of("softmax", "log_softmax", "binary", "reduction", "concat", "split")) {
                assertEquals(0, routed.nativeExecutions(op), op);
            }
        }
    }

    private static float[] concatArrays(float[]... arrays) {
        int n = 0;
        for (float[] a : arrays) {
            n += a.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] a : arrays) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
