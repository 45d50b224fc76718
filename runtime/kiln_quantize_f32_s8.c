/* SPDX-License-Identifier: MIT */
/* float -> int8 at the boundary of float ops and in the generated float wrappers. */
#include <math.h>

#include "kiln.h"

/* q = clamp(round(x / scale) + zero_point), halves away from zero; NaN maps to the zero
 * point. A true division, so the compiler's calibration and the run time agree. */
void kiln_quantize_f32_s8(const kiln_quant_params *p, const float *x, int8_t *y)
{
    for (int32_t i = 0; i < p->n; i++) {
        const float v = x[i] / p->scale;
        float r = v >= 0.0f ? floorf(v + 0.5f) : ceilf(v - 0.5f);
        r = r != r ? 0.0f : r;
        r = r > 255.0f ? 255.0f : r < -255.0f ? -255.0f : r;
        y[i] = kiln_clamp_s8((int32_t)r + p->zero_point, -128, 127);
    }
}
