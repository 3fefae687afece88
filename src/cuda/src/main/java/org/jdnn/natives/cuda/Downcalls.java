package org.jdnn.natives.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** Binds the hand-written cuBLAS / cuDNN downcalls to the library file {@link CudaLibraries} loaded. */
final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();

    private final SymbolLookup lookup;
    private final Path file;

    private Downcalls(Path file) {
        this.file = file;
        this.lookup = SymbolLookup.libraryLookup(file, Arena.global());
    }

    /** Loads CUDA (or throws {@link CudaUnavailableException} saying why) and opens {@code library}'s symbols. */
    static Downcalls of(CudaLibrary library) {
        Path file = CudaLibraries.load().files().get(library);
        if (file == null) {
            throw new CudaUnavailableException(library.title() + " was not found", null);
        }
        return new Downcalls(file);
    }

    MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(lookup.find(name).orElseThrow(() -> new CudaUnavailableException(
                "symbol " + name + " not found in " + file + " (a version jdnn does not support?)", null)), descriptor);
    }

    /** Wraps what a downcall throws (it declares Throwable; in practice only errors of the linker). */
    static RuntimeException failure(String function, Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(function + " failed: " + t, t);
    }
}
