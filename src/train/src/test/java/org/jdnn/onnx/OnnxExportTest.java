package org.jdnn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.jdnn.nn.models.Models;
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
import org.jdnn.nn.Maxout;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.nn.Sigmoid;
import org.jdnn.nn.Softplus;
import org.jdnn.nn.Tanh;
import org.jdnn.nn.models.ResNet;
import org.jdnn.ops.Pool2dParams;
import org.jdnn.ops.PoolAlgorithm;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX export checked by running the exported file in ONNX Runtime and comparing with jdnn's eval-mode output on the
 * same seeded random input, at batch sizes other than the traced one (the batch dimension is dynamic).
 */
class OnnxExportTest {
    /** float32 through different kernels (ORT's MLAS vs oneDNN): agreement to about 1e-5 of the output's scale. */
    private static final double TOLERANCE = 1e-5;

    private static OrtEnvironment ort;

    @TempDir
    Path dir;

    /** A process-wide singleton, closed by ONNX Runtime at exit. */
    @BeforeAll
    static void startRuntime() {
        ort = OrtEnvironment.getEnvironment();
    }

    /** Largest |jdnn - ORT| over the largest |jdnn|, for each batch size; asserts it is within the tolerance. */
    private double assertOrtAgrees(String what, Module model, long[] sampleDims, int... batches)
            throws IOException, OrtException {
        Path file = dir.resolve(what + ".onnx");
        OnnxExport.write(model, Shape.of(sampleDims), file);
        double worst = 0;
        try (OrtSession session = ort.createSession(file.toString(), new OrtSession.SessionOptions())) {
            for (int batch : batches) {
                long[] dims = sampleDims.clone();
                dims[0] = batch;
                try (Scope scope = Scope.open()) {
                    Tensor x = Tensor.randn(new SplittableRandom(batch * 31L + what.hashCode()), dims);
                    model.eval();
                    Tensor expected = model.call(x);
                    float[] want = expected.toFloatArray();
                    float[] got;
                    long[] gotDims;
                    try (OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(x.toFloatArray()), dims);
                         OrtSession.Result result = session.run(Map.of("input", input))) {
                        OnnxTensor out = (OnnxTensor) result.get("output").orElseThrow();
                        gotDims = out.getInfo().getShape();
                        FloatBuffer buffer = out.getFloatBuffer();
                        got = new float[buffer.remaining()];
                        buffer.get(got);
                    }
                    assertArrayEquals(expected.dims(), gotDims, what + " batch " + batch + ": output shape");
                    double scale = 0, diff = 0;
                    for (int i = 0; i < want.length; i++) {
                        scale = Math.max(scale, Math.abs(want[i]));
                        diff = Math.max(diff, Math.abs(want[i] - got[i]));
                    }
                    double relative = diff / Math.max(scale, 1e-30);
                    assertTrue(relative <= TOLERANCE, what + " batch " + batch + " shape " + Arrays.toString(dims)
                            + ": max |jdnn - ORT| = " + diff + " over max |jdnn| = " + scale + " = " + relative);
                    worst = Math.max(worst, relative);
                }
            }
        }
        System.out.printf("onnx %s: max relative difference to ORT %.3g%n", what, worst);
        return worst;
    }

    /** Running statistics and affine parameters away from their initial 0/1, so batch norm is really checked. */
    private static Module randomizeBatchNorms(Module model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (Scope scope = Scope.open()) {
            randomize(model, random);
        }
        return model;
    }

    private static void randomize(Module model, SplittableRandom random) {
        for (BatchNorm bn : model.modules(BatchNorm.class)) {
            long c = bn.numFeatures();
            bn.runningMean().copyFrom(Tensor.randn(random, c));
            bn.runningVar().copyFrom(Tensor.uniform(random, 0.5f, 2f, c));
            if (bn.weight() != null) {
                bn.weight().copyFrom(Tensor.uniform(random, 0.5f, 1.5f, c));
                bn.bias().copyFrom(Tensor.randn(random, c));
            }
        }
    }

    @Test
    void mlpMatchesOnnxRuntime() throws Exception {
        try (Module mlp = Models.create("mlp", 7)) {
            assertOrtAgrees("mlp", mlp, new long[] {1, 1, 28, 28}, 1, 5);
        }
    }

    @Test
    void lenetMatchesOnnxRuntime() throws Exception {
        try (Module lenet = Models.create("lenet", 8)) {
            assertOrtAgrees("lenet", lenet, new long[] {1, 1, 28, 28}, 1, 4);
        }
    }

    @Test
    void convBatchNormPoolModelMatchesOnnxRuntime() throws Exception {
        try (Module cnn = randomizeBatchNorms(Models.create("cnn", 9), 10)) {
            cnn.train(); // exported as in eval whatever the mode, and the mode is given back
            assertOrtAgrees("cnn", cnn, new long[] {2, 1, 28, 28}, 3);
            cnn.train();
            OnnxExport.toBytes(cnn, Shape.of(1, 1, 28, 28));
            assertTrue(cnn.modules().stream().allMatch(Module::isTraining), "training mode restored");
        }
    }

    @Test
    void everyActivationAndPoolingMatchesOnnxRuntime() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        Module model = new Sequential(
                new Conv2d(3, 8, 3, 1, 1, 1, 1, true, r), new BatchNorm2d(8), new LeakyReLU(0.1f),
                new Conv2d(8, 8, 3, 1, 2, 2, 2, false, r), new ELU(0.7f),
                new MaxPool2d(3, 2, 1, 2, true),
                new Conv2d(8, 6, 1, 1, 0, 1, 1, true, r), new GELU(), new Sigmoid(),
                new AvgPool2d(3, 2, 1, true, false),
                new Conv2d(6, 6, 3, 1, 1, 1, 1, true, r), new GELU("tanh"), new Softplus(2f, 3f), new Tanh(),
                new AvgPool2d(Pool2dParams.avg(2, 1, 0, true)),
                new AdaptiveAvgPool2d(2, 1),
                new Flatten(1, 2), new Flatten(),
                new Linear(12, 16, true, r), new BatchNorm1d(16), new Dropout(0.5f, 3), new Softplus(), new ReLU(),
                new Linear(16, 5, false, r));
        try (model) {
            randomizeBatchNorms(model, 12);
            assertOrtAgrees("layers", model, new long[] {1, 3, 17, 15}, 1, 3);
        }
    }

    @Test
    void linearOnHigherRankAndBatchNorm1dOnSequencesMatchOnnxRuntime() throws Exception {
        SplittableRandom r = new SplittableRandom(13);
        try (Module model = randomizeBatchNorms(new Sequential(new BatchNorm1d(4), new Linear(6, 3, true, r)), 14)) {
            assertOrtAgrees("rank3", model, new long[] {2, 4, 6}, 1, 3);
        }
    }

    @Test
    void residualBlocksAndResNetMatchOnnxRuntime() throws Exception {
        SplittableRandom r = new SplittableRandom(15);
        Module blocks = new Sequential(new Conv2d(3, 8, 3, 1, 1, 1, 1, false, r), new BasicBlock(8, 8, 1, r),
                new BasicBlock(8, 16, 2, r), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(16, 4, true, r));
        try (blocks; ResNet resnet = ResNet.resnet18(10, 16)) {
            assertOrtAgrees("blocks", randomizeBatchNorms(blocks, 17), new long[] {1, 3, 12, 12}, 2);
            assertOrtAgrees("resnet18", randomizeBatchNorms(resnet, 18), new long[] {1, 3, 32, 32}, 2);
        }
    }

    // ---- what cannot be exported ----

    @Test
    void unsupportedModuleIsNamed() {
        try (Module model = new Sequential(new Linear(4, 4, true, 1), new Maxout(4, 2, 3, 2))) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(model, Shape.of(1, 4)));
            assertTrue(e.getMessage().contains("'1'") && e.getMessage().contains("Maxout")
                    && e.getMessage().contains("supported: Sequential"), e.getMessage());
        }
    }

    @Test
    void subclassWithItsOwnForwardIsRefused() {
        Module doubled = new ReLU() {
            @Override
            public Tensor forward(Tensor input) {
                return super.forward(input).mul(2f);
            }
        };
        try (Module model = new Sequential(doubled)) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(model, Shape.of(2, 3)));
            assertTrue(e.getMessage().contains("'0'") && e.getMessage().contains("cannot be exported"), e.getMessage());
        }
    }

    @Test
    void whatOpset17CannotExpressIsRefusedWithTheReason() {
        try (Module flattenBatch = new Sequential(new Flatten(0));
             Module uneven = new Sequential(new AdaptiveAvgPool2d(3))) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(flattenBatch, Shape.of(2, 3)));
            assertTrue(e.getMessage().contains("batch dimension"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(uneven, Shape.of(1, 2, 7, 7)));
            assertTrue(e.getMessage().contains("7x7 to 3x3"), e.getMessage());
        }
        try (Module dilatedAvg = new AvgPool2d(new Pool2dParams(PoolAlgorithm.AVG_INCLUDE_PADDING,
                2, 2, 1, 1, 0, 0, 0, 0, 2, 2, false))) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(dilatedAvg, Shape.of(1, 1, 6, 6)));
            assertTrue(e.getMessage().contains("dilation"), e.getMessage());
        }
        try (Module linear = new Linear(3, 2, true, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(linear, Shape.of(3)));
            assertTrue(e.getMessage().contains("batch dimension"), e.getMessage());
        }
    }

    @Test
    void forwardHookThatChangesTheOutputIsDetected() {
        try (Linear linear = new Linear(3, 2, true, 1); Module model = new Sequential(linear)) {
            linear.registerForwardHook((m, in, out) -> out.mul(3f));
            var e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toBytes(model, Shape.of(2, 3)));
            assertTrue(e.getMessage().contains("forward hook"), e.getMessage());
        }
    }

    @Test
    void aFailedExportLeavesNoFile() throws IOException {
        Path file = dir.resolve("bad.onnx");
        try (Module model = new Sequential(new Maxout(4, 2, 3, 2))) {
            assertThrows(IllegalArgumentException.class, () -> OnnxExport.write(model, Shape.of(1, 4), file));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void dropoutOnlyModelIsAnIdentityGraph() throws Exception {
        try (Module model = new Sequential(new Dropout(0.3f, 1))) {
            assertFalse(OnnxExport.toBytes(model, Shape.of(1, 2)).length == 0);
            assertOrtAgrees("identity", model, new long[] {1, 2}, 4);
        }
    }

    // ---- the wire format ----

    @Test
    void wireFormatMatchesTheProtobufEncoding() {
        // Examples of the protobuf encoding guide: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        assertArrayEquals(new byte[] {0x08, (byte) 0x96, 0x01}, new ProtoWriter().varint(1, 150).toByteArray());
        assertArrayEquals(new byte[] {0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'},
                new ProtoWriter().string(2, "testing").toByteArray());
        // A negative int64 takes ten bytes; a float is fixed32 little-endian; field 20 needs a two-byte tag.
        byte[] negative = new ProtoWriter().varint(1, -1).toByteArray();
        assertEquals(11, negative.length);
        assertEquals(0x01, negative[10]);
        assertArrayEquals(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3f}, new ProtoWriter().float32(2, 1f).toByteArray());
        assertArrayEquals(new byte[] {(byte) 0xa0, 0x01, 0x07}, new ProtoWriter().varint(20, 7).toByteArray());
        // A nested message is length-delimited: field 3 holding {field 1 = 150} is 1a 03 08 96 01.
        assertArrayEquals(new byte[] {0x1a, 0x03, 0x08, (byte) 0x96, 0x01},
                new ProtoWriter().message(3, new ProtoWriter().varint(1, 150)).toByteArray());
    }
}
