/* SPDX-License-Identifier: MIT */
/* Conv, int8, 1x1 kernel, stride 1, no padding, one group: a matrix product per image. */
#include "kiln.h"

/* y[oc][s] = requant(bias[oc] + sum_ic w[oc][ic] * (x[ic][s] + input_offset)); the sum
 * runs in the same order as kiln_conv2d_s8, so the results are identical. */
void kiln_conv2d_s8_1x1(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, in_off = p->io.input_offset;
    for (int32_t n = 0; n < c->n; n++) {
        const int8_t *xn = x + (ptrdiff_t)n * c->c_in * hw;
        int8_t *yn = y + (ptrdiff_t)n * c->c_out * hw;
        for (int32_t oc = 0; oc < c->c_out; oc++) {
            const int8_t *wo = w + (ptrdiff_t)oc * c->c_in;
            for (int32_t s = 0; s < hw; s++) {
                int32_t acc = bias ? bias[oc] : 0;
                for (int32_t ic = 0; ic < c->c_in; ic++)
                    acc += wo[ic] * (xn[(ptrdiff_t)ic * hw + s] + in_off);
                acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
                yn[(ptrdiff_t)oc * hw + s] =
                    kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
            }
        }
    }
}
