package org.jdnn.optim;

import org.jdnn.autograd.F;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * L-BFGS's vector math runs as tensor ops on the parameters' backend (float); it must follow the trajectory of the
 * earlier host implementation (double-precision vectors on the host), whose numbers are recorded below (reference
 * backend), to float rounding: the same iterations and closure evaluations, the same losses and parameters within
 * 1e-5. The cases stay where the problem does not amplify the rounding (Rosenbrock's curved valley does, after a
 * few Armijo steps). A state dict taken mid-run resumes exactly as the run continues.
 */
class LbfgsTest {
    private static final double TOL = 1e-5;

    /** After one {@code step(closure)}: the loss it returned, the parameters, and the running counts. */
    private record After(float loss, float[] x, float[] y, long iterations, long evaluations) {
    }

    /** (1 - x)^2 + 100 (y - x^2)^2. */
    private static Tensor rosenbrock(Tensor x, Tensor y) {
        return F.add(F.square(F.sub(Tensor.of(1f), x)), F.mul(F.square(F.sub(y, F.square(x))), 100f));
    }

    /** (1 - x)^2 + 10 sum_i (y_i - x^2)^2, with y of three elements: two parameters of different sizes. */
    private static Tensor coupled(Tensor x, Tensor y) {
        return F.add(F.square(F.sub(Tensor.of(1f), x)), F.mul(F.sum(F.square(F.sub(y, F.square(x)))), 10f));
    }

    @Test
    void followsTheHostImplementationsTrajectory() {
        for (Backend backend : List.of(ReferenceBackend.INSTANCE, Backends.defaultBackend())) {
            check(backend, "rosenbrock, fixed steps", LBFGS.LineSearch.NONE, 5, LbfgsTest::rosenbrock,
                    new float[] {-1.2f}, new float[] {1f},
                    new After(24.200005f, new float[] {-0.96814317f}, new float[] {1.0046006f}, 5, 5),
                    new After(4.32651f, new float[] {-0.93612736f}, new float[] {0.90921813f}, 10, 10),
                    new After(3.8567233f, new float[] {-0.6100997f}, new float[] {0.383275f}, 15, 15));
            check(backend, "rosenbrock, Armijo", LBFGS.LineSearch.BACKTRACKING_ARMIJO, 5, LbfgsTest::rosenbrock,
                    new float[] {-1.2f}, new float[] {1f},
                    new After(24.200005f, new float[] {-1.0214471f}, new float[] {1.0526031f}, 4, 6));
            float[] y0 = {1f, 0.5f, -0.3f};
            check(backend, "coupled, fixed steps", LBFGS.LineSearch.NONE, 4, LbfgsTest::coupled, new float[] {-1.2f}, y0,
                    new After(45.888004f, new float[] {-0.6666168f}, new float[] {0.5547822f, 0.4474092f, 0.27561226f}, 4, 4),
                    new After(3.184413f, new float[] {-0.039293922f}, new float[] {-0.31133163f, -0.17892185f, 0.0329348f},
                            8, 8));
            check(backend, "coupled, Armijo", LBFGS.LineSearch.BACKTRACKING_ARMIJO, 4, LbfgsTest::coupled,
                    new float[] {-1.2f}, y0,
                    new After(45.888004f, new float[] {-0.6666168f}, new float[] {0.5547822f, 0.4474092f, 0.27561226f}, 4, 5),
                    new After(3.184413f, new float[] {-0.039293922f}, new float[] {-0.31133163f, -0.17892185f, 0.0329348f},
                            8, 10));
        }
    }

    private static void check(Backend backend, String name, LBFGS.LineSearch search, int maxIter,
                              BiFunction<Tensor, Tensor, Tensor> f, float[] x0, float[] y0, After... expected) {
        Backends.with(backend, () -> {
            Tensor x = Scope.untracked(() -> Tensor.of(x0)).requiresGrad(true);
            Tensor y = Scope.untracked(() -> Tensor.of(y0)).requiresGrad(true);
            try (LBFGS lbfgs = new LBFGS(List.of(x, y), LBFGS.Options.defaults(search).withMaxIter(maxIter)
                    .withHistorySize(3))) {
                Supplier<Tensor> closure = closure(lbfgs, f, x, y);
                for (int i = 0; i < expected.length; i++) {
                    String context = name + " on " + backend.name() + ", step " + i;
                    After e = expected[i];
                    float loss = lbfgs.step(closure);
                    assertEquals(e.loss(), loss, TOL * (1 + Math.abs(e.loss())), context + ": loss");
                    Parity.assertClose(e.x(), x.toFloatArray(), TOL, TOL, context + ": x");
                    Parity.assertClose(e.y(), y.toFloatArray(), TOL, TOL, context + ": y");
                    assertEquals(e.iterations(), lbfgs.iterations(), context + ": iterations");
                    assertEquals(e.evaluations(), lbfgs.evaluations(), context + ": evaluations");
                }
            } finally {
                x.close();
                y.close();
            }
        });
    }

    private static Supplier<Tensor> closure(Optimizer opt, BiFunction<Tensor, Tensor, Tensor> f, Tensor x, Tensor y) {
        return () -> {
            opt.zeroGrad();
            Tensor loss = f.apply(x, y);
            loss.backward();
            return loss;
        };
    }

    @Test
    void aStateDictTakenMidRunResumesExactly() {
        Backends.with(ReferenceBackend.INSTANCE, () -> {
            Tensor x = Scope.untracked(() -> Tensor.of(-1.2f)).requiresGrad(true);
            Tensor y = Scope.untracked(() -> Tensor.of(1f, 0.5f, -0.3f)).requiresGrad(true);
            LBFGS.Options options = LBFGS.Options.defaults(LBFGS.LineSearch.BACKTRACKING_ARMIJO).withMaxIter(4)
                    .withHistorySize(3);
            try (LBFGS original = new LBFGS(List.of(x, y), options);
                 LBFGS resumed = new LBFGS(List.of(x, y), options)) {
                original.step(closure(original, LbfgsTest::coupled, x, y));
                float[] x1 = x.toFloatArray(), y1 = y.toFloatArray();
                try (StateDict dict = original.stateDict()) {
                    resumed.loadStateDict(dict);
                }
                original.step(closure(original, LbfgsTest::coupled, x, y));
                float[] x2 = x.toFloatArray(), y2 = y.toFloatArray();
                x.set(x1[0], 0);
                for (int i = 0; i < y1.length; i++) {
                    y.set(y1[i], i);
                }
                resumed.step(closure(resumed, LbfgsTest::coupled, x, y));
                Parity.assertClose(x2, x.toFloatArray(), 0, 0, "resumed x");
                Parity.assertClose(y2, y.toFloatArray(), 0, 0, "resumed y");
                assertEquals(original.iterations(), resumed.iterations());
                assertEquals(original.evaluations(), resumed.evaluations());
            } finally {
                x.close();
                y.close();
            }
        });
    }

    @Test
    void aStateVectorOfTheWrongSizeIsRejected() {
        Tensor w = Scope.untracked(() -> Tensor.of(1f, 2f, 3f, 4f)).requiresGrad(true);
        Tensor z = Scope.untracked(() -> Tensor.of(1f, 2f, 3f)).requiresGrad(true);
        LBFGS.Options options = LBFGS.Options.defaults(LBFGS.LineSearch.NONE).withMaxIter(2);
        try (LBFGS started = new LBFGS(List.of(w), options); LBFGS other = new LBFGS(List.of(z), options)) {
            started.step(() -> {
                started.zeroGrad();
                Tensor loss = F.sum(F.square(w));
                loss.backward();
                return loss;
            });
            try (StateDict dict = started.stateDict()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(dict));
                assertEquals("lbfgs: state vector lbfgs.direction of 4 values for 3 parameters", e.getMessage());
            }
        } finally {
            w.close();
            z.close();
        }
    }

    @Test
    void closeFreesTheHistoryAndEndsTheRun() {
        Tensor w = Scope.untracked(() -> Tensor.of(1f, 2f)).requiresGrad(true);
        try {
            LBFGS lbfgs = new LBFGS(List.of(w), LBFGS.Options.defaults(LBFGS.LineSearch.NONE).withMaxIter(3));
            Supplier<Tensor> closure = () -> {
                lbfgs.zeroGrad();
                Tensor loss = F.sum(F.square(F.sub(w, 3f)));
                loss.backward();
                return loss;
            };
            lbfgs.step(closure);
            lbfgs.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> lbfgs.step(closure));
            assertEquals("lbfgs: the optimizer is closed", e.getMessage());
        } finally {
            w.close();
        }
    }
}
