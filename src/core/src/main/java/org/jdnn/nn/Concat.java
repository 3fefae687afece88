package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.tensor.Tensor;

import java.util.List;

/**
 * Parallel branches on the same input, their outputs concatenated along the channel axis (dimension 1), as
 * in an Inception block. The branches are the children {@code 0, 1, ...}; their outputs must agree in every
 * dimension but 1.
 */
public class Concat extends Module {
    private final List<Module> branches;

    public Concat(Module... branches) {
        if (branches == null || branches.length == 0) {
            throw new IllegalArgumentException("Concat: needs at least one branch");
        }
        for (int i = 0; i < branches.length; i++) {
            registerModule(Integer.toString(i), branches[i]);
        }
        this.branches = List.of(branches);
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor[] outputs = new Tensor[branches.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = branches.get(i).call(input);
        }
        return outputs.length == 1 ? outputs[0] : F.concat(1, outputs);
    }

    public List<Module> branches() {
        return branches;
    }
}
