/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_conv_integer kiln_quantize_linear */
/* ONNX QLinearConv: ConvInteger plus int32 bias, then requantization with float scales
 * (per tensor or per output channel). */
#include "kiln.h"

size_t kiln_qlinear_conv_scratch_size(const kiln_qlinear_conv_params *p)
{
    const kiln_conv2d_params *g = &p->c.g;
    return (size_t)g->n * (size_t)g->c_out * (size_t)g->h_out * (size_t)g->w_out *
           sizeof(int32_t);
}

void kiln_qlinear_conv(const kiln_qlinear_conv_params *p, const void *x, const float *x_scale,
                       const void *x_zp, const void *w, const float *w_scale, const void *w_zp,
                       const float *y_scale, const void *y_zp, const int32_t *bias, void *y,
                       int32_t *scratch)
{
    const kiln_conv2d_params *g = &p->c.g;
    kiln_conv_integer(&p->c, x, w, x_zp, w_zp, scratch);
    const int32_t zy = y_zp ? kiln_q_load(y_zp, 0, p->y_type) : 0;
    const size_t plane = (size_t)g->h_out * (size_t)g->w_out;
    size_t i = 0;
    for (int32_t n = 0; n < g->n; n++)
        for (int32_t oc = 0; oc < g->c_out; oc++) {
            const float scale = x_scale[0] * w_scale[p->w_scale_per_channel ? oc : 0] / y_scale[0];
            const int32_t b = bias ? bias[oc] : 0;
            for (size_t k = 0; k < plane; k++, i++)
                kiln_q_store(y, i, (float)(scratch[i] + b) * scale, zy, p->y_type);
        }
}
