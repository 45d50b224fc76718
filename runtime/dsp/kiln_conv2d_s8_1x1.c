/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_s8_gemm_dsp */
/* Conv, int8, 1x1, Cortex-M DSP extension: two pixels at a time, their channels widened to
 * int16 once and reused by every output channel (kiln_s8_gemm_dsp). Same bits as the
 * portable kernel: integer sums in any order are equal. */
#include "kiln.h"

static void plain_pixel(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y,
                        int32_t hw)
{
    const kiln_conv2d_params *c = &p->conv;
    for (int32_t oc = 0; oc < c->c_out; oc++) {
        int32_t acc = bias ? bias[oc] : 0;
        for (int32_t ic = 0; ic < c->c_in; ic++)
            acc += w[(ptrdiff_t)oc * c->c_in + ic] * (x[(ptrdiff_t)ic * hw] + p->io.input_offset);
        acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
        y[(ptrdiff_t)oc * hw] =
            kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
    }
}

void kiln_conv2d_s8_1x1(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, k = c->c_in, in_off = p->io.input_offset;
    int16_t cols[2 * KILN_S8_COL_MAX] __attribute__((aligned(8))); /* LDRD needs words */
    for (int32_t n = 0; n < c->n; n++) {
        const int8_t *xn = x + (ptrdiff_t)n * c->c_in * hw;
        int8_t *yn = y + (ptrdiff_t)n * c->c_out * hw;
        for (int32_t s = 0; s < hw; s += 2) {
            const int32_t n_cols = hw - s > 1 ? 2 : 1;
            if (k > KILN_S8_COL_MAX) {
                for (int32_t j = 0; j < n_cols; j++)
                    plain_pixel(p, q, xn + s + j, w, bias, yn + s + j, hw);
                continue;
            }
            for (int32_t j = 0; j < n_cols; j++)
                for (int32_t ic = 0; ic < k; ic++)
                    cols[kiln_s8_col_slot(ic, j, k)] =
                        (int16_t)(xn[(ptrdiff_t)ic * hw + s + j] + in_off);
            kiln_s8_gemm_dsp(w, c->c_out, k, cols, n_cols, bias, q->multiplier, q->shift,
                             &p->io, yn + s, hw, 1);
        }
    }
}
