package org.jdnn.cli;

import org.jdnn.backend.Backends;
import org.jdnn.natives.ThreadCount;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where a command computes: {@code --backend} and {@code --threads}, shared by train, eval and predict. */
final class RuntimeOptions {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "onednn, reference or cuda (default: onednn when it loads, else reference)")
    String backend;

    @Option(names = "--threads", paramLabel = "N",
            description = "native threads (default: the cores the JVM sees, or -Djdnn.threads / JDNN_NUM_THREADS)")
    int threads;

    /** Checks both options; neither check loads a backend. */
    void check(CommandSpec spec) {
        if (backend != null) {
            Checks.oneOf(spec, "--backend", backend, Backends.names());
        }
        if (threads != 0) {
            Checks.between(spec, "--threads", threads, 1, ThreadCount.MAX);
        }
    }
}
