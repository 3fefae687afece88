package org.jdnn.natives;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few C library functions jdnn calls by hand: dlopen/dlerror (so a failed load reports the real
 * dlerror text, which {@link SymbolLookup#libraryLookup} hides), setenv (to configure libgomp before it
 * loads) and aligned_alloc/free (host tensor memory).
 */
final class LibC {
    private static final int RTLD_NOW = 0x2;
    private static final int RTLD_GLOBAL = 0x100;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final MethodHandle DLOPEN = downcall("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle DLERROR = downcall("dlerror", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle SETENV = downcall("setenv", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle ALIGNED_ALLOC = downcall("aligned_alloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(ADDRESS));

    private LibC() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.findOrThrow(name), descriptor);
    }

    /**
     * dlopen(path, RTLD_NOW | RTLD_GLOBAL). The handle is never closed: the library stays for the life of
     * the process, as any JNI library does. Throws with dlerror's text on failure.
     */
    static void dlopenGlobal(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(path), RTLD_NOW | RTLD_GLOBAL);
            if (handle.equals(MemorySegment.NULL)) {
                MemorySegment message = (MemorySegment) DLERROR.invokeExact();
                String text = message.equals(MemorySegment.NULL) ? "(dlerror gave no message)"
                        : message.reinterpret(Long.MAX_VALUE).getString(0);
                throw new NativeLibraryException(text);
            }
        } catch (NativeLibraryException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeLibraryException("dlopen(" + path + ") failed: " + t, t);
        }
    }

    static void setenv(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + name + ") failed", t);
        }
    }

    /** Returns NULL when out of memory. {@code bytes} must be a multiple of {@code alignment}. */
    static MemorySegment alignedAlloc(long alignment, long bytes) {
        try {
            return (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed", t);
        }
    }

    static void free(MemorySegment address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}
