/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_s8_gemm_dsp */
/* Conv, int8, any geometry, Cortex-M DSP extension: the windows of two output pixels are
 * gathered (im2col, int16, padding as 0) and multiplied by every output channel of their
 * group at once (kiln_s8_gemm_dsp). Same bits as the portable kernel: integer sums in any
 * order are equal, and a padded cell adds 0 there too. */
#include "kiln.h"
#include <arm_acle.h>
#include <string.h>

static inline int16_t *zeros(int16_t *d, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        d[i] = 0;
    return d + n;
}

/* Window of output pixel (oh, ow) in weight order (ic, kh, kw), x + input_offset as int16,
 * padding as 0. The rows and columns of the window inside the input are found once, so
 * each channel is: padded rows, rows copied (3-wide ones unrolled), padded rows. */
static void gather(const kiln_conv2d_s8_params *p, const int8_t *xg, int32_t oh, int32_t ow,
                   int16_t *d)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, kh_n = c->k_h, kw_n = c->k_w;
    const int32_t dh = c->dil_h, dw = c->dil_w, w_in = c->w_in, off = p->io.input_offset;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t kh_lo, kh_hi, kw_lo, kw_hi;
    kiln_range_inside(ih0, dh, c->h_in, kh_n, &kh_lo, &kh_hi);
    kiln_range_inside(iw0, dw, w_in, kw_n, &kw_lo, &kw_hi);
    const int32_t pre = kh_lo * kw_n, post = (kh_n - kh_hi) * kw_n;
    const ptrdiff_t plane = (ptrdiff_t)c->h_in * w_in, row_step = (ptrdiff_t)dh * w_in;
    /* index of the first inside row's kw = 0 cell in channel 0 (may lie left of the row) */
    const ptrdiff_t first = (ptrdiff_t)(ih0 + kh_lo * dh) * w_in + iw0;
    const int row3 = kw_lo == 0 && kw_hi == 3 && kw_n == 3 && dw == 1;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        d = zeros(d, pre);
        ptrdiff_t r = first + ic * plane;
        for (int32_t kh = kh_lo; kh < kh_hi; kh++, r += row_step) {
            if (row3) {
                const int8_t *xs = xg + r;
                d[0] = (int16_t)(xs[0] + off), d[1] = (int16_t)(xs[1] + off);
                d[2] = (int16_t)(xs[2] + off);
                d += 3;
                continue;
            }
            d = zeros(d, kw_lo);
            for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                *d++ = (int16_t)(xg[r + kw * dw] + off);
            d = zeros(d, kw_n - kw_hi);
        }
        d = zeros(d, post);
    }
}

/* Two neighbouring output pixels of a stride-1, 3-wide window, both inside the input's
 * width: their rows overlap, so one word x0..x3 per row gives both (x0, x1, x2) and
 * (x1, x2, x3). SXTB16 widens it to (x0, x2), (x1, x3), SADD16 adds the offset to both
 * halves (|x + offset| <= 255 fits), PKHBT pairs the halves each window needs. */
static int pair3_ok(const kiln_conv2d_params *c, int32_t ow)
{
    const int32_t iw0 = ow * c->stride_w - c->pad_left;
    return c->k_w == 3 && c->dil_w == 1 && c->stride_w == 1 && ow + 1 < c->w_out &&
           iw0 >= 0 && iw0 + 3 < c->w_in;
}

static void gather_pair3(const kiln_conv2d_s8_params *p, const int8_t *xg, int32_t oh,
                         int32_t ow, int16_t *d0, int16_t *d1)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, kh_n = c->k_h, dh = c->dil_h;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow - c->pad_left;
    const int32_t offs = (int32_t)((uint32_t)(uint16_t)p->io.input_offset * 0x10001u);
    int32_t kh_lo, kh_hi;
    kiln_range_inside(ih0, dh, c->h_in, kh_n, &kh_lo, &kh_hi);
    const int32_t pre = kh_lo * 3, post = (kh_n - kh_hi) * 3;
    const ptrdiff_t plane = (ptrdiff_t)c->h_in * c->w_in, row_step = (ptrdiff_t)dh * c->w_in;
    const ptrdiff_t first = (ptrdiff_t)(ih0 + kh_lo * dh) * c->w_in + iw0;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        d0 = zeros(d0, pre), d1 = zeros(d1, pre);
        ptrdiff_t r = first + ic * plane;
        for (int32_t kh = kh_lo; kh < kh_hi; kh++, r += row_step, d0 += 3, d1 += 3) {
            int32_t v, odd, w0, w1;
            memcpy(&v, xg + r, sizeof v); /* one LDR: unaligned words load on Cortex-M4 */
            __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
            const int32_t even = __sadd16(__sxtb16(v), offs); /* (x0, x2) */
            odd = __sadd16(odd, offs);                         /* (x1, x3) */
            __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(w0) : "r"(even), "r"(odd));
            __asm__("pkhbt %0, %1, %2" : "=r"(w1) : "r"(odd), "r"(even));
            memcpy(d0, &w0, sizeof w0);
            d0[2] = (int16_t)(even >> 16);
            memcpy(d1, &w1, sizeof w1);
            d1[2] = (int16_t)(odd >> 16);
        }
        d0 = zeros(d0, post), d1 = zeros(d1, post);
    }
}

/* A gathered window into column j of the kiln_s8_gemm_dsp layout: each group of four
 * (n0, n1, n2, n3) read as two words and repacked to (n0, n2), (n1, n3) by PKHBT/PKHTB
 * (GCC 12 does not find them). */
static void arrange(const int16_t *nat, int16_t *cols, int32_t j, int32_t k)
{
    const int32_t k4 = k & ~3;
    int16_t *g = cols + 4 * j;
    for (int32_t i = 0; i < k4; i += 4, g += 8) {
        uint32_t lo, hi;
        memcpy(&lo, nat + i, sizeof lo);
        memcpy(&hi, nat + i + 2, sizeof hi);
        uint32_t even, odd;
        __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(even) : "r"(lo), "r"(hi));
        __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(odd) : "r"(hi), "r"(lo));
        memcpy(g, &even, sizeof even);
        memcpy(g + 2, &odd, sizeof odd);
    }
    memcpy(cols + 2 * k4 + j * (k - k4), nat + k4, (size_t)(k - k4) * sizeof *nat);
}

/* Output channel oc at one pixel, for windows too long for the column buffer. */
static int8_t plain(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *xg, const int8_t *w, const int32_t *bias, int32_t oc,
                    int32_t oh, int32_t ow)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, kk = c->k_h * c->k_w;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t acc = bias ? bias[oc] : 0;
    for (int32_t ic = 0; ic < cin_g; ic++)
        for (int32_t kh = 0; kh < c->k_h; kh++)
            for (int32_t kw = 0; kw < c->k_w; kw++) {
                const int32_t ih = ih0 + kh * c->dil_h, iw = iw0 + kw * c->dil_w;
                if (ih >= 0 && ih < c->h_in && iw >= 0 && iw < c->w_in)
                    acc += w[((ptrdiff_t)oc * cin_g + ic) * kk + kh * c->k_w + kw] *
                           (xg[((ptrdiff_t)ic * c->h_in + ih) * c->w_in + iw] +
                            p->io.input_offset);
            }
    acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
    return kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
}

void kiln_conv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, cout_g = c->c_out / c->group;
    const int32_t k = cin_g * c->k_h * c->k_w, hw_out = c->h_out * c->w_out;
    int16_t cols[2 * KILN_S8_COL_MAX] __attribute__((aligned(8))); /* LDRD needs words */
    int16_t nat[KILN_S8_COL_MAX] __attribute__((aligned(4)));
    int16_t nat2[KILN_S8_COL_MAX] __attribute__((aligned(4)));
    for (int32_t n = 0; n < c->n; n++) {
        for (int32_t g = 0; g < c->group; g++) {
            const int8_t *xg = x + ((ptrdiff_t)n * c->c_in + g * cin_g) * c->h_in * c->w_in;
            const int32_t oc0 = g * cout_g;
            int8_t *yg = y + ((ptrdiff_t)n * c->c_out + oc0) * hw_out;
            for (int32_t s = 0; s < hw_out; s += 2) {
                const int32_t n_cols = hw_out - s > 1 ? 2 : 1;
                if (k > KILN_S8_COL_MAX) {
                    for (int32_t j = 0; j < n_cols; j++)
                        for (int32_t oc = oc0; oc < oc0 + cout_g; oc++)
                            yg[(ptrdiff_t)(oc - oc0) * hw_out + s + j] =
                                plain(p, q, xg, w, bias, oc, (s + j) / c->w_out,
                                      (s + j) % c->w_out);
                    continue;
                }
                const int32_t oh = s / c->w_out, ow = s % c->w_out;
                if (n_cols == 2 && pair3_ok(c, ow)) {
                    gather_pair3(p, xg, oh, ow, nat, nat2);
                    arrange(nat, cols, 0, k);
                    arrange(nat2, cols, 1, k);
                } else {
                    for (int32_t j = 0; j < n_cols; j++) {
                        gather(p, xg, (s + j) / c->w_out, (s + j) % c->w_out, nat);
                        arrange(nat, cols, j, k);
                    }
                }
                kiln_s8_gemm_dsp(w + (ptrdiff_t)oc0 * k, cout_g, k, cols, n_cols,
                                 bias ? bias + oc0 : NULL, q->multiplier + oc0, q->shift + oc0,
                                 &p->io, yg + s, hw_out, 1);
            }
        }
    }
}
