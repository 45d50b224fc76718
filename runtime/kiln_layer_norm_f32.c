/* SPDX-License-Identifier: MIT */
/* Row normalisation for LayerNormalization and InstanceNormalization (two passes: mean,
 * then the variance of the centred values, which stays accurate for large means). */
#include "kiln.h"

#include <math.h>

void kiln_layer_norm_f32(const kiln_layer_norm_params *p, const float *x, const float *scale,
                         const float *bias, float *y, float *mean, float *inv_std)
{
    const int32_t n = p->inner;
    for (int32_t r = 0; r < p->outer; r++) {
        const float *xr = x + (ptrdiff_t)r * n;
        float *yr = y + (ptrdiff_t)r * n;
        float sum = 0.0f;
        for (int32_t i = 0; i < n; i++)
            sum += xr[i];
        const float m = sum / (float)n;
        float sq = 0.0f;
        for (int32_t i = 0; i < n; i++)
            sq += (xr[i] - m) * (xr[i] - m);
        const float inv = 1.0f / sqrtf(sq / (float)n + p->epsilon);
        const int32_t c = p->per_channel ? r % p->channels : 0;
        for (int32_t i = 0; i < n; i++) {
            const int32_t j = p->per_channel ? c : i;
            yr[i] = (xr[i] - m) * inv * scale[j] + (bias ? bias[j] : 0.0f);
        }
        if (mean)
            mean[r] = m;
        if (inv_std)
            inv_std[r] = inv;
    }
}
