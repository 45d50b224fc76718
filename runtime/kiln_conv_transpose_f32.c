/* SPDX-License-Identifier: MIT */
/* ConvTranspose as a direct scatter: each input element adds its products with the
 * kernel into the output window it reaches. Outputs outside that reach keep the bias
 * (output_padding / output_shape larger than the reach). */
#include "kiln.h"

void kiln_conv_transpose_f32(const kiln_conv_transpose_params *p, const float *x,
                             const float *w, const float *b, float *y)
{
    const int32_t cig = p->c_in / p->group, cog = p->c_out / p->group;
    const int32_t od = p->out[0], oh = p->out[1], ow = p->out[2];
    const ptrdiff_t oplane = (ptrdiff_t)od * oh * ow;
    const ptrdiff_t iplane = (ptrdiff_t)p->in[0] * p->in[1] * p->in[2];
    const ptrdiff_t kvol = (ptrdiff_t)p->k[0] * p->k[1] * p->k[2];
    for (int32_t n = 0; n < p->n; n++)
        for (int32_t c = 0; c < p->c_out; c++)
            for (ptrdiff_t i = 0; i < oplane; i++)
                y[((ptrdiff_t)n * p->c_out + c) * oplane + i] = b ? b[c] : 0.0f;
    for (int32_t n = 0; n < p->n; n++) {
        for (int32_t ci = 0; ci < p->c_in; ci++) {
            const int32_t g = ci / cig;
            const float *xc = x + ((ptrdiff_t)n * p->c_in + ci) * iplane;
            for (int32_t id = 0; id < p->in[0]; id++) {
                const int32_t bd = id * p->stride[0] - p->pad[0];
                int32_t d0, d1;
                kiln_range_inside(bd, p->dil[0], od, p->k[0], &d0, &d1);
                for (int32_t ih = 0; ih < p->in[1]; ih++) {
                    const int32_t bh = ih * p->stride[1] - p->pad[1];
                    int32_t h0, h1;
                    kiln_range_inside(bh, p->dil[1], oh, p->k[1], &h0, &h1);
                    for (int32_t iw = 0; iw < p->in[2]; iw++) {
                        const int32_t bw = iw * p->stride[2] - p->pad[2];
                        int32_t w0, w1;
                        kiln_range_inside(bw, p->dil[2], ow, p->k[2], &w0, &w1);
                        const float v = xc[((ptrdiff_t)id * p->in[1] + ih) * p->in[2] + iw];
                        for (int32_t co = 0; co < cog; co++) {
                            const int32_t c = g * cog + co;
                            const float *wk = w + ((ptrdiff_t)ci * cog + co) * kvol;
                            float *yc = y + ((ptrdiff_t)n * p->c_out + c) * oplane;
                            for (int32_t kd = d0; kd < d1; kd++)
                                for (int32_t kh = h0; kh < h1; kh++) {
                                    const ptrdiff_t row =
                                        ((ptrdiff_t)(bd + kd * p->dil[0]) * oh +
                                         (bh + kh * p->dil[1])) * ow;
                                    const float *wr = wk + ((ptrdiff_t)kd * p->k[1] + kh) * p->k[2];
                                    for (int32_t kw = w0; kw < w1; kw++)
                                        yc[row + bw + kw * p->dil[2]] += v * wr[kw];
                                }
                        }
                    }
                }
            }
        }
    }
}
