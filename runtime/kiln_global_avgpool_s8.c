/* SPDX-License-Identifier: MIT */
/* GlobalAveragePool, int8; output scale and zero point equal the input's. */
#include "kiln.h"

void kiln_global_avgpool_s8(const kiln_global_pool_params *p, int32_t zero_point,
                            const int8_t *x, int8_t *y)
{
    for (int32_t c = 0; c < p->channels; c++) {
        const int8_t *xc = x + (ptrdiff_t)c * p->size;
        int32_t s = 0;
        for (int32_t i = 0; i < p->size; i++)
            s += xc[i] - zero_point;
        const int32_t avg = s >= 0 ? (s + p->size / 2) / p->size : -((-s + p->size / 2) / p->size);
        y[c] = kiln_clamp_s8(avg + zero_point, -128, 127);
    }
}
