// Optimizer updates, element by element in double with the reference backend's arithmetic (ReferenceOptimizers):
// the same operations in the same order, state rounded to the storage type when stored while the update goes on
// with the unrounded double, hyper-parameter constants computed once in double on the host. Built without FMA
// contraction (nvcc --fmad=false), they give the reference's results bit for bit.
#ifndef JDNN_OPTIM_CUH
#define JDNN_OPTIM_CUH

#include "jdnn_common.cuh"

// SGD: d = (maximize ? -g : g) + weightDecay p; with momentum b = first ? d : momentum buf + (1 - dampening) d,
// d = nesterov ? d + momentum b : b; p -= lr d. 48 bytes.
struct jd_sgd {
    double lr;
    double momentum;
    double oneMinusDampening;
    double weightDecay;
    int32_t nesterov;
    int32_t maximize;
    int32_t firstStep;
    int32_t reserved;
};

// Adam / AdamW at step t: every constant as ReferenceOptimizers computes it. 104 bytes.
struct jd_adam {
    double lr;
    double beta1;                // m's lerp weight is 1 - beta1
    double beta2;
    double oneMinusBeta1;        // 1 - beta1
    double oneMinusBeta2;        // 1 - beta2
    double lerpComplement;       // 1 - (1 - beta1), the second lerp form's factor
    double biasCorrection1;      // 1 - beta1^t
    double biasCorrection2;      // 1 - beta2^t
    double eps;
    double weightDecay;
    double decayFactor;          // 1 - lr weightDecay (AdamW)
    int32_t decoupled;
    int32_t amsgrad;
    int32_t maximize;
    int32_t reserved;
};

// Adagrad: clr = lr / (1 + (t - 1) lrDecay). 24 bytes.
struct jd_adagrad {
    double clr;
    double weightDecay;
    double eps;
};

// RMSprop. 56 bytes.
struct jd_rmsprop {
    double lr;
    double alpha;
    double oneMinusAlpha;        // 1 - alpha
    double eps;
    double weightDecay;
    double momentum;
    int32_t centered;
    int32_t reserved;
};

template <typename T> JD_HD void jd_sgd_at(const jd_sgd& h, T* param, const T* grad, T* buf, int64_t i) {
    double p = param[i];
    double g = grad[i];
    double d = (h.maximize ? -g : g) + h.weightDecay * p;
    if (h.momentum != 0) {
        double b = h.firstStep ? d : h.momentum * (double) buf[i] + h.oneMinusDampening * d;
        buf[i] = (T) b;
        d = h.nesterov ? d + h.momentum * b : b;
    }
    param[i] = (T) (p - h.lr * d);
}

// PyTorch's lerp in its two forms (they differ at an infinite g): the second for weights of 0.5 and more.
JD_HD double jd_lerp(double m, double g, double weight, double complement) {
    return fabs(weight) < 0.5 ? m + weight * (g - m) : g - (g - m) * complement;
}

template <typename T> JD_HD void jd_adam_at(const jd_adam& h, T* param, const T* grad, T* expAvg, T* expAvgSq,
                                           T* maxExpAvgSq, int64_t i) {
    double p = param[i];
    double g = grad[i];
    if (h.maximize) g = -g;
    if (h.decoupled) {
        p *= h.decayFactor;
    } else {
        g += h.weightDecay * p;
    }
    double m = jd_lerp((double) expAvg[i], g, h.oneMinusBeta1, h.lerpComplement);
    double v = h.beta2 * (double) expAvgSq[i] + h.oneMinusBeta2 * g * g;
    expAvg[i] = (T) m;
    expAvgSq[i] = (T) v;
    if (h.amsgrad) {
        v = jd_java_max((double) maxExpAvgSq[i], v);  // the raw second moment's maximum, NaN wins
        maxExpAvgSq[i] = (T) v;
    }
    double mHat = m / h.biasCorrection1;
    double vHat = v / h.biasCorrection2;
    param[i] = (T) (p - h.lr * mHat / (sqrt(vHat) + h.eps));
}

template <typename T> JD_HD void jd_adagrad_at(const jd_adagrad& h, T* param, const T* grad, T* sum, int64_t i) {
    double p = param[i];
    double g = (double) grad[i] + h.weightDecay * p;
    double s = (double) sum[i] + g * g;
    sum[i] = (T) s;
    param[i] = (T) (p - h.clr * g / (sqrt(s) + h.eps));
}

template <typename T> JD_HD void jd_rmsprop_at(const jd_rmsprop& h, T* param, const T* grad, T* squareAvg,
                                              T* gradAvg, T* buf, int64_t i) {
    double p = param[i];
    double g = (double) grad[i] + h.weightDecay * p;
    double sq = h.alpha * (double) squareAvg[i] + h.oneMinusAlpha * g * g;
    squareAvg[i] = (T) sq;
    double avg;
    if (h.centered) {
        double ga = h.alpha * (double) gradAvg[i] + h.oneMinusAlpha * g;
        gradAvg[i] = (T) ga;
        avg = sqrt(sq - ga * ga) + h.eps;
    } else {
        avg = sqrt(sq) + h.eps;
    }
    double update = g / avg;
    if (h.momentum > 0) {
        update = h.momentum * (double) buf[i] + update;
        buf[i] = (T) update;
    }
    param[i] = (T) (p - h.lr * update);
}

#endif
