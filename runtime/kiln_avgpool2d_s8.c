/* SPDX-License-Identifier: MIT */
/* AveragePool, int8, 2-D NCHW; output scale and zero point equal the input's. */
#include "kiln.h"

static int32_t clipped_len(int32_t start, int32_t k, int32_t lo, int32_t hi)
{
    int32_t a = start < lo ? lo : start;
    int32_t b = start + k > hi ? hi : start + k;
    return b > a ? b - a : 0;
}

/* round(s / count), halves away from zero, for count > 0. */
static int32_t div_round(int32_t s, int32_t count)
{
    return s >= 0 ? (s + count / 2) / count : -((-s + count / 2) / count);
}

/* Sums x - zero_point over the cells inside the input (padding is a real 0) and divides
 * by the same count as kiln_avgpool2d_f32. */
void kiln_avgpool2d_s8(const kiln_pool2d_params *p, int32_t zero_point, const int8_t *x,
                       int8_t *y)
{
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const int8_t *xc = x + (ptrdiff_t)nc * p->h_in * p->w_in;
        int8_t *yc = y + (ptrdiff_t)nc * p->h_out * p->w_out;
        for (int32_t oh = 0; oh < p->h_out; oh++) {
            const int32_t ih0 = oh * p->stride_h - p->pad_top;
            int32_t kh_lo, kh_hi;
            kiln_range_inside(ih0, 1, p->h_in, p->k_h, &kh_lo, &kh_hi);
            const int32_t rows = p->count_include_pad
                ? clipped_len(ih0, p->k_h, -p->pad_top, p->h_in + p->pad_bottom)
                : kh_hi - kh_lo;
            for (int32_t ow = 0; ow < p->w_out; ow++) {
                const int32_t iw0 = ow * p->stride_w - p->pad_left;
                int32_t kw_lo, kw_hi;
                kiln_range_inside(iw0, 1, p->w_in, p->k_w, &kw_lo, &kw_hi);
                const int32_t cols = p->count_include_pad
                    ? clipped_len(iw0, p->k_w, -p->pad_left, p->w_in + p->pad_right)
                    : kw_hi - kw_lo;
                int32_t s = 0;
                for (int32_t kh = kh_lo; kh < kh_hi; kh++)
                    for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                        s += xc[(ih0 + kh) * p->w_in + iw0 + kw] - zero_point;
                const int32_t count = rows * cols;
                const int32_t avg = count > 0 ? div_round(s, count) : 0;
                yc[oh * p->w_out + ow] = kiln_clamp_s8(avg + zero_point, -128, 127);
            }
        }
    }
}
