// The dropout mask of DropoutMask.generate, counter-based: element i keeps (value 1/(1-p)) iff the i-th nextDouble()
// of java.util.SplittableRandom(seed) is >= p. That draw depends on (seed, i) alone: the generator's state after i + 1
// steps is seed + (i + 1) * GOLDEN_GAMMA (mod 2^64), mixed by SplitMix64's mix64, its top 53 bits times 2^-53.
#ifndef JDNN_DROPOUT_CUH
#define JDNN_DROPOUT_CUH

#include "jdnn_common.cuh"

#define JD_GOLDEN_GAMMA 0x9e3779b97f4a7c15ull

JD_HD uint64_t jd_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The i-th (from 0) nextDouble() of new SplittableRandom(seed).
JD_HD double jd_dropout_draw(int64_t seed, int64_t i) {
    uint64_t state = (uint64_t) seed + ((uint64_t) i + 1) * JD_GOLDEN_GAMMA;
    return (double) (jd_mix64(state) >> 11) * 0x1.0p-53;
}

// The mask value of element i: scale where kept, 0 where dropped.
JD_HD float jd_dropout_mask(int64_t seed, float p, float scale, int64_t i) {
    return jd_dropout_draw(seed, i) >= (double) p ? scale : 0.0f;
}

template <typename T> JD_HD void jd_dropout_at(int64_t seed, float p, float scale, const T* x, T* y, int64_t i) {
    y[i] = (T) ((double) x[i] * (double) jd_dropout_mask(seed, p, scale, i));
}

#endif
