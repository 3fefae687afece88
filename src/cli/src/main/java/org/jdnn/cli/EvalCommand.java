package org.jdnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jdnn eval}: the test accuracy and loss (plain cross-entropy) of a checkpoint. */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Evaluate a checkpoint on the Fashion-MNIST test set: accuracy, loss (plain cross-entropy, "
                + "as train reports it) and the confusion matrix (confusion.png in the run directory).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    JdnnCommand parent;

    @Mixin
    CheckpointOption checkpoint;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist)")
    Path data;

    @Option(names = "--precision", paramLabel = "NAME", defaultValue = "fp32",
            description = "fp32, or bf16: convolutions and matmuls in bf16, as train's option (default: ${DEFAULT-VALUE})")
    String precision;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
        checkpoint.check(spec);
        Checks.directory(spec, "--data", data);
        runtime.check(spec);
        Checks.oneOf(spec, "--precision", precision, TrainOptions.PRECISIONS);
        new Training(parent.out()).evaluate(checkpoint.checkpoint(), checkpoint.runDirectory(), data, runtime.backend,
                runtime.threads, precision);
        return 0;
    }
}
