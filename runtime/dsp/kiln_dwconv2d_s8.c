/* SPDX-License-Identifier: MIT */
/* Depthwise Conv, int8, Cortex-M DSP extension. Each output row reads its k_h input rows
 * widened to int16 with the input offset added and zero padding around (a padded cell adds
 * 0, as in the portable kernel), so windows need no bounds checks; 3x3 windows keep their
 * weights in registers. Rows too wide for the stack buffer take the second path: windows
 * inside the input fold the offset into the bias (sum w * (x + off) = sum w * x + off *
 * sum w, exact in integers), border windows the reference loop. Requantization by
 * kiln_requantize_dsp (SMLAL). Same bits as the portable kernel. */
#include "kiln.h"

/* Rows are a few values wide: a memset call would cost more than the stores. */
#define KILN_NO_MEMSET_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

static inline int8_t finish(int32_t acc, int32_t m, int32_t sh, const kiln_s8_io *io)
{
    acc = kiln_requantize_dsp(acc, m, sh);
    return kiln_clamp_s8(acc + io->output_offset, io->act_min, io->act_max);
}

static int32_t border(const kiln_conv2d_params *c, const int8_t *xc, const int8_t *wc,
                      int32_t acc, int32_t in_off, int32_t ih0, int32_t iw0)
{
    int32_t kh_lo, kh_hi, kw_lo, kw_hi;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
    for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
        const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0;
        for (int32_t kw = kw_lo; kw < kw_hi; kw++)
            acc += wc[kh * c->k_w + kw] * (xr[kw * c->dil_w] + in_off);
    }
    return acc;
}

/* One output row, windows [ow_lo, ow_hi) inside the input, 3x3 stride s, no dilation. */
static void row_3x3(const int8_t *x0, int32_t w_in, int32_t s, int32_t pad, const int8_t *wc,
                    int32_t b, int32_t m, int32_t sh, const kiln_s8_io *io, int8_t *y,
                    int32_t ow_lo, int32_t ow_hi)
{
    const int32_t w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4], w5 = wc[5];
    const int32_t w6 = wc[6], w7 = wc[7], w8 = wc[8];
    const int8_t *x1 = x0 + w_in, *x2 = x1 + w_in;
    for (int32_t ow = ow_lo; ow < ow_hi; ow++) {
        const int32_t i = ow * s - pad;
        int32_t acc = b + w0 * x0[i] + w1 * x0[i + 1] + w2 * x0[i + 2];
        acc += w3 * x1[i] + w4 * x1[i + 1] + w5 * x1[i + 2];
        acc += w6 * x2[i] + w7 * x2[i + 1] + w8 * x2[i + 2];
        y[ow] = finish(acc, m, sh, io);
    }
}

/* The k_h input rows of output row oh as int16 x + input_offset, padded with zeros to
 * w_pad values each, so every window of the row is inside. */
KILN_NO_MEMSET_CALLS static void pad_rows(const kiln_conv2d_params *c, const int8_t *xc,
                                          int32_t oh, int32_t in_off, int32_t w_pad,
                                          int16_t *rows)
{
    for (int32_t kh = 0; kh < c->k_h; kh++) {
        const int32_t ih = oh * c->stride_h - c->pad_top + kh * c->dil_h;
        int16_t *r = rows + (ptrdiff_t)kh * w_pad;
        if (ih < 0 || ih >= c->h_in) {
            for (int32_t i = 0; i < w_pad; i++)
                r[i] = 0;
            continue;
        }
        const int8_t *xr = xc + (ptrdiff_t)ih * c->w_in;
        for (int32_t i = 0; i < c->pad_left; i++)
            r[i] = 0;
        for (int32_t iw = 0; iw < c->w_in; iw++)
            r[c->pad_left + iw] = (int16_t)(xr[iw] + in_off);
        for (int32_t i = c->pad_left + c->w_in; i < w_pad; i++)
            r[i] = 0;
    }
}

/* One channel through padded rows: no bounds checks, no offset additions per MAC. */
static void channel_padded(const kiln_conv2d_s8_params *p, const int8_t *xc, const int8_t *wc,
                           int32_t b, int32_t m, int32_t sh, int8_t *yo, int16_t *rows,
                           int32_t w_pad)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t s = c->stride_w, dw = c->dil_w;
    for (int32_t oh = 0; oh < c->h_out; oh++) {
        pad_rows(c, xc, oh, p->io.input_offset, w_pad, rows);
        int8_t *yr = yo + (ptrdiff_t)oh * c->w_out;
        if (c->k_h == 3 && c->k_w == 3 && dw == 1) {
            const int32_t w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4];
            const int32_t w5 = wc[5], w6 = wc[6], w7 = wc[7], w8 = wc[8];
            const int16_t *r0 = rows, *r1 = rows + w_pad, *r2 = r1 + w_pad;
            for (int32_t ow = 0; ow < c->w_out; ow++) {
                const int32_t i = ow * s;
                int32_t acc = b + w0 * r0[i] + w1 * r0[i + 1] + w2 * r0[i + 2];
                acc += w3 * r1[i] + w4 * r1[i + 1] + w5 * r1[i + 2];
                acc += w6 * r2[i] + w7 * r2[i + 1] + w8 * r2[i + 2];
                yr[ow] = finish(acc, m, sh, &p->io);
            }
            continue;
        }
        for (int32_t ow = 0; ow < c->w_out; ow++) {
            int32_t acc = b;
            for (int32_t kh = 0; kh < c->k_h; kh++) {
                const int16_t *r = rows + (ptrdiff_t)kh * w_pad + ow * s;
                for (int32_t kw = 0; kw < c->k_w; kw++)
                    acc += wc[kh * c->k_w + kw] * r[kw * dw];
            }
            yr[ow] = finish(acc, m, sh, &p->io);
        }
    }
}

void kiln_dwconv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    /* row width covering every window: the padded input, or what the last window reaches */
    const kiln_conv2d_params *cp = &p->conv;
    const int32_t reach = (cp->w_out - 1) * cp->stride_w + (cp->k_w - 1) * cp->dil_w + 1;
    const int32_t w_pad = reach > cp->pad_left + cp->w_in ? reach : cp->pad_left + cp->w_in;
    if ((int64_t)w_pad * cp->k_h <= KILN_S8_COL_MAX) {
        int16_t rows[KILN_S8_COL_MAX];
        const int32_t mult_c = cp->c_out / cp->c_in, kk = cp->k_h * cp->k_w;
        for (int32_t n = 0; n < cp->n; n++)
            for (int32_t oc = 0; oc < cp->c_out; oc++)
                channel_padded(p, x + ((ptrdiff_t)n * cp->c_in + oc / mult_c) * cp->h_in * cp->w_in,
                               w + (ptrdiff_t)oc * kk, bias ? bias[oc] : 0, q->multiplier[oc],
                               q->shift[oc],
                               y + ((ptrdiff_t)n * cp->c_out + oc) * cp->h_out * cp->w_out, rows,
                               w_pad);
        return;
    }
    const kiln_conv2d_params *c = &p->conv;
    const int32_t mult = c->c_out / c->c_in, in_off = p->io.input_offset;
    const int32_t kk = c->k_h * c->k_w;
    const int is_3x3 = c->k_h == 3 && c->k_w == 3 && c->dil_h == 1 && c->dil_w == 1 &&
                       c->stride_h == c->stride_w;
    /* outputs whose windows lie inside the input along w: [ow_lo, ow_hi) */
    int32_t ow_lo = 0, ow_hi = c->w_out;
    while (ow_lo < c->w_out && ow_lo * c->stride_w - c->pad_left < 0)
        ow_lo++;
    while (ow_hi > ow_lo &&
           (ow_hi - 1) * c->stride_w - c->pad_left + (c->k_w - 1) * c->dil_w >= c->w_in)
        ow_hi--;
    for (int32_t n = 0; n < c->n; n++) {
        for (int32_t oc = 0; oc < c->c_out; oc++) {
            const int8_t *xc = x + ((ptrdiff_t)n * c->c_in + oc / mult) * c->h_in * c->w_in;
            const int8_t *wc = w + (ptrdiff_t)oc * kk;
            int8_t *yo = y + ((ptrdiff_t)n * c->c_out + oc) * c->h_out * c->w_out;
            const int32_t b = bias ? bias[oc] : 0, m = q->multiplier[oc], sh = q->shift[oc];
            int32_t wsum = 0;
            for (int32_t i = 0; i < kk; i++)
                wsum += wc[i];
            const int32_t b_in = b + in_off * wsum;
            for (int32_t oh = 0; oh < c->h_out; oh++) {
                const int32_t ih0 = oh * c->stride_h - c->pad_top;
                const int rows_in = ih0 >= 0 && ih0 + (c->k_h - 1) * c->dil_h < c->h_in;
                int8_t *yr = yo + (ptrdiff_t)oh * c->w_out;
                for (int32_t ow = 0; ow < c->w_out; ow++) {
                    if (rows_in && ow == ow_lo && ow_hi > ow_lo) {
                        const int8_t *xr = xc + (ptrdiff_t)ih0 * c->w_in;
                        if (is_3x3) {
                            row_3x3(xr, c->w_in, c->stride_w, c->pad_left, wc, b_in, m, sh,
                                    &p->io, yr, ow_lo, ow_hi);
                        } else {
                            for (int32_t o = ow_lo; o < ow_hi; o++) {
                                int32_t acc = b_in;
                                for (int32_t kh = 0; kh < c->k_h; kh++) {
                                    const int8_t *xk = xr + (ptrdiff_t)kh * c->dil_h * c->w_in +
                                                       o * c->stride_w - c->pad_left;
                                    for (int32_t kw = 0; kw < c->k_w; kw++)
                                        acc += wc[kh * c->k_w + kw] * xk[kw * c->dil_w];
                                }
                                yr[o] = finish(acc, m, sh, &p->io);
                            }
                        }
                        ow = ow_hi - 1;
                        continue;
                    }
                    const int32_t iw0 = ow * c->stride_w - c->pad_left;
                    yr[ow] = finish(border(c, xc, wc, b, in_off, ih0, iw0), m, sh, &p->io);
                }
            }
        }
    }
}
