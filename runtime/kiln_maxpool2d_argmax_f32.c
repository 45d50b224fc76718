/* SPDX-License-Identifier: MIT */
/* MaxPool with its Indices output, 2-D NCHW: the float maximum as kiln_maxpool2d_f32 and
 * the flat index of the first cell holding it, over the whole input tensor (batch and
 * channel included), row-major or with storage_order 1 column-major within the plane. */
#include "kiln.h"

/* A window lying wholly in the padding has no cell: its index is built from row and
 * column -1, as ONNX Runtime does. */
void kiln_maxpool2d_argmax_f32(const kiln_pool2d_params *p, int32_t layout, const float *x,
                               float *y, int64_t *idx)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, h_out = p->h_out, w_out = p->w_out;
    const int64_t plane = (int64_t)h_in * w_in;
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const float *xc = x + (ptrdiff_t)nc * plane;
        float *yc = y + (ptrdiff_t)nc * h_out * w_out;
        int64_t *ic = idx + (ptrdiff_t)nc * h_out * w_out;
        for (int32_t oh = 0; oh < h_out; oh++) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh_lo, kh_hi;
            kiln_range_inside(ih0, p->dil_h, h_in, p->k_h, &kh_lo, &kh_hi);
            for (int32_t ow = 0; ow < w_out; ow++) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw_lo, kw_hi;
                kiln_range_inside(iw0, p->dil_w, w_in, p->k_w, &kw_lo, &kw_hi);
                float m = -3.40282347e38f;
                int32_t mh = -1, mw = -1;
                for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                    const int32_t ih = ih0 + kh * p->dil_h;
                    for (int32_t kw = kw_lo; kw < kw_hi; kw++) {
                        const int32_t iw = iw0 + kw * p->dil_w;
                        const float v = xc[ih * w_in + iw];
                        if (v > m) {
                            m = v;
                            mh = ih;
                            mw = iw;
                        }
                    }
                }
                yc[oh * w_out + ow] = m;
                const int64_t at = layout == KILN_INDICES_1D ? (int64_t)mw
                                 : layout == KILN_INDICES_COL_MAJOR ? (int64_t)mh + (int64_t)mw * h_in
                                 : (int64_t)mh * w_in + mw;
                ic[oh * w_out + ow] = nc * plane + at;
            }
        }
    }
}
