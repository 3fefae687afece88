package org.jdnn.natives.dnnl;

import org.jdnn.bindings.dnnl.dnnl_h;
import org.jdnn.bindings.dnnl.dnnl_version_t;
import org.jdnn.natives.OneDnnLibrary;

import java.lang.foreign.MemorySegment;

/** Status checking and library facts for oneDNN. Every call through the bindings goes after {@link #ensureLoaded()}. */
public final class Dnnl {
    private Dnnl() {
    }

    /** Loads libdnnl (and libgomp) if it is not yet loaded; throws {@link org.jdnn.natives.NativeLibraryException} if it cannot be. */
    public static void ensureLoaded() {
        OneDnnLibrary.load();
    }

    /** Throws {@link DnnlException} naming {@code function} unless {@code status} is dnnl_success. */
    public static void check(int status, String function) {
        if (status != dnnl_h.dnnl_success()) {
            throw new DnnlException(function, status, null);
        }
    }

    /** As {@link #check(int, String)}, with what the call was for (op and shapes) in the message. */
    public static void check(int status, String function, Object context) {
        if (status != dnnl_h.dnnl_success()) {
            throw new DnnlException(function, status, String.valueOf(context));
        }
    }

    static String statusName(int status) {
        if (status == dnnl_h.dnnl_success()) return "dnnl_success";
        if (status == dnnl_h.dnnl_out_of_memory()) return "dnnl_out_of_memory";
        if (status == dnnl_h.dnnl_invalid_arguments()) return "dnnl_invalid_arguments";
        if (status == dnnl_h.dnnl_unimplemented()) return "dnnl_unimplemented";
        if (status == dnnl_h.dnnl_last_impl_reached()) return "dnnl_last_impl_reached";
        if (status == dnnl_h.dnnl_runtime_error()) return "dnnl_runtime_error";
        if (status == dnnl_h.dnnl_not_required()) return "dnnl_not_required";
        if (status == dnnl_h.dnnl_invalid_graph()) return "dnnl_invalid_graph";
        if (status == dnnl_h.dnnl_invalid_graph_op()) return "dnnl_invalid_graph_op";
        if (status == dnnl_h.dnnl_invalid_shape()) return "dnnl_invalid_shape";
        if (status == dnnl_h.dnnl_invalid_data_type()) return "dnnl_invalid_data_type";
        return "unknown dnnl status";
    }

    /** The loaded library's version, e.g. "3.13.0 (commit abc123)". */
    public static String version() {
        ensureLoaded();
        MemorySegment v = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        String hash = dnnl_version_t.hash(v).reinterpret(64).getString(0);
        return dnnl_version_t.major(v) + "." + dnnl_version_t.minor(v) + "." + dnnl_version_t.patch(v)
                + " (commit " + hash + ")";
    }

    /** The instruction set oneDNN's JIT uses on this CPU, e.g. "avx2" or "avx512_core". */
    /**
     * Set to {@code true} ({@code -Djdnn.bf16.unsupported=true}) to treat this CPU as lacking bf16 instructions: bf16
     * autocast then runs float32, as on a CPU without them. Read on every call, so tests can switch it.
     */
    public static final String BF16_UNSUPPORTED_PROPERTY = "jdnn.bf16.unsupported";

    /**
     * Whether oneDNN runs bf16 convolutions and matmuls with the CPU's own bf16 instructions: its effective ISA
     * includes AVX-512-BF16 (every later ISA, AMX included, does), and {@link #BF16_UNSUPPORTED_PROPERTY} is not set.
     * Without them oneDNN would emulate bf16 slowly, so autocast runs float32 instead.
     */
    public static boolean runsBf16() {
        if (Boolean.getBoolean(BF16_UNSUPPORTED_PROPERTY)) {
            return false;
        }
        ensureLoaded();
        // The ISA values are cumulative bit sets: a later ISA holds every bit of the earlier ones it extends.
        int bf16 = dnnl_h.dnnl_cpu_isa_avx512_core_bf16();
        return (dnnl_h.dnnl_get_effective_cpu_isa() & bf16) == bf16;
    }

    public static String effectiveCpuIsa() {
        ensureLoaded();
        int isa = dnnl_h.dnnl_get_effective_cpu_isa();
        if (isa == dnnl_h.dnnl_cpu_isa_sse41()) return "sse41";
        if (isa == dnnl_h.dnnl_cpu_isa_avx()) return "avx";
        if (isa == dnnl_h.dnnl_cpu_isa_avx2()) return "avx2";
        if (isa == dnnl_h.dnnl_cpu_isa_avx2_vnni()) return "avx2_vnni";
        if (isa == dnnl_h.dnnl_cpu_isa_avx2_vnni_2()) return "avx2_vnni_2";
        if (isa == dnnl_h.dnnl_cpu_isa_avx512_core()) return "avx512_core";
        if (isa == dnnl_h.dnnl_cpu_isa_avx512_core_vnni()) return "avx512_core_vnni";
        if (isa == dnnl_h.dnnl_cpu_isa_avx512_core_bf16()) return "avx512_core_bf16";
        if (isa == dnnl_h.dnnl_cpu_isa_avx10_1_512()) return "avx10_1_512 (avx512_core_fp16)";
        if (isa == dnnl_h.dnnl_cpu_isa_avx10_1_512_amx()) return "avx10_1_512_amx";
        if (isa == dnnl_h.dnnl_cpu_isa_avx10_1_512_amx_fp16()) return "avx10_1_512_amx_fp16";
        if (isa == dnnl_h.dnnl_cpu_isa_avx10_2()) return "avx10_2";
        if (isa == dnnl_h.dnnl_cpu_isa_avx10_2_amx_2()) return "avx10_2_amx_2";
        return "isa 0x" + Integer.toHexString(isa);
    }
}
