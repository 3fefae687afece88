package org.jdnn.natives.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding the file the dynamic loader mapped for a library it resolved by name. */
class MappedFilesTest {
    private static final List<String> MAPS = List.of(
            "55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0                          [heap]",
            "7f3a10000000-7f3a10200000 r-xp 00000000 08:01 1311   /usr/local/cuda-13.0/lib/libcudart.so.13.0.48",
            "7f3a20000000-7f3a20100000 r-xp 00000000 08:01 2001   /usr/lib/x86_64-linux-gnu/libcudadebugger.so.1",
            "7f3a30000000-7f3a31000000 r--p 00000000 08:01 2002   /usr/lib/x86_64-linux-gnu/libcuda.so.580.65.06",
            "7f3a31000000-7f3a32000000 r-xp 01000000 08:01 2002   /usr/lib/x86_64-linux-gnu/libcuda.so.580.65.06",
            "7ffd5e9f0000-7ffd5ea11000 rw-p 00000000 00:00 0                          [stack]");

    @Test
    void theDriverIsTheMappedFileOfItsStemNotTheRuntimeNorTheDebugger() {
        assertEquals(Optional.of(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.580.65.06")),
                MappedFiles.find(MAPS, "libcuda.so.1"));
        assertEquals(Optional.of(Path.of("/usr/local/cuda-13.0/lib/libcudart.so.13.0.48")),
                MappedFiles.find(MAPS, "libcudart.so.13"));
    }

    @Test
    void aLibraryNotMappedIsEmpty() {
        assertEquals(Optional.empty(), MappedFiles.find(MAPS, "libcudnn.so.9"));
        assertEquals(Optional.empty(), MappedFiles.find(List.of(), "libcuda.so.1"));
    }

    @Test
    void aNameThatIsNoSharedLibraryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MappedFiles.find(MAPS, "cuda"));
        assertEquals("not a shared library name: cuda", e.getMessage());
    }

    @Test
    void thisProcessMapsTheCLibraryItRunsOn() {
        // libc is mapped in every JVM on Linux; its file is what a System.load of "libc.so.6" would need.
        Path libc = MappedFiles.find("libc.so.6").orElseThrow(() -> new AssertionError("libc.so.6 not in "
                + MappedFiles.SELF_MAPS));
        assertTrue(libc.isAbsolute() && Files.exists(libc), libc.toString());
    }
}
