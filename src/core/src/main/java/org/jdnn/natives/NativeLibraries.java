package org.jdnn.natives;

import java.nio.file.Path;

/**
 * The one way jdnn loads a native library by path: {@code dlopen(path, RTLD_NOW | RTLD_GLOBAL)}, so a
 * failure carries the real dlerror text (which {@link java.lang.foreign.SymbolLookup#libraryLookup} hides)
 * and later libraries find the symbols of earlier ones. Loaded libraries stay for the life of the process.
 */
public final class NativeLibraries {
    private NativeLibraries() {
    }

    /** Loads {@code library}; throws {@link NativeLibraryException} whose message is dlerror's text. */
    public static void dlopenGlobal(Path library) {
        LibC.dlopenGlobal(library.toString());
    }
}
