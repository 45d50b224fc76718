/* SPDX-License-Identifier: MIT */
/* Where: out = cond ? x : y elementwise with numpy broadcasting over three operands,
 * any element type (copied by size). */
#include "kiln.h"

static void copy_elem(int32_t size, const void *src, ptrdiff_t si, void *dst, ptrdiff_t di)
{
    switch (size) {
    case 1: ((uint8_t *)dst)[di] = ((const uint8_t *)src)[si]; break;
    case 2: ((uint16_t *)dst)[di] = ((const uint16_t *)src)[si]; break;
    case 4: ((uint32_t *)dst)[di] = ((const uint32_t *)src)[si]; break;
    default: ((uint64_t *)dst)[di] = ((const uint64_t *)src)[si]; break;
    }
}

void kiln_where(const kiln_where_params *p, const uint8_t *cond, const void *x, const void *y,
                void *out)
{
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t co = 0, xo = 0, yo = 0, i = 0;
    const int32_t last = p->rank - 1;
    for (;;) {
        for (int32_t k = 0; k < p->dims[last]; k++, i++) {
            if (cond[co + (ptrdiff_t)k * p->c_strides[last]])
                copy_elem(p->elem_size, x, xo + (ptrdiff_t)k * p->x_strides[last], out, i);
            else
                copy_elem(p->elem_size, y, yo + (ptrdiff_t)k * p->y_strides[last], out, i);
        }
        int32_t d = last - 1;
        for (; d >= 0; d--) {
            co += p->c_strides[d];
            xo += p->x_strides[d];
            yo += p->y_strides[d];
            if (++idx[d] < p->dims[d])
                break;
            co -= (ptrdiff_t)p->c_strides[d] * p->dims[d];
            xo -= (ptrdiff_t)p->x_strides[d] * p->dims[d];
            yo -= (ptrdiff_t)p->y_strides[d] * p->dims[d];
            idx[d] = 0;
        }
        if (d < 0)
            break;
    }
}
