package org.jdnn.cli;

import org.jdnn.autograd.Autograd;
import org.jdnn.data.FashionMnist;
import org.jdnn.nn.models.Models;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.checkpoint.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A model restored from a checkpoint of {@code train}, in eval mode, classifying single images. */
final class Predictor implements AutoCloseable {
    private final Module model;

    private Predictor(Module model) {
        this.model = model;
    }

    /** Rebuilds the checkpoint's model (its name and seed come from state.json, checked) and loads its weights. */
    static Predictor load(Path checkpoint) throws IOException {
        TrainOptions o = TrainOptions.forCheckpoint(checkpoint, null, null, 0)
                .withSettings(Checkpoint.readState(checkpoint).settings(), checkpoint.resolve("state.json").toString());
        Module model = Models.create(o.model(), o.seed());
        try {
            Checkpoint.loadModel(checkpoint, model);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        model.eval();
        return new Predictor(model);
    }

    /** The class probabilities (softmax of the model's output) of one image. */
    Prediction predict(ImageInput image) {
        float[] values = image.scaled();
        Training.FASHION_MNIST_NORMALIZE.apply(values, 0, values.length);
        try (Scope scope = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
            Tensor input = Tensor.of(values, 1, 1, FashionMnistImage.SIZE, FashionMnistImage.SIZE);
            float[] probabilities = model.call(input).softmax(1).toFloatArray();
            return new Prediction(image.source(), FashionMnist.CLASSES, probabilities);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
