package org.jdnn.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Option checks shared by the commands. Each failure is a usage error (exit code 2) whose message names the option
 * and the offending value; none of them loads native code.
 */
final class Checks {
    private Checks() {
    }

    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static int atLeast(CommandSpec spec, String option, int value, int min) {
        if (value < min) {
            throw usage(spec, option + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    static int between(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(spec, option + " must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /** A finite number, > 0 or (when {@code zeroAllowed}) >= 0. */
    static double nonNegative(CommandSpec spec, String option, double value, boolean zeroAllowed) {
        if (!Double.isFinite(value) || value < 0 || (!zeroAllowed && value == 0)) {
            throw usage(spec, option + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
        }
        return value;
    }

    static double fraction(CommandSpec spec, String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw usage(spec, option + " must be from 0 to 1, got " + value);
        }
        return value;
    }

    static String oneOf(CommandSpec spec, String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw usage(spec, option + ": unknown '" + value + "', expected one of " + String.join(", ", allowed));
        }
        return value;
    }

    /**
     * A device name as {@code Device.parse} takes it: cpu, sim, cuda or cuda:N. Checked by pattern, so parsing the
     * options loads no tensor class (a search is planned before anything native loads).
     */
    static String device(CommandSpec spec, String option, String value) {
        if (value == null || !value.trim().toLowerCase(java.util.Locale.ROOT).matches("cpu|sim|cuda(:[0-9]{1,9})?")) {
            throw usage(spec, option + ": '" + value + "' is not cpu, sim, cuda or cuda:N");
        }
        return value;
    }

    static Path directory(CommandSpec spec, String option, Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw usage(spec, option + ": " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        return dir;
    }

    static Path file(CommandSpec spec, String what, Path file) {
        if (!Files.isRegularFile(file)) {
            throw usage(spec, what + ": " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        if (!Files.isReadable(file)) {
            throw usage(spec, what + ": " + file + " is not readable");
        }
        return file;
    }
}
