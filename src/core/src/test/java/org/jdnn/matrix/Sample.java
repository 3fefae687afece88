package org.jdnn.matrix;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * One sample input of an op: its params and its input operands (null for an absent optional input), with a readable
 * description, and — for a sample the op must refuse — the fragment its IllegalArgumentException must contain.
 *
 * @param rejection  null for a sample the op computes; else a fragment of the expected message (the message must also
 *                   name the op or its family)
 * @param derivative how a differentiable op's derivative is checked at this sample
 */
public record Sample<P>(String description, P params, Operand[] inputs, String rejection, Derivative derivative) {

    /** How the derivative of a differentiable op is checked at a sample. */
    public enum Derivative {
        /**
         * Compared on every backend with the reference's and, with finite inputs, checked on the reference against
         * finite differences and the dot-product test (the default).
         */
        CHECKED,
        /**
         * Compared on every backend with the reference's only: the sample sits where the op is not smooth within a
         * finite-difference step (log at 0, below its clamp), so finite differences prove nothing there.
         */
        COMPARED,
        /**
         * The op refuses its derivative at this sample (eltwise STEP): forward only; on every backend the derivative
         * must throw an IllegalArgumentException naming the op or its family.
         */
        REFUSED
    }

    /** A sample whose derivative, if any, is fully checked. */
    public Sample(String description, P params, Operand[] inputs, String rejection) {
        this(description, params, inputs, rejection, Derivative.CHECKED);
    }

    /**
     * An input operand: a shape, its values (row-major) and its dtype, identical on every backend. The values are held
     * as floats: an int64 operand's must be integers below 2^24 in magnitude (exact in a float), a bool operand's 0 or 1.
     */
    public record Operand(Shape shape, float[] values, DType dtype) {
        public Operand {
            if (dtype == null) {
                throw new IllegalArgumentException("operand: dtype is null");
            }
            if (shape.numel() != values.length) {
                throw new IllegalArgumentException("operand: " + values.length + " values for shape " + shape);
            }
            for (float v : values) {
                boolean fits = switch (dtype) {
                    case INT64 -> v == Math.rint(v) && Math.abs(v) < (1 << 24);
                    case BOOL -> v == 0 || v == 1;
                    default -> true;
                };
                if (!fits) {
                    throw new IllegalArgumentException("operand: value " + v + " is not exact in " + dtype);
                }
            }
        }

        /** A float32 operand. */
        public Operand(Shape shape, float[] values) {
            this(shape, values, DType.FLOAT32);
        }

        /** A fresh tensor holding these values in the operand's dtype (on the CPU, in the current scope). */
        public Tensor tensor() {
            return switch (dtype) {
                case FLOAT32 -> Tensor.of(values, shape.dims());
                case INT64 -> {
                    long[] longs = new long[values.length];
                    for (int i = 0; i < values.length; i++) {
                        longs[i] = (long) values[i];
                    }
                    yield Tensor.ofLongs(longs, shape.dims());
                }
                case BOOL -> {
                    boolean[] booleans = new boolean[values.length];
                    for (int i = 0; i < values.length; i++) {
                        booleans[i] = values[i] != 0;
                    }
                    yield Tensor.ofBooleans(booleans, shape.dims());
                }
                case FLOAT64 -> {
                    double[] doubles = new double[values.length];
                    for (int i = 0; i < values.length; i++) {
                        doubles[i] = values[i];
                    }
                    yield Tensor.ofDoubles(doubles, shape.dims());
                }
                default -> throw new IllegalArgumentException("operand: no " + dtype + " operands yet");
            };
        }

        /** This operand with {@code dtype} (the same values). */
        public Operand as(DType other) {
            return new Operand(shape, values, other);
        }

        /**
         * A fresh tensor holding these values on {@code device} (in the current scope): built on the CPU and, for
         * another device, copied there (one counted copy).
         */
        public Tensor tensor(Device device) {
            Tensor host = tensor();
            if (device.isHost()) {
                return host;
            }
            try (host) {
                return host.to(device);
            }
        }

        public boolean finite() {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return dtype == DType.FLOAT32 ? shape.toString() : shape + " " + dtype;
        }
    }

    /** A sample the op computes. */
    public static <P> Sample<P> of(String description, P params, Operand... inputs) {
        return new Sample<>(description, params, inputs, null);
    }

    /** A sample the op must refuse with an IllegalArgumentException containing {@code messagePart}. */
    public static <P> Sample<P> rejected(String description, String messagePart, P params, Operand... inputs) {
        return new Sample<>(description, params, inputs, messagePart);
    }

    /** This sample with its derivative compared across backends only (see {@link Derivative#COMPARED}). */
    public Sample<P> comparedOnly() {
        return new Sample<>(description, params, inputs, rejection, Derivative.COMPARED);
    }

    /** This sample, forward only: the op must refuse its derivative here (see {@link Derivative#REFUSED}). */
    public Sample<P> forwardOnly() {
        return new Sample<>(description, params, inputs, rejection, Derivative.REFUSED);
    }

    public boolean isRejected() {
        return rejection != null;
    }

    /** Whether every input value is finite (finite differences and the dot-product test need it). */
    public boolean finite() {
        return Arrays.stream(inputs).allMatch(o -> o == null || o.finite());
    }

    /** The inputs' dtypes, null for absent ones. */
    public DType[] dtypes() {
        return Arrays.stream(inputs).map(o -> o == null ? null : o.dtype()).toArray(DType[]::new);
    }

    /** The inputs' shapes, null for absent ones. */
    public Shape[] shapes() {
        return Arrays.stream(inputs).map(o -> o == null ? null : o.shape()).toArray(Shape[]::new);
    }

    /** Fresh tensors for the inputs, on the CPU (null stays null). */
    public Tensor[] tensors() {
        return tensors(Device.CPU);
    }

    /** Fresh tensors for the inputs on {@code device} (null stays null). */
    public Tensor[] tensors(Device device) {
        return Arrays.stream(inputs).map(o -> o == null ? null : o.tensor(device)).toArray(Tensor[]::new);
    }

    @Override
    public String toString() {
        return description;
    }
}
