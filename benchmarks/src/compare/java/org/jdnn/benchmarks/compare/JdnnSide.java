package org.jdnn.benchmarks.compare;

import org.jdnn.Jdnn;
import org.jdnn.autograd.Autocast;
import org.jdnn.autograd.Autograd;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Module;
import org.jdnn.nn.inference.Inference;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

/**
 * The jdnn side of the comparison: one workload on oneDNN with {@code --threads} native threads. A training step
 * is what {@code Trainer.trainEpoch} runs (forward, mean cross-entropy, the loss's value, zero grad, backward, Adam
 * step, inside a {@link Scope}); an inference batch is the forward under no-grad, reading one logit, of the trained
 * model in eval mode made ready for inference by {@link Inference#optimize} (batch norm folded into the convolutions,
 * ReLU and the residual add fused into them), as a PyTorch user would run it after {@code torch.fx}'s conv-bn fusion.
 * With {@code JDNN_COMPARE_INFERENCE=eager} in the environment it times the eval-mode model as it is instead.
 * With {@code --precision bf16} both run under {@link Autocast#bf16()} (convolutions and matmuls in bf16, float32
 * master weights), and the result's side is {@code jdnn-bf16}.
 */
public final class JdnnSide {
    private final Workload workload;
    private final boolean bf16;
    private final Backend onednn = Backends.get(Backends.ONEDNN);
    private final Module net;
    private final Optimizer optimizer;
    private final Tensor images;
    private final Tensor labels;

    private JdnnSide(Workload w, String precision) {
        this.workload = w;
        this.bf16 = precision.equals("bf16");
        SeededData data = SeededData.of(w);
        net = JdnnModels.create(w);
        optimizer = new Adam(net.parameters(), AdamParams.adam(Workload.LEARNING_RATE));
        images = Tensor.of(data.images(), w.batch(), w.channels(), w.size(), w.size());
        labels = w.perPixel() ? Tensor.ofLongs(data.labels(), w.batch(), w.size(), w.size())
                : Tensor.ofLongs(data.labels(), w.batch());
    }

    private float trainStep() {
        return Backends.with(onednn, () -> {
            try (Autocast autocast = autocast(); Scope scope = Scope.open()) {
                Tensor loss = Losses.crossEntropy(net.forward(images), labels);
                float value = loss.item();
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                return value;
            }
        });
    }

    private float inferBatch(Module model) {
        return Backends.with(onednn, () -> {
            try (Autocast autocast = autocast(); Autograd.NoGrad noGrad = Autograd.noGrad();
                 Scope scope = Scope.open()) {
                Tensor logits = model.forward(images);
                return logits.get(new long[logits.rank()]);
            }
        });
    }

    private Autocast autocast() {
        return bf16 ? Autocast.bf16() : Autocast.fp32();
    }

    private Result run(int threads) {
        long parameters = net.parameters().stream().mapToLong(Tensor::numel).sum();
        System.out.printf("jdnn %s: %,d parameters%n", workload.name(), parameters);
        net.train();
        StepTimer.Timing train = StepTimer.time(this::trainStep, workload.warmupSteps(), workload.timedSteps());
        System.out.printf("jdnn %s: loss %.4f at the first step, %.4f at the last%n", workload.name(),
                train.firstValue(), train.lastValue());
        net.eval();
        boolean eager = "eager".equals(System.getenv("JDNN_COMPARE_INFERENCE"));
        Module model = eager ? net : Backends.with(onednn, () -> Inference.optimize(net));
        System.out.printf("jdnn %s: inference on the %s model%n", workload.name(),
                eager ? "eval-mode" : "optimised (Inference.optimize)");
        StepTimer.Timing infer = StepTimer.time(() -> inferBatch(model), workload.warmupSteps(), workload.timedSteps());
        if (model != net) {
            model.close();
        }
        String side = bf16 ? "jdnn-bf16" : "jdnn";
        return new Result(side, workload.name(), workload.batch(), workload.timedSteps(), train.meanMillis(),
                infer.meanMillis(), ProcessMemory.peakResidentBytes(), threads);
    }

    public static void main(String[] args) throws Exception {
        SideOptions options = SideOptions.parse(args);
        Jdnn.setNumThreads(options.threads());
        System.out.println(Jdnn.info().toString().lines().limit(2).reduce((a, b) -> a + "; " + b).orElse(""));
        options.write(new JdnnSide(options.workload(), options.precision()).run(options.threads()));
        // A kernel that oneDNN handed to the reference backend would make the comparison meaningless: say so.
        Jdnn.info().fallbacks().forEach(f -> System.out.println("jdnn fallback taken: " + f));
    }
}
