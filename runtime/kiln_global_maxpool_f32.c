/* SPDX-License-Identifier: MIT */
/* ONNX GlobalMaxPool: the maximum of each channel's `size` contiguous elements. */
#include "kiln.h"

/* Starts from the channel's first element; NaNs are skipped by the comparison. */
void kiln_global_maxpool_f32(const kiln_global_pool_params *p, const float *x, float *y)
{
    const int32_t size = p->size;
    for (int32_t c = 0; c < p->channels; c++) {
        const float *xc = x + (ptrdiff_t)c * size;
        float m = xc[0];
        for (int32_t i = 1; i < size; i++)
            m = xc[i] > m ? xc[i] : m;
        y[c] = m;
    }
}
