package org.jdnn.ops;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.ValuesIndices;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * argmax/argmin, max/min along a dimension, comparisons, logical ops, where, masked_fill, index_select, gather and
 * scatter through the user API, on the reference and oneDNN, against values worked out by hand from PyTorch's
 * definitions (ties: the first index; NaN: the extreme; IEEE comparisons after type promotion), with their gradients.
 */
class IntegerAndBoolOpsTest {
    private static final float NAN = Float.NaN;

    private static List<Backend> backends() {
        return List.of(ReferenceBackend.INSTANCE, Parity.onednn("arg_reduction"));
    }

    private static void onEach(java.util.function.Consumer<String> body) {
        for (Backend backend : backends()) {
            try (Scope scope = Scope.open()) {
                Backends.with(backend, () -> body.accept(backend.name()));
            }
        }
    }

    // ---- argmax, argmin, max, min ----

    @Test
    void argmaxAndArgminTakeTheFirstExtremeAndNaNWins() {
        onEach(name -> {
            Tensor x = Tensor.of(new float[] {
                    1, 3, 3, 0,                 // a tie: the first
                    5, NAN, 9, NAN,             // NaN is both the maximum and the minimum: the first NaN
                    2, -1, 4, -1,               // min tie: the first
                    Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, -1, -1}, 4, 4);
            Tensor argmax = x.argmax(1);
            assertEquals(DType.INT64, argmax.dtype(), name);
            assertArrayEquals(new long[] {1, 1, 2, 2}, argmax.toLongArray(), name);
            assertArrayEquals(new long[] {3, 1, 1, 0}, x.argmin(1).toLongArray(), name);
            assertEquals(Shape.of(4, 1), x.argmax(-1, true).shape(), name);
            // Over rows: columns {1,5,2,-inf} {3,NaN,-1,-inf} {3,9,4,-1} {0,NaN,-1,-1}.
            assertArrayEquals(new long[] {1, 1, 1, 1}, x.argmax(0).toLongArray(), name);
            assertArrayEquals(new long[] {3, 1, 3, 1}, x.argmin(0).toLongArray(), name);
            // No dim: the flat index; 5 is the first NaN in row-major order.
            assertEquals(5, x.argmax().toLongArray()[0], name);
            assertEquals(Shape.of(), x.argmax().shape(), name);
            // A rank-0 tensor takes dim 0 and -1, index 0.
            assertArrayEquals(new long[] {0}, Tensor.scalar(3f).argmax(0).toLongArray(), name);
            assertEquals(Shape.of(), Tensor.scalar(3f).argmax(-1, true).shape(), name);
            // An empty batch has empty indices.
            assertEquals(Shape.of(0), Tensor.empty(0, 3).argmax(1).shape(), name);
        });
    }

    @Test
    void argmaxOfInt64ComparesExactly() {
        onEach(name -> {
            long big = (1L << 53) + 1; // (double) big == (double) (big - 1)
            Tensor x = Tensor.ofLongs(new long[] {big - 1, big, 7, -3}, 2, 2);
            assertArrayEquals(new long[] {1, 0}, x.argmax(1).toLongArray(), name);
            assertArrayEquals(new long[] {0, 1}, x.argmin(1).toLongArray(), name);
        });
    }

    @Test
    void argmaxRejectsBadArguments() {
        onEach(name -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.randn(1, 2, 3).argmax(2));
            assertTrue(e.getMessage().startsWith("argmax: dim 2 is out of range for shape [2, 3]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.empty(2, 0).argmax(1));
            assertTrue(e.getMessage().contains("argmax: expected reduction dim 1 to have non-zero size"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofBooleans(true, false).argmax(0));
            assertTrue(e.getMessage().contains("argmax") && e.getMessage().contains("bool"), e.getMessage());
        });
    }

    @Test
    void maxAlongADimensionGivesValuesAndIndicesAndTheGradientGoesToTheIndex() {
        onEach(name -> {
            Tensor x = Tensor.of(new float[] {1, 4, 4, 2, /**/ 0, -1, NAN, 3}, 2, 4).requiresGrad(true);
            try (ValuesIndices max = x.max(1)) {
                assertArrayEquals(new float[] {4, NAN}, max.values().toFloatArray(), name);
                assertArrayEquals(new long[] {1, 2}, max.indices().toLongArray(), name);
                assertFalse(max.indices().requiresGrad(), name);
                Tensor loss = F.sum(F.mul(max.values(), Tensor.of(2f, 3f)));
                max.indices().close(); // the derivative keeps its own copy
                loss.backward();
            }
            assertArrayEquals(new float[] {0, 2, 0, 0, 0, 0, 3, 0}, x.grad().toFloatArray(), name);
            Tensor y = Tensor.of(new float[] {1, 4, 4, 2, /**/ 0, -1, -1, 3}, 2, 4).requiresGrad(true);
            try (ValuesIndices min = y.min(0, true)) {
                assertEquals(Shape.of(1, 4), min.values().shape(), name);
                assertArrayEquals(new float[] {0, -1, -1, 2}, min.values().toFloatArray(), name);
                assertArrayEquals(new long[] {1, 1, 1, 0}, min.indices().toLongArray(), name);
                F.sum(min.values()).backward();
            }
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1, 0}, y.grad().toFloatArray(), name);
        });
    }

    // ---- comparisons and logical ops ----

    @Test
    void comparisonsGiveBoolWithBroadcastingAndIEEENaN() {
        onEach(name -> {
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, NAN}, 2, 3);
            Tensor b = Tensor.of(2f, 2f, 5f);
            Tensor eq = a.eq(b);
            assertEquals(DType.BOOL, eq.dtype(), name);
            assertEquals(Shape.of(2, 3), eq.shape(), name);
            assertArrayEquals(new boolean[] {false, true, false, false, false, false}, eq.toBooleanArray(), name);
            assertArrayEquals(new boolean[] {true, false, true, true, true, true}, a.ne(b).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {true, false, true, false, false, false}, a.lt(b).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {true, true, true, false, false, false}, a.le(b).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, false, false, true, true, false}, a.gt(b).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, true, false, true, true, false}, a.ge(b).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, false, true, true, true, false}, a.ge(3).toBooleanArray(), name);
            // A float32 tensor compares with the scalar rounded to float32, as PyTorch: 0.1f == 0.1.
            assertArrayEquals(new boolean[] {true}, Tensor.of(0.1f).eq(0.1).toBooleanArray(), name);
            // int64 labels against int64 predictions, exactly.
            Tensor labels = Tensor.ofLongs(3, 1, 4, 1);
            Tensor predicted = Tensor.ofLongs(3, 0, 4, 2);
            assertArrayEquals(new boolean[] {true, false, true, false}, predicted.eq(labels).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, false, true, false}, labels.gt(3).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, false, true, false}, labels.gt(3.5).toBooleanArray(), name);
            // int64 against float32 compares in float32, as PyTorch's promotion: 2^24 + 1 rounds to 2^24.
            Tensor ints = Tensor.ofLongs((1L << 24) + 1);
            assertArrayEquals(new boolean[] {true}, ints.eq(Tensor.of((float) (1 << 24))).toBooleanArray(), name);
            e(name, () -> a.eq(Tensor.of(1f, 2f)), "eq: shapes [2, 3] and [2] do not broadcast");
        });
    }

    /** PyTorch's {@code (pred == labels).sum()} and {@code torch.tensor([[1, -2, 3], [4, 5, -6]]).sum(1)}: int64. */
    @Test
    void sumsOfBoolsAndInt64sAreInt64() {
        onEach(on -> {
            Tensor predictions = Tensor.ofLongs(3, 1, 4, 1, 5, 9);
            Tensor labels = Tensor.ofLongs(3, 1, 0, 1, 5, 2);
            Tensor correct = predictions.eq(labels).sum();
            assertEquals(DType.INT64, correct.dtype(), on);
            assertEquals(Shape.of(), correct.shape(), on);
            assertEquals(4L, correct.itemLong(), "(pred == labels).sum()" + on);
            Tensor m = Tensor.ofLongs(new long[] {1, -2, 3, 4, 5, -6}, 2, 3);
            assertArrayEquals(new long[] {2, 3}, m.sum(1).toLongArray(), "sum(1)" + on);
            Tensor kept = m.sum(0, true);
            assertEquals(Shape.of(1, 3), kept.shape(), on);
            assertArrayEquals(new long[] {5, 3, -3}, kept.toLongArray(), "sum(0, keepdim)" + on);
            // exact beyond float32's 2^24 and within float64's 2^53
            long big = (1L << 40) + 1;
            assertEquals(3 * big, Tensor.ofLongs(big, big, big).sum().itemLong(), "2^40 + 1 three times" + on);
        });
    }

    @Test
    void logicalOpsTakeNonzeroAsTrue() {
        onEach(name -> {
            Tensor p = Tensor.ofBooleans(true, true, false, false);
            Tensor q = Tensor.ofBooleans(true, false, true, false);
            assertArrayEquals(new boolean[] {true, false, false, false}, p.logicalAnd(q).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {true, true, true, false}, p.logicalOr(q).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, true, true, false}, p.logicalXor(q).toBooleanArray(), name);
            assertArrayEquals(new boolean[] {false, false, true, true}, p.logicalNot().toBooleanArray(), name);
            // Floats: NaN is true, -0 is false.
            Tensor f = Tensor.of(NAN, -0f, 2f);
            assertArrayEquals(new boolean[] {false, true, false}, f.logicalNot().toBooleanArray(), name);
            assertArrayEquals(new boolean[] {true, false, true}, f.logicalAnd(Tensor.ofBooleans(true)).toBooleanArray(),
                    name);
        });
    }

    // ---- where and masked_fill ----

    @Test
    void whereChoosesWithBroadcastingAndSendsEachGradientWhereChosen() {
        onEach(name -> {
            Tensor condition = Tensor.ofBooleans(new boolean[] {true, false, false, true, true, false}, 2, 3);
            Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
            Tensor b = Tensor.of(10f, 20f, 30f).requiresGrad(true); // broadcast along rows
            Tensor out = F.where(condition, a, b);
            assertArrayEquals(new float[] {1, 20, 30, 4, 5, 30}, out.toFloatArray(), name);
            F.sum(F.mul(out, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3))).backward();
            assertArrayEquals(new float[] {1, 0, 0, 4, 5, 0}, a.grad().toFloatArray(), name);
            assertArrayEquals(new float[] {0, 2, 9}, b.grad().toFloatArray(), name);
            // PyTorch's x.where(condition, other) and a scalar other.
            Tensor x = Tensor.of(-1f, 2f, -3f);
            assertArrayEquals(new float[] {0, 2, 0}, x.where(x.gt(0), 0).toFloatArray(), name);
            e(name, () -> F.where(Tensor.of(1f, 0f), x, x), "where: condition has dtype float32");
        });
    }

    @Test
    void maskedFillWritesTheValueAndZeroesItsGradient() {
        onEach(name -> {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
            Tensor mask = Tensor.ofBooleans(false, true); // broadcast along rows
            Tensor out = x.maskedFill(mask, Float.NEGATIVE_INFINITY);
            assertArrayEquals(new float[] {1, Float.NEGATIVE_INFINITY, 3, Float.NEGATIVE_INFINITY}, out.toFloatArray(),
                    name);
            F.sum(F.mul(out, Tensor.of(new float[] {1, 2, 3, 4}, 2, 2))).backward();
            assertArrayEquals(new float[] {1, 0, 3, 0}, x.grad().toFloatArray(), name);
            assertArrayEquals(new long[] {5, -1}, Tensor.ofLongs(5, 6).maskedFill(mask, -1).toLongArray(), name);
            e(name, () -> Tensor.ofLongs(5, 6).maskedFill(mask, 0.5), "masked_fill: value 0.5");
            e(name, () -> Tensor.of(1f).maskedFill(Tensor.ofBooleans(true, false), 0), "does not broadcast");
        });
    }

    // ---- index_select, gather, scatter ----

    @Test
    void indexSelectPicksRowsAndAddsTheGradientBack() {
        onEach(name -> {
            Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
            Tensor index = Tensor.ofLongs(2, 0, 2);
            Tensor rows = x.indexSelect(0, index);
            assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, rows.toFloatArray(), name);
            Tensor columns = x.indexSelect(1, Tensor.ofLongs(1));
            assertArrayEquals(new float[] {2, 4, 6}, columns.toFloatArray(), name);
            F.sum(rows).backward();
            assertArrayEquals(new float[] {1, 1, 0, 0, 2, 2}, x.grad().toFloatArray(), name);
            e(name, () -> x.indexSelect(0, Tensor.ofLongs(3)), "index_select: index 3 is out of range for dimension 0"
                    + " with size 3");
            e(name, () -> x.indexSelect(0, Tensor.ofLongs(-1)), "index -1 is out of range");
            e(name, () -> x.indexSelect(0, Tensor.of(1f)), "index has dtype float32, expected int64");
        });
    }

    @Test
    void gatherReadsAlongTheDimensionAndAddsTheGradientBack() {
        onEach(name -> {
            // torch.gather(t, 1, [[0, 0], [1, 0]]) with t = [[1, 2], [3, 4]] is [[1, 1], [4, 3]].
            Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
            Tensor index = Tensor.ofLongs(new long[] {0, 0, 1, 0}, 2, 2);
            Tensor out = t.gather(1, index);
            assertArrayEquals(new float[] {1, 1, 4, 3}, out.toFloatArray(), name);
            F.sum(F.mul(out, Tensor.of(new float[] {1, 2, 3, 4}, 2, 2))).backward();
            assertArrayEquals(new float[] {3, 0, 4, 3}, t.grad().toFloatArray(), name);
            // An index smaller than the input in the other dimension.
            Tensor first = t.detach().gather(0, Tensor.ofLongs(new long[] {1}, 1, 1));
            assertArrayEquals(new float[] {3}, first.toFloatArray(), name);
            e(name, () -> t.gather(1, Tensor.ofLongs(new long[] {0, 2}, 1, 2)),
                    "gather: index 2 is out of range for dimension 1 with size 2");
            e(name, () -> t.gather(1, Tensor.ofLongs(0, 1)), "same number of dimensions");
        });
    }

    @Test
    void scatterWritesTheLastDuplicateAndScatterAddSumsThem() {
        onEach(name -> {
            Tensor x = Tensor.zeros(2, 3).requiresGrad(true);
            Tensor src = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
            // Row-wise along dim 1, src read within index's extent (2, 2): [[1, 2], [4, 5]].
            Tensor index = Tensor.ofLongs(new long[] {2, 0, 1, 1}, 2, 2);
            Tensor out = x.scatter(1, index, src);
            assertArrayEquals(new float[] {2, 0, 1, 0, 5, 0}, out.toFloatArray(), name);
            Tensor added = x.scatterAdd(1, index, src);
            assertArrayEquals(new float[] {2, 0, 1, 0, 9, 0}, added.toFloatArray(), name);
            Tensor g = Tensor.of(new float[] {10, 20, 30, 40, 50, 60}, 2, 3);
            F.sum(F.mul(F.add(out, added), g)).backward();
            // out's gradient to x is zero where written ((0, 0), (0, 2), (1, 1)); added's is g itself.
            assertArrayEquals(new float[] {10, 40, 30, 80, 50, 120}, x.grad().toFloatArray(), name);
            // src (2, 3) within index (2, 2): each element gets g at its target twice (scatter and scatter_add),
            // the duplicate (1, 0)/(1, 1) too, as PyTorch's gather formula; (0, 2) and (1, 2) were never read.
            assertArrayEquals(new float[] {60, 20, 0, 100, 100, 0}, src.grad().toFloatArray(), name);
            // A scalar value: torch.zeros(2, 3).scatter(1, index, 7.0).
            assertArrayEquals(new float[] {7, 0, 7, 0, 7, 0}, x.detach().scatter(1, index, 7).toFloatArray(), name);
            e(name, () -> x.scatter(1, Tensor.ofLongs(new long[] {3}, 1, 1), src),
                    "scatter: index 3 is out of range for dimension 1 with size 3");
            e(name, () -> x.scatterAdd(0, Tensor.ofLongs(new long[] {0, 0, 0, 0}, 1, 4), src), "larger than");
        });
    }

    private static void e(String backend, org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, backend);
        assertTrue(e.getMessage().contains(fragment), backend + ": " + e.getMessage());
    }

    @Test
    void scatterBackwardComputesOnlyTheGradientsAskedFor() {
        try (Scope scope = Scope.open()) {
            Tensor g = Tensor.ones(2, 2);
            Tensor index = Tensor.ofLongs(new long[] {1, 0}, 1, 2);
            Tensor[] grads = org.jdnn.backend.Dispatch.call(IndexOps.SCATTER_BACKWARD,
                    new IndexOps.ScatterBackwardParams(0, Shape.of(1, 2), true, true, true), g, index);
            assertNull(grads[0]); // scatter_add's input gradient is the output's own
            assertArrayEquals(new float[] {1, 1}, grads[1].toFloatArray());
        }
    }
}
