/* SPDX-License-Identifier: MIT */
/* Conv, int8, 1x1 (as kiln_conv2d_s8_1x1) with the output written over the input. */
#include "kiln.h"

/* Pixels per block: 32, or 8 when the planner asks for the least scratch. */
static int32_t block_pixels(const kiln_conv2d_params *c)
{
    const int32_t hw = c->h_in * c->w_in;
    const int32_t want = c->in_place == KILN_CONV_IN_PLACE_SMALL ? 8 : 32;
    return hw < want ? hw : want;
}

size_t kiln_conv2d_s8_1x1_in_place_scratch_size(const kiln_conv2d_s8_params *p)
{
    return (size_t)p->conv.c_in * (size_t)block_pixels(&p->conv);
}

/* A block of pixels (every input channel) is copied to scratch, then their outputs are
 * written; output (oc, s) lands on input (oc, s), which belongs to the block just copied
 * or lies past the input. The sums run in kiln_conv2d_s8_1x1's order. */
void kiln_conv2d_s8_1x1_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                                 int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *blk)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, block = block_pixels(c), in_off = p->io.input_offset;
    for (int32_t s0 = 0; s0 < hw; s0 += block) {
        const int32_t tw = hw - s0 < block ? hw - s0 : block;
        for (int32_t ic = 0; ic < c->c_in; ic++)
            for (int32_t t = 0; t < tw; t++)
                blk[ic * tw + t] = xy[(ptrdiff_t)ic * hw + s0 + t];
        for (int32_t oc = 0; oc < c->c_out; oc++) {
            const int8_t *wo = w + (ptrdiff_t)oc * c->c_in;
            for (int32_t t = 0; t < tw; t++) {
                int32_t acc = bias ? bias[oc] : 0;
                for (int32_t ic = 0; ic < c->c_in; ic++)
                    acc += wo[ic] * (blk[ic * tw + t] + in_off);
                acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
                xy[(ptrdiff_t)oc * hw + s0 + t] =
                    kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
            }
        }
    }
}
