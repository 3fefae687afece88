package org.jdnn.train.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteReplacesTheTargetAndLeavesNothingElse() throws IOException {
        Path target = dir.resolve("state.json");
        AtomicFiles.writeString(target, "one");
        AtomicFiles.writeString(target, "two");
        assertEquals("two", Files.readString(target));
        assertEquals(List.of("state.json"), names());
    }

    @Test
    void strayTemporariesAreRemovedByTheNextWriteButNotOtherFiles() throws IOException {
        // This version's names (base 36) and the decimal ones earlier versions' safetensors writes used.
        Files.writeString(dir.resolve(".state.json.3k9x0a.tmp"), "{\"ep");
        Files.writeString(dir.resolve(".model.safetensors.8812734423.tmp"), "");
        Files.writeString(dir.resolve("keep.tmp"), "");
        Files.writeString(dir.resolve(".keep.tmp"), "");
        Files.writeString(dir.resolve(".hidden"), "");
        AtomicFiles.writeString(dir.resolve("latest"), "epoch-0001");
        assertEquals(List.of(".hidden", ".keep.tmp", "keep.tmp", "latest"), names());
    }

    @Test
    void aSaveInProgressInThisJvmIsNotAStray() throws IOException {
        Path temp = AtomicFiles.createTemporary(dir.resolve("model.safetensors"));
        assertTrue(temp.getFileName().toString().matches("\\.model\\.safetensors\\.[0-9a-z]+\\.tmp"), temp.toString());
        assertEquals(List.of(), AtomicFiles.removeStrayTemporaries(dir), "in flight");
        assertTrue(Files.exists(temp));
        AtomicFiles.release(temp, true);
        assertFalse(Files.exists(temp), "a failed save's temporary file is deleted");
        assertEquals(List.of(), AtomicFiles.removeStrayTemporaries(dir.resolve("absent")), "no directory, no strays");
    }
}
