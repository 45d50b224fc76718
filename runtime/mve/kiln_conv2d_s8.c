/* SPDX-License-Identifier: MIT */
/* Conv, int8, any geometry, Helium (MVE): im2col of three output pixels to int8 columns
 * (the raw input, padding cells hold the input zero point so they add w * 0; windows
 * inside the input by gather loads with offsets computed once per call), then
 * VMLADAVA sums 16 int8 products of a weight row (the ONNX layout is already the column
 * order) and a column per instruction: two output channels times three columns share their
 * loads. The input offset is folded into the bias (sum w * (x + off) = sum w * x + off *
 * sum w, exact in integers), the weight sums taken once per call. Same bits as the portable
 * kernel; columns or channel counts past the stack buffers take the portable loop. */
#include "kiln.h"
#include <arm_mve.h>

#define COL_MAX KILN_S8_COL_MAX /* values per column */
#define OC_MAX 256              /* output channels per group (their bias + off * sum w) */

/* kiln_requantize on four lanes, then offset and clamp. VQRDMULH rounds (a * b + 2^30) >>
 * 31, which is kiln_mul_high_s32 for either sign (see kiln_requantize_dsp); subtracting 1
 * from negative values before the rounding shift makes its ties go away from zero. */
static inline int32x4_t requant4(int32x4_t acc, int32_t m, int32_t sh, const kiln_s8_io *io)
{
    if (sh > 0)
        acc = vqshlq_r_s32(acc, sh);
    acc = vqrdmulhq_n_s32(acc, m);
    if (sh < 0) {
        const int32x4_t neg = vshrq_n_s32(acc, 31);
        acc = vrshlq_n_s32(vqaddq_s32(acc, neg), sh);
    }
    acc = vaddq_n_s32(acc, io->output_offset);
    return vminq_s32(vmaxq_s32(acc, vdupq_n_s32(io->act_min)), vdupq_n_s32(io->act_max));
}

/* Dot products of weight rows wa, wb with columns x0, x1, x2 (k values each): a[j], b[j].
 * Not inlined: six sums and five pointers fill the registers (VMLADAVA accumulates into
 * even registers only), the caller's values would spill inside the loop. The k % 16 tail is
 * one predicated step. */
static __attribute__((noinline)) void dots_2x3(const int8_t *wa, const int8_t *wb,
                                               const int8_t *x0, const int8_t *x1,
                                               const int8_t *x2, int32_t k, int32_t a[4],
                                               int32_t b[4])
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
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = 0;
    b[0] = b0, b[1] = b1, b[2] = b2, b[3] = 0;
}

/* Sum of the k weights of a row. */
static int32_t weight_sum(const int8_t *w, int32_t k)
{
    int32_t s = 0;
    for (int32_t i = 0; i < k; i += 16)
        s = vaddvaq_s8(s, vldrbq_z_s8(w + i, vctp8q((uint32_t)(k - i))));
    return s;
}

/* The window's k cells as offsets from its top left input cell, in the weights' order:
 * 0 when they do not fit in 16 bits. */
static int window_offsets(const kiln_conv2d_params *c, int32_t cin_g, uint16_t *offs)
{
    const int32_t plane = c->h_in * c->w_in;
    if ((int64_t)(cin_g - 1) * plane + (int64_t)(c->k_h - 1) * c->dil_h * c->w_in +
            (int64_t)(c->k_w - 1) * c->dil_w > 0xffff)
        return 0;
    int32_t i = 0;
    for (int32_t ic = 0; ic < cin_g; ic++)
        for (int32_t kh = 0; kh < c->k_h; kh++)
            for (int32_t kw = 0; kw < c->k_w; kw++)
                offs[i++] = (uint16_t)(ic * plane + kh * c->dil_h * c->w_in + kw * c->dil_w);
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
 * order, cells outside the input hold pad (the input zero point). Windows inside the input
 * are gathered with offs (when not NULL); the border ones are copied row by row. */
static void im2col(const kiln_conv2d_params *c, const int8_t *xg, int32_t cin_g,
                   const uint16_t *offs, int32_t oh, int32_t ow, int8_t pad, int8_t *col)
{
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t kh_lo, kh_hi, kw_lo, kw_hi;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
    const int32_t kk = c->k_h * c->k_w;
    const int inside = kh_lo == 0 && kh_hi == c->k_h && kw_lo == 0 && kw_hi == c->k_w;
    if (inside && offs) {
        gather_col(xg + (ptrdiff_t)ih0 * c->w_in + iw0, offs, cin_g * kk, col);
        return;
    }
    if (!inside) /* the border: pad first */
        for (int32_t i = 0; i < cin_g * kk; i += 16)
            vstrbq_p_s8(col + i, vdupq_n_s8(pad), vctp8q((uint32_t)(cin_g * kk - i)));
    const ptrdiff_t plane = (ptrdiff_t)c->h_in * c->w_in;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        const int8_t *xc = xg + ic * plane;
        int8_t *cc = col + ic * kk;
        for (int32_t kh = kh_lo; kh < kh_hi; kh++)
            copy_row(xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0, c->dil_w, kw_lo,
                     kw_hi, cc + kh * c->k_w);
    }
}

/* n <= 3 adjacent outputs of channel oc from their sums and base = bias + off * sum w. */
static void store3(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q, int32_t oc,
                   int32_t base, const int32_t sums[4], int8_t *dst, int32_t n)
{
    const int32_t sh = q->shift[oc]; /* widened once: the field may become int8_t */
    const int32x4_t acc = vaddq_n_s32(vld1q_s32(sums), base);
    vstrbq_p_s32(dst, requant4(acc, q->multiplier[oc], sh, &p->io), vctp32q((uint32_t)n));
}

/* Every output of one group: input xg, weights wg, bias bg (or NULL) and output yg of its
 * channels, the first of them channel oc0. */
static void group_outputs(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          const int8_t *xg, const int8_t *wg, const int32_t *bg, int32_t oc0,
                          int8_t *yg)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, cout_g = c->c_out / c->group;
    const int32_t k = cin_g * c->k_h * c->k_w, hw = c->h_out * c->w_out;
    const int8_t pad = (int8_t)-p->io.input_offset;
    int32_t base[OC_MAX];
    int8_t cols[3 * COL_MAX];
    uint16_t offs_buf[COL_MAX];
    const uint16_t *offs = window_offsets(c, cin_g, offs_buf) ? offs_buf : 0;
    for (int32_t o = 0; o < cout_g; o++)
        base[o] = (bg ? bg[o] : 0) + p->io.input_offset * weight_sum(wg + (ptrdiff_t)o * k, k);
    for (int32_t s = 0; s < hw; s += 3) {
        const int32_t n = hw - s < 3 ? hw - s : 3;
        for (int32_t j = 0; j < n; j++)
            im2col(c, xg, cin_g, offs, (s + j) / c->w_out, (s + j) % c->w_out, pad, cols + j * k);
        const int8_t *x0 = cols, *x1 = n > 1 ? cols + k : x0, *x2 = n > 2 ? cols + 2 * k : x0;
        for (int32_t o = 0; o < cout_g; o += 2) {
            const int two = o + 1 < cout_g;
            const int8_t *wa = wg + (ptrdiff_t)o * k, *wb = two ? wa + k : wa;
            int32_t a[4], b[4];
            dots_2x3(wa, wb, x0, x1, x2, k, a, b);
            int8_t *dst = yg + (ptrdiff_t)o * hw + s;
            store3(p, q, oc0 + o, base[o], a, dst, n);
            if (two)
                store3(p, q, oc0 + o + 1, base[o + 1], b, dst + hw, n);
        }
    }
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

/* Group g the portable way (columns or channel counts too big for the stack buffers). */
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
    const ptrdiff_t in_plane = (ptrdiff_t)c->h_in * c->w_in, out_plane = (ptrdiff_t)c->h_out * c->w_out;
    const int fits = k <= COL_MAX && cout_g <= OC_MAX;
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
