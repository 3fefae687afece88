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
    /**
     * The most threads accepted: 4 x the cores the JVM sees (at least 64). More than a few threads per core only
     * adds contention, and an absurd count is worse than slow: libgomp aborts the whole process, JVM included,
     * when it cannot create a thread of its team, so such a value must be refused before it reaches OpenMP. The
     * floor of 64 leaves room to oversubscribe small machines on purpose.
     */
    public static final int MAX = Math.max(64, 4 * Runtime.getRuntime().availableProcessors());

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
                if (value > 0 && value <= MAX) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the default; a bad value must not stop the library loading
            }
            System.getLogger(ThreadCount.class.getName()).log(System.Logger.Level.WARNING,
                    "jdnn: ignoring thread count '" + configured + "' (not an integer from 1 to " + MAX + ")");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** The number of threads native kernels use. */
    public static int get() {
        return threads;
    }

    /**
     * Sets the number of threads native kernels use (each Java thread applies it on its next native call); throws
     * IllegalArgumentException naming {@code count} unless it is from 1 to {@link #MAX}.
     */
    public static void set(int count) {
        check("threads", count);
        threads = count;
    }

    /** Throws IllegalArgumentException, naming {@code what} and the value, unless {@code count} is from 1 to {@link #MAX}. */
    public static void check(String what, int count) {
        if (count < 1 || count > MAX) {
            throw new IllegalArgumentException(what + ": must be from 1 to " + MAX + " (4 x the "
                    + Runtime.getRuntime().availableProcessors() + " cores, at least 64), got " + count);
        }
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
