/* SPDX-License-Identifier: MIT */
/* LogSoftmax along one axis of a tensor viewed as [outer][len][inner]:
 * y = (x - m) - log(sum exp(x - m)) with m the maximum; y may alias x. */
#include <math.h>

#include "kiln.h"

void kiln_log_softmax_f32(const kiln_softmax_params *p, const float *x, float *y)
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
            for (int32_t j = 0; j < len; j++)
                s += expf(xv[(ptrdiff_t)j * inner] - m);
            const float log_s = logf(s);
            for (int32_t j = 0; j < len; j++)   /* (x - m) first: exact-ish for large x */
                yv[(ptrdiff_t)j * inner] = (xv[(ptrdiff_t)j * inner] - m) - log_s;
        }
    }
}
