package org.jdnn.backend;

import org.jdnn.ops.Pool2dParams;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Shape;
import org.jdnn.tensor.Tensor;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * For pooling kernels: max pooling's workspace, the tensor {@link org.jdnn.ops.Pool2dOps#TRAINING} makes and
 * {@link org.jdnn.ops.Pool2dOps#BACKWARD} reads. Its bytes are opaque, in the format of the backend that wrote them
 * (int32 indices on the reference, oneDNN's own workspace there), so nothing but that backend's forward may produce
 * one: a backward fed another tensor, or one written for other params or another input shape, could read indices
 * outside its windows (oneDNN would then write outside the gradient). Hence the forward kernel registers each
 * workspace it filled, with what it was made for, and the backward kernel accepts only such a tensor, before any
 * native code runs.
 *
 * <p>The registry holds the tensors weakly (a workspace freed by its graph node or its scope and then collected
 * leaves it) and by identity: a closed workspace is rejected by the dispatcher, and a reshaped view is not the
 * registered tensor.
 */
public final class Pool2dWorkspace {
    /** What a registered workspace was made for. */
    private record Made(String format, Pool2dParams params, Shape src) {
    }

    private static final Map<Tensor, Made> FILLED = Collections.synchronizedMap(new WeakHashMap<>());

    private Pool2dWorkspace() {
    }

    /** A buffer of at least {@code bytes} bytes on {@code device} (a float32 tensor: the library's owned memory). */
    public static Tensor allocate(long bytes, Device device) {
        if (bytes < 0) {
            throw new IllegalArgumentException("pool2d workspace: negative size " + bytes);
        }
        return Tensor.empty(Shape.of(Math.max(1, Math.ceilDiv(bytes, 4))), device);
    }

    /** Records that {@code format}'s forward filled {@code workspace} for {@code params} on input shape {@code src}. */
    public static void filled(Tensor workspace, String format, Pool2dParams params, Shape src) {
        FILLED.put(workspace, new Made(format, params, src));
    }

    /**
     * Records that {@code copy} holds the same bytes as {@code original} (a copy between host and device), so the
     * backend that filled the original accepts the copy; nothing happens when the original is not a workspace.
     */
    public static void copied(Tensor original, Tensor copy) {
        Made made = FILLED.get(original);
        if (made != null) {
            FILLED.put(copy, made);
        }
    }

    /**
     * Throws unless {@code workspace} was filled by {@code format}'s forward for {@code params} and input shape
     * {@code src}; {@code op} starts the message.
     */
    public static void check(String op, Tensor workspace, String format, Pool2dParams params, Shape src) {
        Made made = FILLED.get(workspace);
        if (made == null) {
            throw new IllegalStateException(op
                    + ": workspace holds no forward result (take the one pool2d_training made)");
        }
        if (!made.format().equals(format)) {
            throw new IllegalArgumentException(op + ": workspace was made by the " + made.format() + " backend, not "
                    + format);
        }
        if (!made.params().equals(params)) {
            throw new IllegalArgumentException(op + ": workspace was made for " + made.params() + ", not " + params);
        }
        if (!made.src().equals(src)) {
            throw new IllegalArgumentException(op + ": workspace was made for input " + made.src() + ", not " + src);
        }
    }

    // ---- layers ----

    /** The format (backend) whose forward filled {@code workspace}, or null when none registered it. */
    public static String format(Tensor workspace) {
        Made made = FILLED.get(workspace);
        return made == null ? null : made.format();
    }
}
