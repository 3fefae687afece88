package org.jdnn.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * An n-dimensional array of float32 values in native memory, contiguous and row-major (NCHW for images).
 *
 * <p>Tensors own native memory and are {@link AutoCloseable}: close them, or create them inside a
 * {@link Scope}. Any use after close throws {@link IllegalStateException}; it never touches freed memory.
 * {@link #reshape} returns a view that shares the storage, which is freed when the last view is closed.
 */
public final class Tensor implements AutoCloseable {
    private static final int PREVIEW = 6;

    private final Shape shape;
    private final DType dtype;
    private Storage storage; // replaced only by moveTo
    private volatile boolean closed;

    // Autograd state: plain data here; the graph logic lives in org.jdnn.autograd (see AutogradSupport).
    private volatile boolean requiresGrad;
    private volatile GradFn gradFn;
    private volatile Tensor grad;

    private Tensor(Shape shape, DType dtype, Storage storage) {
        this.shape = shape;
        this.dtype = dtype;
        this.storage = storage;
        Scope.track(this);
    }

    // ---- creation ----

    /** An uninitialised tensor (for op outputs that are fully overwritten). */
    public static Tensor empty(Shape shape) {
        return empty(shape, Device.CPU);
    }

    /** An uninitialised tensor on {@code device}. */
    public static Tensor empty(Shape shape, Device device) {
        long bytes;
        try {
            bytes = Math.multiplyExact(shape.numel(), DType.FLOAT32.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor: shape " + shape + " needs more bytes than a long counts");
        }
        return new Tensor(shape, DType.FLOAT32, new Storage(bytes, device));
    }

    public static Tensor empty(long... shape) {
        return empty(Shape.of(shape));
    }

    /** A tensor holding a copy of {@code data}, which must have exactly as many elements as {@code shape}. */
    public static Tensor of(float[] data, long... shape) {
        Shape s = Shape.of(shape);
        if (s.numel() != data.length) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values do not fill shape " + s
                    + " (" + s.numel() + " elements)");
        }
        Tensor t = empty(s);
        MemorySegment.copy(data, 0, t.segment(), JAVA_FLOAT, 0, data.length);
        return t;
    }

    /** A rank-1 tensor holding a copy of {@code data}. */
    public static Tensor of(float... data) {
        return of(data, data.length);
    }

    public static Tensor scalar(float value) {
        return full(value);
    }

    public static Tensor full(float value, long... shape) {
        return full(value, Device.CPU, shape);
    }

    /** A tensor of {@code value} on {@code device}, filled there (no copy from the host). */
    public static Tensor full(float value, Device device, long... shape) {
        return empty(Shape.of(shape), device).fill(value);
    }

    public static Tensor zeros(Device device, long... shape) {
        return full(0f, device, shape);
    }

    public static Tensor ones(Device device, long... shape) {
        return full(1f, device, shape);
    }

    public static Tensor zeros(long... shape) {
        return full(0f, shape);
    }

    public static Tensor ones(long... shape) {
        return full(1f, shape);
    }

    /** Standard normal values from a seeded generator: the same seed gives the same tensor. */
    public static Tensor randn(long seed, long... shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    public static Tensor randn(RandomGenerator random, long... shape) {
        Tensor t = empty(shape);
        MemorySegment s = t.segment();
        for (long i = 0, n = t.numel(); i < n; i++) {
            s.setAtIndex(JAVA_FLOAT, i, (float) random.nextGaussian());
        }
        return t;
    }

    /** Uniform values in [0, 1) from a seeded generator. */
    public static Tensor rand(long seed, long... shape) {
        return uniform(new SplittableRandom(seed), 0f, 1f, shape);
    }

    /** Uniform values in [low, high). */
    public static Tensor uniform(RandomGenerator random, float low, float high, long... shape) {
        if (!(low < high)) {
            throw new IllegalArgumentException("Tensor.uniform: low " + low + " must be < high " + high);
        }
        Tensor t = empty(shape);
        MemorySegment s = t.segment();
        for (long i = 0, n = t.numel(); i < n; i++) {
            s.setAtIndex(JAVA_FLOAT, i, low + (high - low) * random.nextFloat());
        }
        return t;
    }

    // ---- facts ----

    public Shape shape() {
        return shape;
    }

    public long[] dims() {
        return shape.dims();
    }

    public int rank() {
        return shape.rank();
    }

    /** Size of dimension {@code i} (negative counts from the end). */
    public long size(int i) {
        return shape.dim(i);
    }

    public long numel() {
        return shape.numel();
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage.device();
    }

    public boolean isClosed() {
        return closed;
    }

    // ---- reading ----

    /** A copy of the elements in row-major order. */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("Tensor.toFloatArray: " + n + " elements do not fit a Java array");
        }
        float[] out = new float[(int) n];
        pin();
        try {
            if (device().isHost()) {
                MemorySegment.copy(storage.segment(), JAVA_FLOAT, 0, out, 0, out.length);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment host = arena.allocate(n * JAVA_FLOAT.byteSize(), JAVA_FLOAT.byteAlignment());
                    download(0, host);
                    MemorySegment.copy(host, JAVA_FLOAT, 0, out, 0, out.length);
                }
            }
        } finally {
            unpin();
        }
        return out;
    }

    /** The only element of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("Tensor.item: tensor of shape " + shape + " has " + numel() + " elements, not 1");
        }
        return readElement(0);
    }

    /** The element at {@code index} (one index per dimension). */
    public float get(long... index) {
        return readElement(flatIndex(index));
    }

    /** Sets the element at {@code index}. */
    public void set(float value, long... index) {
        long flat = flatIndex(index);
        pin();
        try {
            if (device().isHost()) {
                storage.segment().setAtIndex(JAVA_FLOAT, flat, value);
            } else {
                writeElementOnDevice(flat, value);
            }
        } finally {
            unpin();
        }
    }

    /** One element, read directly on the host or copied from the device (counted). */
    private float readElement(long flat) {
        pin();
        try {
            if (device().isHost()) {
                return storage.segment().getAtIndex(JAVA_FLOAT, flat);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(JAVA_FLOAT);
                download(flat * JAVA_FLOAT.byteSize(), host);
                return host.get(JAVA_FLOAT, 0);
            }
        } finally {
            unpin();
        }
    }

    /** Copies device bytes from {@code offset} into {@code host}, counted; the caller pinned this tensor. */
    private void download(long offset, MemorySegment host) {
        storage.memory().copyToHost(storage.block(), offset, host);
        Transfers.toHost(host.byteSize());
    }

    /** Copies {@code host} onto the device block (counted); the caller pinned this tensor. */
    private void upload(MemorySegment host) {
        storage.memory().copyFromHost(host, storage.block());
        Transfers.toDevice(host.byteSize());
    }

    private void writeElementOnDevice(long flat, float value) {
        // Element writes are rare (tests, hand-set weights): read-modify-write keeps DeviceMemory small.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(numel() * JAVA_FLOAT.byteSize(), JAVA_FLOAT.byteAlignment());
            download(0, host);
            host.setAtIndex(JAVA_FLOAT, flat, value);
            upload(host);
        }
    }

    private long flatIndex(long[] index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("Tensor.get: " + index.length + " indices for shape " + shape);
        }
        long flat = 0;
        for (int i = 0; i < index.length; i++) {
            long d = shape.dim(i);
            if (index[i] < 0 || index[i] >= d) {
                throw new IndexOutOfBoundsException("Tensor.get: index " + Arrays.toString(index) + " out of shape " + shape);
            }
            flat = flat * d + index[i];
        }
        return flat;
    }

    // ---- views and copies ----

    /** A view with another shape and the same elements; one dimension may be -1 (inferred). */
    public Tensor reshape(long... newShape) {
        long[] dims = newShape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1 && inferred < 0) {
                inferred = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException("reshape: bad size " + dims[i] + " in " + Arrays.toString(newShape));
            } else {
                known *= dims[i];
            }
        }
        long n = numel();
        if (inferred >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(newShape)
                        + " for " + n + " elements (shape " + shape + ")");
            }
            dims[inferred] = n / known;
        }
        Shape target = Shape.of(dims);
        if (target.numel() != n) {
            throw new IllegalArgumentException("reshape: shape " + shape + " (" + n + " elements) cannot become "
                    + target + " (" + target.numel() + " elements)");
        }
        retainStorage();
        Tensor view = new Tensor(target, dtype, storage);
        AutogradSupport.Engine engine = requiresGrad() ? AutogradSupport.engine() : null;
        if (engine != null) {
            try {
                engine.recordView(this, view);
            } catch (RuntimeException | Error e) {
                view.close();
                throw e;
            }
        }
        return view;
    }

    /** A view of the same elements that is cut off from the autograd graph (no gradient flows through it). */
    public Tensor detach() {
        retainStorage();
        return new Tensor(shape, dtype, storage);
    }

    /** Sets every element to {@code value}, in place (on the tensor's device). */
    public Tensor fill(float value) {
        if (!device().isHost()) {
            return fillOnDevice(value);
        }
        pin();
        try {
            MemorySegment s = storage.segment();
            if (value == 0f) {
                s.fill((byte) 0);
            } else {
                for (long i = 0, n = numel(); i < n; i++) {
                    s.setAtIndex(JAVA_FLOAT, i, value);
                }
            }
        } finally {
            unpin();
        }
        return this;
    }

    private Tensor fillOnDevice(float value) {
        pin();
        try {
            storage.memory().fill(storage.block(), value);
        } finally {
            unpin();
        }
        return this;
    }

    /**
     * This tensor's elements on {@code device}: a copy there (counted when it crosses between host and device), or a
     * view of the same storage when it is already there. Gradients flow back through it to this tensor.
     */
    public Tensor to(Device device) {
        if (device.equals(device())) {
            return reshape(dims());
        }
        pin();
        Tensor t = null;
        try {
            t = empty(shape, device);
            copyAcross(this, t);
        } catch (RuntimeException | Error e) {
            if (t != null) {
                t.close();
            }
            throw e;
        } finally {
            unpin();
        }
        AutogradSupport.Engine engine = requiresGrad() ? AutogradSupport.engine() : null;
        if (engine != null) {
            engine.recordTransfer(this, t);
        }
        return t;
    }

    /** Copies {@code from} into {@code to} (same shape), whatever devices they are on; both are pinned. */
    private static void copyAcross(Tensor from, Tensor to) {
        to.pin();
        try {
            long bytes = from.numel() * JAVA_FLOAT.byteSize();
            if (from.device().isHost() && to.device().isHost()) {
                MemorySegment.copy(from.storage.segment(), 0, to.storage.segment(), 0, bytes);
            } else if (from.device().isHost()) {
                to.upload(from.storage.segment().asSlice(0, bytes));
            } else if (to.device().isHost()) {
                from.download(0, to.storage.segment().asSlice(0, bytes));
            } else if (from.device().equals(to.device())) {
                to.storage.memory().copy(from.storage.block(), to.storage.block());
            } else {
                try (Arena arena = Arena.ofConfined()) { // between two devices: through the host
                    MemorySegment host = arena.allocate(bytes, JAVA_FLOAT.byteAlignment());
                    from.download(0, host);
                    to.upload(host);
                }
            }
        } finally {
            to.unpin();
        }
    }

    /**
     * Overwrites this tensor's elements with {@code source}'s (the same number of elements, any device; counted when it
     * crosses between host and device), outside autograd; returns this.
     */
    public Tensor copyFrom(Tensor source) {
        if (source.numel() != numel()) {
            throw new IllegalArgumentException("copyFrom: source " + source.shape() + " has " + source.numel()
                    + " elements, this tensor " + shape + " has " + numel());
        }
        source.pin();
        try {
            copyAcross(source, this);
        } finally {
            source.unpin();
        }
        return this;
    }

    /**
     * Moves this leaf tensor (a parameter or buffer) to {@code device} in place, with its gradient, as
     * {@code module.to(device)} does in PyTorch: the tensor object stays, its storage is replaced by a copy on the
     * device. Views made before no longer share its elements. Not to be called while another thread uses it.
     */
    public Tensor moveTo(Device device) {
        if (device.equals(device())) {
            return this;
        }
        if (!isLeaf()) {
            throw new IllegalStateException("moveTo: tensor " + shape + " was made by " + gradFn.name()
                    + "; only leaves move in place (use to(device) for a copy)");
        }
        Tensor moved = Scope.untracked(() -> empty(shape, device));
        try {
            moved.copyFrom(this);
        } catch (RuntimeException | Error e) {
            moved.close();
            throw e;
        }
        Storage old = storage;
        storage = moved.storage;
        moved.storage = old; // closing the husk releases the old storage
        moved.close();
        Tensor g = grad;
        if (g != null) {
            g.moveTo(device);
        }
        return this;
    }

    /** A new tensor with a copy of the elements, on the same device. */
    public Tensor copy() {
        pin(); // first: a closed source must fail before anything is allocated
        try {
            if (!device().isHost()) {
                Tensor t = empty(shape, device());
                try {
                    copyAcross(this, t);
                } catch (RuntimeException | Error e) {
                    t.close();
                    throw e;
                }
                return t;
            }
            Tensor t = empty(shape);
            MemorySegment source = storage.segment();
            MemorySegment.copy(source, 0, t.segment(), 0, source.byteSize());
            return t;
        } finally {
            unpin();
        }
    }

    // ---- autograd ----

    /** Whether gradients are tracked for this tensor: a leaf marked with {@link #requiresGrad(boolean)}, or an op result. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** Marks a leaf tensor (a parameter or input) for gradient tracking; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: tensor " + shape + " was made by " + gradFn.name()
                    + "; only leaf tensors can be marked (use detach() for a leaf copy)");
        }
        requiresGrad = value;
        return this;
    }

    /** The gradient accumulated by backward passes (leaves only), or null before the first one. */
    public Tensor grad() {
        return grad;
    }

    /** The op that made this tensor, or null for a leaf. */
    public GradFn gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Backpropagates from this one-element tensor (a loss), accumulating into the leaves' {@link #grad()}; frees the graph. */
    public void backward() {
        backward(null, false);
    }

    /**
     * Backpropagates {@code gradient} (same shape as this tensor; null means 1 for a one-element tensor).
     * With {@code retainGraph} the graph survives for another backward; otherwise it is freed.
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        checkOpen();
        AutogradSupport.Engine engine = AutogradSupport.engine();
        if (!requiresGrad() || engine == null) {
            throw new IllegalStateException("backward: tensor " + shape + " does not require grad (no recorded op"
                    + " and not marked with requiresGrad(true))");
        }
        engine.backward(this, gradient, retainGraph);
    }

    void setGradFn(GradFn fn) {
        this.gradFn = fn;
    }

    void setGrad(Tensor value) {
        Tensor old = grad;
        grad = value;
        if (old != null && old != value) {
            old.close();
        }
    }

    // ---- lifetime ----

    MemorySegment segment() {
        checkOpen();
        return storage.segment();
    }

    long plainAddress() {
        checkOpen();
        return storage.plainAddress();
    }

    NativeLayout nativeLayout() {
        checkOpen();
        return storage.nativeLayout();
    }

    void holdInNativeLayout(NativeLayout layout) {
        checkOpen();
        storage.holdInNativeLayout(layout);
    }

    /**
     * Keeps the storage alive until {@link #unpin()}, even if another thread closes this tensor meanwhile (the free
     * waits for the unpin); throws if the tensor is already closed. One CAS: cheap enough for every kernel call.
     */
    void pin() {
        if (closed || !storage.tryPin()) {
            throw new IllegalStateException("tensor " + shape + " is closed");
        }
    }

    void unpin() {
        storage.unpin();
    }

    /** One more reference for a new view; like a pin, refused once the storage is freed (never resurrects it). */
    private void retainStorage() {
        pin();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor " + shape + " is closed");
        }
    }

    /** Frees the storage once this tensor and all views of it are closed. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            storage.release();
            Tensor g = grad;
            if (g != null) {
                grad = null;
                g.close();
            }
            gradFn = null;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(shape).append(", dtype=").append(dtype)
                .append(", device=").append(device());
        if (closed || !storage.tryPin()) {
            return sb.append(", closed)").toString();
        }
        try {
            sb.append(")\n");
            if (device().isHost()) {
                appendPreview(sb, storage.segment(), 0, 0);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment host = arena.allocate(numel() * JAVA_FLOAT.byteSize(), JAVA_FLOAT.byteAlignment());
                    download(0, host);
                    appendPreview(sb, host, 0, 0);
                }
            }
        } finally {
            storage.unpin();
        }
        return sb.toString();
    }

    private void appendPreview(StringBuilder sb, MemorySegment s, int dim, long offset) {
        if (rank() == 0) {
            sb.append(s.get(JAVA_FLOAT, 0));
            return;
        }
        long n = shape.dim(dim);
        long stride = shape.strides()[dim];
        sb.append('[');
        for (long i = 0; i < n; i++) {
            if (n > PREVIEW && i == PREVIEW / 2) {
                sb.append("...");
                i = n - PREVIEW / 2 - 1;
                sb.append(dim == rank() - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
                continue;
            }
            if (dim == rank() - 1) {
                sb.append(String.format("%.4f", s.getAtIndex(JAVA_FLOAT, offset + i)));
            } else {
                appendPreview(sb, s, dim + 1, offset + i * stride);
            }
            if (i < n - 1) {
                sb.append(dim == rank() - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
            }
        }
        sb.append(']');
    }

    // ---- fluent: layers ----

    /** {@link org.jdnn.autograd.F#adaptiveAvgPool2d(Tensor, long, long)}. */
    public Tensor adaptiveAvgPool2d(long outH, long outW) {
        return org.jdnn.autograd.F.adaptiveAvgPool2d(this, outH, outW);
    }

    /** {@link org.jdnn.autograd.F#interpolate(Tensor, org.jdnn.ops.Upsample2dParams)}. */
    public Tensor interpolate(org.jdnn.ops.Upsample2dParams params) {
        return org.jdnn.autograd.F.interpolate(this, params);
    }

    /** {@link org.jdnn.autograd.F#maxUnpool2d(Tensor, Tensor, long, long)}. */
    public Tensor maxUnpool2d(Tensor indices, long outH, long outW) {
        return org.jdnn.autograd.F.maxUnpool2d(this, indices, outH, outW);
    }
}
