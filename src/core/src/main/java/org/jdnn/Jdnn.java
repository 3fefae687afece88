package org.jdnn;

import org.jdnn.backend.Backends;
import org.jdnn.backend.Fallbacks;
import org.jdnn.natives.HostMemory;
import org.jdnn.natives.ThreadCount;
import org.jdnn.natives.dnnl.Dnnl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Library-wide facts and settings: versions, the CPU ISA oneDNN uses, the thread count, backend availability and the
 * kernel fallbacks taken so far (a native kernel that handed a case to another backend; see {@link Fallbacks}).
 */
public final class Jdnn {
    private Jdnn() {
    }

    /**
     * What {@link #info()} reports. {@code onednnVersion} and {@code cpuIsa} are empty when oneDNN cannot load;
     * {@code bf16Native} says whether oneDNN runs bf16 autocast on this CPU's own instructions (when it does not,
     * {@code Autocast.bf16()} runs float32), empty when oneDNN cannot load.
     */
    public record Info(String defaultBackend, Optional<String> onednnVersion, Optional<String> cpuIsa,
                       Optional<Boolean> bf16Native, int threads, Map<String, String> backends,
                       List<Fallbacks.Taken> fallbacks) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append("jdnn: default backend ").append(defaultBackend).append(", ").append(threads).append(" threads\n");
            sb.append("oneDNN: ").append(onednnVersion.orElse("not loaded")).append(", ISA ").append(cpuIsa.orElse("-")).append('\n');
            sb.append("bf16 autocast: ").append(bf16Native.map(b -> b ? "native (AVX-512-BF16/AMX)"
                    : "not native on this CPU, runs fp32").orElse("-")).append('\n');
            backends.forEach((name, state) -> sb.append("  backend ").append(name).append(": ").append(state).append('\n'));
            sb.append("fallbacks taken: ").append(fallbacks.isEmpty() ? "none" : "").append('\n');
            fallbacks.forEach(f -> sb.append("  ").append(f).append('\n'));
            return sb.toString().stripTrailing();
        }
    }

    /** Loads what can be loaded and reports it; never throws for an unavailable backend. */
    public static Info info() {
        Map<String, String> backends = new LinkedHashMap<>();
        for (String name : Backends.names()) {
            backends.put(name, Backends.unavailableReason(name).orElseGet(() -> Backends.get(name).status()));
        }
        boolean onednn = Backends.unavailableReason(Backends.ONEDNN).isEmpty();
        return new Info(Backends.defaultBackend().name(),
                onednn ? Optional.of(Dnnl.version()) : Optional.empty(),
                onednn ? Optional.of(Dnnl.effectiveCpuIsa()) : Optional.empty(),
                onednn ? Optional.of(Dnnl.runsBf16()) : Optional.empty(),
                ThreadCount.get(), backends, Fallbacks.taken());
    }

    /** The number of threads native kernels use (see {@link ThreadCount} for how it interacts with Java threads). */
    public static int numThreads() {
        return ThreadCount.get();
    }

    /** Sets the number of threads native kernels use; -Djdnn.threads / JDNN_NUM_THREADS set the initial value. */
    public static void setNumThreads(int threads) {
        ThreadCount.set(threads);
    }

    /**
     * Bytes of host memory that live tensors hold now (allocated and not yet freed; the allocator's cache of freed
     * blocks not counted), as {@code torch.cuda.memory_allocated} reports for a GPU.
     */
    public static long hostMemoryInUse() {
        return HostMemory.stats().liveBytes();
    }
}
