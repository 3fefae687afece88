package org.jdnn.playground;

import org.jdnn.train.io.Json;

import java.util.List;

/**
 * Writes the playground's JSON: objects of named numbers, strings and arrays, appended in order. Commas are placed
 * by the writer; the caller only opens and closes. Non-finite numbers become {@code null} (JSON has no NaN).
 */
final class JsonText {
    private final StringBuilder out = new StringBuilder(4096);
    private boolean needComma;

    JsonText beginObject() {
        separate();
        out.append('{');
        needComma = false;
        return this;
    }

    JsonText endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    /** Starts a named member of the current object; a value or {@link #beginObject()} must follow. */
    JsonText name(String name) {
        separate();
        out.append(Json.quote(name)).append(':');
        needComma = false;
        return this;
    }

    JsonText value(String s) {
        separate();
        out.append(Json.quote(s));
        needComma = true;
        return this;
    }

    JsonText value(boolean b) {
        separate();
        out.append(b);
        needComma = true;
        return this;
    }

    JsonText value(long n) {
        separate();
        out.append(n);
        needComma = true;
        return this;
    }

    JsonText value(double x) {
        separate();
        number(x);
        needComma = true;
        return this;
    }

    JsonText values(List<Integer> ints) {
        separate();
        out.append('[');
        for (int i = 0; i < ints.size(); i++) {
            out.append(i == 0 ? "" : ",").append(ints.get(i));
        }
        out.append(']');
        needComma = true;
        return this;
    }

    JsonText values(int[] ints) {
        separate();
        out.append('[');
        for (int i = 0; i < ints.length; i++) {
            out.append(i == 0 ? "" : ",").append(ints[i]);
        }
        out.append(']');
        needComma = true;
        return this;
    }

    /** Numbers rounded to {@code digits} decimals: the page draws them, it does not need float precision. */
    JsonText values(float[] xs, int digits) {
        separate();
        out.append('[');
        double scale = Math.pow(10, digits);
        for (int i = 0; i < xs.length; i++) {
            out.append(i == 0 ? "" : ",");
            number(Float.isFinite(xs[i]) ? Math.round(xs[i] * scale) / scale : Double.NaN);
        }
        out.append(']');
        needComma = true;
        return this;
    }

    private void number(double x) {
        if (!Double.isFinite(x)) {
            out.append("null");
        } else if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            out.append((long) x);
        } else {
            out.append(x);
        }
    }

    private void separate() {
        if (needComma) {
            out.append(',');
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
