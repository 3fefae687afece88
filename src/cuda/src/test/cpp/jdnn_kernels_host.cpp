// The per-element functions of the CUDA kernels (src/main/cuda/*.cuh) compiled as host C++, so that
// CompiledKernelMathTest can hold them to the reference backend on a machine without a GPU. Each function is the
// kernel of the same name with its grid-stride loop replaced by a plain loop.
#include "jdnn_kernels.cuh"

#define JD_HOST_LOOP(i, n) for (int64_t i = 0; i < (n); i++)

#define JD_HOST_FLOAT(S, T)                                                                                          \
    extern "C" void jdnn_host_unary_##S(int op, float alpha, float beta, int64_t n, const T* x, T* y) {             \
        JD_HOST_LOOP(i, n) jd_unary_at<T>(op, alpha, beta, x, y, i);                                                 \
    }                                                                                                                \
    extern "C" void jdnn_host_unary_backward_##S(int op, float alpha, float beta, int64_t n, const T* x,            \
                                                 const T* dy, T* dx) {                                              \
        JD_HOST_LOOP(i, n) jd_unary_backward_at<T>(op, alpha, beta, x, dy, dx, i);                                   \
    }                                                                                                                \
    extern "C" void jdnn_host_log_clamped_##S(float min, int64_t n, const T* x, T* y) {                              \
        JD_HOST_LOOP(i, n) y[i] = (T) jd_log_clamped((double) x[i], min);                                            \
    }                                                                                                                \
    extern "C" void jdnn_host_log_clamped_backward_##S(float min, int64_t n, const T* x, const T* dy, T* dx) {       \
        JD_HOST_LOOP(i, n) dx[i] = (T) jd_log_clamped_gradient<T>((double) x[i], (double) dy[i], min);               \
    }                                                                                                                \
    extern "C" void jdnn_host_binary_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b, T* y) {         \
        JD_HOST_LOOP(i, n) jd_binary_at<T>(op, s, a, b, y, i);                                                       \
    }                                                                                                                \
    extern "C" void jdnn_host_binary_scalar_##S(int op, float scalar, int64_t n, const T* a, T* y) {                \
        JD_HOST_LOOP(i, n) jd_binary_scalar_at<T>(op, scalar, a, y, i);                                              \
    }                                                                                                                \
    extern "C" void jdnn_host_pow_##S(jd_broadcast s, int64_t n, const T* a, const T* b, T* y) {                    \
        JD_HOST_LOOP(i, n) jd_pow_at<T>(s, a, b, y, i);                                                              \
    }                                                                                                                \
    extern "C" void jdnn_host_pow_backward_##S(int operand, jd_broadcast s, int64_t n, const T* a, const T* b,      \
                                               const T* g, T* y) {                                                  \
        JD_HOST_LOOP(i, n) jd_pow_backward_at<T>(operand, s, a, b, g, y, i);                                         \
    }                                                                                                                \
    extern "C" void jdnn_host_sgd_##S(jd_sgd h, int64_t n, T* param, const T* grad, T* buf) {                       \
        JD_HOST_LOOP(i, n) jd_sgd_at<T>(h, param, grad, buf, i);                                                     \
    }                                                                                                                \
    extern "C" void jdnn_host_adam_##S(jd_adam h, int64_t n, T* param, const T* grad, T* m, T* v, T* vMax) {        \
        JD_HOST_LOOP(i, n) jd_adam_at<T>(h, param, grad, m, v, vMax, i);                                             \
    }                                                                                                                \
    extern "C" void jdnn_host_adagrad_##S(jd_adagrad h, int64_t n, T* param, const T* grad, T* sum) {               \
        JD_HOST_LOOP(i, n) jd_adagrad_at<T>(h, param, grad, sum, i);                                                 \
    }                                                                                                                \
    extern "C" void jdnn_host_rmsprop_##S(jd_rmsprop h, int64_t n, T* param, const T* grad, T* squareAvg,           \
                                          T* gradAvg, T* buf) {                                                     \
        JD_HOST_LOOP(i, n) jd_rmsprop_at<T>(h, param, grad, squareAvg, gradAvg, buf, i);                             \
    }                                                                                                                \
    extern "C" void jdnn_host_dropout_##S(int64_t seed, float p, float scale, int64_t n, const T* x, T* y) {        \
        JD_HOST_LOOP(i, n) jd_dropout_at<T>(seed, p, scale, x, y, i);                                                \
    }
JD_HOST_FLOAT(f32, float)
JD_HOST_FLOAT(f64, double)

#define JD_HOST_COMPARE(S, T)                                                                                        \
    extern "C" void jdnn_host_compare_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b, jd_bool* y) {  \
        JD_HOST_LOOP(i, n) jd_compare_at<T>(op, s, a, b, y, i);                                                      \
    }                                                                                                                \
    extern "C" void jdnn_host_logical_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b, jd_bool* y) {  \
        JD_HOST_LOOP(i, n) jd_logical_at<T>(op, s, a, b, y, i);                                                      \
    }
JD_HOST_COMPARE(f32, float)
JD_HOST_COMPARE(f64, double)
JD_HOST_COMPARE(i64, int64_t)

extern "C" void jdnn_host_where_x32(jd_broadcast s, int64_t n, const jd_bool* c, const uint32_t* x,
                                    const uint32_t* y, uint32_t* out) {
    JD_HOST_LOOP(i, n) jd_where_at<uint32_t>(s, c, x, y, out, i);
}

extern "C" void jdnn_host_copy_strided_x32(jd_broadcast s, int64_t n, const uint32_t* x, uint32_t* y) {
    JD_HOST_LOOP(i, n) jd_copy_strided_at<uint32_t>(s, x, y, i);
}

#define JD_HOST_CAST(FS, F, TS, T)                                                                                   \
    extern "C" void jdnn_host_cast_##FS##_##TS(int64_t n, const F* x, T* y) {                                        \
        JD_HOST_LOOP(i, n) jd_cast_at<F, T>(x, y, i);                                                                \
    }
JD_HOST_CAST(f32, float, f64, double)
JD_HOST_CAST(f32, float, i64, int64_t)
JD_HOST_CAST(f32, float, b8, jd_bool)
JD_HOST_CAST(f64, double, f32, float)
JD_HOST_CAST(f64, double, i64, int64_t)
JD_HOST_CAST(f64, double, b8, jd_bool)
JD_HOST_CAST(i64, int64_t, f32, float)
JD_HOST_CAST(i64, int64_t, f64, double)
JD_HOST_CAST(i64, int64_t, b8, jd_bool)
JD_HOST_CAST(b8, jd_bool, f32, float)
JD_HOST_CAST(b8, jd_bool, f64, double)
JD_HOST_CAST(b8, jd_bool, i64, int64_t)

extern "C" void jdnn_host_dropout_mask_f32(int64_t seed, float p, float scale, int64_t n, float* mask) {
    JD_HOST_LOOP(i, n) mask[i] = jd_dropout_mask(seed, p, scale, i);
}

// The reduction kernels' element order, serially: the index math and jd_beats of the device code. With dy and dx
// the max's backward: dy[j] written to the winner (dx zeroed by the caller).
static void jd_host_reduce_max(const jd_reduction& s, const float* x, float* y, const float* dy, float* dx) {
    for (int64_t j = 0; j < s.outputs; j++) {
        int64_t base = jd_reduction_base(s, j);
        float b = 0;
        int64_t kb = -1;
        for (int64_t k = 0; k < s.size; k++) {
            float v = x[base + jd_reduction_offset(s, k)];
            if (kb < 0 || jd_beats<float>(true, v, k, b, kb)) {
                b = v;
                kb = k;
            }
        }
        if (dx != 0) {
            dx[base + jd_reduction_offset(s, kb)] = dy[j];
        } else {
            y[j] = b;
        }
    }
}

extern "C" void jdnn_host_reduce_max_f32(jd_reduction s, const float* x, float* y) {
    jd_host_reduce_max(s, x, y, 0, 0);
}

extern "C" void jdnn_host_reduce_max_backward_f32(jd_reduction s, const float* x, const float* dy, float* dx) {
    jd_host_reduce_max(s, x, 0, dy, dx);
}

extern "C" void jdnn_host_reduce_sum_f32(jd_reduction s, int mean, const float* x, float* y) {
    for (int64_t j = 0; j < s.outputs; j++) {
        int64_t base = jd_reduction_base(s, j);
        double sum = 0;
        for (int64_t k = 0; k < s.size; k++) sum += (double) x[base + jd_reduction_offset(s, k)];
        y[j] = (float) (mean ? sum / (double) s.size : sum);
    }
}

// sizeof of each struct that travels by value, for the Java layouts' check.
extern "C" int64_t jdnn_host_sizeof(int which) {
    switch (which) {
        case 0: return sizeof(jd_broadcast);
        case 1: return sizeof(jd_reduction);
        case 2: return sizeof(jd_sgd);
        case 3: return sizeof(jd_adam);
        case 4: return sizeof(jd_adagrad);
        case 5: return sizeof(jd_rmsprop);
        default: return -1;
    }
}
