// jdnn's compiled CUDA kernels: the C ABI.
//
// Every kernel is extern "C" (unmangled name) and a grid-stride loop over the per-element functions of the headers
// below, which the CPU check (CompiledKernelMathTest) also compiles as host C++ and holds to the reference backend.
// Built with --fmad=false so that no multiply-add is contracted: the double arithmetic then rounds as Java's does.
// CompiledKernels (org.jdnn.backend.cuda) loads the fatbin, picks the launch geometry and packs the arguments.
//
// Type suffixes: f32 = float, f64 = double, i64 = int64_t, b8 = jdnn bool (one byte, 0 or 1); x8, x32, x64 move
// elements of 1, 4 or 8 bytes as bits. n is the number of output elements; pointers are device pointers; structs
// (jd_broadcast, jd_reduction, jd_sgd, jd_adam, jd_adagrad, jd_rmsprop) travel by value. Operation codes are the
// ordinals of the Java enums (jd_unary_op = EltwiseAlgorithm, jd_binary_op = BinaryAlgorithm, jd_compare_op =
// CompareAlgorithm, jd_logical_op = LogicalAlgorithm); CompiledKernelsLaunchTest checks them against the Java
// constants.
//
//   unary      jdnn_unary_{f32,f64}(int op, float alpha, float beta, int64 n, const T* x, T* y)
//              jdnn_unary_backward_{f32,f64}(int op, float alpha, float beta, int64 n, const T* x, const T* dy, T* dx)
//              jdnn_log_clamped_{f32,f64}(float min, int64 n, const T* x, T* y)
//              jdnn_log_clamped_backward_{f32,f64}(float min, int64 n, const T* x, const T* dy, T* dx)
//              jdnn_sign_{f32,f64}(int64 n, const T* x, T* y)         jdnn_abs_{f32,f64}(int64 n, const T* x, T* y)
//   binary     jdnn_binary_{f32,f64}(int op, jd_broadcast s, int64 n, const T* a, const T* b, T* y)
//              jdnn_binary_scalar_{f32,f64}(int op, float scalar, int64 n, const T* a, T* y)
//              jdnn_pow_{f32,f64}(jd_broadcast s, int64 n, const T* a, const T* b, T* y)
//              jdnn_pow_backward_{f32,f64}(int operand, jd_broadcast s, int64 n, const T* a, const T* b,
//                                          const T* gradOutput, T* y)     (gradOutput and y of the broadcast shape)
//   compare    jdnn_compare_{f32,f64,i64,b8}(int op, jd_broadcast s, int64 n, const T* a, const T* b, b8* y)
//   logical    jdnn_logical_{f32,f64,i64,b8}(int op, jd_broadcast s, int64 n, const T* a, const T* b, b8* y)
//              jdnn_logical_not_{f32,f64,i64,b8}(int64 n, const T* a, b8* y)
//   where      jdnn_where_{x8,x32,x64}(jd_broadcast s, int64 n, const b8* condition, const W* x, const W* y, W* out)
//   copy       jdnn_copy_strided_{x8,x32,x64}(jd_broadcast s, int64 n, const W* x, W* y)   (operand 0's strides)
//   fill       jdnn_fill_{x8,x32,x64}(int64 n, uint64 bits, W* y)                           (the low bytes of bits)
//   reduce     jdnn_reduce_sum_{f32,f64}(jd_reduction s, int mean, const T* x, T* y)      (one block per output)
//              jdnn_reduce_max_{f32,f64}(jd_reduction s, const T* x, T* y)                (one block per output)
//              jdnn_reduce_max_backward_{f32,f64}(jd_reduction s, const T* x, const T* dy, T* dx)
//                  (dx zeroed first; dy[j] is written to output j's first maximal element, the first NaN if any)
//   arg        jdnn_argmax_{f32,f64,i64}(int64 outer, int64 size, int64 inner, const T* x, int64* indices, T* values)
//              jdnn_argmin_{f32,f64,i64}(...the same...)           (values may be NULL; one thread per output)
//   cast       jdnn_cast_<from>_<to>(int64 n, const From* x, To* y)    for from != to in {f32, f64, i64, b8}
//   optimizer  jdnn_sgd_{f32,f64}(jd_sgd h, int64 n, T* param, const T* grad, T* buf)
//              jdnn_adam_{f32,f64}(jd_adam h, int64 n, T* param, const T* grad, T* m, T* v, T* vMax)
//              jdnn_adagrad_{f32,f64}(jd_adagrad h, int64 n, T* param, const T* grad, T* sum)
//              jdnn_rmsprop_{f32,f64}(jd_rmsprop h, int64 n, T* param, const T* grad, T* squareAvg, T* gradAvg, T* buf)
//              (state a step does not use may be NULL: buf without momentum, vMax without amsgrad, gradAvg uncentered)
//   dropout    jdnn_dropout_{f32,f64}(int64 seed, float p, float scale, int64 n, const T* x, T* y)
//              jdnn_dropout_mask_f32(int64 seed, float p, float scale, int64 n, float* mask)
//
// The reduction kernels run with blockDim.x = JD_REDUCE_THREADS (a power of two); every other kernel takes any
// geometry (grid-stride loops).
#ifndef JDNN_KERNELS_CUH
#define JDNN_KERNELS_CUH

#include "jdnn_common.cuh"
#include "jdnn_eltwise.cuh"
#include "jdnn_binary.cuh"
#include "jdnn_reduce.cuh"
#include "jdnn_cast.cuh"
#include "jdnn_optim.cuh"
#include "jdnn_dropout.cuh"

#define JD_REDUCE_THREADS 256

#endif
