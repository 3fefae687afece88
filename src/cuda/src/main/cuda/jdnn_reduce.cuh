// Reductions over a set of axes (sum, mean, max) and arg max/min along one dimension.
#ifndef JDNN_REDUCE_CUH
#define JDNN_REDUCE_CUH

#include "jdnn_common.cuh"

// An input split into the dims an output element keeps and the dims it reduces, each with the input's strides (in
// elements), both in the input's order; outputs = product of kept dims, size = product of reduced dims. By value:
// 8 + 4 * 8 * 8 + 16 = 280 bytes.
struct jd_reduction {
    int32_t keptRank;
    int32_t reducedRank;
    int64_t keptDims[JD_MAX_RANK];
    int64_t keptStrides[JD_MAX_RANK];
    int64_t reducedDims[JD_MAX_RANK];
    int64_t reducedStrides[JD_MAX_RANK];
    int64_t outputs;
    int64_t size;
};

// Input offset of output element j's first reduced element.
JD_HD int64_t jd_reduction_base(const jd_reduction& s, int64_t j) {
    int64_t offset = 0;
    JD_NO_UNROLL
    for (int d = s.keptRank - 1; d >= 0; d--) {
        offset += (j % s.keptDims[d]) * s.keptStrides[d];
        j /= s.keptDims[d];
    }
    return offset;
}

// Offset of the k-th reduced element (row-major over the reduced dims, which is the input's order) from the base.
JD_HD int64_t jd_reduction_offset(const jd_reduction& s, int64_t k) {
    int64_t offset = 0;
    JD_NO_UNROLL
    for (int d = s.reducedRank - 1; d >= 0; d--) {
        offset += (k % s.reducedDims[d]) * s.reducedStrides[d];
        k /= s.reducedDims[d];
    }
    return offset;
}

// Whether candidate (value v at position k) beats the best so far (value b at position kb) for a max (sign 1) or a
// min (sign -1): a NaN beats every number and the first NaN stays; of equal values the earlier position wins. With
// it the result does not depend on the order the candidates are met in, so a parallel reduction gives the serial one.
template <typename T> JD_HD bool jd_beats(bool max, T v, int64_t k, T b, int64_t kb) {
    bool vNan = v != v, bNan = b != b;
    if (vNan || bNan) return vNan && (!bNan || k < kb);
    if (v == b) return k < kb;
    return max ? v > b : v < b;
}

#endif
