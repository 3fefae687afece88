package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One op, declared once: its name, its operands (inputs, some optional), its outputs, the shape rule that validates
 * the inputs and gives the outputs' shapes, and (for differentiable ops) its derivative. Backends supply one kernel
 * per op ({@code org.jdnn.backend.KernelTable}); the dispatcher validates, allocates the outputs and runs the kernel
 * of the backend that owns the operands; autograd records the derivative. Nothing else restates an op.
 *
 * <p>An op's first output is the one gradients flow into; outputs after {@code visibleOutputs} are state the
 * derivative needs (batch statistics, a pooling workspace), owned by the graph node or freed at once.
 *
 * <p>A last input (or output) named {@code "parts..."} repeats: the op takes (or gives) any number of them from that
 * position on, named {@code parts[0]}, {@code parts[1]}, ... in messages (concat's inputs, split's outputs). Every
 * output of an op with repeated outputs is visible.
 *
 * <p>An output declared {@linkplain Builder#sizedByKernel sized by the kernel} is backend-specific state whose size no
 * backend-independent shape rule can give (max pooling's workspace: int32 indices on the reference, oneDNN's own
 * format and size there): the shape rule gives null for it, and the kernel that actually runs, after any fallback,
 * allocates it on its device (or leaves it null when the call does not produce it). Everything else about it is as
 * for any output: the dispatcher frees it if the call fails, the caller or the graph node owns it afterwards.
 *
 * @param <P> the parameter record (use {@link NoParams} for none)
 */
public final class Op<P> {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final int id;
    private final String name;
    private final String family;
    private final List<String> inputs;
    private final boolean[] optional;
    private final List<String> outputs;
    private final boolean repeatedInputs;
    private final boolean repeatedOutputs;
    private final int visibleOutputs;
    private final int inPlaceInput;
    private final boolean[] updated;
    private final boolean updatesAny;
    private final boolean[] sizedByKernel;
    private final ShapeRule<P> shapeRule;
    private final DTypeRule<P> dtypeRule;
    private final Derivative<P> derivative;

    private Op(Builder<P> b) {
        this.id = IDS.getAndIncrement();
        this.name = b.name;
        this.family = b.family == null ? b.name : b.family;
        this.optional = new boolean[b.inputs.length];
        this.repeatedInputs = repeats(b.inputs);
        this.repeatedOutputs = repeats(b.outputs);
        String[] names = new String[b.inputs.length];
        for (int i = 0; i < names.length; i++) {
            optional[i] = b.inputs[i].endsWith("?");
            names[i] = optional[i] ? b.inputs[i].substring(0, b.inputs[i].length() - 1) : b.inputs[i];
        }
        if (repeatedInputs) {
            names[names.length - 1] = names[names.length - 1].substring(0, names[names.length - 1].length() - 3);
        }
        this.inputs = List.of(names);
        String[] outputNames = b.outputs.clone();
        if (repeatedOutputs) {
            outputNames[outputNames.length - 1] = outputNames[outputNames.length - 1]
                    .substring(0, outputNames[outputNames.length - 1].length() - 3);
        }
        this.outputs = List.of(outputNames);
        this.visibleOutputs = repeatedOutputs ? Integer.MAX_VALUE
                : b.visibleOutputs < 0 ? b.outputs.length : b.visibleOutputs;
        this.inPlaceInput = b.inPlaceInput;
        this.updated = new boolean[b.inputs.length];
        for (int i : b.updated) {
            if (i < 0 || i >= updated.length) {
                throw new IllegalArgumentException(b.name + ": updated input " + i + " is not one of " + inputs);
            }
            updated[i] = true;
        }
        this.updatesAny = b.updated.length > 0;
        this.sizedByKernel = new boolean[b.outputs.length];
        for (int output : b.sizedByKernel) {
            sizedByKernel[output] = true;
        }
        this.shapeRule = b.shapeRule;
        this.dtypeRule = b.dtypeRule == null ? DTypeRules.defaultRule() : b.dtypeRule;
        this.derivative = b.derivative;
    }

    private static boolean repeats(String[] names) {
        return names.length > 0 && names[names.length - 1].endsWith("...");
    }

    /** Starts a declaration; inputs ending in {@code ?} are optional (may be null), a last one ending in {@code ...} repeats. */
    public static <P> Builder<P> declare(String name, String... inputs) {
        return new Builder<>(name, inputs);
    }

    /** A dense number, for tables indexed by op. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The op family the backward passes share with their forward ("conv2d"), for switches and reports. */
    public String family() {
        return family;
    }

    public List<String> inputs() {
        return inputs;
    }

    public boolean isOptional(int input) {
        return optional[Math.min(input, optional.length - 1)];
    }

    /** Whether a call may pass {@code count} inputs: exactly the declared ones, or any number of a repeated last one. */
    public boolean takesInputs(int count) {
        return repeatedInputs ? count >= inputs.size() - 1 : count == inputs.size();
    }

    /** The name of input {@code i} in messages ({@code parts[2]} for the third of a repeated input). */
    public String inputName(int i) {
        return name(inputs, repeatedInputs, i);
    }

    /** The name of output {@code i} in messages. */
    public String outputName(int i) {
        return name(outputs, repeatedOutputs, i);
    }

    private static String name(List<String> names, boolean repeated, int i) {
        int last = names.size() - 1;
        return repeated && i >= last ? names.get(last) + "[" + (i - last) + "]" : names.get(i);
    }

    public List<String> outputs() {
        return outputs;
    }

    /** How many leading outputs the caller sees (Integer.MAX_VALUE: all); the rest are saved for the derivative. */
    public int visibleOutputs() {
        return visibleOutputs;
    }

    /** The input the first output may be (written in place), or -1 when outputs never alias inputs. */
    public int inPlaceInput() {
        return inPlaceInput;
    }

    /**
     * Whether the op writes input {@code input} in place (an optimizer's parameter and state): the dispatcher checks
     * it shares no memory with any other operand.
     */
    public boolean isUpdated(int input) {
        // A repeated last input shares its flag.
        return updated.length > 0 && updated[Math.min(input, updated.length - 1)];
    }

    /** Whether the kernel that runs allocates this output itself (see {@link Builder#sizedByKernel}). */
    public boolean isSizedByKernel(int output) {
        return output < sizedByKernel.length && sizedByKernel[output]; // a repeated output is never kernel-sized
    }

    /** Whether the op writes any input in place. */
    public boolean updatesAnyInput() {
        return updatesAny;
    }

    /** The derivative, or null when the op is not differentiable (backward passes, updates). */
    public Derivative<P> derivative() {
        return derivative;
    }

    /**
     * Validates the operands' shapes for {@code params} and returns the outputs' shapes (null for an output this call
     * does not produce); throws IllegalArgumentException naming the op and the offending value.
     */
    public Shape[] outputShapes(P params, Shape[] inputShapes) {
        checkOperands(params, inputShapes);
        Shape[] shapes = shapeRule.outputShapes(params, inputShapes);
        if (repeatedOutputs ? shapes.length < outputs.size() - 1 : shapes.length != outputs.size()) {
            throw new IllegalStateException(name + ": the shape rule gave " + shapes.length + " shapes for outputs "
                    + outputs);
        }
        for (int i = 0; i < shapes.length; i++) {
            if (isSizedByKernel(i) && shapes[i] != null) {
                throw new IllegalStateException(name + ": the shape rule sized " + outputs.get(i)
                        + ", which the kernel sizes");
            }
        }
        return shapes;
    }

    private void checkOperands(P params, Object[] operands) {
        if (params == null) {
            throw new IllegalArgumentException(name + ": params is null");
        }
        if (!takesInputs(operands.length)) {
            throw new IllegalArgumentException(name + ": " + operands.length + " inputs given, expected "
                    + inputs.size() + " " + inputs);
        }
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] == null && !isOptional(i)) {
                throw new IllegalArgumentException(name + ": " + inputName(i) + " is null");
            }
        }
    }

    /**
     * Validates the inputs' dtypes (null for absent inputs) through the op's {@linkplain Builder#dtypes dtype rule}
     * and returns the outputs' dtypes: one per declared output (for a repeated last output, its entry covers every
     * repetition), null for outputs {@linkplain #isSizedByKernel sized by the kernel}. A dtype the op does not take
     * throws IllegalArgumentException naming the op, the input and the dtype.
     */
    public DType[] outputDTypes(P params, DType[] inputDTypes) {
        checkOperands(params, inputDTypes);
        DType[] given;
        try {
            given = dtypeRule.outputDTypes(params, inputDTypes.clone());
        } catch (DTypeRules.InputDTypeException e) {
            String other = e.other() < 0 ? "" : " but " + inputName(e.other()) + " has dtype " + e.otherDType();
            throw new IllegalArgumentException(name + ": " + inputName(e.input()) + " has dtype " + e.dtype() + other
                    + ", " + e.expected(), e);
        }
        if (given == null || (given.length == 0 && !outputs.isEmpty())
                || (given.length > Math.max(1, outputs.size()) && !repeatedOutputs)) {
            throw new IllegalStateException(name + ": the dtype rule gave " + (given == null ? "null"
                    : Arrays.toString(given)) + " for outputs " + outputs);
        }
        DType[] dtypes = new DType[outputs.size()];
        for (int i = 0; i < dtypes.length; i++) {
            dtypes[i] = isSizedByKernel(i) ? null : given[Math.min(i, given.length - 1)];
            if (dtypes[i] == null && !isSizedByKernel(i)) {
                throw new IllegalStateException(name + ": the dtype rule gave no dtype for " + outputs.get(i));
            }
        }
        return dtypes;
    }

    /** The dtype of output {@code i} in an array {@link #outputDTypes} returned (a repeated output shares the last). */
    public static DType outputDType(DType[] dtypes, int i) {
        return dtypes.length == 0 ? null : dtypes[Math.min(i, dtypes.length - 1)];
    }

    @Override
    public String toString() {
        return name;
    }

    /** The output shapes for given params and input shapes (null for absent optional inputs). */
    @FunctionalInterface
    public interface ShapeRule<P> {
        Shape[] outputShapes(P params, Shape[] inputs);
    }

    /**
     * The outputs' dtypes for given params and input dtypes (null for absent optional inputs): one per output, or
     * fewer, the last covering the rest (a single entry for all outputs; null for outputs sized by the kernel). It
     * rejects a dtype the op does not take: with {@link DTypeRules#reject} (the op then names the input), or with an
     * IllegalArgumentException naming the op. {@link DTypeRules} holds the common rules.
     */
    @FunctionalInterface
    public interface DTypeRule<P> {
        DType[] outputDTypes(P params, DType[] inputDTypes);
    }

    /** Builds one declaration; see {@link Op#declare}. */
    public static final class Builder<P> {
        private final String name;
        private final String[] inputs;
        private String family;
        private String[] outputs = {"out"};
        private int visibleOutputs = -1;
        private int inPlaceInput = -1;
        private int[] updated = {};
        private int[] sizedByKernel = {};
        private ShapeRule<P> shapeRule;
        private DTypeRule<P> dtypeRule;
        private Derivative<P> derivative;

        private Builder(String name, String[] inputs) {
            this.name = name;
            this.inputs = inputs.clone();
        }

        /** The outputs' names (default one, "out"); an op that only updates its inputs in place declares none. */
        public Builder<P> outputs(String... names) {
            this.outputs = names.clone();
            return this;
        }

        /** The family this op belongs to (default: its own name), e.g. "conv2d" for conv2d_backward_data. */
        public Builder<P> family(String value) {
            this.family = value;
            return this;
        }

        /** Outputs from {@code count} on are saved state for the derivative, not results. */
        public Builder<P> visibleOutputs(int count) {
            this.visibleOutputs = count;
            return this;
        }

        /** The first output may be this input itself (element-wise kernels written in place). */
        public Builder<P> inPlace(int input) {
            this.inPlaceInput = input;
            return this;
        }

        /** The inputs the op writes in place (an update with no outputs writes its parameter and state). */
        public Builder<P> updates(int... inputs) {
            this.updated = inputs.clone();
            return this;
        }

        /**
         * These outputs are backend-specific state only the kernel can size (a pooling workspace): the shape rule
         * gives null for them, the dispatcher passes them to the kernel as null, and the kernel that runs stores there
         * a tensor it allocated on its device, or leaves null when the call does not produce one. A caller of
         * {@code Dispatch.run} passes null for them and finds the kernel's tensor (its to own) in the array afterwards.
         */
        public Builder<P> sizedByKernel(int... outputIndices) {
            this.sizedByKernel = outputIndices.clone();
            return this;
        }

        /**
         * The rule for the inputs' and outputs' dtypes (default {@link DTypeRules#defaultRule()}: inputs of one
         * floating dtype, float32 or float64, outputs that dtype).
         */
        public Builder<P> dtypes(DTypeRule<P> rule) {
            this.dtypeRule = rule;
            return this;
        }

        public Builder<P> derivative(Derivative<P> value) {
            this.derivative = value;
            return this;
        }

        public Op<P> shapes(ShapeRule<P> rule) {
            this.shapeRule = rule;
            if (visibleOutputs > outputs.length || (visibleOutputs >= 0 && repeats(outputs))) {
                throw new IllegalArgumentException(name + ": " + visibleOutputs + " visible of " + Arrays.toString(outputs));
            }
            for (int output : sizedByKernel) {
                if (output < 0 || output >= outputs.length) {
                    throw new IllegalArgumentException(name + ": no output " + output + " in " + Arrays.toString(outputs));
                }
            }
            return new Op<>(this);
        }
    }
}
