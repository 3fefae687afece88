package org.jdnn.backend;

import org.jdnn.autograd.F;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseOps;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulOps;
import org.jdnn.ops.MatmulParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Kernels;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.jdnn.testing.Kernels.in;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments get a clear exception naming the op and the offending value, on every backend, before native code runs. */
class ArgumentValidationTest {

    static List<String> backends() {
        List<String> all = new java.util.ArrayList<>();
        Parity.nativeBackends().forEach(b -> all.add(b.name()));
        all.add(ReferenceBackend.INSTANCE.name());
        return all;
    }

    private static void expect(Class<? extends RuntimeException> type, Executable call, String... fragments) {
        RuntimeException e = assertThrows(type, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulRejectsMismatchedInnerDimensions(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.zeros(2, 3);
            Tensor b = Tensor.zeros(4, 5);
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), Tensor.empty(2, 5)),
                    "matmul", "[2, 3]", "[4, 5]", "K=3", "K=4");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulRejectsBadBiasOutputRankAndBatch(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.zeros(2, 3);
            Tensor b = Tensor.zeros(3, 4);
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, Tensor.zeros(5)), Tensor.empty(2, 4)),
                    "matmul", "bias shape [5]", "[4]");
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), Tensor.empty(4, 2)),
                    "matmul", "out shape [4, 2]", "[2, 4]");
            expect(IllegalArgumentException.class, () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN,
                    in(Tensor.zeros(1, 1, 2, 3), b, null), Tensor.empty(2, 4)), "matmul", "out shape [2, 4]",
                    "[1, 1, 2, 4]");
            expect(IllegalArgumentException.class, () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN,
                    in(Tensor.scalar(1), b, null), Tensor.empty(4)), "matmul", "at least 1 dimension");
            expect(IllegalArgumentException.class, () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN,
                    in(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 4), null), Tensor.empty(3, 2, 4)),
                    "matmul", "[2, 2, 3]", "[3, 3, 4]", "do not broadcast", "2 vs 3");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulRejectsAnOutputThatAliasesAnInput(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.zeros(3, 3);
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, Tensor.zeros(3, 3), null), a),
                    "matmul", "share memory with a");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void closedTensorsAreRejectedNotRead(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.zeros(2, 2);
            Tensor b = Tensor.zeros(2, 2);
            b.close();
            expect(IllegalStateException.class,
                    () -> Kernels.run(backend, MatmulOps.MATMUL, MatmulParams.PLAIN, in(a, b, null), Tensor.empty(2, 2)),
                    "matmul", "b [2, 2] is closed");
            expect(IllegalStateException.class,
                    () -> Kernels.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), in(b), Tensor.empty(2, 2)),
                    "eltwise", "input [2, 2] is closed");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void eltwiseRejectsShapeMismatchAndNulls(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.zeros(2, 3);
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), in(x), Tensor.empty(3, 2)),
                    "eltwise", "out shape [3, 2]", "[2, 3]");
            expect(IllegalArgumentException.class, () -> Kernels.run(backend, EltwiseOps.BACKWARD, EltwiseParams.relu(),
                    in(x, Tensor.zeros(6)), Tensor.empty(2, 3)), "eltwise_backward RELU", "gradOutput shape [6]");
            expect(IllegalArgumentException.class,
                    () -> Kernels.run(backend, EltwiseOps.FORWARD, EltwiseParams.relu(), in((Tensor) null), x),
                    "eltwise", "input is null");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badActivationParametersAreRejected(String name) {
        Backend backend = Backends.get(name);
        expect(IllegalArgumentException.class, () -> new EltwiseParams(EltwiseAlgorithm.SOFTPLUS, 0f), "SOFTPLUS", "alpha");
        expect(IllegalArgumentException.class, () -> new EltwiseParams(EltwiseAlgorithm.ELU, Float.NaN), "ELU", "NaN");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aFailedCallLeaksNoOutput(String name) {
        Backend backend = Backends.get(name);
        long live = org.jdnn.natives.HostMemory.stats().liveBytes();
        try (Tensor a = Tensor.zeros(2, 3); Tensor b = Tensor.zeros(4, 5)) {
            Backends.with(backend, () -> assertThrows(IllegalArgumentException.class, () -> F.matmul(a, b)));
        }
        assertTrue(org.jdnn.natives.HostMemory.stats().liveBytes() <= live, "the failed call's output was not freed");
    }
}
