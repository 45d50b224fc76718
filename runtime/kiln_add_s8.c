/* SPDX-License-Identifier: MIT */
/* Add, int8, with rescaling of both inputs and numpy broadcasting. */
#include "kiln.h"

/* Each input, offset to a real-zero-based value, is shifted left by left_shift (headroom
 * for the rescale) and requantized to a common scale (twice the larger input scale); the
 * sum is requantized to the output. The output is walked as an odometer over all dims;
 * y may alias an input of the output's shape. */
void kiln_add_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const kiln_binary_params *g = &p->geometry;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ia = 0, ib = 0, total = 1;
    for (int32_t d = 0; d < g->rank; d++)
        total *= g->dims[d];
    for (ptrdiff_t i = 0; i < total; i++) {
        const int32_t va = (a[ia] + p->a_offset) * (1 << p->left_shift);
        const int32_t vb = (b[ib] + p->b_offset) * (1 << p->left_shift);
        const int32_t sa = kiln_requantize(va, p->a_multiplier, p->a_shift);
        const int32_t sb = kiln_requantize(vb, p->b_multiplier, p->b_shift);
        const int32_t out = kiln_requantize(sa + sb, p->output_multiplier, p->output_shift);
        y[i] = kiln_clamp_s8(out + p->output_offset, p->act_min, p->act_max);
        kiln_broadcast_next(g, idx, &ia, &ib);
    }
}
