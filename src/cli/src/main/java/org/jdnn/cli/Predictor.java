package org.jdnn.cli;

import org.jdnn.autograd.Autograd;
import org.jdnn.data.FashionMnist;
import org.jdnn.data.SampleTransform;
import org.jdnn.nn.models.Models;
import org.jdnn.nn.Module;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;
import org.jdnn.train.checkpoint.Checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/** A model restored from a checkpoint of {@code train}, in eval mode, classifying single images. */
final class Predictor implements AutoCloseable {
    private static final long[] IMAGE_SHAPE = {1, FashionMnistImage.SIZE, FashionMnistImage.SIZE};

    private final Module model;
    /** The training input transform of the model: normalisation, and padding where it takes more than 28x28. */
    private final SampleTransform transform;
    private final long[] inputShape;

    private Predictor(Module model, String name) {
        this.model = model;
        this.transform = Training.inputTransform(name);
        this.inputShape = transform.outputShape(IMAGE_SHAPE);
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
        return new Predictor(model, o.model());
    }

    /** The class probabilities (softmax of the model's output) of one image. */
    Prediction predict(ImageInput image) {
        float[] values = Arrays.copyOf(image.scaled(), transform.workingSize(IMAGE_SHAPE));
        transform.apply(values, 0, IMAGE_SHAPE, new SplittableRandom(0)); // draws nothing: no augmentation
        try (Scope scope = Scope.open(); Autograd.NoGrad noGrad = Autograd.noGrad()) {
            Tensor input = Tensor.of(values, 1, inputShape[0], inputShape[1], inputShape[2]);
            float[] probabilities = model.call(input).softmax(1).toFloatArray();
            return new Prediction(image.source(), FashionMnist.CLASSES, probabilities);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
