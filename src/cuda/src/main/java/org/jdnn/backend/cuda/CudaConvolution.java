package org.jdnn.backend.cuda;

import org.jdnn.backend.Fallback;
import org.jdnn.backend.KernelTable;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.natives.Settings;
import org.jdnn.natives.cuda.CudaRuntime;
import org.jdnn.natives.cuda.Cudnn;
import org.jdnn.ops.Conv2dOps;
import org.jdnn.ops.ConvTranspose2dOps;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * conv2d and conv_transpose2d, forward and both backwards, through cuDNN's convolution (see {@link ConvGeometry} for
 * how the transposed one maps onto it). Each (pass, shapes, parameters) measures its algorithm once with
 * cudnnFind...AlgorithmEx and keeps the choice in a bounded cache; {@code -Djdnn.cuda.deterministic=true} admits only
 * deterministic algorithms. Asymmetric padding, an output padding not below the stride and bf16 precision take the
 * host round trip.
 */
final class CudaConvolution {
    static final boolean DETERMINISTIC = Boolean.parseBoolean(Settings.value("jdnn.cuda.deterministic",
            "JDNN_CUDA_DETERMINISTIC"));
    /** The most workspace an algorithm may use: {@code -Djdnn.cuda.workspaceBytes}, default 256 MiB. */
    static final long WORKSPACE_LIMIT = Long.getLong("jdnn.cuda.workspaceBytes", 256L << 20);
    static final AlgoChoice.Cache ALGORITHMS = new AlgoChoice.Cache(Integer.getInteger("jdnn.cuda.algoCacheSize", 1024));

    private static final int REQUESTED = 16;
    private static final String FORWARD = "forward", BACKWARD_DATA = "backward data", BACKWARD_FILTER = "backward filter";

    private CudaConvolution() {
    }

    static void register(KernelTable table) {
        table.put(Conv2dOps.FORWARD, (p, in, out) -> {
                    ConvGeometry g = ConvGeometry.conv2d(p, in[0].shape(), in[1].shape());
                    forward(g, in[0], in[1], out[0]);
                    addBias(g, in[2], out[0]);
                }, Fallback.viaHost("conv2d parameters cuDNN does not take", (p, in, out) ->
                        ConvGeometry.unsupported(p, in[0].shape(), in[1].shape(), out[0].shape()) != null))
                .put(Conv2dOps.BACKWARD_DATA, (p, in, out) -> backwardData(
                                ConvGeometry.conv2d(p.conv(), p.input(), in[1].shape()), in[1], in[0], out[0]),
                        Fallback.viaHost("conv2d parameters cuDNN does not take", (p, in, out) ->
                                ConvGeometry.unsupported(p.conv(), p.input(), in[0].shape()) != null))
                .put(Conv2dOps.BACKWARD_WEIGHTS, (p, in, out) -> {
                    ConvGeometry g = ConvGeometry.conv2d(p.conv(), in[0].shape(), p.weight());
                    backwardFilter(g, in[0], in[1], out[0]);
                    biasGradient(g.y(), in[1], out[1]);
                }, Fallback.viaHost("conv2d parameters cuDNN does not take", (p, in, out) ->
                        ConvGeometry.unsupported(p.conv(), in[0].shape(), in[1].shape()) != null))
                .put(ConvTranspose2dOps.FORWARD, (p, in, out) -> {
                    // The transposed convolution's forward is its convolution's backward data.
                    ConvGeometry g = ConvGeometry.transposed(p, in[0].shape(), in[1].shape());
                    backwardData(g, in[1], in[0], out[0]);
                    addBias(g.x(), in[2], out[0]);
                }, Fallback.viaHost("conv_transpose2d parameters cuDNN does not take", (p, in, out) ->
                        ConvGeometry.unsupported(p, in[0].shape(), out[0].shape()) != null))
                .put(ConvTranspose2dOps.BACKWARD_DATA, (p, in, out) -> forward(
                                ConvGeometry.transposed(p.conv(), p.input(), in[1].shape()), in[0], in[1], out[0]),
                        Fallback.viaHost("conv_transpose2d parameters cuDNN does not take", (p, in, out) ->
                                ConvGeometry.unsupported(p.conv(), p.input(), in[0].shape()) != null))
                .put(ConvTranspose2dOps.BACKWARD_WEIGHTS, (p, in, out) -> {
                    // dW of y = A_w^T x is the convolution's filter gradient with the output's gradient as its
                    // input and the transposed convolution's input as its output gradient.
                    ConvGeometry g = ConvGeometry.transposed(p.conv(), in[0].shape(), p.weight());
                    backwardFilter(g, in[1], in[0], out[0]);
                    biasGradient(g.x(), in[1], out[1]);
                }, Fallback.viaHost("conv_transpose2d parameters cuDNN does not take", (p, in, out) ->
                        ConvGeometry.unsupported(p.conv(), in[0].shape(), in[1].shape()) != null));
    }

    /** {@code y = conv(x, w)} with the geometry's x, w, y. */
    static void forward(ConvGeometry g, Tensor x, Tensor w, Tensor y) {
        if (g.empty()) {
            zero(y);
            return;
        }
        CudaThread thread = CudaThread.current();
        MemorySegment xs = TensorAccess.segment(x), ws = TensorAccess.segment(w), ys = TensorAccess.segment(y);
        try (CudnnDescriptor xd = CudnnDescriptor.tensor(g.x()); CudnnDescriptor wd = CudnnDescriptor.filter(g.w());
             CudnnDescriptor cd = CudnnDescriptor.convolution(g); CudnnDescriptor yd = CudnnDescriptor.tensor(g.y())) {
            MemorySegment h = thread.cudnn();
            AlgoChoice.Chosen algo = ALGORITHMS.get(g.key(FORWARD, DETERMINISTIC), () -> find(FORWARD, g,
                    (count, returned, perf, space) -> cudnn_h.cudnnFindConvolutionForwardAlgorithmEx(h, xd.handle(), xs,
                            wd.handle(), ws, cd.handle(), yd.handle(), ys, count, returned, perf, space.segment(),
                            space.bytes())));
            try (Workspace space = Workspace.of(algo.workspace())) {
                Cudnn.check(cudnn_h.cudnnConvolutionForward(h, Scalars.ONE, xd.handle(), xs, wd.handle(), ws,
                        cd.handle(), algo.algo(), space.segment(), space.bytes(), Scalars.ZERO, yd.handle(), ys),
                        "cudnnConvolutionForward(" + g + ", algo " + algo.algo() + ")");
            }
        }
    }

    /** {@code dx} from {@code dy} and {@code w}. */
    static void backwardData(ConvGeometry g, Tensor w, Tensor dy, Tensor dx) {
        if (g.empty()) {
            zero(dx);
            return;
        }
        CudaThread thread = CudaThread.current();
        MemorySegment ws = TensorAccess.segment(w), dys = TensorAccess.segment(dy), dxs = TensorAccess.segment(dx);
        try (CudnnDescriptor xd = CudnnDescriptor.tensor(g.x()); CudnnDescriptor wd = CudnnDescriptor.filter(g.w());
             CudnnDescriptor cd = CudnnDescriptor.convolution(g); CudnnDescriptor yd = CudnnDescriptor.tensor(g.y())) {
            MemorySegment h = thread.cudnn();
            AlgoChoice.Chosen algo = ALGORITHMS.get(g.key(BACKWARD_DATA, DETERMINISTIC), () -> find(BACKWARD_DATA, g,
                    (count, returned, perf, space) -> cudnn_h.cudnnFindConvolutionBackwardDataAlgorithmEx(h,
                            wd.handle(), ws, yd.handle(), dys, cd.handle(), xd.handle(), dxs, count, returned, perf,
                            space.segment(), space.bytes())));
            try (Workspace space = Workspace.of(algo.workspace())) {
                Cudnn.check(cudnn_h.cudnnConvolutionBackwardData(h, Scalars.ONE, wd.handle(), ws, yd.handle(), dys,
                        cd.handle(), algo.algo(), space.segment(), space.bytes(), Scalars.ZERO, xd.handle(), dxs),
                        "cudnnConvolutionBackwardData(" + g + ", algo " + algo.algo() + ")");
            }
        }
    }

    /** {@code dw} from {@code x} and {@code dy}. */
    static void backwardFilter(ConvGeometry g, Tensor x, Tensor dy, Tensor dw) {
        if (g.empty()) {
            zero(dw);
            return;
        }
        CudaThread thread = CudaThread.current();
        MemorySegment xs = TensorAccess.segment(x), dys = TensorAccess.segment(dy), dws = TensorAccess.segment(dw);
        try (CudnnDescriptor xd = CudnnDescriptor.tensor(g.x()); CudnnDescriptor wd = CudnnDescriptor.filter(g.w());
             CudnnDescriptor cd = CudnnDescriptor.convolution(g); CudnnDescriptor yd = CudnnDescriptor.tensor(g.y())) {
            MemorySegment h = thread.cudnn();
            AlgoChoice.Chosen algo = ALGORITHMS.get(g.key(BACKWARD_FILTER, DETERMINISTIC), () -> find(BACKWARD_FILTER,
                    g, (count, returned, perf, space) -> cudnn_h.cudnnFindConvolutionBackwardFilterAlgorithmEx(h,
                            xd.handle(), xs, yd.handle(), dys, cd.handle(), wd.handle(), dws, count, returned, perf,
                            space.segment(), space.bytes())));
            try (Workspace space = Workspace.of(algo.workspace())) {
                Cudnn.check(cudnn_h.cudnnConvolutionBackwardFilter(h, Scalars.ONE, xd.handle(), xs, yd.handle(), dys,
                        cd.handle(), algo.algo(), space.segment(), space.bytes(), Scalars.ZERO, wd.handle(), dws),
                        "cudnnConvolutionBackwardFilter(" + g + ", algo " + algo.algo() + ")");
            }
        }
    }

    /** {@code out += bias} per channel of {@code dims} (N, C, H, W); nothing without a bias. */
    static void addBias(int[] dims, Tensor bias, Tensor out) {
        if (bias == null || out.numel() == 0) {
            return;
        }
        try (CudnnDescriptor bd = CudnnDescriptor.tensor(new int[] {1, dims[1], 1, 1});
             CudnnDescriptor od = CudnnDescriptor.tensor(dims)) {
            Cudnn.check(cudnn_h.cudnnAddTensor(CudaThread.current().cudnn(), Scalars.ONE, bd.handle(),
                    TensorAccess.segment(bias), Scalars.ONE, od.handle(), TensorAccess.segment(out)),
                    "cudnnAddTensor(bias, " + java.util.Arrays.toString(dims) + ")");
        }
    }

    private static void addBias(ConvGeometry g, Tensor bias, Tensor out) {
        addBias(g.y(), bias, out);
    }

    /** {@code db} = the sum of {@code dy} (dims N, C, H, W) over all but the channels; nothing when not asked. */
    static void biasGradient(int[] dims, Tensor dy, Tensor db) {
        if (db == null) {
            return;
        }
        if (dy.numel() == 0) {
            zero(db);
            return;
        }
        try (CudnnDescriptor dyd = CudnnDescriptor.tensor(dims);
             CudnnDescriptor bd = CudnnDescriptor.tensor(new int[] {1, dims[1], 1, 1})) {
            Cudnn.check(cudnn_h.cudnnConvolutionBackwardBias(CudaThread.current().cudnn(), Scalars.ONE, dyd.handle(),
                    TensorAccess.segment(dy), Scalars.ZERO, bd.handle(), TensorAccess.segment(db)),
                    "cudnnConvolutionBackwardBias(" + java.util.Arrays.toString(dims) + ")");
        }
    }

    static void zero(Tensor t) {
        if (t != null && t.numel() > 0) {
            CudaRuntime.memsetAsync(TensorAccess.segment(t), 0, t.numel() * t.dtype().byteSize(),
                    CudaThread.current().stream());
        }
    }

    /** One cudnnFind...AlgorithmEx call: measures the candidates into {@code perf}. */
    @FunctionalInterface
    private interface Finder {
        int find(int requested, MemorySegment returned, MemorySegment perf, Workspace space);
    }

    /** Measures the algorithms of {@code pass} (with a workspace up to the limit) and picks one. */
    private static AlgoChoice.Chosen find(String pass, ConvGeometry g, Finder finder) {
        try (Arena arena = Arena.ofConfined(); Workspace space = findWorkspace()) {
            MemorySegment returned = arena.allocate(JAVA_INT);
            MemorySegment perf = AlgoChoice.perfRows(REQUESTED, arena);
            Cudnn.check(finder.find(REQUESTED, returned, perf, space),
                    "cudnnFindConvolution" + switch (pass) {
                        case FORWARD -> "Forward";
                        case BACKWARD_DATA -> "BackwardData";
                        default -> "BackwardFilter";
                    } + "AlgorithmEx(" + g + ")");
            List<AlgoChoice.Perf> perfs = AlgoChoice.read(perf, returned.get(JAVA_INT, 0));
            AlgoChoice.Perf chosen = AlgoChoice.pick(perfs, DETERMINISTIC);
            if (chosen == null || chosen.memory() > space.bytes()) {
                throw new IllegalStateException("conv2d on cuda: no usable " + pass + " algorithm for " + g
                        + (DETERMINISTIC ? " (deterministic ones only)" : "") + " among " + perfs);
            }
            return new AlgoChoice.Chosen(chosen.algo(), chosen.memory());
        }
    }

    /** The measuring workspace: the limit, or less when the device has less free. */
    private static Workspace findWorkspace() {
        long free = CudaRuntime.memoryInfo()[0];
        long bytes = Math.min(WORKSPACE_LIMIT, free / 2);
        try {
            return Workspace.of(bytes);
        } catch (CudaOutOfMemoryException e) {
            return Workspace.of(0);
        }
    }
}
