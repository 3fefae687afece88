package org.jdnn.ops;

import org.jdnn.tensor.DType;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The common {@linkplain Op.DTypeRule dtype rules} of op declarations. Each rule checks the present inputs (null
 * entries are absent optional inputs) and gives the outputs' dtypes, one entry covering every output unless it says
 * otherwise. A rejected input is reported with {@link #reject}, which the op turns into an IllegalArgumentException
 * naming the op, the input and its dtype.
 */
public final class DTypeRules {
    private static final DType[] FLOAT32_OUT = {DType.FLOAT32};

    private DTypeRules() {
    }

    /**
     * The rule of an op that declares none: {@link #sameFloat()}, every present input of one floating dtype, float32
     * or float64, the outputs that dtype. The reference backend computes both; oneDNN falls back to it for float64.
     */
    public static <P> Op.DTypeRule<P> defaultRule() {
        return sameFloat();
    }

    /** Every present input float32; every output float32. */
    public static <P> Op.DTypeRule<P> float32Only() {
        return (p, in) -> {
            for (int i = 0; i < in.length; i++) {
                if (in[i] != null && in[i] != DType.FLOAT32) {
                    throw reject(i, in[i], "only float32 is supported");
                }
            }
            return FLOAT32_OUT;
        };
    }

    /**
     * Every present input of one floating dtype, float32 or float64; the outputs that dtype. Mixing float32 and float64
     * is refused (PyTorch would promote to float64).
     */
    public static <P> Op.DTypeRule<P> sameFloat() {
        return (p, in) -> new DType[] {commonFloat(in)};
    }

    /** Every present input of one floating dtype (float32 or float64), the outputs {@code outputs} (int64 indices, a bool mask). */
    public static <P> Op.DTypeRule<P> sameFloatTo(DType... outputs) {
        DType[] out = requireOutputs(outputs);
        return (p, in) -> {
            commonFloat(in);
            return out;
        };
    }

    /** Every present input of one dtype among {@code allowed}; the outputs that dtype (concat, where, copies). */
    public static <P> Op.DTypeRule<P> same(Set<DType> allowed) {
        Set<DType> set = EnumSet.copyOf(allowed);
        return (p, in) -> new DType[] {common(in, set)};
    }

    /** Every present input of one dtype among {@code allowed}; the outputs {@code outputs} (comparisons give bool). */
    public static <P> Op.DTypeRule<P> sameTo(Set<DType> allowed, DType... outputs) {
        Set<DType> set = EnumSet.copyOf(allowed);
        DType[] out = requireOutputs(outputs);
        return (p, in) -> {
            common(in, set);
            return out;
        };
    }

    /**
     * Input {@code i} (when present) of dtype {@code inputs[i]} (the last entry covering the rest; a null entry takes
     * any dtype), the outputs {@code outputs}: for ops with fixed dtypes, such as a loss taking float32 scores and
     * int64 class indices.
     */
    public static <P> Op.DTypeRule<P> exactly(DType[] inputs, DType... outputs) {
        DType[] expected = inputs.clone();
        DType[] out = requireOutputs(outputs);
        return (p, in) -> {
            for (int i = 0; i < in.length; i++) {
                DType want = expected.length == 0 ? null : expected[Math.min(i, expected.length - 1)];
                if (in[i] != null && want != null && in[i] != want) {
                    throw reject(i, in[i], "expected " + want);
                }
            }
            return out;
        };
    }

    /** The dtypes the reference backend computes floats in: float32 and float64. */
    public static final Set<DType> FLOATS = Set.of(DType.FLOAT32, DType.FLOAT64);

    /** The dtypes with kernels (float32, float64, int64, bool); the others are reserved. */
    public static final Set<DType> SUPPORTED = Set.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);

    /**
     * The exception a rule throws for input {@code input} of dtype {@code dtype}; {@code expected} says what the op
     * takes ("only float32 is supported"). The op rethrows it as an IllegalArgumentException naming itself and the input.
     */
    public static InputDTypeException reject(int input, DType dtype, String expected) {
        return new InputDTypeException(input, dtype, expected, -1, null);
    }

    /**
     * The exception a rule throws when input {@code input} of dtype {@code dtype} does not match input {@code other}
     * of dtype {@code otherDType}; the op names both.
     */
    public static InputDTypeException mismatch(int input, DType dtype, int other, DType otherDType) {
        return new InputDTypeException(input, dtype, "operands must share one dtype (PyTorch would promote them; "
                + "convert one with to(dtype))", other, otherDType);
    }

    /** A rule's refusal of one input's dtype; see {@link #reject}. */
    public static final class InputDTypeException extends IllegalArgumentException {
        private final int input;
        private final transient DType dtype;
        private final String expected;
        private final int other;
        private final transient DType otherDType;

        InputDTypeException(int input, DType dtype, String expected, int other, DType otherDType) {
            super("input " + input + " has dtype " + dtype + (other < 0 ? "" : " but input " + other + " has dtype "
                    + otherDType) + ", " + expected);
            this.input = input;
            this.dtype = dtype;
            this.expected = expected;
            this.other = other;
            this.otherDType = otherDType;
        }

        /** The input the rejected one does not match, or -1 when the dtype is refused on its own. */
        public int other() {
            return other;
        }

        public DType otherDType() {
            return otherDType;
        }

        public int input() {
            return input;
        }

        public DType dtype() {
            return dtype;
        }

        public String expected() {
            return expected;
        }
    }

    private static DType commonFloat(DType[] in) {
        return common(in, FLOATS);
    }

    /** The one dtype of the present inputs (float32 when there are none), which must be in {@code allowed}. */
    private static DType common(DType[] in, Set<DType> allowed) {
        DType common = null;
        int first = -1;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) {
                continue;
            }
            if (!allowed.contains(in[i])) {
                throw reject(i, in[i], "expected " + names(allowed));
            }
            if (common == null) {
                common = in[i];
                first = i;
            } else if (in[i] != common) {
                throw mismatch(first, common, i, in[i]);
            }
        }
        return common == null ? DType.FLOAT32 : common;
    }

    private static String names(Set<DType> dtypes) {
        return dtypes.stream().sorted().map(DType::toString).collect(Collectors.joining(" or "));
    }

    private static DType[] requireOutputs(DType[] outputs) {
        if (outputs.length == 0 || Arrays.asList(outputs).contains(null)) {
            throw new IllegalArgumentException("dtype rule: output dtypes " + Arrays.toString(outputs)
                    + " must be given and not null");
        }
        return outputs.clone();
    }
}
