package org.jdnn.backend.cuda;

import org.jdnn.backend.Backend;
import org.jdnn.backend.Backends;
import org.jdnn.backend.KernelTable;
import org.jdnn.natives.Settings;
import org.jdnn.ops.Op;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The GPU backend: tensors on {@code cuda:0}, kernels through cuBLAS ({@link CudaMatmul}) and cuDNN
 * ({@link CudaConvolution}, {@link CudaPooling}, {@link CudaActivations}, {@link CudaBatchNorm}), float32, and
 * device copies ({@link CudaCopy}, any dtype). Every other op of the op table, and every case those kernels do not
 * take, runs the reference's kernel through host copies of its operands ({@link org.jdnn.backend.Fallback#viaHost}),
 * declared per op and counted in {@code Jdnn.info()}: the whole op table works on cuda, and native kernels replace
 * round trips one by one.
 *
 * <p>Kill switch: {@code -Djdnn.cuda.disable=conv2d,matmul} (an op's name or family, or {@code all}) sends those ops
 * through the round trip too.
 */
public final class CudaBackend implements Backend {
    public static final String DISABLE_PROPERTY = "jdnn.cuda.disable";

    private final CudaDevice device;
    private final KernelTable kernels;

    CudaBackend(CudaDevice device, Set<String> disabled) {
        this.device = device;
        this.kernels = kernelTable(disabled);
    }

    /**
     * The table: cuBLAS and cuDNN kernels for float32, the host round trip for every other op of the reference's
     * table. Building it touches no GPU (the kernels do, when they run).
     */
    static KernelTable kernelTable(Set<String> disabled) {
        KernelTable kernels = new KernelTable(Backends.CUDA, disabled, EnumSet.of(DType.FLOAT32), true);
        CudaMatmul.register(kernels);
        CudaConvolution.register(kernels);
        CudaPooling.register(kernels);
        CudaActivations.register(kernels);
        CudaBatchNorm.register(kernels);
        CudaCopy.register(kernels);
        CudaCompiledOps.register(kernels);
        for (Op<?> op : Backends.get(Backends.REFERENCE).kernels().ops()) {
            if (kernels.entry(op) == null) {
                kernels.putViaHost(op);
            }
        }
        kernels.requireKnownDisabled(DISABLE_PROPERTY);
        return kernels;
    }

    /** The ops named in {@code jdnn.cuda.disable} / {@code JDNN_CUDA_DISABLE}. */
    static Set<String> disabledOps() {
        String value = Settings.value(DISABLE_PROPERTY, "JDNN_CUDA_DISABLE");
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    @Override
    public String name() {
        return Backends.CUDA;
    }

    @Override
    public Device device() {
        return Device.cuda(CudaDevice.INDEX);
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }

    /** The device, its allocator's use and cache, and the convolution algorithms measured. */
    @Override
    public String status() {
        return "available: " + device.facts() + "; memory: " + device.allocator().stats() + "; "
                + CudaConvolution.ALGORITHMS.size() + " convolution algorithms cached ("
                + CudaConvolution.ALGORITHMS.measured() + " measured)"
                + (CudaConvolution.DETERMINISTIC ? ", deterministic" : "");
    }

    /** The allocator's counters. */
    public String memoryStats() {
        return device.allocator().stats().toString();
    }

    /** Releases the allocator's cached blocks to the device (torch.cuda.empty_cache). */
    public void emptyCache() {
        device.allocator().releaseCache();
    }

    /** Waits until the calling thread's queued GPU work is done (torch.cuda.synchronize for this thread's stream). */
    public void synchronize() {
        CudaThread.current().synchronize();
    }

    /** The ops with a kernel of their own here (they may still take a round trip for some cases). */
    public List<String> nativeOps() {
        return ops(true);
    }

    /** The ops that always take the host round trip. */
    public List<String> roundTripOps() {
        return ops(false);
    }

    private List<String> ops(boolean own) {
        return ops(kernels, own);
    }

    /** The names of {@code kernels}' ops that have (or, with {@code own} false, lack) a kernel of their own. */
    static List<String> ops(KernelTable kernels, boolean own) {
        List<String> names = new ArrayList<>();
        for (Op<?> op : kernels.ops()) {
            if (kernels.entry(op).hasOwnKernel() == own) {
                names.add(op.name());
            }
        }
        return names;
    }
}
