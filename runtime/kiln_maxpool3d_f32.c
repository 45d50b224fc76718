/* SPDX-License-Identifier: MIT */
/* ONNX MaxPool, 3-D NCDHW, with strides, dilations and pads (padding never wins). */
#include "kiln.h"

/* The kernel range of each axis is clipped to the input once per output position, so no
 * cell is tested against the bounds; the maximum starts at the lowest finite float as in
 * kiln_maxpool2d_f32. */
void kiln_maxpool3d_f32(const kiln_pool3d_params *p, const float *x, float *y)
{
    const int32_t d_in = p->in[0], h_in = p->in[1], w_in = p->in[2];
    const ptrdiff_t plane_in = (ptrdiff_t)d_in * h_in * w_in;
    const ptrdiff_t plane_out = (ptrdiff_t)p->out[0] * p->out[1] * p->out[2];
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const float *xc = x + nc * plane_in;
        float *yc = y + nc * plane_out;
        for (int32_t od = 0; od < p->out[0]; od++) {
            const int32_t id0 = od * p->stride[0] - p->pad[0];
            int32_t kd_lo, kd_hi;
            kiln_range_inside(id0, p->dil[0], d_in, p->k[0], &kd_lo, &kd_hi);
            for (int32_t oh = 0; oh < p->out[1]; oh++) {
                const int32_t ih0 = oh * p->stride[1] - p->pad[1];
                int32_t kh_lo, kh_hi;
                kiln_range_inside(ih0, p->dil[1], h_in, p->k[1], &kh_lo, &kh_hi);
                for (int32_t ow = 0; ow < p->out[2]; ow++) {
                    const int32_t iw0 = ow * p->stride[2] - p->pad[2];
                    int32_t kw_lo, kw_hi;
                    kiln_range_inside(iw0, p->dil[2], w_in, p->k[2], &kw_lo, &kw_hi);
                    float m = -3.40282347e38f;
                    for (int32_t kd = kd_lo; kd < kd_hi; kd++)
                        for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                            const float *xr = xc + ((ptrdiff_t)(id0 + kd * p->dil[0]) * h_in +
                                                    ih0 + kh * p->dil[1]) * w_in + iw0;
                            for (int32_t kw = kw_lo; kw < kw_hi; kw++) {
                                const float v = xr[kw * p->dil[2]];
                                m = v > m ? v : m;
                            }
                        }
                    *yc++ = m;
                }
            }
        }
    }
}
