/* SPDX-License-Identifier: MIT */
/* ONNX MaxPool, 2-D NCHW, with strides, dilations and pads (padding never wins). */
#include "kiln.h"

/* For each output row the kernel rows are clipped to the input once; for each output
 * the kernel columns are clipped, so no cell is tested against the bounds. The maximum
 * starts at the lowest finite float, as in ONNX Runtime, which is what a window lying
 * wholly in the padding yields; NaN inputs are skipped by the comparison. */
void kiln_maxpool2d_f32(const kiln_pool2d_params *p, const float *x, float *y)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, h_out = p->h_out, w_out = p->w_out;
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const float *xc = x + (ptrdiff_t)nc * h_in * w_in;
        float *yc = y + (ptrdiff_t)nc * h_out * w_out;
        for (int32_t oh = 0; oh < h_out; oh++) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh_lo, kh_hi;
            kiln_range_inside(ih0, p->dil_h, h_in, p->k_h, &kh_lo, &kh_hi);
            for (int32_t ow = 0; ow < w_out; ow++) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw_lo, kw_hi;
                kiln_range_inside(iw0, p->dil_w, w_in, p->k_w, &kw_lo, &kw_hi);
                float m = -3.40282347e38f;
                for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                    const float *xr = xc + (ih0 + kh * p->dil_h) * w_in + iw0;
                    for (int32_t kw = kw_lo; kw < kw_hi; kw++) {
                        const float v = xr[kw * p->dil_w];
                        m = v > m ? v : m;
                    }
                }
                yc[oh * w_out + ow] = m;
            }
        }
    }
}
