/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_s8_gemm_dsp */
/* Fully connected, int8, Cortex-M DSP extension: two input rows at a time widened to int16
 * once and reused by every output (kiln_s8_gemm_dsp); same bits as the portable kernel. */
#include "kiln.h"

static void plain_row(const kiln_fully_connected_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *xr, const int8_t *w, const int32_t *bias, int8_t *yr)
{
    for (int32_t j = 0; j < p->n; j++) {
        int32_t acc = bias ? bias[j] : 0;
        for (int32_t k = 0; k < p->k; k++)
            acc += w[(ptrdiff_t)j * p->k + k] * (xr[k] + p->io.input_offset);
        acc = kiln_requantize(acc, q->multiplier[j], q->shift[j]);
        yr[j] = kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
    }
}

void kiln_fully_connected_s8(const kiln_fully_connected_s8_params *p,
                             const kiln_per_channel_quant *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y)
{
    int16_t cols[2 * KILN_S8_COL_MAX] __attribute__((aligned(8))); /* LDRD needs words */
    for (int32_t i = 0; i < p->m; i += 2) {
        const int32_t n_cols = p->m - i > 1 ? 2 : 1;
        if (p->k > KILN_S8_COL_MAX) {
            for (int32_t j = 0; j < n_cols; j++)
                plain_row(p, q, x + (ptrdiff_t)(i + j) * p->k, w, bias,
                          y + (ptrdiff_t)(i + j) * p->n);
            continue;
        }
        for (int32_t j = 0; j < n_cols; j++)
            for (int32_t k = 0; k < p->k; k++)
                cols[kiln_s8_col_slot(k, j, p->k)] =
                    (int16_t)(x[(ptrdiff_t)(i + j) * p->k + k] + p->io.input_offset);
        kiln_s8_gemm_dsp(w, p->n, p->k, cols, n_cols, bias, q->multiplier, q->shift, &p->io,
                         y + (ptrdiff_t)i * p->n, 1, p->n);
    }
}
