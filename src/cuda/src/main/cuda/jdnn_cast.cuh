// dtype conversions between float32, float64, int64 and bool, as jdnn's Elements converts: exact between integer
// dtypes, through double otherwise; to an integer truncates toward zero with NaN 0 and saturation, to bool is != 0
// (NaN is true), from bool is 0 or 1 (any nonzero byte reads as 1).
#ifndef JDNN_CAST_CUH
#define JDNN_CAST_CUH

#include "jdnn_common.cuh"

// Reading: every source as a double (floats) or as a long (int64, bool), as Elements.get/getLong.
JD_HD double jd_read_double(float v) { return v; }
JD_HD double jd_read_double(double v) { return v; }
JD_HD int64_t jd_read_long(int64_t v) { return v; }
JD_HD int64_t jd_read_long(jd_bool v) { return v != 0 ? 1 : 0; }

// Writing a double (Elements.set) or a long (Elements.setLong, which goes through double for the float dtypes).
template <typename To> JD_HD To jd_from_double(double v);
template <> JD_HD float jd_from_double<float>(double v) { return (float) v; }
template <> JD_HD double jd_from_double<double>(double v) { return v; }
template <> JD_HD int64_t jd_from_double<int64_t>(double v) { return jd_java_long(v); }
template <> JD_HD jd_bool jd_from_double<jd_bool>(double v) { return v != 0 ? 1 : 0; }

template <typename To> JD_HD To jd_from_long(int64_t v) { return jd_from_double<To>((double) v); }
template <> JD_HD int64_t jd_from_long<int64_t>(int64_t v) { return v; }
template <> JD_HD jd_bool jd_from_long<jd_bool>(int64_t v) { return v != 0 ? 1 : 0; }

template <typename From, typename To> struct jd_caster {
    JD_HD static To convert(From v) { return jd_from_double<To>(jd_read_double(v)); }
};
template <typename To> struct jd_caster<int64_t, To> {
    JD_HD static To convert(int64_t v) { return jd_from_long<To>(v); }
};
template <typename To> struct jd_caster<jd_bool, To> {
    JD_HD static To convert(jd_bool v) { return jd_from_long<To>(jd_read_long(v)); }
};

template <typename From, typename To> JD_HD void jd_cast_at(const From* x, To* y, int64_t i) {
    y[i] = jd_caster<From, To>::convert(x[i]);
}

#endif
