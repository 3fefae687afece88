package org.jdnn.cli;

import org.jdnn.Jdnn;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.data.IdxArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jdnn predict}: the class of one image (a picture or an IDX entry) under a trained checkpoint. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Classify an image with a checkpoint of jdnn train: prints the class and the top-k probabilities.",
                "A PNG (or JPEG, GIF, BMP) of any size and colour is converted as Fashion-MNIST was made: trimmed, "
                        + "scaled to fit 28x28, centred, grey, negated when its background is light. An IDX image "
                        + "file (raw or .gz, 28x28 images) is read as it is; --index picks the image."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    JdnnCommand parent;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "a PNG/JPEG/GIF/BMP picture or an IDX image file")
    Path image;

    @Option(names = "--index", paramLabel = "K", defaultValue = "0",
            description = "which image of an IDX file, from 0 (default: ${DEFAULT-VALUE})")
    int index;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3",
            description = "how many classes to list, 1 to 10 (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--invert", paramLabel = "WHEN", defaultValue = "auto",
            description = "negate a picture's grey levels: auto (when its background is light), yes or no "
                    + "(default: ${DEFAULT-VALUE})")
    String invert;

    @Option(names = "--json", description = "print the result as one JSON object")
    boolean json;

    @Mixin
    CheckpointOption checkpoint;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        checkpoint.check(spec);
        Checks.file(spec, "IMAGE", image);
        Checks.between(spec, "--top", top, 1, 10);
        Checks.atLeast(spec, "--index", index, 0);
        FashionMnistImage.Invert when = FashionMnistImage.Invert.valueOf(
                Checks.oneOf(spec, "--invert", invert, List.of("auto", "yes", "no")).toUpperCase());
        runtime.check(spec);
        ImageInput input = read(when);
        Path dir = checkpoint.checkpoint();
        if (runtime.threads > 0) {
            Jdnn.setNumThreads(runtime.threads);
        }
        Backend backend = runtime.backend == null ? Backends.defaultBackend() : Backends.get(runtime.backend);
        Prediction prediction;
        try {
            prediction = Backends.with(backend, () -> {
                try (Predictor predictor = Predictor.load(dir)) {
                    return predictor.predict(input);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        parent.out().print(json ? prediction.json(top) + System.lineSeparator() : prediction.text(top));
        return 0;
    }

    private ImageInput read(FashionMnistImage.Invert when) throws IOException {
        if (ImageInput.looksLikeIdx(image)) {
            IdxArray images = ImageInput.readIdx(image);
            if (index >= images.dim(0)) {
                throw Checks.usage(spec, "--index " + index + " is out of range: " + image + " holds " + images.dim(0)
                        + " images (0 to " + (images.dim(0) - 1) + ")");
            }
            return ImageInput.fromIdx(images, image, index);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--index")) {
            throw Checks.usage(spec, "--index applies to IDX files only; " + image + " is a picture");
        }
        return ImageInput.fromPicture(image, when);
    }
}
