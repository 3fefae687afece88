package org.jdnn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Which oneDNN implementation each benchmark measured. The library exposes a public query only for matmul and
 * conv2d forward, but every primitive it creates logs {@code "oneDNN <label> -> <implementation>"} at DEBUG on
 * the {@code System.Logger} of {@code CachedPrimitive}; without a logging framework on the class path that is
 * the java.util.logging logger of the same name at FINE. This captures those lines while a setup call runs,
 * so the forked JVM prints them next to the numbers (a "ref:" implementation there is a performance bug).
 */
final class OneDnnImplementations {
    private static final String LOGGER = "org.jdnn.backend.onednn.CachedPrimitive";

    private OneDnnImplementations() {
    }

    /** Runs {@code call} and returns the "label -> implementation" line of every primitive it created. */
    static List<String> createdBy(Runnable call) {
        // A strong reference: java.util.logging holds its loggers weakly, and the level must survive the call.
        Logger logger = Logger.getLogger(LOGGER);
        Level previous = logger.getLevel();
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        logger.setLevel(Level.FINE);
        logger.addHandler(capture);
        try {
            call.run();
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
        return lines;
    }

    /** Runs {@code call} and prints the implementation of every primitive it created, tagged with {@code what}. */
    static void print(String what, Runnable call) {
        List<String> lines = createdBy(call);
        // Setup runs after JMH printed "Iteration 1: " without a line break: start on a line of our own.
        System.out.println();
        if (lines.isEmpty()) {
            // Created by an earlier call of the same trial (the cache hit), or the logger is not java.util.logging.
            System.out.println("onednn " + what + ": no new primitive logged");
        }
        for (String line : lines) {
            System.out.println("onednn " + what + ": " + line);
        }
    }
}
