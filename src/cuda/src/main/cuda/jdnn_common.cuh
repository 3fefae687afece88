// Shared definitions of the jdnn kernels: the host/device qualifier, the fixed-width types of the C ABI, and the
// few Java semantics the reference backend relies on (Math.max/min with NaN and signed zeros, (long) casts).
#ifndef JDNN_COMMON_CUH
#define JDNN_COMMON_CUH

#include <stdint.h>
#include <math.h>

#ifdef __CUDACC__
#define JD_HD __host__ __device__ __forceinline__
#define JD_NO_UNROLL _Pragma("unroll 1")  // the rank loops: rolled, which keeps each kernel small
#else
#define JD_HD inline
#define JD_NO_UNROLL
#endif

// The largest rank a broadcast, strided copy or reduction takes (the shapes travel by value).
#define JD_MAX_RANK 8

typedef unsigned char jd_bool;  // jdnn's bool dtype: one byte holding exactly 0 or 1

JD_HD bool jd_isnan(double x) { return x != x; }

JD_HD uint64_t jd_bits(double x) {
    union { double d; uint64_t u; } v;
    v.d = x;
    return v.u;
}

// java.lang.Math.max(double, double): the first NaN operand, +0 over -0, else the larger.
JD_HD double jd_java_max(double a, double b) {
    if (a != a) return a;
    if (a == 0.0 && b == 0.0 && jd_bits(a) == 0x8000000000000000ull) return b;
    return a >= b ? a : b;
}

// java.lang.Math.min(double, double): the first NaN operand, -0 under +0, else the smaller.
JD_HD double jd_java_min(double a, double b) {
    if (a != a) return a;
    if (a == 0.0 && b == 0.0 && jd_bits(b) == 0x8000000000000000ull) return b;
    return a <= b ? a : b;
}

// Java's (long) d: truncation toward zero, NaN gives 0, out of range saturates (C leaves those undefined).
JD_HD int64_t jd_java_long(double d) {
    if (d != d) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t) d;
}

// A value rounded to the storage type T and widened back: the float32 reference rounds some intermediates so.
template <typename T> JD_HD double jd_round(double v) { return (double) (T) v; }

#endif
