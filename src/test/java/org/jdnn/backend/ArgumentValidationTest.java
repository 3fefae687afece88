package org.jdnn.backend;

import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.functional.Functional;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

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
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, a, b, null, Tensor.empty(2, 5)),
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
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, a, b, Tensor.zeros(5), Tensor.empty(2, 4)),
                    "matmul", "bias shape [5]", "[4]");
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, a, b, null, Tensor.empty(4, 2)),
                    "matmul", "output shape [4, 2]", "[2, 4]");
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, Tensor.zeros(1, 1, 2, 3), b, null, Tensor.empty(2, 4)),
                    "matmul", "rank 2 or 3");
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 4), null,
                    Tensor.empty(3, 2, 4)), "matmul", "batch sizes 2", "3", "do not broadcast");
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, Tensor.zeros(2, 0), Tensor.zeros(0, 4), null,
                    Tensor.empty(2, 4)), "matmul", "K is 0");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matmulRejectsAnOutputThatAliasesAnInput(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor a = Tensor.zeros(3, 3);
            expect(IllegalArgumentException.class, () -> backend.matmul(MatmulParams.PLAIN, a, Tensor.zeros(3, 3), null, a),
                    "matmul", "share memory with A");
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
            expect(IllegalStateException.class, () -> backend.matmul(MatmulParams.PLAIN, a, b, null, Tensor.empty(2, 2)),
                    "matmul", "B", "closed");
            expect(IllegalStateException.class, () -> backend.eltwiseForward(EltwiseParams.relu(), b, Tensor.empty(2, 2)),
                    "eltwise RELU", "src", "closed");
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void eltwiseRejectsShapeMismatchAndNulls(String name) {
        Backend backend = Backends.get(name);
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.zeros(2, 3);
            expect(IllegalArgumentException.class, () -> backend.eltwiseForward(EltwiseParams.relu(), x, Tensor.empty(3, 2)),
                    "eltwise RELU", "dst shape [3, 2]", "[2, 3]");
            expect(IllegalArgumentException.class, () -> backend.eltwiseBackward(EltwiseParams.relu(), x, Tensor.zeros(6), Tensor.empty(2, 3)),
                    "eltwise RELU backward", "diffDst shape [6]");
            expect(IllegalArgumentException.class, () -> backend.eltwiseForward(EltwiseParams.relu(), null, x), "eltwise RELU", "src is null");
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
            Backends.with(backend, () -> assertThrows(IllegalArgumentException.class, () -> Functional.matmul(a, b)));
        }
        assertTrue(org.jdnn.natives.HostMemory.stats().liveBytes() <= live, "the failed call's output was not freed");
    }
}
