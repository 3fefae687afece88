// Broadcasting element-wise ops: arithmetic, comparisons, logical ops, where, and the strided copy of a view. The
// output is contiguous row-major over dims; each operand is read through its own strides (0 on a broadcast dim).
#ifndef JDNN_BINARY_CUH
#define JDNN_BINARY_CUH

#include "jdnn_common.cuh"
#include "jdnn_eltwise.cuh"

// The codes of BinaryAlgorithm, CompareAlgorithm and LogicalAlgorithm, in their declaration order.
enum jd_binary_op { JD_BINARY_ADD = 0, JD_BINARY_SUB = 1, JD_BINARY_MUL = 2, JD_BINARY_DIV = 3, JD_BINARY_MAX = 4,
                    JD_BINARY_MIN = 5 };
enum jd_compare_op { JD_COMPARE_EQ = 0, JD_COMPARE_NE = 1, JD_COMPARE_LT = 2, JD_COMPARE_LE = 3, JD_COMPARE_GT = 4,
                     JD_COMPARE_GE = 5 };
enum jd_logical_op { JD_LOGICAL_AND = 0, JD_LOGICAL_OR = 1, JD_LOGICAL_XOR = 2 };

// A broadcast of up to three operands to a contiguous output, passed by value (dims and strides in elements; unused
// trailing entries are ignored). 8 + 8 * 8 + 3 * 8 * 8 = 264 bytes, laid out as C lays it out (no padding inside).
struct jd_broadcast {
    int32_t rank;
    int32_t reserved;
    int64_t dims[JD_MAX_RANK];
    int64_t strides[3][JD_MAX_RANK];
};

// The element offsets of output element i in operands 0..count-1.
JD_HD void jd_broadcast_offsets(const jd_broadcast& s, int count, int64_t i, int64_t* offsets) {
    for (int k = 0; k < count; k++) offsets[k] = 0;
    JD_NO_UNROLL
    for (int d = s.rank - 1; d >= 0; d--) {
        int64_t size = s.dims[d];
        int64_t c = i % size;
        i /= size;
        for (int k = 0; k < count; k++) offsets[k] += c * s.strides[k][d];
    }
}

// a op b as the reference computes it in double; for float32 the float operation rounds identically (float's
// + - * / are exact in double and round once to float), so T is also the compute type.
template <typename T> JD_HD T jd_binary(int op, T a, T b) {
    switch (op) {
        case JD_BINARY_ADD: return a + b;
        case JD_BINARY_SUB: return a - b;
        case JD_BINARY_MUL: return a * b;
        case JD_BINARY_DIV: return a / b;
        case JD_BINARY_MAX: return (T) jd_java_max((double) a, (double) b);
        case JD_BINARY_MIN: return (T) jd_java_min((double) a, (double) b);
        default: return (T) NAN;
    }
}

// a op b, IEEE (every comparison with NaN is false except NE); int64 and bool compare exactly.
template <typename T> JD_HD jd_bool jd_compare(int op, T a, T b) {
    switch (op) {
        case JD_COMPARE_EQ: return a == b;
        case JD_COMPARE_NE: return a != b;
        case JD_COMPARE_LT: return a < b;
        case JD_COMPARE_LE: return a <= b;
        case JD_COMPARE_GT: return a > b;
        case JD_COMPARE_GE: return a >= b;
        default: return 0;
    }
}

// Truth of an element: nonzero, NaN included.
template <typename T> JD_HD bool jd_truth(T v) { return v != 0; }

JD_HD jd_bool jd_logical(int op, bool a, bool b) {
    switch (op) {
        case JD_LOGICAL_AND: return a && b;
        case JD_LOGICAL_OR: return a || b;
        case JD_LOGICAL_XOR: return a != b;
        default: return 0;
    }
}

// One element of each kernel: the kernels and the host check run exactly these.
template <typename T> JD_HD void jd_binary_at(int op, const jd_broadcast& s, const T* a, const T* b, T* y,
                                             int64_t i) {
    int64_t o[2];
    jd_broadcast_offsets(s, 2, i, o);
    y[i] = jd_binary<T>(op, a[o[0]], b[o[1]]);
}

template <typename T> JD_HD void jd_binary_scalar_at(int op, float scalar, const T* a, T* y, int64_t i) {
    y[i] = jd_binary<T>(op, a[i], (T) scalar);
}

template <typename T> JD_HD void jd_compare_at(int op, const jd_broadcast& s, const T* a, const T* b, jd_bool* y,
                                              int64_t i) {
    int64_t o[2];
    jd_broadcast_offsets(s, 2, i, o);
    y[i] = jd_compare<T>(op, a[o[0]], b[o[1]]);
}

template <typename T> JD_HD void jd_logical_at(int op, const jd_broadcast& s, const T* a, const T* b, jd_bool* y,
                                              int64_t i) {
    int64_t o[2];
    jd_broadcast_offsets(s, 2, i, o);
    y[i] = jd_logical(op, jd_truth<T>(a[o[0]]), jd_truth<T>(b[o[1]]));
}

template <typename T> JD_HD void jd_logical_not_at(const T* a, jd_bool* y, int64_t i) {
    y[i] = !jd_truth<T>(a[i]);
}

// PowOps: a^b with broadcasting (C's pow, in double), and the gradient of operand 0 (the base: b a^(b-1), 0 where
// b = 0) or 1 (the exponent: a^b log a, 0 where a = 0 and b >= 0) before it is summed to the operand's shape.
template <typename T> JD_HD void jd_pow_at(const jd_broadcast& s, const T* a, const T* b, T* y, int64_t i) {
    int64_t o[2];
    jd_broadcast_offsets(s, 2, i, o);
    y[i] = (T) jd_pow((double) a[o[0]], (double) b[o[1]]);
}

template <typename T> JD_HD void jd_pow_backward_at(int operand, const jd_broadcast& s, const T* a, const T* b,
                                                   const T* g, T* y, int64_t i) {
    int64_t o[2];
    jd_broadcast_offsets(s, 2, i, o);
    double base = a[o[0]], exponent = b[o[1]], grad = g[i];
    double value;
    if (operand == 0) {
        value = exponent == 0 ? 0 : grad * (exponent * jd_pow(base, exponent - 1));
    } else {
        value = base == 0 && exponent >= 0 ? 0 : grad * (jd_pow(base, exponent) * log(base));
    }
    y[i] = (T) value;
}

// where(condition, x, y) and the strided copy move bits: W is an unsigned integer of the element's size.
template <typename W> JD_HD void jd_where_at(const jd_broadcast& s, const jd_bool* c, const W* x, const W* y, W* out,
                                            int64_t i) {
    int64_t o[3];
    jd_broadcast_offsets(s, 3, i, o);
    out[i] = c[o[0]] != 0 ? x[o[1]] : y[o[2]];
}

template <typename W> JD_HD void jd_copy_strided_at(const jd_broadcast& s, const W* x, W* out, int64_t i) {
    int64_t o[1];
    jd_broadcast_offsets(s, 1, i, o);
    out[i] = x[o[0]];
}

#endif
