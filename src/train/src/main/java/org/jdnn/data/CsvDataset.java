package org.jdnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV file into an {@link InMemoryDataset}: every column but the label column is a float
 * feature (sample shape {@code [columns - 1]}), the label column holds non-negative integer class indices.
 *
 * <p>Fields may be surrounded by spaces or by double quotes; blank lines are skipped. Any other deviation
 * (a row with another number of columns, a value that is not a number, NaN or infinite features, a label
 * that is not a non-negative integer) throws {@link DataFileException} naming the file, line and column.
 */
public final class CsvDataset {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("\\+?(\\d+)(\\.0*)?");

    private CsvDataset() {
    }

    public static InMemoryDataset read(Path file, CsvOptions options) throws IOException {
        String name = String.valueOf(file.getFileName());
        FloatList features = new FloatList();
        IntList labels = new IntList();
        int columns = -1;
        int labelColumn = -1;
        boolean headerPending = options.header();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // a UTF-8 byte-order mark, as spreadsheet programs write
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = split(line, options.delimiter());
                if (columns < 0) {
                    columns = fields.length;
                    if (columns < 2) {
                        throw new DataFileException(name + " line " + lineNumber + ": " + columns
                                + " column; need at least one feature and the label (is the delimiter '"
                                + options.delimiter() + "' right?)");
                    }
                    labelColumn = options.labelColumn() < 0 ? columns + options.labelColumn() : options.labelColumn();
                    if (labelColumn < 0 || labelColumn >= columns) {
                        throw new DataFileException(name + ": label column " + options.labelColumn() + " outside the "
                                + columns + " columns of line " + lineNumber);
                    }
                } else if (fields.length != columns) {
                    throw new DataFileException(name + " line " + lineNumber + ": " + fields.length
                            + " columns, expected " + columns);
                }
                if (headerPending) {
                    headerPending = false;
                    continue;
                }
                for (int c = 0; c < columns; c++) {
                    String field = unquote(fields[c]);
                    if (c == labelColumn) {
                        labels.add(parseLabel(field, name, lineNumber, c));
                    } else {
                        features.add(parseFeature(field, name, lineNumber, c));
                    }
                }
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new DataFileException(name + ": not UTF-8 text (" + e.getMessage() + ")", e);
        }
        if (columns < 0) {
            throw new DataFileException(name + ": no data (the file is empty)");
        }
        return new InMemoryDataset(features.toArray(), new long[] {columns - 1}, labels.toArray());
    }

    private static String[] split(String line, char delimiter) {
        // A literal split keeps empty trailing fields (limit -1), so "1,2," has 3 columns and fails loudly.
        return line.split(Pattern.quote(String.valueOf(delimiter)), -1);
    }

    private static String unquote(String field) {
        String f = field.strip();
        if (f.length() >= 2 && f.charAt(0) == '"' && f.charAt(f.length() - 1) == '"') {
            f = f.substring(1, f.length() - 1).strip();
        }
        return f;
    }

    private static float parseFeature(String field, String name, int line, int column) throws DataFileException {
        // Float.parseFloat also takes "NaN", "Infinity", "1f" and "0x1p3": a data file should not.
        if (!DECIMAL.matcher(field).matches()) {
            throw new DataFileException(name + " line " + line + " column " + (column + 1) + ": '" + field
                    + "' is not a decimal number");
        }
        float value = Float.parseFloat(field);
        if (!Float.isFinite(value)) {
            throw new DataFileException(name + " line " + line + " column " + (column + 1) + ": " + field
                    + " is outside the float range");
        }
        return value;
    }

    private static int parseLabel(String field, String name, int line, int column) throws DataFileException {
        // "3.0" is accepted: tools that store everything as floating point write labels that way.
        Matcher m = LABEL.matcher(field);
        if (!m.matches()) {
            throw new DataFileException(name + " line " + line + " column " + (column + 1) + ": label '" + field
                    + "' is not a non-negative integer");
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new DataFileException(name + " line " + line + " column " + (column + 1) + ": label " + field
                    + " is too large");
        }
    }

    /** A growable float array, so that reading does not box every value. */
    private static final class FloatList {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.multiplyExact(values.length, 2));
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private static final class IntList {
        private int[] values = new int[256];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.multiplyExact(values.length, 2));
            }
            values[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
