/* SPDX-License-Identifier: MIT */
/* The double-precision twin of kiln_reduce_f32.c (same algorithm, line for line): the
 * reductions over any set of axes for float64 tensors. */
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
                const double v = (x)[(base) + ro_ + (ptrdiff_t)k_ * (p)->red_strides[rl_]]; \
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

static double reduce_one(const kiln_reduce_params *p, const double *x, ptrdiff_t base,
                        int32_t count)
{
    double acc;
    switch (p->op) {
    case KILN_RED_MAX:
        acc = -HUGE_VAL;
        FOR_REDUCED(p, x, base, acc = v > acc || v != v ? v : acc);
        return acc;
    case KILN_RED_MIN:
        acc = HUGE_VAL;
        FOR_REDUCED(p, x, base, acc = v < acc || v != v ? v : acc);
        return acc;
    case KILN_RED_PROD:
        acc = 1.0;
        FOR_REDUCED(p, x, base, acc *= v);
        return acc;
    case KILN_RED_L1:
        acc = 0.0;
        FOR_REDUCED(p, x, base, acc += fabs(v));
        return acc;
    case KILN_RED_L2:
    case KILN_RED_SUM_SQUARE:
        acc = 0.0;
        FOR_REDUCED(p, x, base, acc += v * v);
        return p->op == KILN_RED_L2 ? sqrt(acc) : acc;
    case KILN_RED_LOG_SUM_EXP: {
        double m = -HUGE_VAL;
        FOR_REDUCED(p, x, base, m = v > m ? v : m);
        if (m == HUGE_VAL || m == -HUGE_VAL)
            m = 0.0;   /* keeps inf - inf out of the sum */
        acc = 0.0;
        FOR_REDUCED(p, x, base, acc += exp(v - m));
        return log(acc) + m;
    }
    default:
        acc = 0.0;
        FOR_REDUCED(p, x, base, acc += v);
        if (p->op == KILN_RED_MEAN)
            return acc / (double)count;
        return p->op == KILN_RED_LOG_SUM ? log(acc) : acc;
    }
}

void kiln_reduce_f64(const kiln_reduce_params *p, const double *x, double *y)
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
