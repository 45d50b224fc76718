/* SPDX-License-Identifier: MIT */
/* Depthwise Conv, int8 (group == c_in): each output channel reads one input channel. */
#include "kiln.h"

void kiln_dwconv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t mult = c->c_out / c->c_in, in_off = p->io.input_offset;
    const int32_t kk = c->k_h * c->k_w;
    for (int32_t n = 0; n < c->n; n++) {
        for (int32_t oc = 0; oc < c->c_out; oc++) {
            const int8_t *xc = x + ((ptrdiff_t)n * c->c_in + oc / mult) * c->h_in * c->w_in;
            const int8_t *wc = w + (ptrdiff_t)oc * kk;
            int8_t *yo = y + ((ptrdiff_t)n * c->c_out + oc) * c->h_out * c->w_out;
            const int32_t b = bias ? bias[oc] : 0, m = q->multiplier[oc], sh = q->shift[oc];
            for (int32_t oh = 0; oh < c->h_out; oh++) {
                const int32_t ih0 = oh * c->stride_h - c->pad_top;
                int32_t kh_lo, kh_hi;
                kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
                for (int32_t ow = 0; ow < c->w_out; ow++) {
                    const int32_t iw0 = ow * c->stride_w - c->pad_left;
                    int32_t kw_lo, kw_hi;
                    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
                    int32_t acc = b;
                    for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                        const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0;
                        for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                            acc += wc[kh * c->k_w + kw] * (xr[kw * c->dil_w] + in_off);
                    }
                    acc = kiln_requantize(acc, m, sh);
                    yo[oh * c->w_out + ow] =
                        kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
                }
            }
        }
    }
}
