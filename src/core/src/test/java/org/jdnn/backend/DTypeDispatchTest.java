package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.onednn.OneDnnBackend;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.DTypeRules;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.NoParams;
import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Elements;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dispatcher checks operands through the op's dtype rule and allocates outputs in the rule's dtypes; a table whose
 * kernels take float32 only sends other dtypes to the reference, declared once for the table and counted.
 */
class DTypeDispatchTest {
    /** A test op: a == b element-wise, for operands of one dtype, giving bool (as comparisons do). */
    static final Op<NoParams> EQUAL = Op.<NoParams>declare("dtype_test_equal", "a", "b")
            .dtypes(DTypeRules.sameTo(DTypeRules.SUPPORTED, DType.BOOL))
            .shapes((p, in) -> {
                if (!in[0].equals(in[1])) {
                    throw new IllegalArgumentException("dtype_test_equal: shapes " + in[0] + " and " + in[1] + " differ");
                }
                return new Shape[] {in[0]};
            });

    private static final Kernel<NoParams> EQUAL_KERNEL = (p, in, out) -> {
        MemorySegment a = TensorAccess.segment(in[0]), b = TensorAccess.segment(in[1]), o = TensorAccess.segment(out[0]);
        DType t = in[0].dtype();
        for (long i = 0; i < in[0].numel(); i++) {
            boolean same = t.isFloatingPoint() ? Elements.get(a, t, i) == Elements.get(b, t, i)
                    : Elements.getLong(a, t, i) == Elements.getLong(b, t, i);
            Elements.setLong(o, DType.BOOL, i, same ? 1 : 0);
        }
    };

    /** The reference gets the test op's kernel for these tests only: other tests see the table as the library builds it. */
    @BeforeAll
    static void registerTheTestOp() {
        ReferenceBackend.INSTANCE.kernels().put(EQUAL, EQUAL_KERNEL);
    }

    @AfterAll
    static void removeTheTestOp() {
        ReferenceBackend.INSTANCE.kernels().remove(EQUAL);
    }

    /** A CPU backend whose kernels take float32 (and bool, for this op's output) only, as oneDNN's. */
    private static final class Float32Backend implements Backend {
        final AtomicInteger runs = new AtomicInteger();
        final KernelTable kernels = new KernelTable("float32-only", Set.of(), Set.of(DType.FLOAT32));

        Float32Backend() {
            kernels.putAccepting(EQUAL, Set.of(DType.FLOAT32, DType.BOOL), (p, in, out) -> {
                runs.incrementAndGet();
                EQUAL_KERNEL.run(p, in, out);
            });
        }

        @Override
        public String name() {
            return "float32-only";
        }

        @Override
        public Device device() {
            return Device.CPU;
        }

        @Override
        public KernelTable kernels() {
            return kernels;
        }
    }

    @BeforeEach
    void forgetEarlierCounts() {
        Fallbacks.reset();
    }

    @Test
    void anOperandOfADTypeTheOpDoesNotTakeIsRefusedNamingOpInputAndDType() {
        try (Scope scope = Scope.open()) {
            Tensor labels = Tensor.ofLongs(1, 2);
            Tensor x = Tensor.of(1f, 2f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.add(x, labels));
            assertTrue(e.getMessage().contains(": b has dtype int64, expected float32 or float64"), e.getMessage());
            assertTrue(e.getMessage().startsWith("binary"), e.getMessage());
            Tensor mask = Tensor.ofBooleans(true, false, true, true).reshape(2, 2);
            e = assertThrows(IllegalArgumentException.class, () -> F.matmul(mask, Tensor.ones(2, 2)));
            assertEquals("matmul: a has dtype bool, expected float32 or float64", e.getMessage());
            Tensor doubles = Tensor.ofDoubles(1, 2);
            e = assertThrows(IllegalArgumentException.class, () -> F.add(doubles, x));
            assertTrue(e.getMessage().contains("a has dtype float64 but b has dtype float32"), e.getMessage());
            Tensor onSim = labels.to(Device.SIM);
            e = assertThrows(IllegalArgumentException.class, () -> F.sigmoid(onSim));
            assertTrue(e.getMessage().contains("has dtype int64"), e.getMessage());
        }
    }

    @Test
    void outputsAreAllocatedInTheRulesDTypes() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.ofLongs(1, 5, 7), b = Tensor.ofLongs(1, 6, 7);
            Tensor eq = Backends.with(ReferenceBackend.INSTANCE, () -> Dispatch.call1(EQUAL, NoParams.INSTANCE, a, b));
            assertEquals(DType.BOOL, eq.dtype());
            assertArrayEquals(new boolean[] {true, false, true}, eq.toBooleanArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Backends.with(ReferenceBackend.INSTANCE,
                            () -> Dispatch.call1(EQUAL, NoParams.INSTANCE, a, Tensor.of(1f, 6f, 7f))));
            assertTrue(e.getMessage().startsWith("dtype_test_equal: a has dtype int64 but b has dtype float32"),
                    e.getMessage());
        }
    }

    @Test
    void runChecksTheCallersOutputDType() {
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.ofLongs(1, 2), b = Tensor.ofLongs(1, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dispatch.run(
                    ReferenceBackend.INSTANCE, EQUAL, NoParams.INSTANCE, new Tensor[] {a, b},
                    new Tensor[] {Tensor.zeros(2)}));
            assertEquals("dtype_test_equal: out has dtype float32, expected bool", e.getMessage());
            Tensor out = Tensor.zeros(DType.BOOL, 2);
            Dispatch.run(ReferenceBackend.INSTANCE, EQUAL, NoParams.INSTANCE, new Tensor[] {a, b}, new Tensor[] {out});
            assertArrayEquals(new boolean[] {true, false}, out.toBooleanArray());
        }
    }

    @Test
    void otherDTypesFallBackToTheReferenceOnceDeclaredAndCounted() {
        Float32Backend backend = new Float32Backend();
        try (Scope scope = Scope.open()) {
            Tensor out = Tensor.zeros(DType.BOOL, 2);
            Dispatch.run(backend, EQUAL, NoParams.INSTANCE, new Tensor[] {Tensor.of(1f, 2f), Tensor.of(1f, 3f)},
                    new Tensor[] {out});
            assertEquals(1, backend.runs.get(), "float32 operands run the table's own kernel");
            assertEquals(0, Fallbacks.total());

            Dispatch.run(backend, EQUAL, NoParams.INSTANCE, new Tensor[] {Tensor.ofLongs(4, 2), Tensor.ofLongs(4, 3)},
                    new Tensor[] {out});
            assertArrayEquals(new boolean[] {true, false}, out.toBooleanArray());
            assertEquals(1, backend.runs.get(), "int64 operands run the reference's kernel");
            List<Fallbacks.Taken> taken = Fallbacks.taken();
            assertEquals(1, taken.size(), taken.toString());
            assertEquals("float32-only dtype_test_equal -> reference (an operand's dtype is not one of float32, bool): 1",
                    taken.get(0).toString());
        }
    }

    @Test
    void everyOneDnnKernelFallsBackForOtherDTypes() {
        assumeTrue(Backends.unavailableReason(Backends.ONEDNN).isEmpty(), "oneDNN is not available");
        KernelTable table = OneDnnBackend.shared().kernels();
        assertEquals(Set.of(DType.FLOAT32), table.nativeDTypes());
        try (Scope scope = Scope.open()) {
            Tensor[] doubles = {Tensor.ofDoubles(1, 2)};
            Tensor[] floats = {Tensor.of(1f, 2f)};
            for (Op<?> op : table.ops()) {
                Fallback<?> first = table.entry(op).fallbacks().getFirst();
                assertTrue(KernelTable.isDTypeFallback(first), op + ": " + table.entry(op).fallbacks());
                assertTrue(test(first, doubles), op.name());
                assertTrue(!test(first, floats), op.name());
            }
            // And through the dispatcher: a float64 matmul on oneDNN runs the reference's kernel, counted.
            Tensor out = Tensor.zeros(DType.FLOAT64, 1, 1);
            Dispatch.run(OneDnnBackend.shared(), MatmulOps.MATMUL, MatmulParams.PLAIN,
                    new Tensor[] {Tensor.ofDoubles(new double[] {1.0 / 3}, 1, 1),
                            Tensor.ofDoubles(new double[] {3}, 1, 1), null}, new Tensor[] {out});
            assertEquals(1.0, out.itemDouble(), 1e-16);
            assertEquals("onednn matmul -> reference (an operand's dtype is not float32): 1",
                    Fallbacks.taken().getFirst().toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean test(Fallback<?> fallback, Tensor[] inputs) {
        return ((Fallback<Object>) fallback).when().test(null, inputs, new Tensor[0]);
    }
}
