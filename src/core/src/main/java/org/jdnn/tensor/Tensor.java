package org.jdnn.tensor;

import org.jdnn.autograd.F;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An n-dimensional array in native memory, contiguous and row-major (NCHW for images), of one {@link DType}: float32
 * by default ({@link #of}), int64 ({@link #ofLongs}), float64 ({@link #ofDoubles}) or bool ({@link #ofBooleans}).
 * Every reader converts ({@link #toFloatArray} works for each dtype; {@link #toLongArray} is exact for int64).
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

    /** An uninitialised float32 tensor on {@code device}. */
    public static Tensor empty(Shape shape, Device device) {
        return empty(shape, DType.FLOAT32, device);
    }

    /** An uninitialised tensor of {@code dtype} on {@code device} (see {@link DType} for how elements are stored). */
    public static Tensor empty(Shape shape, DType dtype, Device device) {
        return empty(shape, dtype, device, false);
    }

    /** {@code deferHostAllocation}: see {@link Storage}; for the outputs of ops ({@link TensorAccess#emptyOutput}). */
    static Tensor empty(Shape shape, DType dtype, Device device, boolean deferHostAllocation) {
        if (shape == null || dtype == null || device == null) {
            throw new IllegalArgumentException("Tensor.empty: shape, dtype and device are required (got " + shape + ", "
                    + dtype + ", " + device + ")");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(shape.numel(), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor: shape " + shape + " needs more bytes than a long counts");
        }
        return new Tensor(shape, dtype, new Storage(bytes, device, deferHostAllocation));
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

    /** An int64 tensor holding a copy of {@code data}, which must have exactly as many elements as {@code shape}. */
    public static Tensor ofLongs(long[] data, long... shape) {
        Tensor t = empty(filled("Tensor.ofLongs", data.length, shape), DType.INT64, Device.CPU);
        MemorySegment.copy(data, 0, t.segment(), JAVA_LONG, 0, data.length);
        return t;
    }

    /** A rank-1 int64 tensor holding a copy of {@code data} (labels, indices). */
    public static Tensor ofLongs(long... data) {
        return ofLongs(data, data.length);
    }

    /** PyTorch's {@code torch.arange(end)} with an integer end: int64 values 0, 1, ..., end - 1. */
    public static Tensor arange(long end) {
        return arange(0, end, 1);
    }

    /**
     * PyTorch's {@code torch.arange(start, end, step)} with integer arguments: int64 values {@code start + i step}
     * below {@code end} (above it for a negative step).
     */
    public static Tensor arange(long start, long end, long step) {
        long n = rangeLength("Tensor.arange", start, end, step);
        long[] values = new long[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = start + i * step;
        }
        return ofLongs(values, n);
    }

    /**
     * PyTorch's {@code torch.arange(start, end, step)} with floating arguments: float32 values {@code start + i step},
     * each computed in double and rounded once, {@code ceil((end - start) / step)} of them.
     */
    public static Tensor arange(double start, double end, double step) {
        long n = rangeLength("Tensor.arange", start, end, step);
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (start + i * step);
        }
        return of(values, n);
    }

    private static long rangeLength(String op, double start, double end, double step) {
        if (!Double.isFinite(start) || !Double.isFinite(end) || !Double.isFinite(step)) {
            throw new IllegalArgumentException(op + ": start, end and step must be finite, got " + start + ", " + end
                    + ", " + step);
        }
        if (step == 0) {
            throw new IllegalArgumentException(op + ": step must be nonzero");
        }
        if ((step > 0 && end < start) || (step < 0 && end > start)) {
            throw new IllegalArgumentException(op + ": end " + end + " is on the wrong side of start " + start
                    + " for step " + step);
        }
        double n = Math.ceil((end - start) / step);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": " + n + " elements are too many for one host array");
        }
        return (long) n;
    }

    /** A float64 tensor holding a copy of {@code data}, which must have exactly as many elements as {@code shape}. */
    public static Tensor ofDoubles(double[] data, long... shape) {
        Tensor t = empty(filled("Tensor.ofDoubles", data.length, shape), DType.FLOAT64, Device.CPU);
        MemorySegment.copy(data, 0, t.segment(), JAVA_DOUBLE, 0, data.length);
        return t;
    }

    /** A rank-1 float64 tensor holding a copy of {@code data}. */
    public static Tensor ofDoubles(double... data) {
        return ofDoubles(data, data.length);
    }

    /** A bool tensor holding a copy of {@code data} (stored as bytes 0/1), as many elements as {@code shape}. */
    public static Tensor ofBooleans(boolean[] data, long... shape) {
        Tensor t = empty(filled("Tensor.ofBooleans", data.length, shape), DType.BOOL, Device.CPU);
        MemorySegment s = t.segment();
        for (int i = 0; i < data.length; i++) {
            s.set(JAVA_BYTE, i, data[i] ? (byte) 1 : (byte) 0);
        }
        return t;
    }

    /** A rank-1 bool tensor holding a copy of {@code data}. */
    public static Tensor ofBooleans(boolean... data) {
        return ofBooleans(data, data.length);
    }

    private static Shape filled(String what, int values, long[] shape) {
        Shape s = Shape.of(shape);
        if (s.numel() != values) {
            throw new IllegalArgumentException(what + ": " + values + " values do not fill shape " + s + " ("
                    + s.numel() + " elements)");
        }
        return s;
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

    /** A tensor of {@code dtype} holding {@code value} (converted as {@link Elements#set} converts) everywhere. */
    public static Tensor full(double value, DType dtype, long... shape) {
        return full(value, dtype, Device.CPU, shape);
    }

    /** A tensor of {@code dtype} holding {@code value} on {@code device}, filled there. */
    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        return empty(Shape.of(shape), dtype, device).fill(value);
    }

    /** Zeros of {@code dtype} ({@code torch.zeros(shape, dtype=...)}). */
    public static Tensor zeros(DType dtype, long... shape) {
        return full(0, dtype, Device.CPU, shape);
    }

    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return full(0, dtype, device, shape);
    }

    /** Ones of {@code dtype} (true for bool). */
    public static Tensor ones(DType dtype, long... shape) {
        return full(1, dtype, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, Device device, long... shape) {
        return full(1, dtype, device, shape);
    }

    /** PyTorch's {@code torch.zeros_like(x)}: zeros of x's shape, dtype and device. */
    public static Tensor zerosLike(Tensor x) {
        return full(0, x.dtype(), x.device(), x.dims());
    }

    /** PyTorch's {@code torch.ones_like(x)}: ones of x's shape, dtype and device. */
    public static Tensor onesLike(Tensor x) {
        return full(1, x.dtype(), x.device(), x.dims());
    }

    /** PyTorch's {@code torch.full_like(x, value)}: {@code value} in x's shape, dtype and device. */
    public static Tensor fullLike(Tensor x, double value) {
        return full(value, x.dtype(), x.device(), x.dims());
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

    /** A copy of the elements in row-major order, converted to float for a dtype other than float32. */
    public float[] toFloatArray() {
        float[] out = new float[arrayLength("toFloatArray")];
        readAll(s -> {
            if (dtype == DType.FLOAT32) {
                MemorySegment.copy(s, JAVA_FLOAT, 0, out, 0, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) Elements.get(s, dtype, i);
                }
            }
        });
        return out;
    }

    /** A copy of the elements as doubles (exact for float32, float64, bool and int64 up to 2^53). */
    public double[] toDoubleArray() {
        double[] out = new double[arrayLength("toDoubleArray")];
        readAll(s -> {
            if (dtype == DType.FLOAT64) {
                MemorySegment.copy(s, JAVA_DOUBLE, 0, out, 0, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Elements.get(s, dtype, i);
                }
            }
        });
        return out;
    }

    /**
     * A copy of the elements as longs: exact for int64, 0/1 for bool, truncated toward zero for a floating dtype (as
     * PyTorch's {@code .long()}; NaN gives 0).
     */
    public long[] toLongArray() {
        long[] out = new long[arrayLength("toLongArray")];
        readAll(s -> {
            if (dtype == DType.INT64) {
                MemorySegment.copy(s, JAVA_LONG, 0, out, 0, out.length);
            } else {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Elements.getLong(s, dtype, i);
                }
            }
        });
        return out;
    }

    /** A copy of the elements as booleans: true where an element is not 0 (NaN is true, as PyTorch's {@code .bool()}). */
    public boolean[] toBooleanArray() {
        boolean[] out = new boolean[arrayLength("toBooleanArray")];
        readAll(s -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = dtype == DType.BOOL ? s.get(JAVA_BYTE, i) != 0 : Elements.get(s, dtype, i) != 0;
            }
        });
        return out;
    }

    private int arrayLength(String what) {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("Tensor." + what + ": " + n + " elements do not fit a Java array");
        }
        return (int) n;
    }

    /** Hands the plain bytes to {@code reader}: directly on the host, else a counted copy of them from the device. */
    private void readAll(java.util.function.Consumer<MemorySegment> reader) {
        pin();
        try {
            if (device().isHost()) {
                reader.accept(storage.segment());
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment host = arena.allocate(byteSize(), Long.BYTES);
                    download(0, host);
                    reader.accept(host);
                }
            }
        } finally {
            unpin();
        }
    }

    /** The bytes the elements take: numel * dtype size. */
    private long byteSize() {
        return numel() * dtype.byteSize();
    }

    /** The only element of a one-element tensor, as a float. */
    public float item() {
        return (float) itemDouble();
    }

    /** The only element of a one-element tensor, as a double (exact for float64). */
    public double itemDouble() {
        requireOneElement("item");
        return readElement(0, s -> Elements.get(s, dtype, 0));
    }

    /** The only element of a one-element tensor, as a long (exact for int64; see {@link #toLongArray}). */
    public long itemLong() {
        requireOneElement("itemLong");
        return readElement(0, s -> Elements.getLong(s, dtype, 0));
    }

    /** The only element of a one-element tensor, as a boolean (not 0). */
    public boolean itemBoolean() {
        requireOneElement("itemBoolean");
        return readElement(0, s -> Elements.get(s, dtype, 0)) != 0;
    }

    private void requireOneElement(String what) {
        if (numel() != 1) {
            throw new IllegalStateException("Tensor." + what + ": tensor of shape " + shape + " has " + numel()
                    + " elements, not 1");
        }
    }

    /** The element at {@code index} (one index per dimension), as a float. */
    public float get(long... index) {
        long flat = flatIndex(index);
        return (float) (double) readElement(flat, s -> Elements.get(s, dtype, 0));
    }

    /** The element at {@code index} as a double. */
    public double getDouble(long... index) {
        long flat = flatIndex(index);
        return readElement(flat, s -> Elements.get(s, dtype, 0));
    }

    /** The element at {@code index} as a long (exact for int64). */
    public long getLong(long... index) {
        long flat = flatIndex(index);
        return readElement(flat, s -> Elements.getLong(s, dtype, 0));
    }

    /** The element at {@code index} as a boolean (not 0). */
    public boolean getBoolean(long... index) {
        return getDouble(index) != 0;
    }

    /** Sets the element at {@code index} (converted to this tensor's dtype). */
    public void set(float value, long... index) {
        writeElement(flatIndex(index), (s, i) -> Elements.set(s, dtype, i, value));
    }

    /** Sets the element at {@code index} to a double (exact for float64). */
    public void setDouble(double value, long... index) {
        writeElement(flatIndex(index), (s, i) -> Elements.set(s, dtype, i, value));
    }

    /** Sets the element at {@code index} to a long (exact for int64). */
    public void setLong(long value, long... index) {
        writeElement(flatIndex(index), (s, i) -> Elements.setLong(s, dtype, i, value));
    }

    /** Sets the element at {@code index} to 1 or 0. */
    public void setBoolean(boolean value, long... index) {
        writeElement(flatIndex(index), (s, i) -> Elements.setLong(s, dtype, i, value ? 1 : 0));
    }

    private interface ElementRead<R> {
        R read(MemorySegment element);
    }

    /**
     * Reads element {@code flat}: {@code reader} gets a segment whose element 0 is it, the storage itself on the
     * host (sliced) or a counted copy of the element from the device.
     */
    private <R> R readElement(long flat, ElementRead<R> reader) {
        pin();
        try {
            long size = dtype.byteSize();
            if (device().isHost()) {
                return reader.read(storage.segment().asSlice(flat * size, size));
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(size, Long.BYTES);
                download(flat * size, host);
                return reader.read(host);
            }
        } finally {
            unpin();
        }
    }

    private interface ElementWrite {
        void write(MemorySegment segment, long index);
    }

    private void writeElement(long flat, ElementWrite writer) {
        pin();
        try {
            if (device().isHost()) {
                writer.write(storage.segment(), flat);
            } else {
                // Element writes are rare (tests, hand-set weights): read-modify-write keeps DeviceMemory small.
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment host = arena.allocate(byteSize(), Long.BYTES);
                    download(0, host);
                    writer.write(host, flat);
                    upload(host);
                }
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

    /** Sets every element to {@code value} (converted to this tensor's dtype), in place (on the tensor's device). */
    public Tensor fill(float value) {
        if (dtype != DType.FLOAT32) {
            return fill((double) value);
        }
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

    /** Sets every element to {@code value} (exact for float64, converted for other dtypes), in place. */
    public Tensor fill(double value) {
        if (dtype == DType.FLOAT32) {
            return fill((float) value);
        }
        pin();
        try {
            if (!device().isHost()) {
                storage.memory().fill(storage.block(), dtype, value);
            } else {
                MemorySegment s = storage.segment();
                for (long i = 0, n = numel(); i < n; i++) {
                    Elements.set(s, dtype, i, value);
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
            t = empty(shape, dtype, device);
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
            long bytes = from.byteSize();
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
                    MemorySegment host = arena.allocate(bytes, Long.BYTES);
                    from.download(0, host);
                    to.upload(host);
                }
            }
        } finally {
            to.unpin();
        }
    }

    /**
     * Overwrites this tensor's elements with {@code source}'s (the same number of elements and dtype, any device;
     * counted when it crosses between host and device), outside autograd; returns this.
     */
    public Tensor copyFrom(Tensor source) {
        if (source.numel() != numel()) {
            throw new IllegalArgumentException("copyFrom: source " + source.shape() + " has " + source.numel()
                    + " elements, this tensor " + shape + " has " + numel());
        }
        if (source.dtype() != dtype) {
            throw new IllegalArgumentException("copyFrom: source has dtype " + source.dtype() + ", this tensor "
                    + dtype + " (convert it first)");
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
        Tensor moved = Scope.untracked(() -> empty(shape, dtype, device));
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
                Tensor t = empty(shape, dtype, device());
                try {
                    copyAcross(this, t);
                } catch (RuntimeException | Error e) {
                    t.close();
                    throw e;
                }
                return t;
            }
            Tensor t = empty(shape, dtype, Device.CPU);
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
        if (value && inference && !AutogradSupport.inferenceModeActive()) {
            throw new IllegalStateException("requiresGrad: tensor " + shape + " was made in inference mode; setting"
                    + " requiresGrad(true) on an inference tensor outside inference mode is not allowed (use copy())");
        }
        requiresGrad = value;
        return this;
    }

    /**
     * The gradient accumulated by backward passes, or null before the first one: leaves only, and non-leaves marked
     * with {@link #retainGrad()}.
     */
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

    /** Whether {@code other} is this tensor or a view of the same storage (views start at its first byte). */
    boolean sharesStorageWith(Tensor other) {
        checkOpen();
        other.checkOpen();
        return storage == other.storage;
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
                    MemorySegment host = arena.allocate(byteSize(), Long.BYTES);
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
            sb.append(dtype == DType.FLOAT32 ? Float.toString(s.get(JAVA_FLOAT, 0)) : element(s, 0));
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
                sb.append(element(s, offset + i));
            } else {
                appendPreview(sb, s, dim + 1, offset + i * stride);
            }
            if (i < n - 1) {
                sb.append(dim == rank() - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
            }
        }
        sb.append(']');
    }

    // ---- fluent: the op calls as methods ----
    // Each is one line over org.jdnn.autograd.F, the static form (x.relu() is F.relu(x)): differentiable, recorded
    // when gradients are on, run on the tensor's device. This is the tensor package's one reference upward, on purpose:
    // PyTorch users write x.matmul(w).add(b).relu(), and the static forms stay for code that prefers them.

    /** {@code this @ other} (see {@link F#matmul(Tensor, Tensor)}). */
    public Tensor matmul(Tensor other) {
        return F.matmul(this, other);
    }

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) {
        return F.add(this, other);
    }

    public Tensor add(float other) {
        return F.add(this, other);
    }

    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        return F.sub(this, other);
    }

    public Tensor sub(float other) {
        return F.sub(this, other);
    }

    /** {@code this * other} element-wise, broadcasting. */
    public Tensor mul(Tensor other) {
        return F.mul(this, other);
    }

    public Tensor mul(float other) {
        return F.mul(this, other);
    }

    /** {@code this / other} element-wise, broadcasting. */
    public Tensor div(Tensor other) {
        return F.div(this, other);
    }

    public Tensor div(float other) {
        return F.div(this, other);
    }

    public Tensor neg() {
        return F.neg(this);
    }

    public Tensor square() {
        return F.square(this);
    }

    /** |x|; its gradient is sign(x), 0 at 0. */
    public Tensor abs() {
        return F.abs(this);
    }

    public Tensor sign() {
        return F.sign(this);
    }

    public Tensor maximum(Tensor other) {
        return F.maximum(this, other);
    }

    public Tensor minimum(Tensor other) {
        return F.minimum(this, other);
    }

    /** The natural logarithm: log(0) is -infinity, negative values give NaN. */
    public Tensor log() {
        return F.log(this);
    }

    public Tensor relu() {
        return F.relu(this);
    }

    public Tensor sigmoid() {
        return F.sigmoid(this);
    }

    public Tensor tanh() {
        return F.tanh(this);
    }

    public Tensor softmax(int dim) {
        return F.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return F.logSoftmax(this, dim);
    }

    /** The sum of every element, as a rank-0 tensor. */
    public Tensor sum() {
        return F.sum(this);
    }

    /** The sum over {@code dim}, which is removed. */
    public Tensor sum(int dim) {
        return F.sum(this, false, dim);
    }

    /** The sum over {@code dim}, kept with size 1 when {@code keepDim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return F.sum(this, keepDim, dim);
    }

    /** The sum over several dims ({@code x.sum(new int[] {2, 3}, true)}). */
    public Tensor sum(int[] dims, boolean keepDim) {
        return F.sum(this, keepDim, dims);
    }

    /** The mean of every element, as a rank-0 tensor. */
    public Tensor mean() {
        return F.mean(this);
    }

    public Tensor mean(int dim) {
        return F.mean(this, false, dim);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return F.mean(this, keepDim, dim);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return F.mean(this, keepDim, dims);
    }

    /** The largest element, as a rank-0 tensor (NaN if any element is NaN). */
    public Tensor max() {
        return F.max(this, false);
    }

    // ---- fluent: views ----
    // view/reshape, squeeze, unsqueeze, flatten and contiguous share this tensor's storage; the others copy (see F).

    /** PyTorch's {@code view}: the same storage in another shape; one size may be -1. See {@link org.jdnn.autograd.F#view}. */
    public Tensor view(long... shape) {
        return F.view(this, shape);
    }

    /** A copy with the dimensions reordered. See {@link org.jdnn.autograd.F#permute}. */
    public Tensor permute(int... dims) {
        return F.permute(this, dims);
    }

    /** A copy with two dimensions swapped. See {@link org.jdnn.autograd.F#transpose}. */
    public Tensor transpose(int dim0, int dim1) {
        return F.transpose(this, dim0, dim1);
    }

    /** The transpose of a matrix (rank {@code <=} 2). See {@link org.jdnn.autograd.F#t}. */
    public Tensor t() {
        return F.t(this);
    }

    /** A copy repeated along size-1 dimensions to {@code sizes} (-1 keeps). See {@link org.jdnn.autograd.F#expand}. */
    public Tensor expand(long... sizes) {
        return F.expand(this, sizes);
    }

    /** This tensor expanded to {@code other}'s shape (a copy). */
    public Tensor expandAs(Tensor other) {
        return F.expandAs(this, other);
    }

    /** A view without the size-1 dimensions. */
    public Tensor squeeze() {
        return F.squeeze(this);
    }

    /** A view without dimension {@code dim} if its size is 1. */
    public Tensor squeeze(int dim) {
        return F.squeeze(this, dim);
    }

    /** A view with a size-1 dimension inserted at {@code dim}. */
    public Tensor unsqueeze(int dim) {
        return F.unsqueeze(this, dim);
    }

    /** A rank-1 view of every element. */
    public Tensor flatten() {
        return F.flatten(this, 0, -1);
    }

    /** A view with dimensions {@code startDim} to the last merged. */
    public Tensor flatten(int startDim) {
        return F.flatten(this, startDim, -1);
    }

    /** A view with dimensions {@code startDim} to {@code endDim} (inclusive) merged. */
    public Tensor flatten(int startDim, int endDim) {
        return F.flatten(this, startDim, endDim);
    }

    /** A view of the same storage: jdnn tensors are always contiguous. */
    public Tensor contiguous() {
        return F.contiguous(this);
    }

    /** A copy of {@code x[..., start:end:step, ...]} along {@code dim}. See {@link org.jdnn.autograd.F#slice}. */
    public Tensor slice(int dim, long start, long end, long step) {
        return F.slice(this, dim, start, end, step);
    }

    /** A copy of {@code x[..., start:end, ...]} along {@code dim}. */
    public Tensor slice(int dim, long start, long end) {
        return F.slice(this, dim, start, end);
    }

    /** A copy of {@code length} indices from {@code start} along {@code dim}. See {@link org.jdnn.autograd.F#narrow}. */
    public Tensor narrow(int dim, long start, long length) {
        return F.narrow(this, dim, start, length);
    }

    /** A copy of index {@code index} along {@code dim}, which is dropped. See {@link org.jdnn.autograd.F#select}. */
    public Tensor select(int dim, long index) {
        return F.select(this, dim, index);
    }

    /** Copies of consecutive parts of {@code splitSize} along {@code dim}. See {@link org.jdnn.autograd.F#split(Tensor, long, int)}. */
    public java.util.List<Tensor> split(long splitSize, int dim) {
        return F.split(this, splitSize, dim);
    }

    /** Copies of consecutive parts of the given sizes along {@code dim}. */
    public java.util.List<Tensor> split(long[] sizes, int dim) {
        return F.split(this, sizes, dim);
    }

    /** Copies of {@code chunks} (or fewer) equal parts along {@code dim}. See {@link org.jdnn.autograd.F#chunk}. */
    public java.util.List<Tensor> chunk(int chunks, int dim) {
        return F.chunk(this, chunks, dim);
    }

    /** PyTorch's {@code torch.cat(tensors, dim)}. See {@link org.jdnn.autograd.F#cat(java.util.List, int)}. */
    public static Tensor cat(java.util.List<Tensor> tensors, int dim) {
        return F.cat(tensors, dim);
    }

    /** {@code torch.cat} of the given tensors along {@code dim}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return F.cat(dim, tensors);
    }

    /** PyTorch's {@code torch.stack(tensors, dim)}. See {@link org.jdnn.autograd.F#stack(java.util.List, int)}. */
    public static Tensor stack(java.util.List<Tensor> tensors, int dim) {
        return F.stack(tensors, dim);
    }

    /** {@code torch.stack} of the given tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return F.stack(dim, tensors);
    }

    /** Python-style indexing: {@code x.index(Idx.all(), Idx.range(1, 5, 2), Idx.at(0))} is {@code x[:, 1:5:2, 0]}. */
    public Tensor index(Idx... indices) {
        return F.index(this, indices);
    }

    // ---- fluent: matmul ----

    /** {@code torch.bmm(this, other)}: see {@link F#bmm(Tensor, Tensor)}. */
    public Tensor bmm(Tensor other) {
        return F.bmm(this, other);
    }

    // ---- fluent: element-wise math ----

    /** {@link F#exp}. */
    public Tensor exp() {
        return F.exp(this);
    }

    /** {@link F#log1p}. */
    public Tensor log1p() {
        return F.log1p(this);
    }

    /** {@link F#expm1}. */
    public Tensor expm1() {
        return F.expm1(this);
    }

    /** {@link F#sqrt}. */
    public Tensor sqrt() {
        return F.sqrt(this);
    }

    /** {@link F#rsqrt}. */
    public Tensor rsqrt() {
        return F.rsqrt(this);
    }

    /** {@link F#sin}. */
    public Tensor sin() {
        return F.sin(this);
    }

    /** {@link F#cos}. */
    public Tensor cos() {
        return F.cos(this);
    }

    /** {@link F#silu}. */
    public Tensor silu() {
        return F.silu(this);
    }

    /** {@link F#logSigmoid}. */
    public Tensor logSigmoid() {
        return F.logSigmoid(this);
    }

    /** {@link F#hardtanh(Tensor, float, float)}. */
    public Tensor hardtanh(float minVal, float maxVal) {
        return F.hardtanh(this, minVal, maxVal);
    }

    /** {@link F#clamp}. */
    public Tensor clamp(float min, float max) {
        return F.clamp(this, min, max);
    }

    /** {@link F#clampMin}. */
    public Tensor clampMin(float min) {
        return F.clampMin(this, min);
    }

    /** {@link F#clampMax}. */
    public Tensor clampMax(float max) {
        return F.clampMax(this, max);
    }

    /** {@link F#pow(Tensor, float)}. */
    public Tensor pow(float exponent) {
        return F.pow(this, exponent);
    }

    /** {@link F#pow(Tensor, Tensor)}. */
    public Tensor pow(Tensor exponent) {
        return F.pow(this, exponent);
    }

    /** {@link F#heaviside}. */
    public Tensor heaviside(float valueAtZero) {
        return F.heaviside(this, valueAtZero);
    }

    /** {@link F#step}: {@code heaviside(x, 1)}. */
    public Tensor step() {
        return F.step(this);
    }

    // ---- fluent: activations and layers (PyTorch's torch.nn.functional calls, on the tensor) ----

    /** {@link F#leakyRelu}. */
    public Tensor leakyRelu(float negativeSlope) {
        return F.leakyRelu(this, negativeSlope);
    }

    /** {@link F#elu}. */
    public Tensor elu(float alpha) {
        return F.elu(this, alpha);
    }

    /** {@link F#gelu}: the exact (erf) form. */
    public Tensor gelu() {
        return F.gelu(this);
    }

    /** {@link F#geluTanh}: GELU's tanh approximation. */
    public Tensor geluTanh() {
        return F.geluTanh(this);
    }

    /** {@link F#softplus(Tensor, float)}: threshold 20. */
    public Tensor softplus(float beta) {
        return F.softplus(this, beta);
    }

    /** {@link F#softplus(Tensor, float, float)}. */
    public Tensor softplus(float beta, float threshold) {
        return F.softplus(this, beta, threshold);
    }

    /** {@link F#linear}: this (..., in) times weight (out, in) transposed, plus bias (out) or null. */
    public Tensor linear(Tensor weight, Tensor bias) {
        return F.linear(this, weight, bias);
    }

    /** {@link F#conv2d(Tensor, Tensor, Tensor, org.jdnn.ops.Conv2dParams)}. */
    public Tensor conv2d(Tensor weight, Tensor bias, org.jdnn.ops.Conv2dParams params) {
        return F.conv2d(this, weight, bias, params);
    }

    /** {@link F#conv2d(Tensor, Tensor, Tensor)}: stride 1, no padding, one group. */
    public Tensor conv2d(Tensor weight, Tensor bias) {
        return F.conv2d(this, weight, bias);
    }

    /** {@link F#convTranspose2d}. */
    public Tensor convTranspose2d(Tensor weight, Tensor bias, org.jdnn.ops.ConvTranspose2dParams params) {
        return F.convTranspose2d(this, weight, bias, params);
    }

    /** {@link F#pool2d}: max or average pooling with every option of {@link org.jdnn.ops.Pool2dParams}. */
    public Tensor pool2d(org.jdnn.ops.Pool2dParams params) {
        return F.pool2d(this, params);
    }

    /** {@link F#maxPool2d}. */
    public Tensor maxPool2d(long kernel, long stride, long padding) {
        return F.maxPool2d(this, kernel, stride, padding);
    }

    /** {@link F#avgPool2d(Tensor, long, long, long)}. */
    public Tensor avgPool2d(long kernel, long stride, long padding) {
        return F.avgPool2d(this, kernel, stride, padding);
    }

    /** {@link F#maxPool2dWithIndices}: PyTorch's {@code max_pool2d(..., return_indices=True)}. */
    public org.jdnn.autograd.MaxPoolWithIndices maxPool2dWithIndices(org.jdnn.ops.Pool2dParams params) {
        return F.maxPool2dWithIndices(this, params);
    }

    /** {@link F#dropout(Tensor, float, boolean, long)}. */
    public Tensor dropout(float p, boolean training, long seed) {
        return F.dropout(this, p, training, seed);
    }

    /**
     * {@link F#clone}: PyTorch's {@code clone()}, a dense copy that stays in the graph (the gradient passes through).
     * {@link #copy()} copies without recording.
     */
    public Tensor clone() {
        return F.clone(this);
    }

    // ---- autograd: hooks, retained gradients, inference tensors ----

    // Whether this tensor was made in inference mode (set as it is created; see AutogradSupport.inferenceModeActive).
    private final boolean inference = AutogradSupport.inferenceModeActive();
    private volatile boolean retainsGrad;
    // Made on first registration: most tensors never have a hook.
    private volatile Hooks<java.util.function.Function<Tensor, Tensor>> gradHooks;
    private volatile Hooks<java.util.function.Consumer<Tensor>> postAccumulateGradHooks;

    /**
     * Keeps this non-leaf tensor's gradient after backward in {@link #grad()} (PyTorch's {@code retain_grad()}),
     * accumulated over passes as a leaf's; a no-op on a leaf. Returns this.
     */
    public Tensor retainGrad() {
        if (!requiresGrad()) {
            throw new IllegalStateException("retainGrad: tensor " + shape + " does not require grad");
        }
        if (!isLeaf()) {
            retainsGrad = true;
        }
        return this;
    }

    /** Whether backward keeps this non-leaf tensor's gradient ({@link #retainGrad()}). */
    public boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * Registers a hook that backward calls with this tensor's gradient once it is complete for the pass (summed over
     * every use), before it is accumulated into {@link #grad()} or sent on through the graph; the hook may return a
     * replacement of the same shape, or null to keep it (PyTorch's {@code register_hook}). Hooks run in registration
     * order, each on the previous one's result, with recording off.
     */
    public RemovableHandle registerHook(java.util.function.Function<Tensor, Tensor> hook) {
        if (!requiresGrad()) {
            throw new IllegalStateException("registerHook: tensor " + shape + " does not require grad; a hook on it"
                    + " would never run");
        }
        synchronized (this) {
            if (gradHooks == null) {
                gradHooks = new Hooks<>();
            }
        }
        return gradHooks.add(hook, "registerHook");
    }

    /**
     * Registers a hook that backward calls with this leaf once its gradient has been accumulated into {@link #grad()}
     * for the pass (PyTorch's {@code register_post_accumulate_grad_hook}); a data-parallel trainer starts reducing a
     * parameter's gradient there while the rest of backward runs.
     */
    public RemovableHandle registerPostAccumulateGradHook(java.util.function.Consumer<Tensor> hook) {
        if (!isLeaf()) {
            throw new IllegalStateException("registerPostAccumulateGradHook: tensor " + shape + " was made by "
                    + gradFn.name() + "; post-accumulate-grad hooks go on leaf tensors");
        }
        if (!requiresGrad()) {
            throw new IllegalStateException("registerPostAccumulateGradHook: tensor " + shape
                    + " does not require grad");
        }
        synchronized (this) {
            if (postAccumulateGradHooks == null) {
                postAccumulateGradHooks = new Hooks<>();
            }
        }
        return postAccumulateGradHooks.add(hook, "registerPostAccumulateGradHook");
    }

    /**
     * Whether this tensor was made in inference mode ({@code Autograd.inferenceMode()}); such a tensor cannot take part
     * in an op recorded for backward, as in PyTorch.
     */
    public boolean isInference() {
        return inference;
    }

    /** The gradient hooks, or null if none was ever registered. */
    Hooks<java.util.function.Function<Tensor, Tensor>> gradHooks() {
        return gradHooks;
    }

    /** The post-accumulate-grad hooks, or null if none was ever registered. */
    Hooks<java.util.function.Consumer<Tensor>> postAccumulateGradHooks() {
        return postAccumulateGradHooks;
    }

    /** One element as PyTorch prints it: floats with 4 decimals, integers exactly, bools as True/False. */
    private String element(MemorySegment s, long index) {
        return switch (dtype) {
            case INT64, INT32 -> Long.toString(Elements.getLong(s, dtype, index));
            case BOOL -> Elements.getLong(s, dtype, index) != 0 ? "True" : "False";
            default -> String.format("%.4f", Elements.get(s, dtype, index));
        };
    }

    // ---- fluent: integer- and bool-valued ops ----

    /** The int64 index of the maximum of all elements ({@code x.argmax()}). */
    public Tensor argmax() {
        return org.jdnn.functional.Functional.argmax(this);
    }

    /** The int64 indices of the maxima along {@code dim} ({@code x.argmax(dim)}). */
    public Tensor argmax(int dim) {
        return org.jdnn.functional.Functional.argmax(this, dim, false);
    }

    public Tensor argmax(int dim, boolean keepDim) {
        return org.jdnn.functional.Functional.argmax(this, dim, keepDim);
    }

    /** The int64 index of the minimum of all elements ({@code x.argmin()}). */
    public Tensor argmin() {
        return org.jdnn.functional.Functional.argmin(this);
    }

    public Tensor argmin(int dim) {
        return org.jdnn.functional.Functional.argmin(this, dim, false);
    }

    public Tensor argmin(int dim, boolean keepDim) {
        return org.jdnn.functional.Functional.argmin(this, dim, keepDim);
    }

    /** The maxima along {@code dim} and their int64 indices ({@code x.max(dim)}). */
    public ValuesIndices max(int dim) {
        return org.jdnn.autograd.F.max(this, dim, false);
    }

    public ValuesIndices max(int dim, boolean keepDim) {
        return org.jdnn.autograd.F.max(this, dim, keepDim);
    }

    /** The minima along {@code dim} and their int64 indices ({@code x.min(dim)}). */
    public ValuesIndices min(int dim) {
        return org.jdnn.autograd.F.min(this, dim, false);
    }

    public ValuesIndices min(int dim, boolean keepDim) {
        return org.jdnn.autograd.F.min(this, dim, keepDim);
    }

    /** {@code this == other} element-wise with broadcasting, as bool. */
    public Tensor eq(Tensor other) {
        return org.jdnn.functional.Functional.eq(this, other);
    }

    public Tensor eq(double other) {
        return org.jdnn.functional.Functional.eq(this, other);
    }

    public Tensor ne(Tensor other) {
        return org.jdnn.functional.Functional.ne(this, other);
    }

    public Tensor ne(double other) {
        return org.jdnn.functional.Functional.ne(this, other);
    }

    public Tensor lt(Tensor other) {
        return org.jdnn.functional.Functional.lt(this, other);
    }

    public Tensor lt(double other) {
        return org.jdnn.functional.Functional.lt(this, other);
    }

    public Tensor le(Tensor other) {
        return org.jdnn.functional.Functional.le(this, other);
    }

    public Tensor le(double other) {
        return org.jdnn.functional.Functional.le(this, other);
    }

    public Tensor gt(Tensor other) {
        return org.jdnn.functional.Functional.gt(this, other);
    }

    public Tensor gt(double other) {
        return org.jdnn.functional.Functional.gt(this, other);
    }

    public Tensor ge(Tensor other) {
        return org.jdnn.functional.Functional.ge(this, other);
    }

    public Tensor ge(double other) {
        return org.jdnn.functional.Functional.ge(this, other);
    }

    public Tensor logicalAnd(Tensor other) {
        return org.jdnn.functional.Functional.logicalAnd(this, other);
    }

    public Tensor logicalOr(Tensor other) {
        return org.jdnn.functional.Functional.logicalOr(this, other);
    }

    public Tensor logicalXor(Tensor other) {
        return org.jdnn.functional.Functional.logicalXor(this, other);
    }

    public Tensor logicalNot() {
        return org.jdnn.functional.Functional.logicalNot(this);
    }

    /** This where {@code condition} holds, else {@code other}: PyTorch's {@code x.where(condition, other)}. */
    public Tensor where(Tensor condition, Tensor other) {
        return org.jdnn.autograd.F.where(condition, this, other);
    }

    public Tensor where(Tensor condition, double other) {
        return org.jdnn.autograd.F.where(condition, this, other);
    }

    /** A copy with {@code value} where {@code mask} (bool) is true ({@code x.masked_fill(mask, value)}). */
    public Tensor maskedFill(Tensor mask, double value) {
        return org.jdnn.autograd.F.maskedFill(this, mask, value);
    }

    /** {@code x.index_select(dim, index)}. */
    public Tensor indexSelect(int dim, Tensor index) {
        return org.jdnn.autograd.F.indexSelect(this, dim, index);
    }

    /** {@code x.gather(dim, index)}. */
    public Tensor gather(int dim, Tensor index) {
        return org.jdnn.autograd.F.gather(this, dim, index);
    }

    /** {@code x.scatter(dim, index, src)} (a new tensor; this one is unchanged). */
    public Tensor scatter(int dim, Tensor index, Tensor src) {
        return org.jdnn.autograd.F.scatter(this, dim, index, src);
    }

    /** {@code x.scatter(dim, index, value)} (a new tensor; this one is unchanged). */
    public Tensor scatter(int dim, Tensor index, double value) {
        return org.jdnn.autograd.F.scatter(this, dim, index, value);
    }

    /** {@code x.scatter_add(dim, index, src)} (a new tensor; this one is unchanged). */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return org.jdnn.autograd.F.scatterAdd(this, dim, index, src);
    }

    // ---- fluent: dtypes ----

    /** This tensor converted to {@code dtype} ({@code x.to(torch.int64)}); see {@link org.jdnn.autograd.F#to(Tensor, DType)}. */
    public Tensor to(DType dtype) {
        return org.jdnn.autograd.F.to(this, dtype);
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
