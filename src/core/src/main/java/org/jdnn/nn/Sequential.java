package org.jdnn.nn;

import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Modules applied one after another, PyTorch's {@code nn.Sequential}. Children are named {@code 0, 1, ...} in
 * order (or given names with {@link #Sequential(Map)}), so parameters are {@code 0.weight}, {@code 2.bias}...
 */
public class Sequential extends Module {
    private final List<Module> modules = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /** Named children in the map's iteration order (use a LinkedHashMap), like an OrderedDict in PyTorch. */
    public Sequential(Map<String, ? extends Module> named) {
        named.forEach((name, m) -> modules.add(registerModule(name, m)));
    }

    /** Appends {@code module} under the next index as its name; returns this. */
    public Sequential add(Module module) {
        modules.add(registerModule(Integer.toString(modules.size()), module));
        return this;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : modules) {
            x = m.call(x);
        }
        return x;
    }

    public Module get(int index) {
        if (index < 0 || index >= modules.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " out of range for " + modules.size() + " modules");
        }
        return modules.get(index);
    }

    public int size() {
        return modules.size();
    }
}
