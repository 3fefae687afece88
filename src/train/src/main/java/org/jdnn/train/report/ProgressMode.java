package org.jdnn.train.report;

import java.io.Console;
import java.util.Locale;
import java.util.Map;

/**
 * Which progress display to use: a live bar that redraws one line (it needs a terminal: written to a log it is
 * a mess of carriage returns), or plain lines that read well anywhere.
 */
public enum ProgressMode {
    /** A live progress bar redrawn in place. */
    BAR,
    /** One plain line per tenth of an epoch. */
    PLAIN;

    /** {@link #choose} for this process: its environment and whether its console is a terminal. */
    public static ProgressMode detect(boolean interactiveAllowed) {
        Console console = System.console();
        // Since JDK 22 System.console() may be non-null with redirected output; isTerminal() tells the truth.
        boolean terminal = console != null && console.isTerminal();
        return choose(interactiveAllowed, System.getenv(), terminal);
    }

    /**
     * The decision, from explicit inputs (so it can be tested): the bar only when it is allowed, the output is a
     * terminal, no {@code CI} variable is set (CI services set {@code CI=true}; their logs are not terminals even
     * when they emulate one) and {@code TERM} is not {@code dumb} (editor shells, which cannot redraw a line).
     */
    public static ProgressMode choose(boolean interactiveAllowed, Map<String, String> env, boolean stdoutIsTerminal) {
        if (!interactiveAllowed || !stdoutIsTerminal || isSet(env.get("CI"))) {
            return PLAIN;
        }
        return "dumb".equals(env.get("TERM")) ? PLAIN : BAR;
    }

    private static boolean isSet(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return !v.isEmpty() && !v.equals("false") && !v.equals("0");
    }
}
