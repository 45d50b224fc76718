/* SPDX-License-Identifier: MIT */
/* ONNX GlobalAveragePool: the mean of each channel's `size` contiguous elements. */
#include "kiln.h"

/* Sums in index order, then one true division by size. Several channels are summed at
 * once so the adds of one channel do not wait on each other (the order within each
 * channel stays the same). */
void kiln_global_avgpool_f32(const kiln_global_pool_params *p, const float *x, float *y)
{
    const int32_t size = p->size;
    const float div = (float)size;
    int32_t c = 0;
    for (; c + 4 <= p->channels; c += 4) {
        const float *x0 = x + (ptrdiff_t)c * size, *x1 = x0 + size, *x2 = x1 + size,
                    *x3 = x2 + size;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (int32_t i = 0; i < size; i++) {
            s0 += x0[i];
            s1 += x1[i];
            s2 += x2[i];
            s3 += x3[i];
        }
        y[c] = s0 / div;
        y[c + 1] = s1 / div;
        y[c + 2] = s2 / div;
        y[c + 3] = s3 / div;
    }
    for (; c < p->channels; c++) {
        const float *xc = x + (ptrdiff_t)c * size;
        float s = 0.0f;
        for (int32_t i = 0; i < size; i++)
            s += xc[i];
        y[c] = s / div;
    }
}
