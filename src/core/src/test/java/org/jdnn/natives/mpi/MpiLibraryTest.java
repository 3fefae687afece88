package org.jdnn.natives.mpi;

import org.jdnn.natives.NativeLibraryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MpiLibraryTest {
    @Test
    void aMissingLibraryIsReportedWithTheFolderSearchedAndTheSettingToFixIt(@TempDir Path empty) {
        NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> MpiLibrary.locate(empty.toString()));

        assertTrue(e.getMessage().startsWith("MPI: libmpi.so.40 (Open MPI 4/5) not found in [" + empty + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("-Djdnn.mpi.path or JDNN_MPI_PATH"), e.getMessage());
    }

    @Test
    void theOverrideFolderIsUsedWhenItHoldsTheLibrary(@TempDir Path dir) throws IOException {
        Path library = Files.createFile(dir.resolve(MpiLibrary.FILE));

        assertEquals(library, MpiLibrary.locate(dir.toString()));
    }
}
