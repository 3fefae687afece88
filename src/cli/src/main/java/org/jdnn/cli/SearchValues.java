package org.jdnn.cli;

import org.jdnn.train.search.Domain;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the values {@code search} tries for one hyper-parameter: {@code LOW:HIGH} (a log-uniform range),
 * {@code LOW:HIGH:uniform} (a uniform one), or a comma-separated list such as {@code 64,128,256} (one value fixes
 * it). Errors are usage errors naming the option and the value.
 */
final class SearchValues {
    private SearchValues() {
    }

    /** A range or list of numbers, each > 0 (or >= 0 when {@code zeroAllowed}); log ranges need LOW > 0. */
    static Domain numbers(CommandSpec spec, String option, String text, boolean zeroAllowed) {
        String[] range = text.split(":", -1);
        if (range.length == 1) {
            List<Object> values = new ArrayList<>();
            for (String item : text.split(",", -1)) {
                values.add(number(spec, option, item, text, zeroAllowed));
            }
            return new Domain.Choice(values);
        }
        if (range.length > 3 || (range.length == 3 && !List.of("log", "uniform").contains(range[2]))) {
            throw Checks.usage(spec, option + ": '" + text + "' is not LOW:HIGH, LOW:HIGH:uniform or a list such as "
                    + "0.01,0.1");
        }
        double low = number(spec, option, range[0], text, zeroAllowed);
        double high = number(spec, option, range[1], text, zeroAllowed);
        if (high < low) {
            throw Checks.usage(spec, option + ": the range '" + text + "' ends below its start");
        }
        if (range.length == 3 && range[2].equals("uniform")) {
            return new Domain.Uniform(low, high);
        }
        if (low == 0) {
            throw Checks.usage(spec, option + ": a log range must start above 0, got '" + text
                    + "' (use LOW:HIGH:uniform or a list to include 0)");
        }
        return new Domain.LogUniform(low, high);
    }

    /** A comma-separated list of whole numbers >= {@code min}. */
    static Domain integers(CommandSpec spec, String option, String text, int min) {
        List<Object> values = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            try {
                int value = Integer.parseInt(item.strip());
                if (value >= min) {
                    values.add((double) value);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below with the value
            }
            throw Checks.usage(spec, option + " takes a list of whole numbers >= " + min + " such as 64,128,256, got '"
                    + text + "'");
        }
        return new Domain.Choice(values);
    }

    /** A comma-separated list of names from {@code allowed}. */
    static Domain names(CommandSpec spec, String option, String text, List<String> allowed) {
        List<Object> values = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            values.add(Checks.oneOf(spec, option, item.strip(), allowed));
        }
        return new Domain.Choice(values);
    }

    private static double number(CommandSpec spec, String option, String item, String text, boolean zeroAllowed) {
        try {
            double value = Double.parseDouble(item.strip());
            if (Double.isFinite(value) && (value > 0 || (zeroAllowed && value == 0))) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw Checks.usage(spec, option + ": '" + item.strip() + "' in '" + text + "' is not a number "
                + (zeroAllowed ? ">= 0" : "> 0"));
    }
}
