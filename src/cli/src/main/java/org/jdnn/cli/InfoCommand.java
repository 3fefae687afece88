package org.jdnn.cli;

import org.jdnn.Jdnn;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code jdnn info}: versions, the backends and why any is unavailable, the thread count. */
@Command(name = "info", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show what jdnn loaded: versions, backends (and why one is unavailable), threads.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    JdnnCommand parent;

    @Override
    public Integer call() {
        parent.out().println("jdnn " + Version.jdnn() + " on Java " + Runtime.version());
        parent.out().println(Jdnn.info());
        return 0;
    }
}
