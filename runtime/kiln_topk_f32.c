/* SPDX-License-Identifier: MIT */
/* TopK by repeated selection: pick j is the best element that comes after pick j - 1 in
 * the total order (value first, then lower index), so no scratch or marks are needed. */
#include "kiln.h"

/* Does (v, i) come before (w, j) in the output order? */
static int before(int32_t largest, float v, int32_t i, float w, int32_t j)
{
    if (v != w)
        return largest ? v > w : v < w;
    return i < j;
}

void kiln_topk_f32(const kiln_topk_params *p, const float *x, float *values, int64_t *indices)
{
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t in = 0; in < p->inner; in++) {
            const float *xv = x + (ptrdiff_t)o * p->len * p->inner + in;
            const ptrdiff_t out = (ptrdiff_t)o * p->k * p->inner + in;
            float prev_v = 0.0f;
            int32_t prev_i = -1;
            for (int32_t j = 0; j < p->k; j++) {
                int32_t best = -1;
                for (int32_t t = 0; t < p->len; t++) {
                    float v = xv[(ptrdiff_t)t * p->inner];
                    if (prev_i >= 0 && !before(p->largest, prev_v, prev_i, v, t))
                        continue;
                    if (best < 0 || before(p->largest, v, t, xv[(ptrdiff_t)best * p->inner], best))
                        best = t;
                }
                prev_i = best;
                prev_v = xv[(ptrdiff_t)best * p->inner];
                values[out + (ptrdiff_t)j * p->inner] = prev_v;
                indices[out + (ptrdiff_t)j * p->inner] = best;
            }
        }
    }
}
