/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_act_f32 */
/* Elementwise unary float ops (ONNX Relu, Sigmoid, Exp, Sqrt, Erf, ...). */
#include <math.h>

#include "kiln.h"

/* The ops that are also fused activations go through kiln_act_f32 so both give the
 * same bits; the rest are one loop each over float libm calls. y may alias x. */
void kiln_unary_f32(const kiln_unary_params *p, const float *x, float *y)
{
    const int32_t n = p->n;
    kiln_act act = {KILN_ACT_NONE, p->a, p->b};
    switch (p->op) {
    case KILN_UN_COPY: act.kind = KILN_ACT_NONE; break;
    case KILN_UN_RELU: act.kind = KILN_ACT_RELU; break;
    case KILN_UN_LEAKY_RELU: act.kind = KILN_ACT_LEAKY_RELU; break;
    case KILN_UN_SIGMOID: act.kind = KILN_ACT_SIGMOID; break;
    case KILN_UN_TANH: act.kind = KILN_ACT_TANH; break;
    case KILN_UN_HARD_SIGMOID: act.kind = KILN_ACT_HARD_SIGMOID; break;
    case KILN_UN_HARD_SWISH: act.kind = KILN_ACT_HARD_SWISH; break;
    case KILN_UN_CLIP: act.kind = KILN_ACT_CLIP; break;
    case KILN_UN_NEG:
        for (int32_t i = 0; i < n; i++)
            y[i] = -x[i];
        return;
    case KILN_UN_ABS:
        for (int32_t i = 0; i < n; i++)
            y[i] = fabsf(x[i]);
        return;
    case KILN_UN_EXP:
        for (int32_t i = 0; i < n; i++)
            y[i] = expf(x[i]);
        return;
    case KILN_UN_LOG:
        for (int32_t i = 0; i < n; i++)
            y[i] = logf(x[i]);
        return;
    case KILN_UN_SQRT:
        for (int32_t i = 0; i < n; i++)
            y[i] = sqrtf(x[i]);
        return;
    case KILN_UN_RECIPROCAL:
        for (int32_t i = 0; i < n; i++)
            y[i] = 1.0f / x[i];
        return;
    case KILN_UN_FLOOR:
        for (int32_t i = 0; i < n; i++)
            y[i] = floorf(x[i]);
        return;
    case KILN_UN_CEIL:
        for (int32_t i = 0; i < n; i++)
            y[i] = ceilf(x[i]);
        return;
    case KILN_UN_ERF:
        for (int32_t i = 0; i < n; i++)
            y[i] = erff(x[i]);
        return;
    }
    if (y != x)
        for (int32_t i = 0; i < n; i++)
            y[i] = x[i];
    kiln_act_f32(&act, y, (size_t)n);
}
