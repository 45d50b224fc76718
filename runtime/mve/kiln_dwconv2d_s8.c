/* SPDX-License-Identifier: MIT */
/* Depthwise Conv, int8, Helium (MVE). A band of input rows is widened to int16 (x +
 * input_offset, zero padding around, each row w_pad values, the zero columns between two
 * rows shared as right and left padding) so that every window lies inside it. With stride 1 the band's output rows are one flat run: output (r, col) reads the band
 * at r * w_pad + col + tap offset, so narrow planes (KWS: 5 columns) still fill all four
 * int32 lanes; the columns past w_out are computed and dropped. Other strides run row by row
 * with gather loads. Each tap is one load and one VMLA by the scalar weight; requantization
 * is vectorised with the same bits as kiln_requantize. Planes too wide for the stack band
 * take the reference loop. */
#include "kiln.h"
#include <arm_mve.h>

#define BAND_MAX KILN_S8_COL_MAX

typedef struct {
    int32_t sh, sw, dh, dw, k_h, k_w, w_pad; /* strides, dilations, kernel, band row width */
    int32_t cols;                            /* out[] values per output row */
    int32_t in_off, h_in, w_in, pad_top, pad_left;
} band_geom;

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

static void fill_zero(int16_t *r, int32_t n)
{
    for (int32_t i = 0; i < n; i += 8)
        vstrhq_p_s16(r + i, vdupq_n_s16(0), vctp16q((uint32_t)(n - i)));
}

/* Input row xr widened with the offset into dst[0, g->w_in). */
static void widen_row(const band_geom *g, const int8_t *xr, int16_t *dst)
{
    for (int32_t i = 0; i < g->w_in; i += 8) {
        const mve_pred16_t p = vctp16q((uint32_t)(g->w_in - i));
        const int16x8_t v = vaddq_n_s16(vldrbq_z_s16(xr + i, p), (int16_t)g->in_off);
        vstrhq_p_s16(dst + i, v, p);
    }
}

/* Values read past the band's rows by the dropped lanes of the last vector and by the last
 * row's windows, which reach into the (absent) next row's left padding. */
static int32_t band_slack(const band_geom *g)
{
    return 4 * g->sw + (g->k_w - 1) * g->dw + 4 + g->pad_left;
}

/* Input rows of output rows [oh0, oh0 + n_rows) into band, the slack after them cleared:
 * the whole band is zeroed (padding rows and columns, slack) in one run of vector stores,
 * then the input rows are widened into place. */
static void fill_band(const band_geom *g, const int8_t *xc, int32_t oh0, int32_t n_rows,
                      int16_t *band)
{
    const int32_t rows = (n_rows - 1) * g->sh + (g->k_h - 1) * g->dh + 1;
    fill_zero(band, rows * g->w_pad + band_slack(g));
    for (int32_t r = 0; r < rows; r++) {
        const int32_t ih = oh0 * g->sh - g->pad_top + r;
        if (ih >= 0 && ih < g->h_in)
            widen_row(g, xc + (ptrdiff_t)ih * g->w_in,
                      band + (ptrdiff_t)r * g->w_pad + g->pad_left);
    }
}

/* n outputs from base (output t reads base + sw * t + tap offset), four at a time, into
 * out (n rounded up to 4 bytes). */
static void run_flat(const band_geom *g, const int16_t *base, const int8_t *wc, int32_t b,
                     int32_t m, int32_t sh, const kiln_s8_io *io, int32_t n, int8_t *out)
{
    const int32_t s = g->sw;
    const uint32x4_t offs = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)s);
    for (int32_t t = 0; t < n; t += 4) {
        const int16_t *at = base + (ptrdiff_t)s * t;
        int32x4_t acc = vdupq_n_s32(b);
        for (int32_t kh = 0; kh < g->k_h; kh++) {
            const int16_t *row = at + (ptrdiff_t)kh * g->dh * g->w_pad;
            for (int32_t kw = 0; kw < g->k_w; kw++) {
                const int16_t *p = row + kw * g->dw;
                const int32x4_t xv =
                    s == 1 ? vldrhq_s32(p) : vldrhq_gather_shifted_offset_s32(p, offs);
                acc = vmlaq_n_s32(acc, xv, wc[kh * g->k_w + kw]);
            }
        }
        vstrbq_s32(out + t, requant4(acc, m, sh, io));
    }
}

/* Four int16 values at p, p + s, p + 2s, p + 3s (offs: 0, s, 2s, 3s). */
static inline int32x4_t load4(const int16_t *p, int32_t s, uint32x4_t offs)
{
    return s == 1 ? vldrhq_s32(p) : vldrhq_gather_shifted_offset_s32(p, offs);
}

/* Kernel rows 0 and 1 of n (rounded up to 4) outputs of a 3x3 run with column stride s from
 * band, plus the bias, into acc: six weights and two row pointers fit the registers. */
static void sums_rows01(const int16_t *band, int32_t wp, int32_t s, const int8_t *wc, int32_t b,
                        int32_t n, int32_t *acc)
{
    const int32_t w0 = wc[0], w1 = wc[1], w2 = wc[2], w3 = wc[3], w4 = wc[4], w5 = wc[5];
    const int32x4_t bv = vdupq_n_s32(b);
    const uint32x4_t offs = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)s);
    const int16_t *r0 = band, *r1 = r0 + wp;
    for (int32_t t = 0; t < n; t += 4) {
        int32x4_t a = vmlaq_n_s32(bv, load4(r0, s, offs), w0);
        a = vmlaq_n_s32(a, load4(r0 + 1, s, offs), w1);
        a = vmlaq_n_s32(a, load4(r0 + 2, s, offs), w2);
        a = vmlaq_n_s32(a, load4(r1, s, offs), w3);
        a = vmlaq_n_s32(a, load4(r1 + 1, s, offs), w4);
        a = vmlaq_n_s32(a, load4(r1 + 2, s, offs), w5);
        vst1q_s32(acc + t, a);
        r0 += 4 * s, r1 += 4 * s;
    }
}

/* Kernel row 2 (r2, weights wc[6..8], column stride s) added to the sums in acc, then
 * requant4 without branches: the shifts' vectors are set once (a left shift of 0 and a
 * right shift of 0 change nothing, the rounding correction is masked off unless the shift
 * is right). */
static void row2_requant(const int16_t *r2, int32_t s, const int8_t *wc, const int32_t *acc,
                         int32_t m, int32_t sh, const kiln_s8_io *io, int32_t n, int8_t *out)
{
    const int32_t w6 = wc[6], w7 = wc[7], w8 = wc[8];
    const uint32x4_t offs = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)s);
    const int32x4_t left = vdupq_n_s32(sh > 0 ? sh : 0), right = vdupq_n_s32(sh < 0 ? sh : 0);
    const int32x4_t round = vdupq_n_s32(sh < 0 ? -1 : 0);
    const int32x4_t lo = vdupq_n_s32(io->act_min), hi = vdupq_n_s32(io->act_max);
    const int32_t off = io->output_offset;
    for (int32_t t = 0; t < n; t += 4) {
        int32x4_t a = vmlaq_n_s32(vld1q_s32(acc + t), load4(r2, s, offs), w6);
        a = vmlaq_n_s32(a, load4(r2 + 1, s, offs), w7);
        a = vmlaq_n_s32(a, load4(r2 + 2, s, offs), w8);
        a = vqrdmulhq_n_s32(vqshlq_s32(a, left), m);
        a = vrshlq_s32(vqaddq_s32(a, vandq_s32(vshrq_n_s32(a, 31), round)), right);
        a = vminq_s32(vmaxq_s32(vaddq_n_s32(a, off), lo), hi);
        vstrbq_s32(out + t, a);
        r2 += 4 * s;
    }
}

/* 3x3, no dilation, column stride s (1: a flat run over the band, KWS and most MobileNet
 * layers; 2: one output row), up to 64 outputs at a time: kernel rows 0-1 in one loop, row 2
 * and the requantization in another (one loop holding all nine weights and the
 * requantization spilled most of them). */
static void run_3x3(const band_geom *g, const int16_t *band, int32_t s, const int8_t *wc,
                    int32_t b, int32_t m, int32_t sh, const kiln_s8_io *io, int32_t n, int8_t *out)
{
    int32_t acc[64];
    for (int32_t t0 = 0; t0 < n; t0 += 64) {
        const int32_t cnt = n - t0 < 64 ? n - t0 : 64;
        const int16_t *at = band + (ptrdiff_t)t0 * s;
        sums_rows01(at, g->w_pad, s, wc, b, cnt, acc);
        row2_requant(at + 2 * g->w_pad, s, wc, acc, m, sh, io, cnt, out + t0);
    }
}

/* Output rows [oh_lo, oh_hi) of one channel into dst (row pitch w_out), bands of
 * rows_per_band rows. With stride 1 a band's output rows are one run over the band (row
 * pitch w_pad, the columns past w_out dropped); otherwise one run per output row. */
static void channel(const kiln_conv2d_s8_params *p, const band_geom *g, int32_t rows_per_band,
                    const int8_t *xc, const int8_t *wc, int32_t b, int32_t m, int32_t sh,
                    int32_t oh_lo, int32_t oh_hi, int8_t *dst)
{
    const kiln_conv2d_params *c = &p->conv;
    const int unit = g->sh == 1 && g->sw == 1;
    const int is_3x3 = g->k_h == 3 && g->k_w == 3 && g->dh == 1 && g->dw == 1;
    int16_t band[BAND_MAX];
    int8_t out[BAND_MAX];
    for (int32_t oh0 = oh_lo; oh0 < oh_hi; oh0 += rows_per_band) {
        const int32_t n_rows = oh_hi - oh0 < rows_per_band ? oh_hi - oh0 : rows_per_band;
        fill_band(g, xc, oh0, n_rows, band);
        if (unit && is_3x3)
            run_3x3(g, band, 1, wc, b, m, sh, &p->io, n_rows * g->cols, out);
        else if (unit)
            run_flat(g, band, wc, b, m, sh, &p->io, n_rows * g->cols, out);
        else
            for (int32_t r = 0; r < n_rows; r++) {
                const int16_t *row = band + (ptrdiff_t)r * g->sh * g->w_pad;
                int8_t *o = out + (ptrdiff_t)r * g->cols;
                if (is_3x3 && g->sw == 2)
                    run_3x3(g, row, 2, wc, b, m, sh, &p->io, c->w_out, o);
                else
                    run_flat(g, row, wc, b, m, sh, &p->io, c->w_out, o);
            }
        for (int32_t r = 0; r < n_rows; r++) {
            int8_t *yr = dst + (ptrdiff_t)(oh0 - oh_lo + r) * c->w_out;
            const int8_t *src = out + (ptrdiff_t)r * g->cols;
            for (int32_t i = 0; i < c->w_out; i += 16)
                vstrbq_p_s8(yr + i, vld1q_s8(src + i), vctp8q((uint32_t)(c->w_out - i)));
        }
    }
}

/* Output rows per band so that the band with its slack and out[] (with the 16-byte reads
 * of the copy out) fit: 0 when not even one row does. */
static int32_t band_rows(const band_geom *g, int32_t h_out)
{
    const int32_t in_rows = (BAND_MAX - band_slack(g)) / g->w_pad, reach = (g->k_h - 1) * g->dh + 1;
    if (in_rows < reach || g->cols + 16 > BAND_MAX)
        return 0;
    const int32_t by_band = (in_rows - reach) / g->sh + 1, by_out = (BAND_MAX - 16) / g->cols;
    const int32_t r = by_band < by_out ? by_band : by_out;
    return r < h_out ? r : h_out;
}

/* The portable kernel's loop, for planes wider than the band. */
static void channel_ref(const kiln_conv2d_s8_params *p, const int8_t *xc, const int8_t *wc,
                        int32_t b, int32_t m, int32_t sh, int32_t oh_lo, int32_t oh_hi,
                        int8_t *dst)
{
    const kiln_conv2d_params *c = &p->conv;
    for (int32_t oh = oh_lo; oh < oh_hi; oh++) {
        const int32_t ih0 = oh * c->stride_h - c->pad_top;
        int32_t kh_lo, kh_hi;
        kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
        for (int32_t ow = 0; ow < c->w_out; ow++) {
            const int32_t iw0 = ow * c->stride_w - c->pad_left;
            int32_t kw_lo, kw_hi;
            kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
            int32_t acc = b;
            for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0;
                for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                    acc += wc[kh * c->k_w + kw] * (xr[kw * c->dil_w] + p->io.input_offset);
            }
            acc = kiln_requantize(acc, m, sh);
            dst[(oh - oh_lo) * c->w_out + ow] =
                kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
        }
    }
}

/* Band row pitch: the row's left padding and input, and every window inside it. A window
 * may run past the row into the next row's left padding (zeros too), so one zero column
 * serves as right padding of a row and left padding of the next: KWS's 5-wide rows with pad
 * 1 take a pitch of 6, not 7. With stride 1 the outputs are laid out at this pitch, so it
 * is at least w_out. */
static int32_t row_pitch(const kiln_conv2d_params *c)
{
    const int32_t reach = (c->w_out - 1) * c->stride_w + (c->k_w - 1) * c->dil_w + 1;
    int32_t w = c->pad_left + c->w_in;
    w = reach - c->pad_left > w ? reach - c->pad_left : w;
    return c->w_out > w ? c->w_out : w;
}

static band_geom geometry(const kiln_conv2d_s8_params *p)
{
    const kiln_conv2d_params *c = &p->conv;
    band_geom g = {c->stride_h, c->stride_w, c->dil_h, c->dil_w, c->k_h, c->k_w, 0, 0,
                   p->io.input_offset, c->h_in, c->w_in, c->pad_top, c->pad_left};
    g.w_pad = row_pitch(c);
    g.cols = c->stride_h == 1 && c->stride_w == 1 ? g.w_pad : c->w_out;
    return g;
}

void kiln_dwconv2d_s8_rows_mve(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                               const int8_t *xc, const int8_t *w, const int32_t *bias, int32_t oc,
                               int32_t oh_lo, int32_t oh_hi, int8_t *dst)
{
    const band_geom g = geometry(p);
    const int32_t rows = band_rows(&g, p->conv.h_out);
    const int8_t *wc = w + (ptrdiff_t)oc * p->conv.k_h * p->conv.k_w;
    const int32_t b = bias ? bias[oc] : 0, m = q->multiplier[oc];
    const int32_t sh = q->shift[oc]; /* widened once: the field may become int8_t */
    if (rows > 0)
        channel(p, &g, rows, xc, wc, b, m, sh, oh_lo, oh_hi, dst);
    else
        channel_ref(p, xc, wc, b, m, sh, oh_lo, oh_hi, dst);
}

void kiln_dwconv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t mult_c = c->c_out / c->c_in, hw = c->h_out * c->w_out;
    for (int32_t n = 0; n < c->n; n++)
        for (int32_t oc = 0; oc < c->c_out; oc++)
            kiln_dwconv2d_s8_rows_mve(
                p, q, x + ((ptrdiff_t)n * c->c_in + oc / mult_c) * c->h_in * c->w_in, w, bias,
                oc, 0, c->h_out, y + ((ptrdiff_t)n * c->c_out + oc) * hw);
}
