/* SPDX-License-Identifier: MIT */
/* ONNX AveragePool, 2-D NCHW, with pads, count_include_pad and ceil-mode overhang. */
#include "kiln.h"

/* The window of output (oh, ow) starts at (oh*stride_h - pad_top, ow*stride_w - pad_left).
 * Its sum runs over the cells inside the input (rows then columns, in order). The
 * divisor counts those cells, or with count_include_pad the cells inside the padded
 * input [-pad_top, h_in + pad_bottom) x [-pad_left, w_in + pad_right), so a ceil_mode
 * window hanging past the explicit pads never counts its overhang (ONNX Runtime's rule).
 * The division is a true float division of the sum. */
static int32_t clipped_len(int32_t start, int32_t k, int32_t lo, int32_t hi)
{
    int32_t a = start < lo ? lo : start;
    int32_t b = start + k > hi ? hi : start + k;
    return b > a ? b - a : 0;
}

void kiln_avgpool2d_f32(const kiln_pool2d_params *p, const float *x, float *y)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, h_out = p->h_out, w_out = p->w_out;
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const float *xc = x + (ptrdiff_t)nc * h_in * w_in;
        float *yc = y + (ptrdiff_t)nc * h_out * w_out;
        for (int32_t oh = 0; oh < h_out; oh++) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh_lo, kh_hi;
            kiln_range_inside(ih0, 1, h_in, p->k_h, &kh_lo, &kh_hi);
            const int32_t rows = p->count_include_pad
                ? clipped_len(ih0, p->k_h, -p->pad_top, h_in + p->pad_bottom)
                : kh_hi - kh_lo;
            for (int32_t ow = 0; ow < w_out; ow++) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw_lo, kw_hi;
                kiln_range_inside(iw0, 1, w_in, p->k_w, &kw_lo, &kw_hi);
                const int32_t cols = p->count_include_pad
                    ? clipped_len(iw0, p->k_w, -p->pad_left, w_in + p->pad_right)
                    : kw_hi - kw_lo;
                float s = 0.0f;
                for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                    const float *xr = xc + (ih0 + kh) * w_in + iw0;
                    for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                        s += xr[kw];
                }
                /* in double: a window of 65536 x 65536 (pads < kernel) overflows int32 */
                const double count = (double)rows * (double)cols;
                yc[oh * w_out + ow] = count > 0 ? s / (float)count : 0.0f;
            }
        }
    }
}
