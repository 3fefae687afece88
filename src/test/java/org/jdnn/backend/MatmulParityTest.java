package org.jdnn.backend;

import org.jdnn.ops.MatmulOps;
import org.jdnn.testing.Kernels;
import static org.jdnn.testing.Kernels.in;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.MatmulShapes;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN matmul against the reference: every transpose combination, with and without bias, batched and
 * broadcast, odd and degenerate sizes, and seeded random shapes. Bound: |err| <= 1e-4 |ref| + 2e-6 sqrt(K)
 * per element with N(0,1) inputs (float32 accumulation error grows like sqrt(K)).
 */
class MatmulParityTest {

    record Case(long batchA, long batchB, long m, long k, long n, boolean transposeA, boolean transposeB,
                boolean bias, long seed) {
        Shape a() {
            long rows = transposeA ? k : m, cols = transposeA ? m : k;
            return batchA == 0 ? Shape.of(rows, cols) : Shape.of(batchA, rows, cols);
        }

        Shape b() {
            long rows = transposeB ? n : k, cols = transposeB ? k : n;
            return batchB == 0 ? Shape.of(rows, cols) : Shape.of(batchB, rows, cols);
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long[][] sizes = {{1, 1, 1}, {3, 7, 5}, {127, 255, 63}, {1, 64, 10}, {64, 1, 33}, {17, 33, 1}};
        long seed = 1;
        for (long[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                cases.add(new Case(0, 0, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, t % 3 == 0, seed++));
            }
        }
        cases.add(new Case(4, 4, 5, 6, 7, false, false, true, seed++));
        cases.add(new Case(3, 0, 9, 4, 2, false, true, false, seed++));
        cases.add(new Case(1, 5, 8, 3, 6, true, false, true, seed++));
        cases.add(new Case(0, 2, 1, 16, 16, false, false, false, seed++));
        SplittableRandom random = new SplittableRandom(20261123);
        for (int i = 0; i < 24; i++) {
            boolean batched = random.nextBoolean();
            long batch = 1 + random.nextInt(4);
            cases.add(new Case(batched ? batch : 0, batched && random.nextBoolean() ? batch : 0,
                    1 + random.nextInt(70), 1 + random.nextInt(130), 1 + random.nextInt(70),
                    random.nextBoolean(), random.nextBoolean(), random.nextBoolean(), random.nextLong()));
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void oneDnnMatchesReference(Case c) {
        OneDnnBackend onednn = Parity.onednn("matmul");
        MatmulParams params = new MatmulParams(c.transposeA(), c.transposeB());
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(c.seed(), c.a().dims());
            Tensor b = Tensor.randn(c.seed() + 1, c.b().dims());
            Tensor bias = c.bias() ? Tensor.randn(c.seed() + 2, c.n()) : null;
            MatmulShapes shapes = MatmulShapes.infer(a.shape(), b.shape(), bias == null ? null : bias.shape(), params);
            Tensor expected = Tensor.empty(shapes.output());
            Tensor actual = Tensor.full(Float.NaN, shapes.output().dims());
            Kernels.run(ReferenceBackend.INSTANCE, MatmulOps.MATMUL, params, in(a, b, bias), expected);
            long before = onednn.nativeExecutions("matmul");
            Kernels.run(onednn, MatmulOps.MATMUL, params, in(a, b, bias), actual);
            assertTrue(onednn.nativeExecutions("matmul") > before, "oneDNN matmul did not run for " + c);
            Parity.assertClose(expected.toFloatArray(), actual.toFloatArray(), 1e-4, 2e-6 * Math.sqrt(c.k()),
                    "matmul " + c + " A " + a.shape() + " B " + b.shape() + " out " + shapes.output());
        }
    }

    @Test
    void repeatedShapesReuseTheCachedPrimitive() {
        OneDnnBackend onednn = Parity.onednn("matmul");
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.randn(5, 13, 11);
            Tensor b = Tensor.randn(6, 11, 9);
            Tensor out = Tensor.empty(13, 9);
            Kernels.run(onednn, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), out);
            int cached = onednn.cachedPrimitives();
            for (int i = 0; i < 5; i++) {
                Kernels.run(onednn, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), out);
            }
            assertTrue(onednn.cachedPrimitives() == cached, "same shapes created new primitives");
        }
    }
}
