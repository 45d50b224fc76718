/* SPDX-License-Identifier: MIT */
/* Mul, int8, with numpy broadcasting: the product of the offset inputs, requantized. */
#include "kiln.h"

void kiln_mul_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const kiln_binary_params *g = &p->geometry;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ia = 0, ib = 0, total = 1;
    for (int32_t d = 0; d < g->rank; d++)
        total *= g->dims[d];
    for (ptrdiff_t i = 0; i < total; i++) {
        const int32_t prod = (a[ia] + p->a_offset) * (b[ib] + p->b_offset);
        const int32_t out = kiln_requantize(prod, p->output_multiplier, p->output_shift);
        y[i] = kiln_clamp_s8(out + p->output_offset, p->act_min, p->act_max);
        kiln_broadcast_next(g, idx, &ia, &ib);
    }
}
