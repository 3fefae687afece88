package org.jdnn.cli;

import org.jdnn.Jdnn;
import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.playground.PlaygroundConfig;
import org.jdnn.playground.PlaygroundServer;
import org.jdnn.playground.PlaygroundSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code jdnn playground}: serves the training playground page until interrupted. */
@Command(name = "playground", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Serve a local web page that trains small networks on 2-D data sets live (see docs/PLAYGROUND.md).")
final class PlaygroundCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    JdnnCommand parent;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8642",
            description = "the port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "the address to bind; anything but a loopback address exposes the page to the network "
                    + "(default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "the first config's seed: data, weights, batch order (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Checks.between(spec, "--port", port, 0, 65535);
        if (host.isBlank()) {
            throw Checks.usage(spec, "--host: an address is required, e.g. 127.0.0.1");
        }
        runtime.check(spec);
        if (runtime.threads > 0) {
            Jdnn.setNumThreads(runtime.threads);
        }
        // Layers of a few units are all per-call overhead: the plain-Java backend runs them fastest and steadiest.
        Backend backend = Backends.get(runtime.backend == null ? Backends.REFERENCE : runtime.backend);
        PlaygroundServer server = PlaygroundServer.start(host, port,
                new PlaygroundSession(PlaygroundConfig.DEFAULT.withSeed(seed), backend));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jdnn-playground-stop"));
        parent.out().println("jdnn playground on " + backend.name() + ": " + server.uri() + " (Ctrl-C stops it)");
        parent.out().flush();
        stopped.await();
        return 0;
    }
}
