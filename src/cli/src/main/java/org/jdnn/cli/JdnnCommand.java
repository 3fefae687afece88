package org.jdnn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code jdnn}: the top command; it only holds the subcommands (added by {@link Main}) and the streams they print
 * to.
 */
@Command(name = "jdnn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train, evaluate and use neural networks on Fashion-MNIST with jdnn.",
        footer = {"", "Exit codes: 0 done, 1 failed while running, 2 bad usage. "
                + "--debug (or -Djdnn.debug=true) prints the stack trace of a failure."})
final class JdnnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "print the stack trace of a failure")
    boolean debug;

    private final PrintStream out;

    JdnnCommand(PrintStream out) {
        this.out = out;
    }

    PrintStream out() {
        return out;
    }

    @Override
    public Integer call() {
        throw Checks.usage(spec, "missing command: " + String.join(", ", spec.subcommands().keySet()));
    }
}
