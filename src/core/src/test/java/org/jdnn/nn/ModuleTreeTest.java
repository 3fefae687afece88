package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.nn.init.Init;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.LBFGS;
import org.jdnn.optim.Optimizer;
import org.jdnn.optim.SGD;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The module tree as PyTorch walks it: named_modules, children, apply, type filters, and freezing parameters. */
class ModuleTreeTest {
    /** A small nested net: a custom module holding a Sequential, beside a head. */
    static final class Net extends Module {
        final Sequential features;
        final Linear head;

        Net(long seed) {
            features = registerModule("features", new Sequential(new Linear(4, 5, true, seed), new ReLU(),
                    new Sequential(new Linear(5, 5, true, seed + 1), new Tanh())));
            head = registerModule("head", new Linear(5, 2, true, seed + 2));
        }

        @Override
        public Tensor forward(Tensor input) {
            return head.forward(features.forward(input));
        }
    }

    @Test
    void namedModulesListsTheTreeInPreOrderWithDottedNames() {
        try (Net net = new Net(1)) {
            assertEquals(List.of("", "features", "features.0", "features.1", "features.2", "features.2.0",
                    "features.2.1", "head"), new ArrayList<>(net.namedModules().keySet()));
            assertSame(net, net.namedModules().get(""));
            assertSame(net.head, net.namedModules().get("head"));
            assertEquals(8, net.modules().size());
            assertEquals(List.of(net.features, net.head), net.children());
            assertEquals(List.of("features", "head"), new ArrayList<>(net.namedChildren().keySet()));
            List<Linear> linears = net.modules(Linear.class);
            assertEquals(3, linears.size());
            assertSame(net.head, linears.get(2));
            assertEquals(2, net.modules(Sequential.class).size());
            assertEquals(List.of(), net.modules(Conv2d.class));
        }
    }

    @Test
    void aSharedModuleIsListedOnce() {
        try (Linear shared = new Linear(3, 3, true, 2); Sequential twice = new Sequential(shared, new ReLU(), shared)) {
            assertEquals(List.of("", "0", "1"), new ArrayList<>(twice.namedModules().keySet()));
            assertEquals(2, twice.children().size());
            assertEquals(1, twice.modules(Linear.class).size());
        }
    }

    @Test
    void applyVisitsChildrenFirstThenSelf() {
        try (Net net = new Net(3)) {
            List<String> order = new ArrayList<>();
            assertSame(net, net.apply(m -> order.add(m.getClass().getSimpleName())));
            assertEquals(List.of("Linear", "ReLU", "Linear", "Tanh", "Sequential", "Sequential", "Linear", "Net"),
                    order);
            assertThrows(IllegalArgumentException.class, () -> net.apply(null));
        }
    }

    @Test
    void initialisingByLayerType() {
        try (Net net = new Net(4)) {
            net.apply(m -> {
                if (m instanceof Linear linear) {
                    Init.constant(linear.weight(), 0.5f);
                    Init.zeros(linear.bias());
                }
            });
            net.modules(Linear.class).forEach(l -> assertEquals(0.5f, l.weight().get(0, 0)));
            // The typed filter alone: one line per layer type.
            net.modules(Linear.class).forEach(l -> Init.constant(l.bias(), 0.25f));
            for (Linear l : net.modules(Linear.class)) {
                for (float b : l.bias().toFloatArray()) {
                    assertEquals(0.25f, b);
                }
            }
        }
    }

    @Test
    void aFrozenFirstLayerKeepsItsWeightsWhileTheRestTrain() {
        try (Net net = new Net(5); Scope scope = Scope.open()) {
            Linear first = (Linear) net.features.namedChildren().get("0");
            assertSame(first, first.freeze());
            assertFalse(first.weight().requiresGrad());
            float[] frozenWeight = first.weight().toFloatArray(), frozenBias = first.bias().toFloatArray();
            float[] headWeight = net.head.weight().toFloatArray();
            // Momentum and weight decay would move a parameter with a zero gradient: the frozen one must not move.
            Optimizer sgd = new SGD(net.parameters(), new SgdParams(0.1, 0.9, 0, false, 0.01));
            Tensor x = Tensor.randn(6, 8, 4);
            for (int step = 0; step < 3; step++) {
                sgd.zeroGrad();
                F.sum(F.square(net.forward(x))).backward();
                sgd.step();
            }
            assertNull(first.weight().grad(), "backward computes no gradient for a frozen parameter");
            assertArrayEquals(frozenWeight, first.weight().toFloatArray());
            assertArrayEquals(frozenBias, first.bias().toFloatArray());
            assertFalse(java.util.Arrays.equals(headWeight, net.head.weight().toFloatArray()), "the head trained");

            first.unfreeze();
            assertTrue(first.weight().requiresGrad());
            sgd.zeroGrad();
            F.sum(F.square(net.forward(x))).backward();
            sgd.step();
            assertFalse(java.util.Arrays.equals(frozenWeight, first.weight().toFloatArray()), "unfrozen, it trains");
        }
    }

    @Test
    void freezingAfterTrainingStopsUpdatesDespiteAStaleGradient() {
        try (Net net = new Net(6); Scope scope = Scope.open()) {
            Optimizer adam = new Adam(net.parameters(), AdamParams.adam(0.01));
            Tensor x = Tensor.randn(7, 8, 4);
            adam.zeroGrad();
            F.sum(F.square(net.forward(x))).backward();
            adam.step();
            net.features.requiresGrad(false);
            float[] before = net.features.parameters().getFirst().toFloatArray();
            adam.zeroGrad(); // the frozen parameters keep a (zeroed) gradient tensor; Adam's moments would still move them
            F.sum(F.square(net.forward(x))).backward();
            adam.step();
            assertArrayEquals(before, net.features.parameters().getFirst().toFloatArray());
            for (Tensor p : net.features.parameters()) {
                assertFalse(p.requiresGrad());
            }
            net.head.parameters().forEach(p -> assertTrue(p.requiresGrad()));
        }
    }

    @Test
    void lbfgsLeavesAFrozenParameterWithAStaleGradientWhereItIs() {
        try (Net net = new Net(7); Scope scope = Scope.open()) {
            Tensor x = Tensor.randn(8, 8, 4);
            F.sum(F.square(net.forward(x))).backward(); // every parameter now holds a gradient
            net.features.freeze();
            float[] before = net.features.parameters().getFirst().toFloatArray();
            float[] headBefore = net.head.weight().toFloatArray();
            try (LBFGS lbfgs = new LBFGS(net.parameters(), LBFGS.Options.defaults(LBFGS.LineSearch.STRONG_WOLFE))) {
                lbfgs.step(() -> {
                    net.head.zeroGrad(); // the frozen layers keep their stale gradients
                    Tensor loss = F.sum(F.square(net.forward(x)));
                    loss.backward();
                    return loss;
                });
            }
            assertArrayEquals(before, net.features.parameters().getFirst().toFloatArray());
            assertFalse(java.util.Arrays.equals(headBefore, net.head.weight().toFloatArray()), "the head trained");
        }
    }
}
