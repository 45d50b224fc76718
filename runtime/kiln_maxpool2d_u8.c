/* SPDX-License-Identifier: MIT */
/* MaxPool, uint8, 2-D NCHW (ONNX MaxPool on uint8 tensors). */
#include "kiln.h"

/* Padding cells never win (as in ONNX); a window entirely in the padding writes 0, the
 * lowest uint8, as ONNX Runtime does. */
void kiln_maxpool2d_u8(const kiln_pool2d_params *p, const uint8_t *x, uint8_t *y)
{
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const uint8_t *xc = x + (ptrdiff_t)nc * p->h_in * p->w_in;
        uint8_t *yc = y + (ptrdiff_t)nc * p->h_out * p->w_out;
        for (int32_t oh = 0; oh < p->h_out; oh++) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh_lo, kh_hi;
            kiln_range_inside(ih0, p->dil_h, p->h_in, p->k_h, &kh_lo, &kh_hi);
            for (int32_t ow = 0; ow < p->w_out; ow++) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw_lo, kw_hi;
                kiln_range_inside(iw0, p->dil_w, p->w_in, p->k_w, &kw_lo, &kw_hi);
                uint8_t m = 0;
                for (int32_t kh = kh_lo; kh < kh_hi; kh++)
                    for (int32_t kw = kw_lo; kw < kw_hi; kw++) {
                        const uint8_t v = xc[(ih0 + kh * p->dil_h) * p->w_in + iw0 + kw * p->dil_w];
                        m = v > m ? v : m;
                    }
                yc[oh * p->w_out + ow] = m;
            }
        }
    }
}
