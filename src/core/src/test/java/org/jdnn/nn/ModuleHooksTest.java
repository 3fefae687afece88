package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.RemovableHandle;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Module hooks as PyTorch's: forward pre-hooks and forward hooks run by {@code call} (and so inside containers), may
 * replace the input or output, and are removable; a module-wide post-accumulate-grad hook reports each parameter by
 * name once its gradient is accumulated.
 */
class ModuleHooksTest {

    @Test
    void forwardHooksRunInsideContainersAndMayReplaceValues() {
        try (Sequential model = new Sequential(new Linear(3, 2), new ReLU()); Scope scope = Scope.open()) {
            Linear linear = (Linear) model.get(0);
            Tensor x = Tensor.of(new float[] {1f, -2f, 0.5f, 3f, 0f, -1f}, 2, 3);
            Tensor plain = model.call(x);
            Tensor doubled = model.call(F.mul(x, 2f));
            List<String> events = new ArrayList<>();
            RemovableHandle pre = linear.registerForwardPreHook((m, in) -> {
                events.add("pre " + m.getClass().getSimpleName());
                return F.mul(in, 2f);
            });
            RemovableHandle post = model.get(1).registerForwardHook((m, in, out) -> {
                events.add("post " + java.util.Arrays.toString(out.dims()));
                return null;
            });
            assertArrayEquals(doubled.toFloatArray(), model.call(x).toFloatArray(), "the pre-hook doubled the input");
            assertEquals(List.of("pre Linear", "post [2, 2]"), events);
            model.registerForwardHook((m, in, out) -> F.mul(out, 0f));
            assertArrayEquals(new float[4], model.call(x).toFloatArray(), "the outer hook replaced the output");
            pre.remove();
            post.remove();
            events.clear();
            model.forward(x); // forward itself skips the model's own hooks, not its children's
            assertTrue(events.isEmpty());
            assertArrayEquals(plain.toFloatArray(), model.forward(x).toFloatArray());
        }
    }

    @Test
    void aModuleWidePostAccumulateGradHookNamesEachParameter() {
        try (Sequential model = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
             Scope scope = Scope.open()) {
            List<String> names = new ArrayList<>();
            RemovableHandle handle = model.registerPostAccumulateGradHook((name, p) -> {
                assertTrue(p.grad() != null);
                names.add(name);
            });
            Tensor x = Tensor.of(new float[] {1f, -2f, 0.5f}, 1, 3);
            F.sum(model.call(x)).backward();
            assertEquals(List.of("0.bias", "0.weight", "2.bias", "2.weight"), names.stream().sorted().toList());
            handle.remove();
            names.clear();
            F.sum(model.call(x)).backward();
            assertTrue(names.isEmpty());
        }
    }
}
