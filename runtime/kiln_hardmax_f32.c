/* SPDX-License-Identifier: MIT */
/* Hardmax along one axis of a tensor viewed as [outer][len][inner]: 1 at the first
 * maximum of each vector, 0 elsewhere. y must not alias x. */
#include "kiln.h"

void kiln_hardmax_f32(const kiln_softmax_params *p, const float *x, float *y)
{
    const int32_t len = p->len, inner = p->inner;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t i = 0; i < inner; i++) {
            const ptrdiff_t base = (ptrdiff_t)o * len * inner + i;
            int32_t at = 0;
            for (int32_t j = 1; j < len; j++)
                if (x[base + (ptrdiff_t)j * inner] > x[base + (ptrdiff_t)at * inner])
                    at = j;
            for (int32_t j = 0; j < len; j++)
                y[base + (ptrdiff_t)j * inner] = j == at ? 1.0f : 0.0f;
        }
    }
}
