/* SPDX-License-Identifier: MIT */
/* Elementwise float math beyond kiln_unary_f32: trig and hyperbolic functions, Round
 * (half to even, independent of the FPU rounding mode), Sign, and the activations Softplus,
 * Softsign, Mish, Elu, Selu, Celu, ThresholdedRelu, Shrink. */
#include <math.h>

#include "kiln.h"

static float round_half_even(float v)
{
    float r = floorf(v), diff = v - r;
    if (diff > 0.5f || (diff == 0.5f && fmodf(r, 2.0f) != 0.0f))
        r += 1.0f;
    return r;
}

/* log(1 + exp(v)) without overflow for large v. */
static float softplus(float v)
{
    return v > 0.0f ? v + log1pf(expf(-v)) : log1pf(expf(v));
}

static float math_one(const kiln_math_params *p, float v)
{
    switch (p->op) {
    case KILN_MATH_SIN: return sinf(v);
    case KILN_MATH_COS: return cosf(v);
    case KILN_MATH_TAN: return tanf(v);
    case KILN_MATH_ASIN: return asinf(v);
    case KILN_MATH_ACOS: return acosf(v);
    case KILN_MATH_ATAN: return atanf(v);
    case KILN_MATH_SINH: return sinhf(v);
    case KILN_MATH_COSH: return coshf(v);
    case KILN_MATH_ASINH: return asinhf(v);
    case KILN_MATH_ACOSH: return acoshf(v);
    case KILN_MATH_ATANH: return atanhf(v);
    case KILN_MATH_ROUND: return round_half_even(v);
    case KILN_MATH_SIGN: return v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v;
    case KILN_MATH_SOFTPLUS: return softplus(v);
    case KILN_MATH_SOFTSIGN: return v / (1.0f + fabsf(v));
    case KILN_MATH_MISH: return v * tanhf(softplus(v));
    case KILN_MATH_ELU: return v < 0.0f ? p->a * (expf(v) - 1.0f) : v;
    case KILN_MATH_SELU: return p->b * (v > 0.0f ? v : p->a * (expf(v) - 1.0f));
    case KILN_MATH_CELU: {
        float neg = p->a * (expf(v / p->a) - 1.0f);
        return (v > 0.0f ? v : 0.0f) + (neg < 0.0f ? neg : 0.0f);
    }
    case KILN_MATH_THRESHOLDED_RELU: return v > p->a ? v : 0.0f;
    case KILN_MATH_SHRINK: return v < -p->a ? v + p->b : v > p->a ? v - p->b : 0.0f;
    }
    return v;
}

void kiln_math_f32(const kiln_math_params *p, const float *x, float *y)
{
    for (int32_t i = 0; i < p->n; i++)
        y[i] = math_one(p, x[i]);
}
