package org.jdnn.backend;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.Conv2dShapes;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.EltwiseShapes;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.TensorAccess;


/** Checks every backend runs on its operands before computing: open, float32, on the backend's device, right shapes. */
public final class Operands {
    private Operands() {
    }

    /** Throws unless the tensor is non-null, open, float32 and on {@code device}. */
    public static void check(String op, String name, Tensor t, Device device) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(op + ": " + name + " " + t.shape() + " is closed");
        }
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": " + name + " has dtype " + t.dtype() + ", only float32 is supported");
        }
        if (!t.device().equals(device)) {
            throw new IllegalStateException(op + ": " + name + " is on " + t.device() + " but the backend runs on " + device);
        }
    }

    private static void noOverlap(String op, Tensor out, String name, Tensor in) {
        long o = TensorAccess.address(out), oBytes = out.numel() * out.dtype().byteSize();
        long i = TensorAccess.address(in), iBytes = in.numel() * in.dtype().byteSize();
        boolean overlap = o < i + iBytes && i < o + oBytes;
        if (overlap && oBytes > 0 && iBytes > 0) {
            throw new IllegalArgumentException(op + ": output must not share memory with " + name);
        }
    }


    /** Throws IllegalArgumentException "op: name is null" for a null parameter bundle or argument. */
    public static void notNull(String op, String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }
}
