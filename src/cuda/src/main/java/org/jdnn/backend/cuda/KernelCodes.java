package org.jdnn.backend.cuda;

import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.EltwiseAlgorithm;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.tensor.DType;

/**
 * How the Java names reach the C ABI of jdnn_kernels.cuh: the operation codes (the enums' ordinals, which
 * CompiledKernelsLaunchTest checks against the header's enum constants) and the kernel names' type suffixes.
 */
public final class KernelCodes {
    private KernelCodes() {
    }

    /** jd_unary_op. */
    public static int unary(EltwiseAlgorithm algorithm) {
        return algorithm.ordinal();
    }

    /** jd_binary_op. */
    public static int binary(BinaryAlgorithm algorithm) {
        return algorithm.ordinal();
    }

    /** jd_compare_op. */
    public static int compare(CompareAlgorithm algorithm) {
        return algorithm.ordinal();
    }

    /** jd_logical_op. */
    public static int logical(LogicalAlgorithm algorithm) {
        return algorithm.ordinal();
    }

    /** The suffix of a dtype's kernels: f32, f64, i64, b8. */
    public static String suffix(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT64 -> "i64";
            case BOOL -> "b8";
            default -> throw new IllegalArgumentException("cuda kernels: no kernels for dtype " + dtype);
        };
    }

    /** The suffix of a floating dtype's kernels (f32, f64); {@code op} names the caller in the message. */
    public static String floating(String op, DType dtype) {
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("cuda " + op + ": float32 or float64 only, got " + dtype);
        }
        return suffix(dtype);
    }

    /** The suffix of the kernels that move a dtype's elements as bits: x8, x32, x64. */
    public static String bits(DType dtype) {
        return switch (dtype.byteSize()) {
            case 1 -> "x8";
            case 4 -> "x32";
            case 8 -> "x64";
            default -> throw new IllegalArgumentException("cuda kernels: no bit-moving kernels for dtype " + dtype
                    + " (" + dtype.byteSize() + " bytes)");
        };
    }
}
