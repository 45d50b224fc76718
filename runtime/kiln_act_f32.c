/* SPDX-License-Identifier: MIT */
/* Fused activation applied in place to a run of floats. */
#include <math.h>

#include "kiln.h"

/* One loop per kind so each is a tight, branch-free (vectorizable) pass.
 * Formulas follow ONNX; HardSwish is computed as x * max(0, min(1, x * (1/6) + 0.5))
 * and Sigmoid in the overflow-free two-sided form, both as ONNX Runtime does. */

/* fmaxf(0, fminf(1, v)) for every non-NaN v, without the libm calls GCC emits for
 * fminf/fmaxf when NaNs and signed zeros must be honoured. */
static inline float kiln_clamp01(float v)
{
    v = v > 1.0f ? 1.0f : v;
    return v < 0.0f ? 0.0f : v;
}
void kiln_act_f32(const kiln_act *act, float *x, size_t n)
{
    const float a = act->a, b = act->b;
    size_t i;
    switch (act->kind) {
    case KILN_ACT_NONE:
        break;
    case KILN_ACT_RELU:
        for (i = 0; i < n; i++)
            x[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case KILN_ACT_CLIP:
        for (i = 0; i < n; i++) {
            float v = x[i] < a ? a : x[i];
            x[i] = v > b ? b : v;
        }
        break;
    case KILN_ACT_LEAKY_RELU:
        for (i = 0; i < n; i++)
            x[i] = x[i] < 0.0f ? a * x[i] : x[i];
        break;
    case KILN_ACT_SIGMOID:
        for (i = 0; i < n; i++) {
            const float v = x[i];
            if (v >= 0.0f) {
                x[i] = 1.0f / (1.0f + expf(-v));
            } else {
                const float e = expf(v);
                x[i] = e / (1.0f + e);
            }
        }
        break;
    case KILN_ACT_TANH:
        for (i = 0; i < n; i++)
            x[i] = tanhf(x[i]);
        break;
    case KILN_ACT_HARD_SIGMOID:
        for (i = 0; i < n; i++)
            x[i] = kiln_clamp01(a * x[i] + b);
        break;
    case KILN_ACT_HARD_SWISH:
        for (i = 0; i < n; i++)
            x[i] = x[i] * kiln_clamp01(x[i] * (1.0f / 6.0f) + 0.5f);
        break;
    }
}
