/* SPDX-License-Identifier: MIT */
/* ONNX ConvInteger (2-D; 1-D runs with height 1): int32 sums of zero-point-shifted u8/s8
 * inputs and weights. Padding holds x's zero point, so it adds nothing. */
#include "kiln.h"

void kiln_conv_integer(const kiln_conv_integer_params *p, const void *x, const void *w,
                       const void *x_zp, const void *w_zp, int32_t *y)
{
    const kiln_conv2d_params *g = &p->g;
    const int32_t cin_g = g->c_in / g->group, cout_g = g->c_out / g->group;
    const int32_t zx = x_zp ? kiln_q_load(x_zp, 0, p->x_type) : 0;
    size_t o = 0;
    for (int32_t n = 0; n < g->n; n++)
        for (int32_t oc = 0; oc < g->c_out; oc++) {
            const int32_t zw = w_zp ? kiln_q_load(w_zp, p->w_zp_per_channel ? (size_t)oc : 0,
                                                  p->w_type) : 0;
            const int32_t ic0 = oc / cout_g * cin_g;
            for (int32_t oh = 0; oh < g->h_out; oh++)
                for (int32_t ow = 0; ow < g->w_out; ow++, o++) {
                    int32_t acc = 0;
                    for (int32_t ic = 0; ic < cin_g; ic++)
                        for (int32_t kh = 0; kh < g->k_h; kh++) {
                            const int32_t ih = oh * g->stride_h - g->pad_top + kh * g->dil_h;
                            if (ih < 0 || ih >= g->h_in)
                                continue;
                            for (int32_t kw = 0; kw < g->k_w; kw++) {
                                const int32_t iw = ow * g->stride_w - g->pad_left + kw * g->dil_w;
                                if (iw < 0 || iw >= g->w_in)
                                    continue;
                                const size_t xi = (((size_t)n * (size_t)g->c_in + (size_t)(ic0 + ic)) *
                                                   (size_t)g->h_in + (size_t)ih) * (size_t)g->w_in + (size_t)iw;
                                const size_t wi = (((size_t)oc * (size_t)cin_g + (size_t)ic) *
                                                   (size_t)g->k_h + (size_t)kh) * (size_t)g->k_w + (size_t)kw;
                                acc += (kiln_q_load(x, xi, p->x_type) - zx) *
                                       (kiln_q_load(w, wi, p->w_type) - zw);
                            }
                        }
                    y[o] = acc;
                }
        }
}
