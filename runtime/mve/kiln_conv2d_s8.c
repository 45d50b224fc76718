/* SPDX-License-Identifier: MIT */
/* Conv, int8, any geometry, Helium (MVE): im2col of three output pixels to int8 columns
 * (the raw input, padding cells hold the input zero point so they add w * 0) by gather
 * loads with offsets computed once per call (on the border, lanes outside the input are
 * predicated off and get the padding); then VMLADAVA sums 16 int8 products of a weight row
 * (the ONNX layout is already the column order) and a column per instruction: two output
 * channels times three columns share their loads. The input offset is folded into the bias
 * (sum w * (x + off) = sum w * x + off * sum w, exact in integers), the weight sums taken
 * once per call; the outputs of a pixel are requantized four channels at a time. Same bits
 * as the portable kernel; columns longer than the stack buffer take the portable loop. */
#include "kiln.h"
#include <arm_mve.h>

#define COL_MAX KILN_S8_COL_MAX /* values per column */
#define OC_CHUNK 64             /* output channels whose sums are kept per pixel */
#define SUMS_ROW (OC_CHUNK + 1) /* the odd last channel's partner lands in the extra slot */

/* Offset and clamp of the output, as vectors. */
typedef struct {
    int32x4_t off, lo, hi;
} out_range;

/* kiln_requantize on four lanes, each with its own multiplier and shift, then offset and
 * clamp. VQRDMULH rounds (a * b + 2^30) >> 31, which is kiln_mul_high_s32 for either sign
 * (see kiln_requantize_dsp); subtracting 1 from negative values of lanes that shift right
 * makes VRSHL's ties go away from zero. */
static inline int32x4_t requant4_lanes(int32x4_t acc, int32x4_t m, int32x4_t sh,
                                       const out_range *r)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(sh, zero);
    acc = vqrdmulhq_s32(vqshlq_s32(acc, vmaxq_s32(sh, zero)), m);
    const int32x4_t neg = vandq_s32(vshrq_n_s32(acc, 31), vshrq_n_s32(right, 31));
    acc = vaddq_s32(vrshlq_s32(vqaddq_s32(acc, neg), right), r->off);
    return vminq_s32(vmaxq_s32(acc, r->lo), r->hi);
}

/* Dot products of weight rows wa, wb with columns x0, x1, x2 (k values each): a[j * stride],
 * b[j * stride].
 * Not inlined: six sums and five pointers fill the registers (VMLADAVA accumulates into
 * even registers only), the caller's values would spill inside the loop. The k % 16 tail is
 * one predicated step. */
static __attribute__((noinline)) void dots_2x3(const int8_t *wa, const int8_t *wb,
                                               const int8_t *x0, const int8_t *x1,
                                               const int8_t *x2, int32_t k, int32_t *a,
                                               int32_t *b, ptrdiff_t stride)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0;
    for (int32_t n = k >> 4; n > 0; n--) {
        const int8x16_t va = vld1q_s8(wa), vb = vld1q_s8(wb);
        int8x16_t v = vld1q_s8(x0);
        a0 = vmladavaq_s8(a0, va, v), b0 = vmladavaq_s8(b0, vb, v);
        v = vld1q_s8(x1);
        a1 = vmladavaq_s8(a1, va, v), b1 = vmladavaq_s8(b1, vb, v);
        v = vld1q_s8(x2);
        a2 = vmladavaq_s8(a2, va, v), b2 = vmladavaq_s8(b2, vb, v);
        wa += 16, wb += 16, x0 += 16, x1 += 16, x2 += 16;
    }
    if (k & 15) {
        const mve_pred16_t p = vctp8q((uint32_t)(k & 15));
        const int8x16_t va = vldrbq_z_s8(wa, p), vb = vldrbq_z_s8(wb, p);
        int8x16_t v = vldrbq_z_s8(x0, p);
        a0 = vmladavaq_s8(a0, va, v), b0 = vmladavaq_s8(b0, vb, v);
        v = vldrbq_z_s8(x1, p);
        a1 = vmladavaq_s8(a1, va, v), b1 = vmladavaq_s8(b1, vb, v);
        v = vldrbq_z_s8(x2, p);
        a2 = vmladavaq_s8(a2, va, v), b2 = vmladavaq_s8(b2, vb, v);
    }
    a[0] = a0, a[stride] = a1, a[2 * stride] = a2;
    b[0] = b0, b[stride] = b1, b[2 * stride] = b2;
}

/* Sum of the k weights of a row. */
static int32_t weight_sum(const int8_t *w, int32_t k)
{
    int32_t s = 0;
    for (int32_t i = 0; i < k; i += 16)
        s = vaddvaq_s8(s, vldrbq_z_s8(w + i, vctp8q((uint32_t)(k - i))));
    return s;
}

/* The window's k cells in the weights' order: offset from the window's top left input
 * cell, kernel row and column. */
typedef struct {
    uint16_t offs[COL_MAX];
    uint8_t kh[COL_MAX], kw[COL_MAX];
} window_table;

/* Fills t; 0 when a cell's offset within the group's input (every channel) would not fit in
 * 16 bits or the kernel is wider than 255: then windows are copied row by row. */
static int window_table_fill(const kiln_conv2d_params *c, int32_t cin_g, window_table *t)
{
    const int32_t plane = c->h_in * c->w_in;
    if ((int64_t)cin_g * plane > 0x10000 || c->k_h > 255 || c->k_w > 255)
        return 0;
    int32_t i = 0;
    for (int32_t ic = 0; ic < cin_g; ic++)
        for (int32_t kh = 0; kh < c->k_h; kh++)
            for (int32_t kw = 0; kw < c->k_w; kw++, i++) {
                t->offs[i] = (uint16_t)(ic * plane + kh * c->dil_h * c->w_in + kw * c->dil_w);
                t->kh[i] = (uint8_t)kh, t->kw[i] = (uint8_t)kw;
            }
    return 1;
}

/* A window inside the input: k cells gathered from base, eight per gather load. */
static void gather_col(const int8_t *base, const uint16_t *offs, int32_t k, int8_t *col)
{
    int32_t i = 0;
    for (; i + 8 <= k; i += 8)
        vstrbq_s16(col + i, vldrbq_gather_offset_s16(base, vld1q_u16(offs + i)));
    if (i < k) {
        const mve_pred16_t p = vctp16q((uint32_t)(k - i));
        const uint16x8_t o = vldrhq_z_u16(offs + i, p);
        vstrbq_p_s16(col + i, vldrbq_gather_offset_z_s16(base, o, p), p);
    }
}

/* A window on the border: cells whose kernel row is in [r[0], r[1]) and column in [r[2],
 * r[3]) are gathered from the group's input xg at offs + at (exact in 16 bits: those cells
 * lie inside it, and the table is only filled when every such offset fits), the others get
 * pad. */
static void gather_border(const int8_t *xg, const window_table *t, int32_t k, int32_t at,
                          const int32_t r[4], int8_t pad, int8_t *col)
{
    const int16x8_t padv = vdupq_n_s16(pad);
    for (int32_t i = 0; i < k; i += 8) {
        const mve_pred16_t p = vctp16q((uint32_t)(k - i));
        const int16x8_t kh = vreinterpretq_s16_u16(vldrbq_z_u16(t->kh + i, p));
        const int16x8_t kw = vreinterpretq_s16_u16(vldrbq_z_u16(t->kw + i, p));
        mve_pred16_t in = vcmpgeq_m_n_s16(kh, (int16_t)r[0], p);
        in = vcmpltq_m_n_s16(kh, (int16_t)r[1], in);
        in = vcmpgeq_m_n_s16(kw, (int16_t)r[2], in);
        in = vcmpltq_m_n_s16(kw, (int16_t)r[3], in);
        const uint16x8_t o = vaddq_n_u16(vldrhq_z_u16(t->offs + i, p), (uint16_t)at);
        const int16x8_t v = vldrbq_gather_offset_z_s16(xg, o, in);
        vstrbq_p_s16(col + i, vpselq_s16(v, padv, in), p);
    }
}

/* Cells [lo, hi) of a window row: one predicated copy when the cells are adjacent. */
static void copy_row(const int8_t *xr, int32_t dil, int32_t lo, int32_t hi, int8_t *cr)
{
    if (dil == 1 && hi - lo <= 16) {
        const mve_pred16_t p = vctp8q((uint32_t)(hi - lo));
        vstrbq_p_s8(cr + lo, vldrbq_z_s8(xr + lo, p), p);
        return;
    }
    for (int32_t kw = lo; kw < hi; kw++)
        cr[kw] = xr[kw * dil];
}

/* Column of output pixel (oh, ow) over the group's input xg: (ic, kh, kw) in the weights'
 * order, cells outside the input hold pad (the input zero point). With the table t (may be
 * NULL) every window is gathered; without it, windows are copied row by row. */
static void im2col(const kiln_conv2d_params *c, const int8_t *xg, int32_t cin_g,
                   const window_table *t, int32_t oh, int32_t ow, int8_t pad, int8_t *col)
{
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t r[4];
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &r[0], &r[1]);
    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &r[2], &r[3]);
    const int32_t kk = c->k_h * c->k_w;
    const int inside = r[0] == 0 && r[1] == c->k_h && r[2] == 0 && r[3] == c->k_w;
    if (t && inside) {
        gather_col(xg + (ptrdiff_t)ih0 * c->w_in + iw0, t->offs, cin_g * kk, col);
        return;
    }
    if (t) {
        gather_border(xg, t, cin_g * kk, ih0 * c->w_in + iw0, r, pad, col);
        return;
    }
    if (!inside) /* pad first */
        for (int32_t i = 0; i < cin_g * kk; i += 16)
            vstrbq_p_s8(col + i, vdupq_n_s8(pad), vctp8q((uint32_t)(cin_g * kk - i)));
    const ptrdiff_t plane = (ptrdiff_t)c->h_in * c->w_in;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        const int8_t *xc = xg + ic * plane;
        int8_t *cc = col + ic * kk;
        for (int32_t kh = r[0]; kh < r[1]; kh++)
            copy_row(xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0, c->dil_w, r[2], r[3],
                     cc + kh * c->k_w);
    }
}

/* Outputs of channels [oc, oc + nc) at one pixel from their sums and base (bias + off *
 * sum w), four channels per step: per-lane requantization, scatter store (channel planes
 * hw apart); the loop unpredicated, the last channels one predicated step. */
static void store_pixel(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        int32_t oc, int32_t nc, const int32_t *base, const int32_t *sums,
                        int8_t *dst, int32_t hw)
{
    const uint32x4_t planes = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)hw);
    const out_range r = {vdupq_n_s32(p->io.output_offset), vdupq_n_s32(p->io.act_min),
                         vdupq_n_s32(p->io.act_max)};
    const int32_t *m = q->multiplier + oc;
    const int8_t *sh = q->shift + oc;
    const ptrdiff_t step = (ptrdiff_t)4 * hw;
    int32_t o = 0;
    for (; o + 4 <= nc; o += 4, dst += step) {
        const int32x4_t acc = vaddq_s32(vld1q_s32(sums + o), vld1q_s32(base + o));
        vstrbq_scatter_offset_s32(dst, planes,
                                  requant4_lanes(acc, vld1q_s32(m + o), vldrbq_s32(sh + o), &r));
    }
    if (o < nc) {
        const mve_pred16_t lanes = vctp32q((uint32_t)(nc - o));
        const int32x4_t acc =
            vaddq_s32(vldrwq_z_s32(sums + o, lanes), vldrwq_z_s32(base + o, lanes));
        const int32x4_t v = requant4_lanes(acc, vldrwq_z_s32(m + o, lanes),
                                           vldrbq_z_s32(sh + o, lanes), &r);
        vstrbq_scatter_offset_p_s32(dst, planes, v, lanes);
    }
}

/* Channels [c0, c0 + nc) of one group (input xg, weights wg, bias bg or NULL, output yg of
 * its channels, the first of them channel oc0): three pixels' columns, then every channel
 * pair's dot products, then each pixel's outputs. */
static void chunk_outputs(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          const int8_t *xg, const int8_t *wg, const int32_t *bg, int32_t oc0,
                          int32_t c0, int32_t nc, const window_table *t, int8_t *yg)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group;
    const int32_t k = cin_g * c->k_h * c->k_w, hw = c->h_out * c->w_out;
    const int8_t pad = (int8_t)-p->io.input_offset;
    int32_t base[OC_CHUNK], sums[3 * SUMS_ROW];
    int8_t cols[3 * COL_MAX];
    for (int32_t o = 0; o < nc; o++) {
        const int8_t *wo = wg + (ptrdiff_t)(c0 + o) * k;
        base[o] = (bg ? bg[c0 + o] : 0) + p->io.input_offset * weight_sum(wo, k);
    }
    for (int32_t s = 0; s < hw; s += 3) {
        const int32_t n = hw - s < 3 ? hw - s : 3;
        for (int32_t j = 0; j < n; j++)
            im2col(c, xg, cin_g, t, (s + j) / c->w_out, (s + j) % c->w_out, pad, cols + j * k);
        const int8_t *x0 = cols, *x1 = n > 1 ? cols + k : x0, *x2 = n > 2 ? cols + 2 * k : x0;
        for (int32_t o = 0; o < nc; o += 2) { /* an odd last channel pairs with itself */
            const int8_t *wa = wg + (ptrdiff_t)(c0 + o) * k, *wb = o + 1 < nc ? wa + k : wa;
            dots_2x3(wa, wb, x0, x1, x2, k, sums + o, sums + o + 1, SUMS_ROW);
        }
        for (int32_t j = 0; j < n; j++)
            store_pixel(p, q, oc0 + c0, nc, base, sums + j * SUMS_ROW,
                        yg + (ptrdiff_t)c0 * hw + s + j, hw);
    }
}

/* Every output of one group, in chunks of OC_CHUNK channels. */
static void group_outputs(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          const int8_t *xg, const int8_t *wg, const int32_t *bg, int32_t oc0,
                          int8_t *yg)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, cout_g = c->c_out / c->group;
    window_table table;
    const window_table *t = window_table_fill(c, cin_g, &table) ? &table : 0;
    for (int32_t c0 = 0; c0 < cout_g; c0 += OC_CHUNK)
        chunk_outputs(p, q, xg, wg, bg, oc0, c0, cout_g - c0 < OC_CHUNK ? cout_g - c0 : OC_CHUNK,
                      t, yg);
}

/* The portable kernel's sum for output (oc, oh, ow) of group input xg and weights wo. */
static int8_t plain(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *xg, const int8_t *wo, const int32_t *bias, int32_t oc,
                    int32_t oh, int32_t ow)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t kh_lo, kh_hi, kw_lo, kw_hi;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
    int32_t acc = bias ? bias[oc] : 0;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        const int8_t *xc = xg + (ptrdiff_t)ic * c->h_in * c->w_in;
        const int8_t *wc = wo + (ptrdiff_t)ic * c->k_h * c->k_w;
        for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
            const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in;
            for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                acc += wc[kh * c->k_w + kw] * (xr[iw0 + kw * c->dil_w] + p->io.input_offset);
        }
    }
    acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
    return kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
}

/* Group g the portable way (columns too long for the stack buffer). */
static void group_plain(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *xg, const int8_t *w, const int32_t *bias, int32_t g,
                        int8_t *yg)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cout_g = c->c_out / c->group, hw = c->h_out * c->w_out;
    const int32_t k = c->c_in / c->group * c->k_h * c->k_w;
    for (int32_t o = 0; o < cout_g; o++) {
        const int32_t oc = g * cout_g + o;
        for (int32_t s = 0; s < hw; s++)
            yg[(ptrdiff_t)o * hw + s] = plain(p, q, xg, w + (ptrdiff_t)oc * k, bias, oc,
                                              s / c->w_out, s % c->w_out);
    }
}

void kiln_conv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, cout_g = c->c_out / c->group;
    const int32_t k = cin_g * c->k_h * c->k_w;
    const ptrdiff_t in_plane = (ptrdiff_t)c->h_in * c->w_in;
    const ptrdiff_t out_plane = (ptrdiff_t)c->h_out * c->w_out;
    const int fits = k <= COL_MAX;
    for (int32_t n = 0; n < c->n; n++)
        for (int32_t g = 0; g < c->group; g++) {
            const int8_t *xg = x + ((ptrdiff_t)n * c->c_in + g * cin_g) * in_plane;
            int8_t *yg = y + ((ptrdiff_t)n * c->c_out + g * cout_g) * out_plane;
            if (fits)
                group_outputs(p, q, xg, w + (ptrdiff_t)g * cout_g * k, bias ? bias + g * cout_g : 0,
                              g * cout_g, yg);
            else
                group_plain(p, q, xg, w, bias, g, yg);
        }
}
