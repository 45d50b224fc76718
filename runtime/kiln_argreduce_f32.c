/* SPDX-License-Identifier: MIT */
/* ArgMax / ArgMin along one axis; ties go to the first index, or the last with
 * select_last. A NaN counts as the extreme (numpy's rule), so its index wins. */
#include "kiln.h"

static int better(int32_t is_max, int32_t last, float v, float best)
{
    if (best != best)
        return last && v != v;
    if (v != v)
        return 1;
    if (is_max)
        return last ? v >= best : v > best;
    return last ? v <= best : v < best;
}

void kiln_argreduce_f32(const kiln_argreduce_params *p, const float *x, int64_t *y)
{
    for (int32_t o = 0; o < p->outer; o++) {
        const float *xo = x + (ptrdiff_t)o * p->len * p->inner;
        for (int32_t in = 0; in < p->inner; in++) {
            float best = xo[in];
            int32_t at = 0;
            for (int32_t k = 1; k < p->len; k++) {
                float v = xo[(ptrdiff_t)k * p->inner + in];
                if (better(p->is_max, p->select_last, v, best)) {
                    best = v;
                    at = k;
                }
            }
            y[(ptrdiff_t)o * p->inner + in] = at;
        }
    }
}
