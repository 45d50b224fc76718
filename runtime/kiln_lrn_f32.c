/* SPDX-License-Identifier: MIT */
/* Local response normalisation across channels (ONNX LRN). */
#include "kiln.h"

#include <math.h>

void kiln_lrn_f32(const kiln_lrn_params *p, const float *x, float *y)
{
    const int32_t lo_off = (p->size - 1) / 2, hi_off = p->size / 2;
    const float k = p->alpha / (float)p->size;
    for (int32_t n = 0; n < p->n; n++) {
        const float *xn = x + (ptrdiff_t)n * p->c * p->inner;
        float *yn = y + (ptrdiff_t)n * p->c * p->inner;
        for (int32_t c = 0; c < p->c; c++) {
            const int32_t c0 = c - lo_off < 0 ? 0 : c - lo_off;
            const int32_t c1 = c + hi_off >= p->c ? p->c - 1 : c + hi_off;
            for (int32_t i = 0; i < p->inner; i++) {
                float sq = 0.0f;
                for (int32_t j = c0; j <= c1; j++) {
                    const float v = xn[(ptrdiff_t)j * p->inner + i];
                    sq += v * v;
                }
                const ptrdiff_t at = (ptrdiff_t)c * p->inner + i;
                yn[at] = xn[at] / powf(p->bias + k * sq, p->beta);
            }
        }
    }
}
