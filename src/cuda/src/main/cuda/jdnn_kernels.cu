// The extern "C" kernels of jdnn_kernels.cuh: thin grid-stride loops over the per-element functions of the headers.
#include "jdnn_kernels.cuh"

#define JD_FOR_EACH(i, n) \
    for (int64_t i = (int64_t) blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t) blockDim.x * gridDim.x)

// ---- unary ----
#define JD_UNARY_KERNELS(S, T)                                                                                       \
    extern "C" __global__ void jdnn_unary_##S(int op, float alpha, float beta, int64_t n, const T* x, T* y) {       \
        JD_FOR_EACH(i, n) jd_unary_at<T>(op, alpha, beta, x, y, i);                                                  \
    }                                                                                                                \
    extern "C" __global__ void jdnn_unary_backward_##S(int op, float alpha, float beta, int64_t n, const T* x,      \
                                                       const T* dy, T* dx) {                                        \
        JD_FOR_EACH(i, n) jd_unary_backward_at<T>(op, alpha, beta, x, dy, dx, i);                                    \
    }                                                                                                                \
    extern "C" __global__ void jdnn_log_clamped_##S(float min, int64_t n, const T* x, T* y) {                        \
        JD_FOR_EACH(i, n) y[i] = (T) jd_log_clamped((double) x[i], min);                                             \
    }                                                                                                                \
    extern "C" __global__ void jdnn_log_clamped_backward_##S(float min, int64_t n, const T* x, const T* dy, T* dx) { \
        JD_FOR_EACH(i, n) dx[i] = (T) jd_log_clamped_gradient<T>((double) x[i], (double) dy[i], min);                \
    }                                                                                                                \
    extern "C" __global__ void jdnn_sign_##S(int64_t n, const T* x, T* y) {                                         \
        JD_FOR_EACH(i, n) y[i] = (T) jd_sign((double) x[i]);                                                         \
    }                                                                                                                \
    extern "C" __global__ void jdnn_abs_##S(int64_t n, const T* x, T* y) {                                          \
        JD_FOR_EACH(i, n) y[i] = (T) jd_abs((double) x[i]);                                                          \
    }
JD_UNARY_KERNELS(f32, float)
JD_UNARY_KERNELS(f64, double)

// ---- binary arithmetic ----
#define JD_BINARY_KERNELS(S, T)                                                                                      \
    extern "C" __global__ void jdnn_binary_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b, T* y) {   \
        JD_FOR_EACH(i, n) jd_binary_at<T>(op, s, a, b, y, i);                                                        \
    }                                                                                                                \
    extern "C" __global__ void jdnn_binary_scalar_##S(int op, float scalar, int64_t n, const T* a, T* y) {          \
        JD_FOR_EACH(i, n) jd_binary_scalar_at<T>(op, scalar, a, y, i);                                               \
    }                                                                                                                \
    extern "C" __global__ void jdnn_pow_##S(jd_broadcast s, int64_t n, const T* a, const T* b, T* y) {              \
        JD_FOR_EACH(i, n) jd_pow_at<T>(s, a, b, y, i);                                                               \
    }                                                                                                                \
    extern "C" __global__ void jdnn_pow_backward_##S(int operand, jd_broadcast s, int64_t n, const T* a,            \
                                                     const T* b, const T* g, T* y) {                                \
        JD_FOR_EACH(i, n) jd_pow_backward_at<T>(operand, s, a, b, g, y, i);                                          \
    }
JD_BINARY_KERNELS(f32, float)
JD_BINARY_KERNELS(f64, double)

// ---- comparisons and logical ops ----
#define JD_COMPARE_KERNELS(S, T)                                                                                     \
    extern "C" __global__ void jdnn_compare_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b,          \
                                                jd_bool* y) {                                                       \
        JD_FOR_EACH(i, n) jd_compare_at<T>(op, s, a, b, y, i);                                                       \
    }                                                                                                                \
    extern "C" __global__ void jdnn_logical_##S(int op, jd_broadcast s, int64_t n, const T* a, const T* b,          \
                                                jd_bool* y) {                                                       \
        JD_FOR_EACH(i, n) jd_logical_at<T>(op, s, a, b, y, i);                                                       \
    }                                                                                                                \
    extern "C" __global__ void jdnn_logical_not_##S(int64_t n, const T* a, jd_bool* y) {                            \
        JD_FOR_EACH(i, n) jd_logical_not_at<T>(a, y, i);                                                             \
    }
JD_COMPARE_KERNELS(f32, float)
JD_COMPARE_KERNELS(f64, double)
JD_COMPARE_KERNELS(i64, int64_t)
JD_COMPARE_KERNELS(b8, jd_bool)

// ---- bit movers: where, strided copy, fill ----
#define JD_BITS_KERNELS(S, W)                                                                                        \
    extern "C" __global__ void jdnn_where_##S(jd_broadcast s, int64_t n, const jd_bool* c, const W* x, const W* y,  \
                                              W* out) {                                                             \
        JD_FOR_EACH(i, n) jd_where_at<W>(s, c, x, y, out, i);                                                        \
    }                                                                                                                \
    extern "C" __global__ void jdnn_copy_strided_##S(jd_broadcast s, int64_t n, const W* x, W* y) {                 \
        JD_FOR_EACH(i, n) jd_copy_strided_at<W>(s, x, y, i);                                                         \
    }                                                                                                                \
    extern "C" __global__ void jdnn_fill_##S(int64_t n, uint64_t bits, W* y) {                                      \
        W value = (W) bits;                                                                                          \
        JD_FOR_EACH(i, n) y[i] = value;                                                                              \
    }
JD_BITS_KERNELS(x8, uint8_t)
JD_BITS_KERNELS(x32, uint32_t)
JD_BITS_KERNELS(x64, uint64_t)

// ---- reductions: one block per output element (grid-stride over outputs), a fixed tree, so results repeat ----
template <typename T> __device__ void jd_reduce_sum(const jd_reduction& s, int mean, const T* x, T* y) {
    __shared__ double partial[JD_REDUCE_THREADS];
    for (int64_t j = blockIdx.x; j < s.outputs; j += gridDim.x) {
        int64_t base = jd_reduction_base(s, j);
        double sum = 0;
        for (int64_t k = threadIdx.x; k < s.size; k += blockDim.x) sum += (double) x[base + jd_reduction_offset(s, k)];
        partial[threadIdx.x] = sum;
        __syncthreads();
        for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
            if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
            __syncthreads();
        }
        if (threadIdx.x == 0) y[j] = (T) (mean ? partial[0] / (double) s.size : partial[0]);
        __syncthreads();
    }
}

// Max over each output's reduced elements; with dy and dx (dx zeroed before) the backward instead: dy[j] goes to the
// winning element, the first maximum (the first NaN), as the reference's reduction_backward.
template <typename T> __device__ void jd_reduce_max(const jd_reduction& s, const T* x, T* y, const T* dy, T* dx) {
    __shared__ T best[JD_REDUCE_THREADS];
    __shared__ int64_t at[JD_REDUCE_THREADS];
    for (int64_t j = blockIdx.x; j < s.outputs; j += gridDim.x) {
        int64_t base = jd_reduction_base(s, j);
        T b = 0;
        int64_t kb = -1;
        for (int64_t k = threadIdx.x; k < s.size; k += blockDim.x) {
            T v = x[base + jd_reduction_offset(s, k)];
            if (kb < 0 || jd_beats<T>(true, v, k, b, kb)) {
                b = v;
                kb = k;
            }
        }
        best[threadIdx.x] = b;
        at[threadIdx.x] = kb;
        __syncthreads();
        for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
            if (threadIdx.x < half) {
                int64_t k = at[threadIdx.x + half];
                if (k >= 0 && (at[threadIdx.x] < 0 || jd_beats<T>(true, best[threadIdx.x + half], k,
                                                                    best[threadIdx.x], at[threadIdx.x]))) {
                    best[threadIdx.x] = best[threadIdx.x + half];
                    at[threadIdx.x] = k;
                }
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            if (dx != 0) {
                dx[base + jd_reduction_offset(s, at[0])] = dy[j];
            } else {
                y[j] = best[0];
            }
        }
        __syncthreads();
    }
}

#define JD_REDUCE_KERNELS(S, T)                                                                                      \
    extern "C" __global__ void jdnn_reduce_sum_##S(jd_reduction s, int mean, const T* x, T* y) {                    \
        jd_reduce_sum<T>(s, mean, x, y);                                                                             \
    }                                                                                                                \
    extern "C" __global__ void jdnn_reduce_max_##S(jd_reduction s, const T* x, T* y) {                              \
        jd_reduce_max<T>(s, x, y, 0, 0);                                                                             \
    }                                                                                                                \
    extern "C" __global__ void jdnn_reduce_max_backward_##S(jd_reduction s, const T* x, const T* dy, T* dx) {       \
        jd_reduce_max<T>(s, x, 0, dy, dx);                                                                           \
    }
JD_REDUCE_KERNELS(f32, float)
JD_REDUCE_KERNELS(f64, double)

// ---- arg max / min along one dimension: one thread per output, the slice scanned in order ----
template <typename T> __device__ void jd_arg(bool max, int64_t outer, int64_t size, int64_t inner, const T* x,
                                             int64_t* indices, T* values) {
    JD_FOR_EACH(j, outer * inner) {
        const T* slice = x + (j / inner) * size * inner + j % inner;
        T b = slice[0];
        int64_t kb = 0;
        for (int64_t k = 1; k < size; k++) {
            T v = slice[k * inner];
            if (jd_beats<T>(max, v, k, b, kb)) {
                b = v;
                kb = k;
            }
        }
        indices[j] = kb;
        if (values != 0) values[j] = b;
    }
}

#define JD_ARG_KERNELS(S, T)                                                                                         \
    extern "C" __global__ void jdnn_argmax_##S(int64_t outer, int64_t size, int64_t inner, const T* x,              \
                                               int64_t* indices, T* values) {                                       \
        jd_arg<T>(true, outer, size, inner, x, indices, values);                                                     \
    }                                                                                                                \
    extern "C" __global__ void jdnn_argmin_##S(int64_t outer, int64_t size, int64_t inner, const T* x,              \
                                               int64_t* indices, T* values) {                                       \
        jd_arg<T>(false, outer, size, inner, x, indices, values);                                                    \
    }
JD_ARG_KERNELS(f32, float)
JD_ARG_KERNELS(f64, double)
JD_ARG_KERNELS(i64, int64_t)

// ---- casts ----
#define JD_CAST_KERNEL(FS, F, TS, T)                                                                                 \
    extern "C" __global__ void jdnn_cast_##FS##_##TS(int64_t n, const F* x, T* y) {                                  \
        JD_FOR_EACH(i, n) jd_cast_at<F, T>(x, y, i);                                                                 \
    }
JD_CAST_KERNEL(f32, float, f64, double)
JD_CAST_KERNEL(f32, float, i64, int64_t)
JD_CAST_KERNEL(f32, float, b8, jd_bool)
JD_CAST_KERNEL(f64, double, f32, float)
JD_CAST_KERNEL(f64, double, i64, int64_t)
JD_CAST_KERNEL(f64, double, b8, jd_bool)
JD_CAST_KERNEL(i64, int64_t, f32, float)
JD_CAST_KERNEL(i64, int64_t, f64, double)
JD_CAST_KERNEL(i64, int64_t, b8, jd_bool)
JD_CAST_KERNEL(b8, jd_bool, f32, float)
JD_CAST_KERNEL(b8, jd_bool, f64, double)
JD_CAST_KERNEL(b8, jd_bool, i64, int64_t)

// ---- optimizer updates ----
#define JD_OPTIM_KERNELS(S, T)                                                                                       \
    extern "C" __global__ void jdnn_sgd_##S(jd_sgd h, int64_t n, T* param, const T* grad, T* buf) {                 \
        JD_FOR_EACH(i, n) jd_sgd_at<T>(h, param, grad, buf, i);                                                      \
    }                                                                                                                \
    extern "C" __global__ void jdnn_adam_##S(jd_adam h, int64_t n, T* param, const T* grad, T* m, T* v, T* vMax) {  \
        JD_FOR_EACH(i, n) jd_adam_at<T>(h, param, grad, m, v, vMax, i);                                              \
    }                                                                                                                \
    extern "C" __global__ void jdnn_adagrad_##S(jd_adagrad h, int64_t n, T* param, const T* grad, T* sum) {         \
        JD_FOR_EACH(i, n) jd_adagrad_at<T>(h, param, grad, sum, i);                                                  \
    }                                                                                                                \
    extern "C" __global__ void jdnn_rmsprop_##S(jd_rmsprop h, int64_t n, T* param, const T* grad, T* squareAvg,     \
                                                T* gradAvg, T* buf) {                                               \
        JD_FOR_EACH(i, n) jd_rmsprop_at<T>(h, param, grad, squareAvg, gradAvg, buf, i);                              \
    }
JD_OPTIM_KERNELS(f32, float)
JD_OPTIM_KERNELS(f64, double)

// ---- dropout ----
#define JD_DROPOUT_KERNEL(S, T)                                                                                      \
    extern "C" __global__ void jdnn_dropout_##S(int64_t seed, float p, float scale, int64_t n, const T* x, T* y) {  \
        JD_FOR_EACH(i, n) jd_dropout_at<T>(seed, p, scale, x, y, i);                                                 \
    }
JD_DROPOUT_KERNEL(f32, float)
JD_DROPOUT_KERNEL(f64, double)

extern "C" __global__ void jdnn_dropout_mask_f32(int64_t seed, float p, float scale, int64_t n, float* mask) {
    JD_FOR_EACH(i, n) mask[i] = jd_dropout_mask(seed, p, scale, i);
}
