package org.jdnn.autograd;

import org.jdnn.backend.Backends;
import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.MatmulParams;
import org.jdnn.ops.Precision;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Mixed precision for the compute-heavy ops, as PyTorch's {@code torch.autocast("cpu", dtype=torch.bfloat16)}:
 * {@code try (var bf16 = Autocast.bf16()) { ... }}. Inside, conv2d, conv_transpose2d, matmul and linear (called
 * through {@link F}) read their multiplied operands as bf16 and accumulate in float32 ({@link Precision#BF16}); their
 * backward passes inherit that precision from the recorded op. Everything else stays float32: tensors, parameters,
 * gradients, optimizer state, batch norm, losses and reductions. Thread-local; closing restores the precision it
 * found, so regions nest.
 *
 * <p>Where the CPU backend has no bf16 kernels (oneDNN on a CPU without AVX-512-BF16 or AMX, see
 * {@link org.jdnn.backend.Backend#runsBf16()}), the region runs float32 and says so once per process.
 */
public final class Autocast implements AutoCloseable {
    /** The message printed (once) when bf16 is asked for on a CPU that lacks it. */
    public static final String FALLBACK_MESSAGE = "bf16 autocast: this CPU lacks AVX-512-BF16/AMX, running fp32";

    private static final ThreadLocal<Precision[]> PRECISION = ThreadLocal.withInitial(() -> new Precision[] {Precision.FP32});
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Precision previous;
    private final Precision running;
    private boolean closed;

    private Autocast(Precision running) {
        Precision[] state = PRECISION.get();
        this.previous = state[0];
        this.running = running;
        state[0] = running;
    }

    /**
     * A region where convolutions and matmuls run in bf16 with float32 accumulation, or in float32 (with a one-time
     * message on stderr) where the current CPU backend cannot run bf16.
     */
    public static Autocast bf16() {
        if (!Backends.current().runsBf16()) {
            if (WARNED.compareAndSet(false, true)) {
                System.err.println(FALLBACK_MESSAGE);
            }
            return new Autocast(Precision.FP32);
        }
        return new Autocast(Precision.BF16);
    }

    /** A region where convolutions and matmuls run in float32 again, inside a {@link #bf16()} one. */
    public static Autocast fp32() {
        return new Autocast(Precision.FP32);
    }

    /** The precision convolutions and matmuls called on this thread now run in. */
    public static Precision current() {
        return PRECISION.get()[0];
    }

    /** The precision this region runs in: BF16, or FP32 where bf16 was asked for but the CPU lacks it. */
    public Precision precision() {
        return running;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            PRECISION.get()[0] = previous;
        }
    }

    // ---- what F applies to each op's params ----

    static Conv2dParams apply(Conv2dParams params) {
        Precision p = current();
        return p == Precision.FP32 || params.precision() == p ? params : params.withPrecision(p);
    }

    static ConvTranspose2dParams apply(ConvTranspose2dParams params) {
        Conv2dParams conv = apply(params.conv());
        return conv == params.conv() ? params
                : new ConvTranspose2dParams(conv, params.outputPaddingH(), params.outputPaddingW());
    }

    static MatmulParams apply(MatmulParams params) {
        Precision p = current();
        return p == Precision.FP32 || params.precision() == p ? params : params.withPrecision(p);
    }
}
