/* SPDX-License-Identifier: MIT */
/* Conv, int8, sparse weights (kiln_sparse_s8 bitmap + values): any geometry. */
#include "kiln.h"

/* Per output channel: the int32 plane acc starts at the bias, then every nonzero tap
 * (c, kh, kw) adds w * (x + input_offset) over the output positions whose input lies
 * inside the image (clipped with kiln_range_inside, so padding costs nothing, and a
 * padded cell adds nothing in the dense kernel either); then each output is requantized
 * as in kiln_conv2d_s8. Integer sums do not depend on order, so the bits are the dense
 * kernel's. A 1x1, stride-1, unpadded conv is one contiguous multiply-add per tap. */

size_t kiln_conv2d_sparse_s8_scratch(const kiln_conv2d_params *p)
{
    return (size_t)p->h_out * (size_t)p->w_out * sizeof(int32_t);
}

/* acc[oh][ow] += wv * (x[oh * sh + bh][ow * sw + bw] + in_off) inside the input. */
static void tap_mac(const kiln_conv2d_params *p, const int8_t *xc, int32_t wv, int32_t in_off,
                    int32_t bh, int32_t bw, int32_t *acc)
{
    int32_t oh0, oh1, ow0, ow1;
    kiln_range_inside(bh, p->stride_h, p->h_in, p->h_out, &oh0, &oh1);
    kiln_range_inside(bw, p->stride_w, p->w_in, p->w_out, &ow0, &ow1);
    const int32_t sw = p->stride_w;
    for (int32_t oh = oh0; oh < oh1; oh++) {
        const int8_t *xr = xc + (ptrdiff_t)(oh * p->stride_h + bh) * p->w_in + bw;
        int32_t *ar = acc + (ptrdiff_t)oh * p->w_out;
        for (int32_t ow = ow0; ow < ow1; ow++)
            ar[ow] += wv * (xr[(ptrdiff_t)ow * sw] + in_off);
    }
}

static int contiguous_1x1(const kiln_conv2d_params *p)
{
    return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
           p->pad_top == 0 && p->pad_left == 0 && p->h_out == p->h_in && p->w_out == p->w_in;
}

/* Adds every nonzero tap of row o (mask bits [o * row_len, (o + 1) * row_len)) to acc;
 * returns the values that follow. */
static const int8_t *row_taps(const kiln_conv2d_s8_params *q, const kiln_sparse_s8 *w,
                              int32_t o, const int8_t *val, const int8_t *xg, int32_t *acc)
{
    const kiln_conv2d_params *p = &q->conv;
    const int32_t kk = p->k_h * p->k_w, row_len = p->c_in / p->group * kk;
    const int32_t hw = p->h_out * p->w_out, hw_in = p->h_in * p->w_in;
    const int32_t in_off = q->io.input_offset, b0 = o * row_len;
    const int pointwise = contiguous_1x1(p);
    for (int32_t byte = b0 >> 3; byte < (b0 + row_len + 7) >> 3; byte++) {
        uint32_t bits = w->mask[byte];
        const int32_t first = byte * 8 - b0;   /* row position of the byte's bit 0 */
        if (first < 0)
            bits &= 0xFFu << -first;
        if (first + 8 > row_len)
            bits &= 0xFFu >> (first + 8 - row_len);
        while (bits) {
            const uint32_t low = bits & (0u - bits);
            const int32_t u = first + kiln_sparse_s8_bit(low), wv = *val++;
            const int8_t *xc = xg + (ptrdiff_t)(u / kk) * hw_in;
            bits ^= low;
            if (pointwise) {
                for (int32_t i = 0; i < hw; i++)
                    acc[i] += wv * (xc[i] + in_off);
            } else {
                const int32_t r = u % kk;
                tap_mac(p, xc, wv, in_off, (r / p->k_w) * p->dil_h - p->pad_top,
                        (r % p->k_w) * p->dil_w - p->pad_left, acc);
            }
        }
    }
    return val;
}

void kiln_conv2d_sparse_s8(const kiln_conv2d_s8_params *q, const int8_t *x,
                           const kiln_sparse_s8 *w, int32_t *acc, int8_t *y)
{
    const kiln_conv2d_params *p = &q->conv;
    const int32_t hw_in = p->h_in * p->w_in, hw = p->h_out * p->w_out;
    const int32_t cin_g = p->c_in / p->group, cout_g = p->c_out / p->group;
    for (int32_t n = 0; n < p->n; n++) {
        const int8_t *val = w->val;
        for (int32_t o = 0; o < p->c_out; o++) {
            const int8_t *xg = x + ((ptrdiff_t)n * p->c_in + (ptrdiff_t)(o / cout_g) * cin_g) *
                                       hw_in;
            int8_t *yo = y + ((ptrdiff_t)n * p->c_out + o) * hw;
            const int32_t b = kiln_sparse_s8_bias(w, o), m = w->multiplier[o], sh = w->shift[o];
            for (int32_t i = 0; i < hw; i++)
                acc[i] = b;
            val = row_taps(q, w, o, val, xg, acc);
            for (int32_t i = 0; i < hw; i++)
                yo[i] = kiln_clamp_s8(kiln_requantize(acc[i], m, sh) + q->io.output_offset,
                                      q->io.act_min, q->io.act_max);
        }
    }
}
