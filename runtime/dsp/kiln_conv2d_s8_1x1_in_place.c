/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_s8_gemm_dsp */
/* Conv, int8, 1x1 with the output written over the input, Cortex-M DSP extension. Output
 * (oc, s) lands on input (oc, s): once a pair of pixels is widened to int16 columns, every
 * input value at their positions is dead, so the pair's outputs go straight over them
 * (kiln_s8_gemm_dsp) and the scratch block is only needed for columns too long for the
 * stack buffer. Same bits as the portable kernel: integer sums in any order are equal. */
#include "kiln.h"

/* One pixel with more channels than the column buffer holds: its channels go to scratch
 * first, because output channel oc overwrites input channel oc of this pixel. */
static void long_pixel(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                       int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *blk, int32_t hw)
{
    const kiln_conv2d_params *c = &p->conv;
    for (int32_t ic = 0; ic < c->c_in; ic++)
        blk[ic] = xy[(ptrdiff_t)ic * hw];
    for (int32_t oc = 0; oc < c->c_out; oc++) {
        const int8_t *wo = w + (ptrdiff_t)oc * c->c_in;
        int32_t acc = bias ? bias[oc] : 0;
        for (int32_t ic = 0; ic < c->c_in; ic++)
            acc += wo[ic] * (blk[ic] + p->io.input_offset);
        const int32_t sh = q->shift[oc];
        acc = kiln_requantize_dsp(acc, q->multiplier[oc], sh);
        xy[(ptrdiff_t)oc * hw] =
            kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
    }
}

/* Both pixels' channels in kiln_s8_col_slot order: groups of four as (0, 2, 1, 3) per pixel. */
static void widen_pair(const int8_t *x, int32_t hw, int32_t k, int32_t n_cols, int32_t in_off,
                       int16_t *cols)
{
    const int32_t k4 = k & ~3;
    if (n_cols == 2) {
        for (int32_t i = 0; i < k4; i += 4, x += 4 * hw, cols += 8) {
            cols[0] = (int16_t)(x[0] + in_off), cols[4] = (int16_t)(x[1] + in_off);
            cols[2] = (int16_t)(x[hw] + in_off), cols[6] = (int16_t)(x[hw + 1] + in_off);
            cols[1] = (int16_t)(x[2 * hw] + in_off), cols[5] = (int16_t)(x[2 * hw + 1] + in_off);
            cols[3] = (int16_t)(x[3 * hw] + in_off), cols[7] = (int16_t)(x[3 * hw + 1] + in_off);
        }
    } else {
        for (int32_t i = 0; i < k4; i += 4, x += 4 * hw, cols += 8) { /* same stride */
            cols[0] = (int16_t)(x[0] + in_off), cols[2] = (int16_t)(x[hw] + in_off);
            cols[1] = (int16_t)(x[2 * hw] + in_off), cols[3] = (int16_t)(x[3 * hw] + in_off);
        }
    }
    for (int32_t j = 0; j < n_cols; j++)
        for (int32_t i = 0; i < k - k4; i++)
            cols[j * (k - k4) + i] = (int16_t)(x[(ptrdiff_t)i * hw + j] + in_off);
}

void kiln_conv2d_s8_1x1_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                                 int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *blk)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, k = c->c_in;
    int16_t cols[2 * KILN_S8_COL_MAX] __attribute__((aligned(8))); /* LDRD needs words */
    for (int32_t s = 0; s < hw; s += 2) {
        const int32_t n_cols = hw - s > 1 ? 2 : 1;
        if (k > KILN_S8_COL_MAX) {
            for (int32_t j = 0; j < n_cols; j++)
                long_pixel(p, q, xy + s + j, w, bias, blk, hw);
            continue;
        }
        widen_pair(xy + s, hw, k, n_cols, p->io.input_offset, cols);
        kiln_s8_gemm_dsp(w, c->c_out, k, cols, n_cols, bias, q->multiplier, q->shift, &p->io,
                         xy + s, hw, 1);
    }
}
