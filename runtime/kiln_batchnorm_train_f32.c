/* SPDX-License-Identifier: MIT */
/* BatchNormalization in training mode: batch statistics per channel (two passes: mean,
 * then the variance of the centred values, which stays accurate for large means). */
#include <math.h>

#include "kiln.h"

void kiln_batchnorm_train_f32(const kiln_batchnorm_train_params *p, const float *x,
                              const float *scale, const float *bias, const float *mean,
                              const float *var, float *y, float *running_mean,
                              float *running_var)
{
    const ptrdiff_t plane = p->inner, batch_step = (ptrdiff_t)p->c * p->inner;
    const float count = (float)p->n * (float)p->inner;
    for (int32_t c = 0; c < p->c; c++) {
        const float *xc = x + (ptrdiff_t)c * plane;
        float sum = 0.0f;
        for (int32_t b = 0; b < p->n; b++)
            for (int32_t i = 0; i < p->inner; i++)
                sum += xc[b * batch_step + i];
        const float m = sum / count;
        float sq = 0.0f;
        for (int32_t b = 0; b < p->n; b++)
            for (int32_t i = 0; i < p->inner; i++) {
                const float v = xc[b * batch_step + i] - m;
                sq += v * v;
            }
        const float v = sq / count;
        const float k = scale[c] / sqrtf(v + p->epsilon);
        float *yc = y + (ptrdiff_t)c * plane;
        for (int32_t b = 0; b < p->n; b++)
            for (int32_t i = 0; i < p->inner; i++)
                yc[b * batch_step + i] = (xc[b * batch_step + i] - m) * k + bias[c];
        if (running_mean)
            running_mean[c] = mean[c] * p->momentum + m * (1.0f - p->momentum);
        if (running_var)
            running_var[c] = var[c] * p->momentum + v * (1.0f - p->momentum);
    }
}
