/* SPDX-License-Identifier: MIT */
/* ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare over any set of axes.
 * Each output element walks its reduced sub-space with an odometer, so no scratch is
 * needed and LogSumExp can take the maximum first (two passes) to stay finite. */
#include <math.h>

#include "kiln.h"

/* Calls BODY with v = each reduced element of the output at input offset base. */
#define FOR_REDUCED(p, x, base, BODY)                                                  \
    do {                                                                               \
        int32_t ri_[KILN_MAX_RANK] = {0};                                              \
        ptrdiff_t ro_ = 0;                                                             \
        const int32_t rl_ = (p)->n_red - 1;                                            \
        for (;;) {                                                                     \
            for (int32_t k_ = 0; k_ < (p)->red_dims[rl_]; k_++) {                      \
                const float v = (x)[(base) + ro_ + (ptrdiff_t)k_ * (p)->red_strides[rl_]]; \
                BODY;                                                                  \
            }                                                                          \
            int32_t d_ = rl_ - 1;                                                      \
            for (; d_ >= 0; d_--) {                                                    \
                ro_ += (p)->red_strides[d_];                                           \
                if (++ri_[d_] < (p)->red_dims[d_])                                     \
                    break;                                                             \
                ro_ -= (ptrdiff_t)(p)->red_strides[d_] * (p)->red_dims[d_];            \
                ri_[d_] = 0;                                                           \
            }                                                                          \
            if (d_ < 0)                                                                \
                break;                                                                 \
        }                                                                              \
    } while (0)

static float reduce_one(const kiln_reduce_params *p, const float *x, ptrdiff_t base,
                        int32_t count)
{
    float acc;
    switch (p->op) {
    case KILN_RED_MAX:
        acc = -HUGE_VALF;
        FOR_REDUCED(p, x, base, acc = v > acc || v != v ? v : acc);
        return acc;
    case KILN_RED_MIN:
        acc = HUGE_VALF;
        FOR_REDUCED(p, x, base, acc = v < acc || v != v ? v : acc);
        return acc;
    case KILN_RED_PROD:
        acc = 1.0f;
        FOR_REDUCED(p, x, base, acc *= v);
        return acc;
    case KILN_RED_L1:
        acc = 0.0f;
        FOR_REDUCED(p, x, base, acc += fabsf(v));
        return acc;
    case KILN_RED_L2:
    case KILN_RED_SUM_SQUARE:
        acc = 0.0f;
        FOR_REDUCED(p, x, base, acc += v * v);
        return p->op == KILN_RED_L2 ? sqrtf(acc) : acc;
    case KILN_RED_LOG_SUM_EXP: {
        float m = -HUGE_VALF;
        FOR_REDUCED(p, x, base, m = v > m ? v : m);
        if (m == HUGE_VALF || m == -HUGE_VALF)
            m = 0.0f;   /* keeps inf - inf out of the sum */
        acc = 0.0f;
        FOR_REDUCED(p, x, base, acc += expf(v - m));
        return logf(acc) + m;
    }
    default:
        acc = 0.0f;
        FOR_REDUCED(p, x, base, acc += v);
        if (p->op == KILN_RED_MEAN)
            return acc / (float)count;
        return p->op == KILN_RED_LOG_SUM ? logf(acc) : acc;
    }
}

void kiln_reduce_f32(const kiln_reduce_params *p, const float *x, float *y)
{
    int32_t count = 1;
    for (int32_t d = 0; d < p->n_red; d++)
        count *= p->red_dims[d];
    int32_t ki[KILN_MAX_RANK] = {0};
    ptrdiff_t base = 0, i = 0;
    const int32_t last = p->n_keep - 1;
    for (;;) {
        for (int32_t k = 0; k < p->keep_dims[last]; k++)
            y[i++] = reduce_one(p, x, base + (ptrdiff_t)k * p->keep_strides[last], count);
        int32_t d = last - 1;
        for (; d >= 0; d--) {
            base += p->keep_strides[d];
            if (++ki[d] < p->keep_dims[d])
                break;
            base -= (ptrdiff_t)p->keep_strides[d] * p->keep_dims[d];
            ki[d] = 0;
        }
        if (d < 0)
            break;
    }
}
