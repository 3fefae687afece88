package org.jdnn.natives;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The one knob for the number of threads native kernels use.
 *
 * <p>Default: {@code -Djdnn.threads}, else {@code JDNN_NUM_THREADS}, else {@code OMP_NUM_THREADS}, else the
 * cores the JVM sees. It is exported as OMP_NUM_THREADS before libgomp loads, so every OpenMP thread team
 * starts with it. OpenMP keeps the setting per calling thread, so after {@link #set} each Java thread applies
 * the new value lazily, on its next native call ({@link #applyToCurrentThread}). Java threads are not
 * counted: N Java threads each running a kernel use up to N x threads cores, so a program that trains on
 * several Java threads should lower this setting accordingly.
 */
public final class ThreadCount {
    private static volatile int threads = initialValue();
    private static volatile MethodHandle ompSetNumThreads;
    private static final ThreadLocal<int[]> APPLIED = ThreadLocal.withInitial(() -> new int[] {-1});

    private ThreadCount() {
    }

    private static int initialValue() {
        String configured = Settings.value("jdnn.threads", "JDNN_NUM_THREADS");
        if (configured == null) {
            configured = System.getenv("OMP_NUM_THREADS");
        }
        if (configured != null) {
            try {
                int value = Integer.parseInt(configured.split(",")[0].trim());
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default; a bad value must not stop the library loading
            }
            System.getLogger(ThreadCount.class.getName()).log(System.Logger.Level.WARNING,
                    "jdnn: ignoring thread count '" + configured + "' (not a positive integer)");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads native kernels use. */
    public static int get() {
        return threads;
    }

    /** Sets the number of threads native kernels use (each Java thread applies it on its next native call). */
    public static void set(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("threads: must be >= 1, got " + count);
        }
        threads = count;
    }

    /** Makes the calling thread's OpenMP setting match the knob; cheap when it already does. */
    public static void applyToCurrentThread() {
        int[] applied = APPLIED.get();
        int wanted = threads;
        MethodHandle handle = ompSetNumThreads;
        if (applied[0] != wanted && handle != null) {
            try {
                handle.invokeExact(wanted);
            } catch (Throwable t) {
                throw new IllegalStateException("omp_set_num_threads failed", t);
            }
            applied[0] = wanted;
        }
    }

    static void exportBeforeLoad() {
        LibC.setenv("OMP_NUM_THREADS", Integer.toString(threads));
    }

    static void bindOpenMp(SymbolLookup gomp) {
        ompSetNumThreads = gomp.find("omp_set_num_threads")
                .map(address -> Linker.nativeLinker().downcallHandle(address, FunctionDescriptor.ofVoid(JAVA_INT)))
                .orElse(null);
    }
}
