package org.jdnn.nn;

import org.jdnn.autograd.Autograd;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.reference.ReferenceBackend;
import org.jdnn.loss.CrossEntropyOptions;
import org.jdnn.loss.Losses;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Idx;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.ValuesIndices;
import org.jdnn.testing.Parity;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A PyTorch tutorial's training loop ported line for line, on the reference, on oneDNN and on the sim device, against
 * PyTorch 2.13's numbers (CPU, float32). The PyTorch program:
 * <pre>
 * def vals(n, a, m, off, scale): return [((i * a) % m - off) / scale for i in range(n)]
 * x = torch.tensor(vals(30, 7, 11, 5, 4.0)).reshape(2, 3, 5)          # (batch, sequence, features)
 * model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
 * def init(m):                                                          # initialise by layer type
 *     if isinstance(m, nn.Linear):
 *         with torch.no_grad():
 *             m.weight.copy_(torch.tensor(vals(m.weight.numel(), 5, 13, 6, 10.0)).reshape(m.weight.shape))
 *             m.bias.copy_(torch.tensor(vals(m.bias.numel(), 3, 7, 3, 10.0)))
 * model.apply(init)
 * shapes = []
 * model[0].register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape)))
 * labels = torch.tensor([[0, 2, 1], [2, 2, 0]])                         # int64
 * opt = torch.optim.Adam(model.parameters(), lr=0.05, amsgrad=True)
 * for step in range(10):
 *     logits3 = model(x)                                                # linear on rank-3 input
 *     logits3.retain_grad()
 *     logits = logits3.permute(0, 2, 1)                                 # (N, C, d)
 *     loss = F.cross_entropy(logits, labels, weight=torch.tensor([1., 2., .5]), ignore_index=1, label_smoothing=0.1)
 *     opt.zero_grad(); loss.backward(); opt.step()
 * with torch.no_grad():
 *     pred = model(x).argmax(-1); accuracy = (pred == labels).float().mean()
 * </pre>
 * Tolerances: 4e-6 relative for the first pass (a few float32 roundings), 2e-5 for the trajectory of ten Adam steps.
 */
class TutorialPortTest {
    private static final float[] LOSSES = {1.15152729f, 1.02899933f, 0.936609983f, 0.865392745f, 0.812135518f,
        0.773833156f, 0.746098161f, 0.724052191f, 0.703671634f, 0.682547331f};
    private static final float[] LOGITS = {-0.336569965f, -0.451889694f, 0.0417745113f, -0.148973152f, -0.34508875f,
        0.407803327f, -0.273419052f, 0.128713012f, 0.467045069f, -0.227695778f, 0.327902079f, 0.546206474f,
        0.143110156f, -0.0579416454f, 0.71701622f, 0.0377467275f, 0.0739886612f, 0.618576825f};
    private static final float[] FIRST_WEIGHT_GRAD = {-0.0520212054f, 0.0159265008f, -0.010121515f, 0.0623580143f,
        -0.00473916437f, 0.0626139194f, 0.0119201979f, -0.0389921442f, 0.0606735498f, -0.0109360777f,
        -0.0240119807f, -0.0106235333f, 0.0251444858f, -0.0207307134f, 0.00741709862f, -0.0209031589f,
        0.0221552998f, -0.0399091318f, 0.0957445949f, -0.00348899839f};
    private static final float[] FIRST_BIAS_GRAD = {0.0826626644f, 0.0914250985f, -0.0721625239f, 0.102577195f};
    /** logits3.grad: zero where the target is the ignored class 1. */
    private static final float[] LOGITS_GRAD = {-0.179981843f, 0.0581955835f, 0.121786274f, 0.035866376f,
        0.0182593502f, -0.0541257188f, 0f, 0f, 0f, 0.0234426688f, 0.0384123884f, -0.0618550554f, 0.0355366245f,
        0.0178059638f, -0.0533425994f, -0.190713808f, 0.0597083792f, 0.131005421f};
    /** logits3.max(-1) after the first pass: values, and indices all 2. */
    private static final float[] MAX_VALUES = {0.0417745113f, 0.407803327f, 0.467045069f, 0.546206474f,
        0.71701622f, 0.618576825f};
    /** logits3[:, ::2, 1:] after the first pass. */
    private static final float[] STEPPED_SLICE = {-0.451889694f, 0.0417745113f, 0.128713012f, 0.467045069f,
        0.327902079f, 0.546206474f, 0.0739886612f, 0.618576825f};
    private static final float[] FINAL_FIRST_WEIGHT = {-0.217773974f, -0.401376128f, 0.877396524f, -0.8561728f,
        0.452943325f, 0.202637821f, -0.599875271f, 0.478079349f, -0.945948839f, 0.0578586236f, 0.309486628f,
        -0.246952623f, 0.164074853f, -0.887026131f, -0.597263455f, 0.403756022f, -0.271923035f, 0.216519952f,
        0.430133462f, 0.286719143f};
    private static final float[] FINAL_LAST_BIAS = {0.0275362041f, -0.388248831f, 0.088204667f};
    private static final long[] PREDICTIONS = {0, 2, 2, 2, 0, 0};

    /** PyTorch's {@code vals}: exact small fractions, so both sides start from the same float32 numbers. */
    private static float[] vals(int n, int a, int m, int offset, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (((i * a) % m - offset) / scale);
        }
        return v;
    }

    @Test
    void aTutorialTrainingLoopGivesPyTorchsNumbersOnEveryBackend() {
        List<Backend> backends = new ArrayList<>();
        backends.add(ReferenceBackend.INSTANCE);
        backends.addAll(Parity.nativeBackends());
        for (Backend backend : backends) {
            Backends.with(backend, () -> run(" on " + backend.name(), Device.CPU));
        }
        run(" on the sim device", Device.SIM);
    }

    private static void run(String on, Device device) {
        try (Scope outer = Scope.open();
             Sequential model = new Sequential(new Linear(5, 4), new Tanh(), new Linear(4, 3))) {
            Tensor x = Tensor.of(vals(30, 7, 11, 5, 4.0), 2, 3, 5).to(device);
            model.apply(m -> {
                if (m instanceof Linear linear) {
                    Tensor w = linear.weight();
                    w.copyFrom(Tensor.of(vals((int) w.numel(), 5, 13, 6, 10.0), w.dims()));
                    linear.bias().copyFrom(Tensor.of(vals((int) linear.bias().numel(), 3, 7, 3, 10.0)));
                }
            });
            model.to(device);
            assertEquals(List.of("", "0", "1", "2"), List.copyOf(model.namedModules().keySet()), "namedModules" + on);
            List<Shape> hookShapes = new ArrayList<>();
            Linear first = (Linear) model.get(0);
            first.registerForwardHook((m, in, out) -> {
                hookShapes.add(out.shape());
                return null;
            });
            Tensor labels = Tensor.ofLongs(new long[] {0, 2, 1, 2, 2, 0}, 2, 3).to(device);
            CrossEntropyOptions options = CrossEntropyOptions.builder().weight(Tensor.of(1f, 2f, 0.5f).to(device))
                    .ignoreIndex(1)
                    .labelSmoothing(0.1).build();
            float[] losses = new float[LOSSES.length];
            try (Adam optimizer = new Adam(model.parameters(), AdamParams.adam(0.05).withAmsgrad(true))) {
                for (int step = 0; step < LOSSES.length; step++) {
                    try (Scope scope = Scope.open()) {
                        Tensor logits3 = model.call(x).retainGrad();
                        Tensor logits = logits3.permute(0, 2, 1);
                        Tensor loss = Losses.crossEntropy(logits, labels, options);
                        optimizer.zeroGrad();
                        loss.backward();
                        if (step == 0) {
                            checkFirstPass(first, logits3, logits, on);
                        }
                        optimizer.step();
                        losses[step] = loss.item();
                    }
                }
            }
            Parity.assertClose(LOSSES, losses, 2e-5, 0, "losses of ten Adam (amsgrad) steps" + on);
            Parity.assertClose(FINAL_FIRST_WEIGHT, first.weight().toFloatArray(), 2e-5, 1e-7, "0.weight after" + on);
            Parity.assertClose(FINAL_LAST_BIAS, ((Linear) model.get(2)).bias().toFloatArray(), 2e-5, 1e-7,
                    "2.bias after" + on);
            assertEquals(List.of(Shape.of(2, 3, 4)), hookShapes.subList(0, 1), "forward hook output shape" + on);
            assertEquals(LOSSES.length, hookShapes.size(), "forward hook calls" + on);
            try (Scope scope = Scope.open(); var noGrad = Autograd.noGrad()) {
                Tensor logits3 = model.call(x);
                assertFalse(logits3.requiresGrad(), "no_grad output requires grad" + on);
                Tensor predictions = logits3.argmax(-1);
                assertArrayEquals(PREDICTIONS, predictions.toLongArray(), "predictions" + on);
                assertEquals(4f / 6, predictions.eq(labels).to(DType.FLOAT32).mean().item(), 1e-7, "accuracy" + on);
            }
        }
    }

    private static void checkFirstPass(Linear first, Tensor logits3, Tensor logits, String on) {
        Parity.assertClose(LOGITS, logits3.toFloatArray(), 4e-6, 1e-7, "logits" + on);
        assertEquals(Shape.of(4, 5), first.weight().grad().shape(), "0.weight.grad shape" + on);
        Parity.assertClose(FIRST_WEIGHT_GRAD, first.weight().grad().toFloatArray(), 4e-6, 1e-8, "0.weight.grad" + on);
        Parity.assertClose(FIRST_BIAS_GRAD, first.bias().grad().toFloatArray(), 4e-6, 1e-8, "0.bias.grad" + on);
        Parity.assertClose(LOGITS_GRAD, logits3.grad().toFloatArray(), 4e-6, 1e-8, "logits3.grad (retained)" + on);
        Tensor argmax = logits.argmax(1);
        assertEquals(DType.INT64, argmax.dtype(), "argmax dtype" + on);
        assertArrayEquals(new long[] {2, 2, 2, 2, 2, 2}, argmax.toLongArray(), "logits.argmax(1)" + on);
        try (ValuesIndices max = logits3.max(-1)) {
            Parity.assertClose(MAX_VALUES, max.values().toFloatArray(), 4e-6, 1e-8, "max(-1) values" + on);
            assertArrayEquals(new long[] {2, 2, 2, 2, 2, 2}, max.indices().toLongArray(), "max(-1) indices" + on);
        }
        Tensor stepped = logits3.index(Idx.all(), Idx.every(2), Idx.from(1));
        assertEquals(Shape.of(2, 2, 2), stepped.shape(), "logits3[:, ::2, 1:] shape" + on);
        Parity.assertClose(STEPPED_SLICE, stepped.toFloatArray(), 4e-6, 1e-8, "logits3[:, ::2, 1:]" + on);
        assertEquals(Arrays.toString(new long[] {2, 3, 3}), Arrays.toString(logits.dims()), "permuted dims" + on);
    }
}
