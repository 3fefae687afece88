package org.jdnn.nn.inference;

import org.jdnn.autograd.Autograd;
import org.jdnn.nn.BasicBlock;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.ConvTranspose2d;
import org.jdnn.nn.Dropout;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.models.ResNet;
import org.jdnn.nn.models.UNet;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inference-time graph rewriting, as PyTorch's conv-bn fusion ({@code torch.fx}'s {@code fuse}) and
 * {@code torch.jit.optimize_for_inference}: {@link #optimize} returns a new module computing what an eval-mode module
 * computes, with fewer, fused calls.
 *
 * <ul>
 *   <li>Conv2d, then BatchNorm2d: the batch norm's running statistics and affine transform folded into the
 *       convolution's weight and bias ({@link BatchNormFolding}); then ReLU: fused as a post-op
 *       ({@link FusedConv2d}, one {@code conv2d_fused} call).</li>
 *   <li>Linear, then ReLU: one {@code linear_fused} call ({@link FusedLinear}).</li>
 *   <li>BasicBlock: conv1+bn1+relu and conv2+bn2+residual add+relu each one call, the residual add as oneDNN's sum
 *       post-op; the projection shortcut's batch norm folded too ({@link FusedBasicBlock}).</li>
 *   <li>Sequential (these patterns among its children, in order), ResNet and UNet (their children rewritten, the
 *       forward the same); Dropout disappears (it is the identity in eval mode).</li>
 * </ul>
 * Layers without parameters or buffers (pooling, flatten, upsampling, a ReLU that follows nothing fusable) are used as
 * they are, shared with the original; every tensor of the result is a new copy, so the original module is left
 * untouched and closing the result frees only the copies. A module with parameters or buffers that no rule covers is
 * refused with its path, as is a module in training mode (batch norm must use its running statistics).
 *
 * <pre>{@code
 * model.eval();
 * try (Module fast = Inference.optimize(model); var noGrad = Autograd.noGrad()) {
 *     Tensor logits = fast.forward(images);
 * }
 * }</pre>
 * The result is for eval-mode, no-grad use: its convolutions refuse inputs that require grad with grad mode on.
 */
public final class Inference {
    private Inference() {
    }

    /** The fused inference form of {@code module}, which must be in eval mode (see the class comment). */
    public static Module optimize(Module module) {
        if (module == null) {
            throw new IllegalArgumentException("Inference.optimize: module is null");
        }
        module.namedModules().forEach((path, m) -> {
            if (m.isTraining()) {
                throw new IllegalStateException("Inference.optimize: " + describe(path, m) + " is in training mode; "
                        + "call eval() on the model first (batch norm is folded with its running statistics)");
            }
        });
        try (var noGrad = Autograd.noGrad()) {
            return Scope.untracked(() -> rewrite("", module)).eval();
        }
    }

    private static Module rewrite(String path, Module m) {
        if (m.getClass() == Sequential.class) {
            return sequential(path, (Sequential) m);
        }
        if (m.getClass() == BasicBlock.class) {
            return basicBlock(path, (BasicBlock) m);
        }
        if (m.getClass() == ResNet.class) {
            return resNet(path, m);
        }
        if (m.getClass() == UNet.class) {
            return uNet(path, m);
        }
        // Exact classes: a subclass may compute something else in its forward.
        if (m.getClass() == Conv2d.class) {
            return conv((Conv2d) m, null, false);
        }
        if (m.getClass() == Linear.class) {
            return linear((Linear) m, false);
        }
        if (m.getClass() == ConvTranspose2d.class) {
            ConvTranspose2d up = (ConvTranspose2d) m;
            return new FrozenConvTranspose2d(copy(up.weight()), copy(up.bias()), up.params());
        }
        if (m.namedParameters().isEmpty() && m.namedBuffers().isEmpty()) {
            return new SharedLayer(m);
        }
        throw new IllegalArgumentException("Inference.optimize: no rule for " + describe(path, m)
                + ", which has parameters or buffers; supported: Sequential, BasicBlock, ResNet, UNet, Conv2d "
                + "(+ BatchNorm2d) (+ ReLU), Linear (+ ReLU), ConvTranspose2d and layers without parameters");
    }

    /** Children in order, each Conv2d [BatchNorm2d] [ReLU] and Linear [ReLU] run made one module; Dropout dropped. */
    private static Sequential sequential(String path, Sequential s) {
        List<Module> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            Module m = s.get(i);
            if (m.getClass() == Conv2d.class) {
                Conv2d conv = (Conv2d) m;
                BatchNorm2d bn = i + 1 < s.size() && s.get(i + 1).getClass() == BatchNorm2d.class
                        ? (BatchNorm2d) s.get(i + 1) : null;
                int next = i + (bn == null ? 1 : 2);
                boolean relu = next < s.size() && isReLU(s.get(next));
                out.add(conv(conv, bn, relu));
                i = relu ? next : next - 1; // the loop's i++ then moves past the last module fused
            } else if (m.getClass() == Linear.class) {
                Linear linear = (Linear) m;
                boolean relu = i + 1 < s.size() && isReLU(s.get(i + 1));
                out.add(linear(linear, relu));
                i += relu ? 1 : 0;
            } else if (m.getClass() != Dropout.class) {
                out.add(rewrite(child(path, Integer.toString(i)), m));
            }
        }
        return new Sequential(out.toArray(Module[]::new));
    }

    private static boolean isReLU(Module m) {
        return m.getClass() == ReLU.class;
    }

    private static FusedBasicBlock basicBlock(String path, BasicBlock block) {
        Map<String, Module> c = block.namedChildren();
        FusedConv2d conv1 = conv((Conv2d) c.get("conv1"), (BatchNorm2d) c.get("bn1"), true);
        FusedConv2d conv2 = conv((Conv2d) c.get("conv2"), (BatchNorm2d) c.get("bn2"), true);
        Sequential shortcut = block.downsample();
        FusedConv2d downsample = shortcut == null ? null
                : conv((Conv2d) shortcut.get(0), (BatchNorm2d) shortcut.get(1), false);
        return new FusedBasicBlock(conv1, conv2, downsample);
    }

    /** ResNet's children in order (torchvision's names), its stem fused, a flatten before fc as its forward has. */
    private static Sequential resNet(String path, Module resNet) {
        Map<String, Module> c = resNet.namedChildren();
        Sequential out = new Sequential();
        out.add(conv((Conv2d) c.get("conv1"), (BatchNorm2d) c.get("bn1"), true));
        for (Map.Entry<String, Module> e : c.entrySet()) {
            switch (e.getKey()) {
                case "conv1", "bn1", "relu" -> { }
                case "fc" -> out.add(new Flatten(1)).add(linear((Linear) e.getValue(), false));
                default -> out.add(rewrite(child(path, e.getKey()), e.getValue()));
            }
        }
        return out;
    }

    private static FusedUNet uNet(String path, Module uNet) {
        Map<String, Module> c = uNet.namedChildren();
        List<Module> down = new ArrayList<>(), up = new ArrayList<>(), upconv = new ArrayList<>();
        for (int d = 0; c.containsKey("down" + d); d++) {
            down.add(rewrite(child(path, "down" + d), c.get("down" + d)));
            up.add(rewrite(child(path, "up" + d), c.get("up" + d)));
            if (c.containsKey("upconv" + d)) {
                upconv.add(rewrite(child(path, "upconv" + d), c.get("upconv" + d)));
            }
        }
        Module upsample = c.containsKey("upsample") ? rewrite(child(path, "upsample"), c.get("upsample")) : null;
        return new FusedUNet(down, rewrite(child(path, "bottom"), c.get("bottom")),
                rewrite(child(path, "pool"), c.get("pool")), upsample, upconv, up,
                rewrite(child(path, "head"), c.get("head")));
    }

    private static FusedConv2d conv(Conv2d conv, BatchNorm2d bn, boolean relu) {
        if (bn == null) {
            return new FusedConv2d(copy(conv.weight()), copy(conv.bias()), conv.params(), relu, false);
        }
        Tensor[] folded = BatchNormFolding.fold(conv.weight(), conv.bias(), bn);
        return new FusedConv2d(folded[0], folded[1], conv.params(), relu, true);
    }

    private static FusedLinear linear(Linear linear, boolean relu) {
        return new FusedLinear(copy(linear.weight()), copy(linear.bias()), relu);
    }

    /** A new tensor with {@code t}'s values, or null; made under no-grad, so it never requires grad. */
    private static Tensor copy(Tensor t) {
        return t == null ? null : t.copy();
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(String path, Module m) {
        return (path.isEmpty() ? "the model" : "module '" + path + "'") + " (" + m.getClass().getSimpleName() + ")";
    }
}
