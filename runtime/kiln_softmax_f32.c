/* SPDX-License-Identifier: MIT */
/* Numerically stable softmax along one axis of a tensor viewed as [outer][len][inner]. */
#include <math.h>

#include "kiln.h"

/* Each of the outer * inner vectors: m = max x, y = exp(x - m), s = sum of y in index
 * order, y = y / s (a true division per element). Every pass reads x or y only at the
 * element it then writes, so y may alias x. */
void kiln_softmax_f32(const kiln_softmax_params *p, const float *x, float *y)
{
    const int32_t len = p->len, inner = p->inner;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t i = 0; i < inner; i++) {
            const ptrdiff_t base = (ptrdiff_t)o * len * inner + i;
            const float *xv = x + base;
            float *yv = y + base;
            float m = xv[0];
            for (int32_t j = 1; j < len; j++) {
                const float v = xv[(ptrdiff_t)j * inner];
                m = v > m ? v : m;
            }
            float s = 0.0f;
            for (int32_t j = 0; j < len; j++) {
                const float e = expf(xv[(ptrdiff_t)j * inner] - m);
                yv[(ptrdiff_t)j * inner] = e;
                s += e;
            }
            for (int32_t j = 0; j < len; j++)
                yv[(ptrdiff_t)j * inner] = yv[(ptrdiff_t)j * inner] / s;
        }
    }
}
