package org.jdnn.data;

/**
 * How to read a numeric CSV file.
 *
 * @param header      whether the first non-blank line holds column names (skipped)
 * @param delimiter   the field separator, e.g. {@code ','} or {@code ';'} or {@code '\t'}
 * @param labelColumn the 0-based column holding the integer class label; negative counts from the end
 *                    ({@code -1} is the last column)
 */
public record CsvOptions(boolean header, char delimiter, int labelColumn) {
    public CsvOptions {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-') {
            throw new IllegalArgumentException("CsvOptions: delimiter '" + delimiter + "' cannot separate numbers");
        }
    }

    /** Comma-separated, a header line, the label in the last column. */
    public static CsvOptions defaults() {
        return new CsvOptions(true, ',', -1);
    }

    public CsvOptions withHeader(boolean header) {
        return new CsvOptions(header, delimiter, labelColumn);
    }

    public CsvOptions withDelimiter(char delimiter) {
        return new CsvOptions(header, delimiter, labelColumn);
    }

    public CsvOptions withLabelColumn(int labelColumn) {
        return new CsvOptions(header, delimiter, labelColumn);
    }
}
