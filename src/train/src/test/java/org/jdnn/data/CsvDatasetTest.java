package org.jdnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numeric CSV reading: header, label column, delimiters, and line/column-precise errors. */
class CsvDatasetTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static float[] features(Dataset d, int i) {
        float[] f = new float[d.sampleSize()];
        d.copyFeatures(i, f, 0);
        return f;
    }

    @Test
    void headerAndLastColumnLabel() throws IOException {
        Path f = csv("iris.csv", "\uFEFFsepal,petal,class\n5.1, 1.4 ,0\n\n\"6.2\",4.5e0,2\r\n-.5,+3.,1\n");
        InMemoryDataset d = CsvDataset.read(f, CsvOptions.defaults());
        assertEquals(3, d.size());
        assertArrayEquals(new long[] {2}, d.sampleShape());
        assertArrayEquals(new float[] {5.1f, 1.4f}, features(d, 0));
        assertArrayEquals(new float[] {6.2f, 4.5f}, features(d, 1));
        assertArrayEquals(new float[] {-0.5f, 3f}, features(d, 2));
        assertEquals(0, d.label(0));
        assertEquals(2, d.label(1));
        assertEquals(1, d.label(2));
    }

    @Test
    void noHeaderFirstColumnLabelOtherDelimiter() throws IOException {
        Path f = csv("data.tsv", "3\t1\t2\t3\n0.0\t4\t5\t6\n");
        InMemoryDataset d = CsvDataset.read(f, new CsvOptions(false, '\t', 0));
        assertEquals(2, d.size());
        assertArrayEquals(new float[] {1, 2, 3}, features(d, 0));
        assertEquals(3, d.label(0));
        assertEquals(0, d.label(1), "3.0-style labels are accepted");
    }

    private void assertFails(String text, CsvOptions options, String... parts) throws IOException {
        Path f = csv("bad.csv", text);
        var e = assertThrows(DataFileException.class, () -> CsvDataset.read(f, options), text);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        CsvOptions o = CsvOptions.defaults();
        assertFails("a,b,c\n1,2,0\n1,2\n", o, "bad.csv line 3", "2 columns, expected 3");
        assertFails("a,b,c\n1,2,0\n1,2,0,\n", o, "line 3", "4 columns");
        assertFails("a,b,c\n1,x,0\n", o, "line 2 column 2", "'x' is not a decimal number");
        assertFails("a,b,c\nNaN,1,0\n", o, "line 2 column 1", "'NaN'");
        assertFails("a,b,c\n1e999,1,0\n", o, "outside the float range");
        assertFails("a,b,c\n1,2,-1\n", o, "line 2 column 3", "'-1' is not a non-negative integer");
        assertFails("a,b,c\n1,2,1.5\n", o, "label '1.5'");
        assertFails("a,b,c\n1,2,99999999999\n", o, "too large");
        assertFails("", o, "empty");
        assertFails("1;2;3\n", o, "1 column", "delimiter");
        assertFails("a,b\n1,2\n", o.withLabelColumn(5), "label column 5");
    }

    @Test
    void headerOnlyGivesAnEmptyDataset() throws IOException {
        InMemoryDataset d = CsvDataset.read(csv("h.csv", "a,b,label\n"), CsvOptions.defaults());
        assertEquals(0, d.size());
        assertArrayEquals(new long[] {2}, d.sampleShape());
    }
}
