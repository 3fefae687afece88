package org.jdnn.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph under construction (nodes in topological order, initializers) and its serialisation as a
 * {@code ModelProto}. Field numbers are those of {@code onnx.proto}; only the fields jdnn writes are listed.
 */
final class OnnxGraph {
    /** ONNX IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    /** The name of the dynamic first dimension of the input and the output. */
    static final String BATCH = "batch";

    private static final int FLOAT = 1;  // TensorProto.DataType
    private static final int INT64 = 7;

    /** An attribute of a node: an int, a list of ints or a float (AttributeProto.type 2, 7, 1). */
    record Attribute(String name, int type, long i, long[] ints, float f) {
        static Attribute ofInt(String name, long value) {
            return new Attribute(name, 2, value, null, 0f);
        }

        static Attribute ofInts(String name, long... values) {
            return new Attribute(name, 7, 0, values.clone(), 0f);
        }

        static Attribute ofFloat(String name, float value) {
            return new Attribute(name, 1, 0, null, value);
        }
    }

    private record Node(String name, String opType, List<String> inputs, String output, List<Attribute> attributes) {
    }

    private record Initializer(String name, long[] dims, int dataType, byte[] raw) {
    }

    private final List<Node> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** {@code base}, or {@code base_2}, {@code base_3}... if taken: every value name in a graph is unique. */
    String unique(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Adds a node with one output named after {@code base}; returns the output's name. */
    String node(String base, String opType, List<String> inputs, Attribute... attributes) {
        String output = unique(base);
        nodes.add(new Node(output, opType, List.copyOf(inputs), output, List.of(attributes)));
        return output;
    }

    /** A float32 initializer (row-major values); returns its name. */
    String floats(String base, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(base, dims, FLOAT, raw.array());
    }

    /** A float32 scalar initializer (rank 0), for the constants of decomposed functions. */
    String scalar(String base, float value) {
        return floats(base, new long[0], new float[] {value});
    }

    /** A one-dimensional int64 initializer (Reshape's target shape). */
    String longs(String base, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(base, new long[] {values.length}, INT64, raw.array());
    }

    private String initializer(String base, long[] dims, int dataType, byte[] raw) {
        String name = unique(base);
        initializers.add(new Initializer(name, dims.clone(), dataType, raw));
        return name;
    }

    /** Renames the output of the node that produced {@code from} (the graph's last value gets a stable name). */
    void renameOutput(String from, String to) {
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.output.equals(from)) {
                nodes.set(i, new Node(n.name, n.opType, n.inputs, to, n.attributes));
            }
        }
        names.add(to);
    }

    /**
     * The ModelProto: one float32 input and one float32 output whose first dimension is {@value #BATCH}; the other
     * dimensions are those given.
     */
    byte[] model(String input, long[] inputDims, String output, long[] outputDims, String producerVersion) {
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            graph.message(1, node(n));
        }
        graph.string(2, "jdnn");
        for (Initializer t : initializers) {
            graph.message(5, tensor(t));
        }
        graph.message(11, valueInfo(input, inputDims));
        graph.message(12, valueInfo(output, outputDims));

        ProtoWriter model = new ProtoWriter();
        model.varint(1, IR_VERSION);
        model.string(2, "jdnn");
        model.string(3, producerVersion);
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        return model.toByteArray();
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        for (String input : n.inputs) {
            w.string(1, input);
        }
        w.string(2, n.output);
        w.string(3, n.name);
        w.string(4, n.opType);
        for (Attribute a : n.attributes) {
            ProtoWriter attribute = new ProtoWriter().string(1, a.name()).varint(20, a.type());
            switch (a.type()) {
                case 1 -> attribute.float32(2, a.f());
                case 2 -> attribute.varint(3, a.i());
                default -> {
                    for (long v : a.ints()) {
                        attribute.varint(8, v);
                    }
                }
            }
            w.message(5, attribute);
        }
        return w;
    }

    private static ProtoWriter tensor(Initializer t) {
        ProtoWriter w = new ProtoWriter();
        for (long d : t.dims) {
            w.varint(1, d);
        }
        w.varint(2, t.dataType);
        w.string(8, t.name);
        w.bytes(9, t.raw);
        return w;
    }

    private static ProtoWriter valueInfo(String name, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (int i = 0; i < dims.length; i++) {
            ProtoWriter dim = i == 0 ? new ProtoWriter().string(2, BATCH) : new ProtoWriter().varint(1, dims[i]);
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
