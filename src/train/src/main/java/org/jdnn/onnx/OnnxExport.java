package org.jdnn.onnx;

import org.jdnn.autograd.Autograd;
import org.jdnn.nn.AdaptiveAvgPool2d;
import org.jdnn.nn.AvgPool2d;
import org.jdnn.nn.BasicBlock;
import org.jdnn.nn.BatchNorm;
import org.jdnn.nn.BatchNorm1d;
import org.jdnn.nn.BatchNorm2d;
import org.jdnn.nn.Conv2d;
import org.jdnn.nn.Dropout;
import org.jdnn.nn.ELU;
import org.jdnn.nn.Flatten;
import org.jdnn.nn.GELU;
import org.jdnn.nn.LeakyReLU;
import org.jdnn.nn.Linear;
import org.jdnn.nn.MaxPool2d;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.Sigmoid;
import org.jdnn.nn.Softplus;
import org.jdnn.nn.Tanh;
import org.jdnn.nn.models.ResNet;
import org.jdnn.onnx.OnnxGraph.Attribute;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exports a model to an <a href="https://onnx.ai">ONNX</a> file (opset {@value #OPSET}) that ONNX Runtime,
 * PyTorch's {@code onnx} tools and Netron open. The graph is the model's inference (eval-mode) computation: batch norm
 * uses its running statistics and dropout is the identity, whatever mode the model is in (the mode is restored).
 *
 * <pre>{@code
 * OnnxExport.write(model, Shape.of(1, 1, 28, 28), Path.of("lenet.onnx"));
 * }</pre>
 *
 * <p>The input is named {@code input} and the output {@code output}. Their first dimension is the batch and is dynamic
 * ({@code batch}); every other dimension is fixed by {@code inputShape}, which is traced once through the model. The
 * weights are stored in the file as initializers named as in the model's state dict ({@code 0.weight}, ...).
 *
 * <p>Supported modules (exactly these classes; a subclass may compute something else and is refused): Sequential,
 * Linear, Conv2d, BatchNorm1d, BatchNorm2d, ReLU, Sigmoid, Tanh, LeakyReLU, GELU, ELU, Softplus, MaxPool2d,
 * AvgPool2d, AdaptiveAvgPool2d (to 1x1, or to a size that divides the input evenly), Flatten (not over the batch),
 * Dropout, BasicBlock and ResNet. Anything else throws an {@link IllegalArgumentException} naming the module.
 */
public final class OnnxExport {
    /** The ONNX operator set the files use. */
    public static final long OPSET = OnnxGraph.OPSET;

    /** The seed of the traced input: random values, so that the final comparison with the model means something. */
    private static final long TRACE_SEED = 0x5EED;
    private static final String INPUT = "input";
    private static final String OUTPUT = "output";
    private static final String SUPPORTED = "Sequential, Linear, Conv2d, BatchNorm1d, BatchNorm2d, ReLU, Sigmoid, Tanh, "
            + "LeakyReLU, GELU, ELU, Softplus, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout, BasicBlock, ResNet";

    private static final Set<Class<?>> LEAVES = Set.of(Linear.class, Conv2d.class, BatchNorm2d.class,
            BatchNorm1d.class, ReLU.class, Sigmoid.class, Tanh.class, LeakyReLU.class, ELU.class, GELU.class, Softplus.class,
            MaxPool2d.class, AvgPool2d.class, AdaptiveAvgPool2d.class, Flatten.class);

    private final OnnxGraph graph = new OnnxGraph();

    /** A value of the graph: its name, and the value the model computes there for the traced input. */
    private record Value(String name, Tensor sample) {
    }

    private OnnxExport() {
    }

    /** Writes {@code model} as an ONNX file for inputs of {@code inputShape} (any batch size), atomically. */
    public static void write(Module model, Shape inputShape, Path file) throws IOException {
        AtomicFiles.write(file, toBytes(model, inputShape));
    }

    /** The ONNX model ({@code ModelProto} bytes) of {@code model} for inputs of {@code inputShape}; see the class comment. */
    public static byte[] toBytes(Module model, Shape inputShape) {
        if (model == null || inputShape == null) {
            throw new IllegalArgumentException("OnnxExport: model and input shape must not be null");
        }
        if (inputShape.rank() < 2 || inputShape.numel() == 0) {
            throw new IllegalArgumentException("OnnxExport: input shape " + inputShape
                    + " must be a batch dimension followed by at least one other, none of them 0");
        }
        Map<Module, Boolean> modes = new IdentityHashMap<>();
        List<Module> preOrder = model.modules();
        preOrder.forEach(m -> modes.put(m, m.isTraining()));
        model.eval();
        try (Autograd.NoGrad noGrad = Autograd.noGrad(); Scope scope = Scope.open()) {
            return new OnnxExport().export(model, inputShape);
        } finally {
            // Pre-order: each module's own call comes after its ancestors', so every module ends in its own mode.
            preOrder.forEach(m -> m.train(modes.get(m)));
        }
    }

    private byte[] export(Module model, Shape inputShape) {
        graph.unique(INPUT);
        graph.unique(OUTPUT);
        Tensor sample = Tensor.randn(TRACE_SEED, inputShape.dims());
        Value out = module(model, "", new Value(INPUT, sample));
        checkAgainstTheModel(model, sample, out.sample());
        String last = out.name().equals(INPUT) ? graph.node("identity", "Identity", List.of(INPUT)) : out.name();
        graph.renameOutput(last, OUTPUT);
        String version = OnnxExport.class.getPackage().getImplementationVersion();
        return graph.model(INPUT, inputShape.dims(), OUTPUT, out.sample().dims(), version == null ? "dev" : version);
    }

    /**
     * The traced graph must compute what the model does: this catches what the export cannot see, such as a forward
     * hook that changes an output.
     */
    private static void checkAgainstTheModel(Module model, Tensor input, Tensor traced) {
        Tensor expected = model.call(input);
        if (!expected.shape().equals(traced.shape())) {
            throw new IllegalArgumentException("OnnxExport: the model's output has shape " + expected.shape()
                    + " but the exported graph's has " + traced.shape() + " (a forward hook?)");
        }
        float[] a = expected.toFloatArray(), b = traced.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-4 * (1 + Math.abs(a[i])))) {
                throw new IllegalArgumentException("OnnxExport: the model's output differs from the exported graph's at "
                        + "element " + i + " (" + a[i] + " vs " + b[i] + "); does a forward hook change it?");
            }
        }
    }

    // ---- modules ----

    private Value module(Module m, String path, Value in) {
        Class<?> type = m.getClass();
        if (type == Sequential.class) {
            Value v = in;
            for (Map.Entry<String, Module> child : m.namedChildren().entrySet()) {
                v = module(child.getValue(), join(path, child.getKey()), v);
            }
            return v;
        }
        if (type == BasicBlock.class) {
            return basicBlock(m, path, in);
        }
        if (type == ResNet.class) {
            return resNet(m, path, in);
        }
        if (type == Dropout.class) {
            return in; // the identity in inference
        }
        if (!LEAVES.contains(type)) {
            throw unsupported(m, path, "");
        }
        Tensor out = m.forward(in.sample());
        String name;
        if (type == Linear.class) {
            name = linear((Linear) m, path, in);
        } else if (type == Conv2d.class) {
            name = conv2d((Conv2d) m, path, in);
        } else if (type == BatchNorm2d.class || type == BatchNorm1d.class) {
            name = batchNorm((BatchNorm) m, path, in);
        } else if (type == ReLU.class) {
            name = graph.node(join(path, "relu"), "Relu", List.of(in.name()));
        } else if (type == Sigmoid.class) {
            name = graph.node(join(path, "sigmoid"), "Sigmoid", List.of(in.name()));
        } else if (type == Tanh.class) {
            name = graph.node(join(path, "tanh"), "Tanh", List.of(in.name()));
        } else if (type == LeakyReLU.class) {
            name = graph.node(join(path, "leaky_relu"), "LeakyRelu", List.of(in.name()),
                    Attribute.ofFloat("alpha", ((LeakyReLU) m).negativeSlope()));
        } else if (type == ELU.class) {
            name = graph.node(join(path, "elu"), "Elu", List.of(in.name()), Attribute.ofFloat("alpha", ((ELU) m).alpha()));
        } else if (type == GELU.class) {
            name = gelu((GELU) m, path, in.name());
        } else if (type == Softplus.class) {
            name = softplus((Softplus) m, path, in.name());
        } else if (type == MaxPool2d.class) {
            name = pool(((MaxPool2d) m).params(), path, in.name());
        } else if (type == AvgPool2d.class) {
            name = pool(((AvgPool2d) m).params(), path, in.name());
        } else if (type == AdaptiveAvgPool2d.class) {
            name = adaptiveAvgPool((AdaptiveAvgPool2d) m, path, in);
        } else if (type == Flatten.class) {
            name = flatten((Flatten) m, path, in);
        } else {
            throw unsupported(m, path, "");
        }
        return new Value(name, out);
    }

    private static IllegalArgumentException unsupported(Module m, String path, String why) {
        return new IllegalArgumentException("OnnxExport: module '" + (path.isEmpty() ? "(the model)" : path) + "' ("
                + m.getClass().getName() + ") cannot be exported" + (why.isEmpty() ? "; supported: " + SUPPORTED : ": " + why));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private String weight(String path, String name, Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("OnnxExport: tensor '" + join(path, name) + "' has dtype " + t.dtype()
                    + "; only float32 is exported");
        }
        return graph.floats(join(path, name), t.dims(), t.toFloatArray());
    }

    private String linear(Linear l, String path, Value in) {
        String w = weight(path, "weight", l.weight());
        String b = l.bias() == null ? null : weight(path, "bias", l.bias());
        if (in.sample().rank() == 2) {
            List<String> inputs = b == null ? List.of(in.name(), w) : List.of(in.name(), w, b);
            return graph.node(join(path, "gemm"), "Gemm", inputs, Attribute.ofInt("transB", 1));
        }
        // Gemm takes matrices only; other ranks multiply by the transposed weight, as torch.matmul broadcasts.
        String wt = graph.node(join(path, "weight_t"), "Transpose", List.of(w), Attribute.ofInts("perm", 1, 0));
        String y = graph.node(join(path, "matmul"), "MatMul", List.of(in.name(), wt));
        return b == null ? y : graph.node(join(path, "add"), "Add", List.of(y, b));
    }

    private String conv2d(Conv2d c, String path, Value in) {
        Conv2dParams p = c.params();
        long[] w = c.weight().dims();
        String weight = weight(path, "weight", c.weight());
        List<String> inputs = c.bias() == null ? List.of(in.name(), weight)
                : List.of(in.name(), weight, weight(path, "bias", c.bias()));
        return graph.node(join(path, "conv"), "Conv", inputs,
                Attribute.ofInts("kernel_shape", w[2], w[3]),
                Attribute.ofInts("strides", p.strideH(), p.strideW()),
                Attribute.ofInts("pads", p.padTop(), p.padLeft(), p.padBottom(), p.padRight()),
                Attribute.ofInts("dilations", p.dilationH(), p.dilationW()),
                Attribute.ofInt("group", p.groups()));
    }

    private String batchNorm(BatchNorm bn, String path, Value in) {
        long c = bn.numFeatures();
        float[] ones = new float[(int) c];
        Arrays.fill(ones, 1f);
        String scale = bn.weight() == null ? graph.floats(join(path, "weight"), new long[] {c}, ones)
                : weight(path, "weight", bn.weight());
        String shift = bn.bias() == null ? graph.floats(join(path, "bias"), new long[] {c}, new float[(int) c])
                : weight(path, "bias", bn.bias());
        String mean = weight(path, "running_mean", bn.runningMean());
        String var = weight(path, "running_var", bn.runningVar());
        return graph.node(join(path, "batch_norm"), "BatchNormalization", List.of(in.name(), scale, shift, mean, var),
                Attribute.ofFloat("epsilon", bn.params().epsilon()));
    }

    /** Opset 17 has no Gelu (it came in 20): the formula, with Erf or Tanh. */
    private String gelu(GELU g, String path, String x) {
        String half = graph.scalar(join(path, "half"), 0.5f);
        String one = graph.scalar(join(path, "one"), 1f);
        String inner;
        if (g.approximate().equals("tanh")) {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            String x2 = graph.node(join(path, "x2"), "Mul", List.of(x, x));
            String x3 = graph.node(join(path, "x3"), "Mul", List.of(x2, x));
            String cubic = graph.node(join(path, "cubic"), "Mul", List.of(x3, graph.scalar(join(path, "c"), 0.044715f)));
            String sum = graph.node(join(path, "sum"), "Add", List.of(x, cubic));
            String scaled = graph.node(join(path, "scaled"), "Mul",
                    List.of(sum, graph.scalar(join(path, "k"), (float) Math.sqrt(2 / Math.PI))));
            inner = graph.node(join(path, "tanh"), "Tanh", List.of(scaled));
        } else {
            // 0.5 x (1 + erf(x / sqrt(2)))
            String scaled = graph.node(join(path, "scaled"), "Div",
                    List.of(x, graph.scalar(join(path, "sqrt2"), (float) Math.sqrt(2))));
            inner = graph.node(join(path, "erf"), "Erf", List.of(scaled));
        }
        String plusOne = graph.node(join(path, "plus_one"), "Add", List.of(inner, one));
        String times = graph.node(join(path, "times_x"), "Mul", List.of(x, plusOne));
        return graph.node(join(path, "gelu"), "Mul", List.of(times, half));
    }

    /** ONNX's Softplus has neither beta nor threshold: log(1 + exp(beta x)) / beta, and x where beta x > threshold. */
    private String softplus(Softplus s, String path, String x) {
        boolean unitBeta = s.beta() == 1f;
        String beta = unitBeta ? null : graph.scalar(join(path, "beta"), s.beta());
        String bx = unitBeta ? x : graph.node(join(path, "beta_x"), "Mul", List.of(x, beta));
        String soft = graph.node(join(path, "softplus"), "Softplus", List.of(bx));
        if (!unitBeta) {
            soft = graph.node(join(path, "over_beta"), "Div", List.of(soft, beta));
        }
        String linear = graph.node(join(path, "linear"), "Greater",
                List.of(bx, graph.scalar(join(path, "threshold"), s.threshold())));
        return graph.node(join(path, "where"), "Where", List.of(linear, x, soft));
    }

    private String pool(Pool2dParams p, String path, String x) {
        List<Attribute> attributes = new ArrayList<>(List.of(
                Attribute.ofInts("kernel_shape", p.kernelH(), p.kernelW()),
                Attribute.ofInts("strides", p.strideH(), p.strideW()),
                Attribute.ofInts("pads", p.padTop(), p.padLeft(), p.padBottom(), p.padRight()),
                Attribute.ofInt("ceil_mode", p.ceilMode() ? 1 : 0)));
        if (p.algorithm() == PoolAlgorithm.MAX) {
            attributes.add(Attribute.ofInts("dilations", p.dilationH(), p.dilationW()));
            return graph.node(join(path, "max_pool"), "MaxPool", List.of(x), attributes.toArray(Attribute[]::new));
        }
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            throw new IllegalArgumentException("OnnxExport: module '" + path + "' (AvgPool2d) has dilation ("
                    + p.dilationH() + ", " + p.dilationW() + "); AveragePool of opset " + OnnxGraph.OPSET + " has none");
        }
        attributes.add(Attribute.ofInt("count_include_pad", p.algorithm() == PoolAlgorithm.AVG_INCLUDE_PADDING ? 1 : 0));
        return graph.node(join(path, "avg_pool"), "AveragePool", List.of(x), attributes.toArray(Attribute[]::new));
    }

    /** ONNX has no adaptive pooling: global pooling, or a fixed window where the input divides evenly. */
    private String adaptiveAvgPool(AdaptiveAvgPool2d a, String path, Value in) {
        long outH = a.params().outH(), outW = a.params().outW();
        long h = in.sample().size(2), w = in.sample().size(3);
        if (outH == 1 && outW == 1) {
            return graph.node(join(path, "global_avg_pool"), "GlobalAveragePool", List.of(in.name()));
        }
        if (h % outH != 0 || w % outW != 0) {
            throw unsupported(a, path, "pooling " + h + "x" + w + " to " + outH + "x" + outW
                    + " takes uneven windows, which opset " + OnnxGraph.OPSET + " cannot express (no adaptive pooling)");
        }
        return graph.node(join(path, "avg_pool"), "AveragePool", List.of(in.name()),
                Attribute.ofInts("kernel_shape", h / outH, w / outW),
                Attribute.ofInts("strides", h / outH, w / outW));
    }

    private String flatten(Flatten f, String path, Value in) {
        long[] dims = in.sample().dims();
        int rank = dims.length;
        int start = f.startDim() < 0 ? f.startDim() + rank : f.startDim();
        int end = f.endDim() < 0 ? f.endDim() + rank : f.endDim();
        if (start == 0) {
            throw unsupported(f, path, "it flattens the batch dimension, which the exported graph keeps dynamic");
        }
        if (end == rank - 1) {
            return graph.node(join(path, "flatten"), "Flatten", List.of(in.name()), Attribute.ofInt("axis", start));
        }
        // Reshape to (batch, dims before start, their product, dims after end); 0 copies the dynamic batch size.
        long[] shape = new long[rank - (end - start)];
        int k = 0;
        shape[k++] = 0;
        for (int i = 1; i < start; i++) {
            shape[k++] = dims[i];
        }
        long product = 1;
        for (int i = start; i <= end; i++) {
            product *= dims[i];
        }
        shape[k++] = product;
        for (int i = end + 1; i < rank; i++) {
            shape[k++] = dims[i];
        }
        String target = graph.longs(join(path, "shape"), shape);
        return graph.node(join(path, "reshape"), "Reshape", List.of(in.name(), target));
    }

    /** relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), as BasicBlock.forward. */
    private Value basicBlock(Module block, String path, Value in) {
        Map<String, Module> c = block.namedChildren();
        Module downsample = c.get("downsample");
        Value identity = downsample == null ? in : module(downsample, join(path, "downsample"), in);
        Value out = module(c.get("relu"), join(path, "relu"),
                module(c.get("bn1"), join(path, "bn1"), module(c.get("conv1"), join(path, "conv1"), in)));
        out = module(c.get("bn2"), join(path, "bn2"), module(c.get("conv2"), join(path, "conv2"), out));
        Value sum = new Value(graph.node(join(path, "add"), "Add", List.of(out.name(), identity.name())),
                out.sample().add(identity.sample()));
        return module(c.get("relu"), join(path, "relu"), sum);
    }

    /** The stem, the four stages, global pooling, flatten and the classifier, as ResNet.forward. */
    private Value resNet(Module net, String path, Value in) {
        Value v = in;
        for (Map.Entry<String, Module> child : net.namedChildren().entrySet()) {
            if (child.getKey().equals("fc")) {
                Flatten flatten = new Flatten(1);
                v = new Value(flatten(flatten, join(path, "flatten"), v), flatten.forward(v.sample()));
            }
            v = module(child.getValue(), join(path, child.getKey()), v);
        }
        return v;
    }
}
