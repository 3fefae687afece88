package org.jdnn.cli;

import org.jdnn.examples.Demo;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code jdnn demo}: the README's first program (one matrix product on each backend). */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "One matrix product on each available backend, timed and compared with the reference.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Demo.main(new String[0]);
        return 0;
    }
}
