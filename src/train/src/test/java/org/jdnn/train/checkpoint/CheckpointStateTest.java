package org.jdnn.train.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint's state.json is read strictly: every field typed and in range, errors naming the field and value. */
class CheckpointStateTest {
    private static final String VALID = """
            {"epoch": 3, "scheduler": {"last_epoch": 3.0}, "dropout_calls": {"5": 12}, "settings": {"model": "cnn"}}""";

    @Test
    void aWrittenStateReadsBackExactly() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", "lenet");
        settings.put("note", "quote \" and \\ and \n");
        Checkpoint.State state = new Checkpoint.State(7, Map.of("last_epoch", 7.0, "base_lr", 1e-3),
                Map.of("3", Long.MAX_VALUE), settings);
        assertEquals(state, Checkpoint.fromJson(Checkpoint.toJson(state)));
    }

    @Test
    void validFieldsParse() throws Exception {
        Checkpoint.State state = Checkpoint.fromJson(VALID);
        assertEquals(3, state.epoch());
        assertEquals(Map.of("last_epoch", 3.0), state.scheduler());
        assertEquals(Map.of("5", 12L), state.dropoutCalls());
        assertEquals(Map.of("model", "cnn"), state.settings());
    }

    @ParameterizedTest(name = "epoch {0}")
    @CsvSource(delimiter = '|', value = {
            "4294967297 | 4294967297",            // 2^32+1: int narrowing would make it epoch 1
            "2147483648 | 2147483648",
            "-1 | -1",
            "1.5 | 1.5",
            "1e30 | 1E+30",
            "'\"3\"' | the string \"3\"",
            "null | null",
            "[] | an array"})
    void anEpochOutOfRangeOrOfTheWrongTypeIsRejectedNamingFieldAndValue(String json, String shown) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoint.fromJson(VALID.replace("\"epoch\": 3", "\"epoch\": " + json)));
        assertTrue(e.getMessage().contains("\"epoch\" must be an integer from 0 to 2147483647"), e.getMessage());
        assertTrue(e.getMessage().endsWith(shown), e.getMessage());
    }

    @Test
    void largestEpochIsAccepted() throws Exception {
        assertEquals(Integer.MAX_VALUE, Checkpoint.fromJson(VALID.replace("\"epoch\": 3", "\"epoch\": 2147483647")).epoch());
    }

    @Test
    void missingFieldsAreNamed() {
        assertMessage("{\"scheduler\": {}, \"dropout_calls\": {}, \"settings\": {}}",
                "\"epoch\" must be an integer from 0 to 2147483647, got nothing (the field is missing)");
        assertMessage("{\"epoch\": 1, \"dropout_calls\": {}, \"settings\": {}}",
                "\"scheduler\" must be an object, got nothing (the field is missing)");
        assertMessage("{\"epoch\": 1, \"scheduler\": {}, \"dropout_calls\": {}}",
                "\"settings\" must be an object, got nothing (the field is missing)");
    }

    @Test
    void wrongTypesInsideTheMapsAreNamed() {
        assertMessage(VALID.replace("\"model\": \"cnn\"", "\"model\": 3"), "\"settings.model\" must be a string, got the number 3");
        assertMessage(VALID.replace("\"5\": 12", "\"5\": -12"),
                "\"dropout_calls.5\" must be an integer from 0 to 9223372036854775807, got -12");
        assertMessage(VALID.replace("\"5\": 12", "\"5\": 18446744073709551616"),
                "\"dropout_calls.5\" must be an integer from 0 to 9223372036854775807, got 18446744073709551616");
        assertMessage(VALID.replace("3.0", "\"x\""), "\"scheduler.last_epoch\" must be a finite number, got the string \"x\"");
        assertMessage(VALID.replace("3.0", "1e999"), "\"scheduler.last_epoch\" must be a finite number, got the number 1E+999");
        assertMessage("[1, 2]", "expected a JSON object, got an array");
        assertMessage("{\"epoch\": 1,", "not valid JSON");
    }

    @Test
    void readStateNamesTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("state.json"), VALID.replace("\"epoch\": 3", "\"epoch\": 4294967297"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.readState(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("state.json") + ": \"epoch\""), e.getMessage());
    }

    private static void assertMessage(String json, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.fromJson(json), json);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
