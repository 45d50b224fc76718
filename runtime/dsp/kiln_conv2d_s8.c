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

/* Two neighbouring output pixels of a stride-1, 3-wide window: their rows overlap, so one
 * word x0..x3 per row gives both (x0, x1, x2) and (x1, x2, x3). SXTB16 widens it to
 * e = (x0, x2), o = (x1, x3), SADD16 adds the offset to both halves (|x + offset| <= 255
 * fits). At the edges of a padded row x0 or x3 is padding: the word is loaded one byte
 * further in (never outside the row) and the padded half of e or o shifted out as 0. */
enum { PAIR_NONE, PAIR_INSIDE, PAIR_LEFT, PAIR_RIGHT };

static int pair3_kind(const kiln_conv2d_params *c, int32_t ow)
{
    const int32_t iw0 = ow * c->stride_w - c->pad_left;
    if (c->k_w != 3 || c->dil_w != 1 || c->stride_w != 1 || ow + 1 >= c->w_out)
        return PAIR_NONE;
    if (iw0 >= 0 && iw0 + 3 < c->w_in)
        return PAIR_INSIDE;
    if (iw0 == -1 && c->w_in >= 4)
        return PAIR_LEFT;
    return iw0 >= 1 && iw0 + 3 == c->w_in ? PAIR_RIGHT : PAIR_NONE;
}

/* The window rows of both pixels in weight order (ic, kh): padded rows give e = o = 0. */
typedef struct {
    const int8_t *x;
    ptrdiff_t r, row_step, plane_skip;
    int32_t kh, kh_n, kh_lo, n_in, offs;
} rows3;

/* e, o of the row word at xs. kind is a constant where it matters (the callers are
 * inlined per kind): no branch on it. */
static inline __attribute__((always_inline)) void row_eo(const int8_t *xs, int32_t offs,
                                                         int kind, uint32_t *e, uint32_t *o)
{
    int32_t v, lo, hi; /* lo, hi: SXTB16 of bytes 0 and 2, of bytes 1 and 3 */
    memcpy(&v, xs, sizeof v); /* one LDR: unaligned words load on Cortex-M4 */
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(hi) : "r"(v));
    lo = __sxtb16(v);
    if (kind == PAIR_LEFT) { /* v = x1..x4: e = (0, x2) */
        *e = (uint32_t)__sadd16(hi, offs) << 16;
        *o = (uint32_t)__sadd16(lo, offs);
    } else if (kind == PAIR_RIGHT) { /* v = x-1..x2: o = (x1, 0) */
        *e = (uint32_t)__sadd16(hi, offs);
        *o = (uint32_t)__sadd16(lo, offs) >> 16;
    } else {
        *e = (uint32_t)__sadd16(lo, offs);
        *o = (uint32_t)__sadd16(hi, offs);
    }
}

static inline __attribute__((always_inline)) void next_row(rows3 *it, uint32_t *e,
                                                           uint32_t *o, int kind)
{
    if ((uint32_t)(it->kh - it->kh_lo) < (uint32_t)it->n_in) {
        row_eo(it->x + it->r, it->offs, kind, e, o);
        it->r += it->row_step;
    } else {
        *e = 0, *o = 0;
    }
    if (++it->kh == it->kh_n)
        it->kh = 0, it->r += it->plane_skip;
}

static inline uint32_t pkhbt_lsl16(uint32_t lo, uint32_t hi)
{
    uint32_t d;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(d) : "r"(lo), "r"(hi));
    return d;
}

static inline uint32_t pkhtb_asr16(uint32_t hi, uint32_t lo)
{
    uint32_t d;
    __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(d) : "r"(hi), "r"(lo));
    return d;
}

/* Four rows a, b, c, d are 12 values, three groups of four: the groups of pixel 0 in the
 * core's order (n0, n2), (n1, n3) are (a0 a2)(a1 b0), (b1 c0)(b2 c1), (c2 d1)(d0 d2), and
 * with e, o of each row every such pair is a whole word, one PKH of two, or a high half
 * and a low half swapping places (two instructions); pixel 1 likewise, sharing (b2 c1). */
static inline __attribute__((always_inline)) void quad3(const uint32_t *e,
                                                        const uint32_t *o, int16_t *g)
{
    const uint32_t shared = e[1] >> 16 | o[2] << 16;
    const uint32_t w[12] = {
        e[0], pkhbt_lsl16(o[0], e[1]), o[0], e[0] >> 16 | o[1] << 16,
        pkhbt_lsl16(o[1], e[2]), shared, shared, pkhtb_asr16(e[2], o[1]),
        e[2] >> 16 | o[3] << 16, e[3], pkhtb_asr16(e[3], o[2]), o[3],
    };
    memcpy(g, w, sizeof w);
}

/* Four rows from the iterator (any padding, any k_h). */
static inline __attribute__((always_inline)) void quad3_rows(rows3 *it, int16_t *g, int kind)
{
    uint32_t e[4], o[4];
    for (int32_t m = 0; m < 4; m++)
        next_row(it, &e[m], &o[m], kind);
    quad3(e, o, g);
}

/* Four channels of 3 rows, all inside the input: 12 rows at fixed distances from xs, three
 * quads without the iterator's per-row tests. */
static inline __attribute__((always_inline)) void block4x3(const int8_t *xs, ptrdiff_t rs,
                                                           ptrdiff_t plane, int32_t offs,
                                                           int kind, int16_t *g)
{
    for (int32_t q = 0; q < 3; q++) {
        uint32_t e[4], o[4];
        for (int32_t m = 0; m < 4; m++) {
            const int32_t i = 4 * q + m;
            row_eo(xs + (i / 3) * plane + (i % 3) * rs, offs, kind, &e[m], &o[m]);
        }
        quad3(e, o, g + 24 * q);
    }
}

/* All pairs of one kind: 4-channel blocks while the window's 3 rows are all inside, then
 * the iterator by quads. Returns the rows done. */
static inline __attribute__((always_inline)) int32_t quads(rows3 *it, int32_t n_rows,
                                                           int32_t cin_g, int16_t *cols,
                                                           int kind)
{
    int32_t t = 0;
    if (it->kh_n == 3 && it->n_in == 3) {
        const ptrdiff_t plane = it->plane_skip + 3 * it->row_step;
        for (; t + 12 <= 3 * cin_g; t += 12, it->r += 4 * plane)
            block4x3(it->x + it->r, it->row_step, plane, it->offs, kind, cols + 6 * t);
    }
    for (; t + 4 <= n_rows; t += 4)
        quad3_rows(it, cols + 6 * t, kind);
    return t;
}

/* Both pixels' windows straight into columns 0 and 1 of the kiln_s8_gemm_dsp layout: whole
 * groups of four rows by quad3, the last n_rows % 4 rows value by value. */
static void gather_pair3(const kiln_conv2d_s8_params *p, const int8_t *xg, int32_t oh,
                         int32_t ow, int kind, int16_t *cols, int32_t k)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t n_rows = c->c_in / c->group * c->k_h, dh = c->dil_h;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow - c->pad_left;
    int32_t kh_lo, kh_hi;
    kiln_range_inside(ih0, dh, c->h_in, c->k_h, &kh_lo, &kh_hi);
    rows3 it;
    it.row_step = (ptrdiff_t)dh * c->w_in;
    it.plane_skip = (ptrdiff_t)c->h_in * c->w_in - (kh_hi - kh_lo) * it.row_step;
    it.x = xg, it.r = (ptrdiff_t)(ih0 + kh_lo * dh) * c->w_in + iw0 +
                      (kind == PAIR_LEFT) - (kind == PAIR_RIGHT);
    it.kh = 0, it.kh_n = c->k_h, it.kh_lo = kh_lo, it.n_in = kh_hi - kh_lo;
    it.offs = (int32_t)((uint32_t)(uint16_t)p->io.input_offset * 0x10001u);
    const int32_t cin_g = c->c_in / c->group;
    int32_t t = kind == PAIR_LEFT    ? quads(&it, n_rows, cin_g, cols, PAIR_LEFT)
                : kind == PAIR_RIGHT ? quads(&it, n_rows, cin_g, cols, PAIR_RIGHT)
                                     : quads(&it, n_rows, cin_g, cols, PAIR_INSIDE);
    for (int32_t i = 3 * t; t < n_rows; t++, i += 3) {
        uint32_t e, o;
        next_row(&it, &e, &o, kind);
        const int16_t v[2][3] = {{(int16_t)e, (int16_t)o, (int16_t)(e >> 16)},
                                 {(int16_t)o, (int16_t)(e >> 16), (int16_t)(o >> 16)}};
        for (int32_t j = 0; j < 2; j++)
            for (int32_t m = 0; m < 3; m++)
                cols[kiln_s8_col_slot(i + m, j, k)] = v[j][m];
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
                const int kind = n_cols == 2 ? pair3_kind(c, ow) : PAIR_NONE;
                if (kind != PAIR_NONE) {
                    gather_pair3(p, xg, oh, ow, kind, cols, k);
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
