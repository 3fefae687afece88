package org.jdnn.matrix;

import org.jdnn.autograd.Calls;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.Dispatch;
import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every op of the matrix in float64 on the reference backend: each float32 sample is run again with its operands in
 * float64. The outputs must be float64 and agree with the float32 run within the entry's tolerance (the float32
 * run's own rounding), and, at finite samples whose derivative the matrix checks, every input gradient must match
 * central finite differences taken in double within 1e-6 relative: the gradient check {@code torch.autograd.gradcheck}
 * runs in double. oneDNN and sim take float64 through the reference's kernels (a declared fallback on oneDNN), so the
 * reference is what is tested here.
 */
class Float64MatrixTest {
    private static final long SEED = Long.getLong("jdnn.matrix.seed", 20261124L);
    private static final int FD_ELEMENTS = 16;
    private static final double FD_STEP = 1e-6;
    private static final double FD_TOLERANCE = 1e-6;

    @TestFactory
    Stream<DynamicNode> float64OnTheReference() {
        String only = System.getProperty("jdnn.matrix.ops");
        return OpEntries.all().stream().filter(e -> only == null || e.op().name().matches(only))
                .map(Float64MatrixTest::entry);
    }

    private static <P> DynamicNode entry(OpInfo<P> info) {
        List<Sample<P>> samples = info.samples().draw(new SplittableRandom(SEED ^ info.op().name().hashCode()));
        List<DynamicNode> tests = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Sample<P> sample = samples.get(i);
            if (sample.isRejected() || !allFloat32(sample)) {
                continue;
            }
            int index = i;
            tests.add(dynamicTest("#" + i + " " + sample.description(), () -> check(info, sample, index)));
        }
        if (tests.isEmpty()) {
            tests.add(dynamicTest("no float32 sample", () -> Assumptions.abort("no float32 sample to run in float64")));
        }
        return dynamicContainer(info.op().name(), tests);
    }

    private static boolean allFloat32(Sample<?> sample) {
        return Arrays.stream(sample.inputs()).allMatch(o -> o == null || o.dtype() == DType.FLOAT32);
    }

    private static <P> Sample<P> inFloat64(Sample<P> sample) {
        Sample.Operand[] inputs = Arrays.stream(sample.inputs()).map(o -> o == null ? null : o.as(DType.FLOAT64))
                .toArray(Sample.Operand[]::new);
        return new Sample<>(sample.description(), sample.params(), inputs, null, sample.derivative());
    }

    private static <P> void check(OpInfo<P> info, Sample<P> sample32, int index) {
        Op<P> op = info.op();
        Sample<P> sample = inFloat64(sample32);
        Backend reference = Backends.get(Backends.REFERENCE);
        try (Scope scope = Scope.open()) {
            Tensor[] in32 = sample32.tensors(), out32 = allocate(op, sample32);
            Dispatch.run(reference, op, sample32.params(), in32, out32);
            float[][] expected = CallValues.of(op, out32, in32);

            Tensor[] in = sample.tensors(), out = allocate(op, sample);
            Dispatch.run(reference, op, sample.params(), in, out);
            if (out.length > 0 && out[0] != null && op.outputDTypes(sample32.params(), sample32.dtypes())[0]
                    == DType.FLOAT32 && !(sample.params() instanceof org.jdnn.ops.CastOps.CastParams)) {
                // Where float32 operands give a float32 result, float64 operands give a float64 one.
                assertEquals(DType.FLOAT64, out[0].dtype(), op + ": output " + op.outputName(0));
            }
            float[][] got = CallValues.of(op, out, in);
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] == null) {
                    continue;
                }
                // The float32 run is the one off by its rounding: the entry's bounds for a backend apply.
                double atol = info.atolPerSqrtK() * Math.sqrt(info.outputReduction(sample, Math.min(i, out.length - 1)))
                        + 1e-6;
                Comparison c = Comparison.of(expected[i], got[i], Math.max(info.rtol(), 1e-5), atol);
                if (c.failure() != null) {
                    failures.add("float64 vs float32, " + CallValues.name(op, i, expected.length) + ": " + c.failure());
                }
            }
            if (op.derivative() != null && sample.derivative() == Sample.Derivative.CHECKED && sample.finite()
                    && out.length > 0 && out[0] != null && out[0].dtype() == DType.FLOAT64) {
                gradients(op, sample, in, out, index, failures);
            }
            if (!failures.isEmpty()) {
                fail(op + " in float64 on the reference, #" + index + " " + sample + ":\n  "
                        + String.join("\n  ", failures));
            }
        }
    }

    /** The derivative in float64 against central differences of {@code <op(x), c>} in double. */
    private static <P> void gradients(Op<P> op, Sample<P> sample, Tensor[] in, Tensor[] out, int index,
                                      List<String> failures) {
        Backend reference = Backends.get(Backends.REFERENCE);
        Shape outShape = out[0].shape();
        double[] c = new double[Math.toIntExact(outShape.numel())];
        SplittableRandom r = new SplittableRandom(SEED * 31 + index);
        for (int j = 0; j < c.length; j++) {
            c[j] = r.nextGaussian();
        }
        Tensor gradOutput = Tensor.ofDoubles(c, outShape.dims());
        boolean[] needs = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            needs[i] = in[i] != null;
        }
        Tensor[] grads = Backends.with(reference, () -> op.derivative().gradients(sample.params(), in, out,
                gradOutput, needs, Calls.INSTANCE));
        for (int i = 0; i < in.length; i++) {
            if (grads[i] == null) {
                continue;
            }
            if (grads[i].dtype() != DType.FLOAT64) {
                failures.add("the gradient of " + op.inputName(i) + " is " + grads[i].dtype() + ", not float64");
                continue;
            }
            double[] g = grads[i].toDoubleArray();
            Tensor[] inputs = sample.tensors();
            Tensor[] outputs = allocate(op, sample);
            Tensor flat = inputs[i].reshape(inputs[i].numel());
            int[] elements = new SplittableRandom(SEED + 7919L * index + i).ints(0, Math.max(g.length, 1))
                    .distinct().limit(Math.min(FD_ELEMENTS, g.length)).toArray();
            for (int j : elements) {
                double original = flat.getDouble(j);
                double h = FD_STEP * Math.max(1, Math.abs(original));
                flat.setDouble(original + h, j);
                double plus = loss(reference, op, sample.params(), inputs, outputs, c);
                flat.setDouble(original - h, j);
                double minus = loss(reference, op, sample.params(), inputs, outputs, c);
                flat.setDouble(original, j);
                double fd = (plus - minus) / (2 * h);
                if (!(Math.abs(fd - g[j]) <= FD_TOLERANCE * (1 + Math.abs(g[j])))) {
                    failures.add(String.format("d<out, c>/d%s[%d]: derivative %.12g, finite difference %.12g "
                            + "(|fd - g| / (1 + |g|) = %.2e > %.0e)", op.inputName(i), j, g[j], fd,
                            Math.abs(fd - g[j]) / (1 + Math.abs(g[j])), FD_TOLERANCE));
                }
            }
        }
    }

    private static <P> double loss(Backend backend, Op<P> op, P params, Tensor[] inputs, Tensor[] outputs,
                                   double[] c) {
        CallValues.clearSizedByKernel(op, outputs);
        Dispatch.run(backend, op, params, inputs, outputs);
        double[] y = outputs[0].toDoubleArray();
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += y[j] * c[j];
        }
        return sum;
    }

    private static <P> Tensor[] allocate(Op<P> op, Sample<P> sample) {
        Shape[] shapes = op.outputShapes(sample.params(), sample.shapes());
        DType[] dtypes = op.outputDTypes(sample.params(), sample.dtypes());
        Tensor[] outputs = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            outputs[i] = shapes[i] == null ? null
                    : Tensor.full(Double.NaN, Op.outputDType(dtypes, i), Device.CPU, shapes[i].dims());
        }
        return outputs;
    }
}
