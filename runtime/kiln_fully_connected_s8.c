/* SPDX-License-Identifier: MIT */
/* Fully connected, int8: Gemm and MatMul with constant weights stored [n][k]. */
#include "kiln.h"

void kiln_fully_connected_s8(const kiln_fully_connected_s8_params *p,
                             const kiln_per_channel_quant *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y)
{
    const int32_t in_off = p->io.input_offset;
    for (int32_t i = 0; i < p->m; i++) {
        const int8_t *xr = x + (ptrdiff_t)i * p->k;
        for (int32_t j = 0; j < p->n; j++) {
            const int8_t *wr = w + (ptrdiff_t)j * p->k;
            int32_t acc = bias ? bias[j] : 0;
            for (int32_t k = 0; k < p->k; k++)
                acc += wr[k] * (xr[k] + in_off);
            acc = kiln_requantize(acc, q->multiplier[j], q->shift[j]);
            y[(ptrdiff_t)i * p->n + j] =
                kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
        }
    }
}
