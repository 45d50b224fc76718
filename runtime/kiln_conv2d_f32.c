/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_gemm_nn_f32 kiln_act_f32 */
/* 2-D float convolution (ONNX Conv, NCHW) with bias and fused activation. */
#include "kiln.h"

/* Three paths, picked from the params alone:
 *  - depthwise (group == c_in == c_out): direct, from a zero-padded copy of each input
 *    plane in scratch, split into stride phases (see depthwise_geom); bias and ReLU/Clip
 *    are applied while copying each channel out (a missing bias adds +0.0f);
 *  - 1x1, stride 1, no padding: the input planes already are the GEMM's B matrix,
 *    y[c_out][hw] = w[c_out][c_in] * x[c_in][hw], run through the blocked GEMM core;
 *  - everything else: im2col of TILE output positions at a time into scratch
 *    ([c_in/group * k_h * k_w][TILE] floats), then the GEMM core. A small tile keeps the
 *    scratch small on a microcontroller and costs little: the GEMM core works in tiles of
 *    8 columns anyway, so the weights are read as often either way.
 * Every path sums each output in (c_in, k_h, k_w) order starting from 0.0f, then adds
 * the bias, then applies the activation (skipped padding taps only differ in a zero's
 * sign), so the paths agree with each other. */
#define TILE 16

static int is_depthwise(const kiln_conv2d_params *p)
{
    return p->group == p->c_in && p->c_out == p->c_in && p->group > 1;
}

static int is_pointwise(const kiln_conv2d_params *p)
{
    return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
           p->pad_top == 0 && p->pad_left == 0 && p->h_out == p->h_in && p->w_out == p->w_in;
}

/* Depthwise works on a zero-padded copy of one input plane in scratch, so no tap needs a
 * bounds check, split into stride_h x stride_w "phase" planes: padded row r and column
 * c go to phase (r % stride_h, c % stride_w) at (r / stride_h, c / stride_w). Every
 * phase plane is hq x wq (the padded plane rounded up to whole strides). Then output
 * (oh, ow) reads tap (kh, kw) from one phase plane at row oh + kh * dil_h / stride_h and
 * column ow + kw * dil_w / stride_w, so with any stride the outputs can be computed
 * "wide": (oh, ow) for every ow < wq, all rows forming one flat run q = oh * wq + ow
 * that reads tap t at xp[q + off[t]] (one constant offset per tap). The junk columns
 * ow >= w_out are dropped when copying out. Long flat runs beat per-row loops on the
 * narrow maps of small models (DS-CNN's 25x5, MobileNet's 6x6 and 3x3), and strided
 * convs read contiguous vectors instead of gathering every other element.
 * The run loops are plain elementwise loops over q (no reduction), which compilers
 * vectorize across q; 3x3 kernels (9 taps) get one pass with all taps in registers,
 * other kernels go in passes of up to 3 taps over the sums. */
typedef struct {
    int32_t hq, wq;  /* one phase plane */
    int32_t plane;   /* hq * wq */
    int32_t xp_size; /* stride_h * stride_w planes plus slack for the rounded-up run */
    int32_t nq;      /* outputs computed per channel: the wide run, DW_NV multiple */
} dw_geom;

#define DW_NV 8

static int32_t round_up(int32_t v, int32_t m)
{
    return (v + m - 1) / m * m;
}

static int32_t div_up(int32_t v, int32_t m)
{
    return (v + m - 1) / m;
}

static dw_geom depthwise_geom(const kiln_conv2d_params *p)
{
    dw_geom g;
    const int32_t need_w = (p->w_out - 1) * p->stride_w + (p->k_w - 1) * p->dil_w + 1;
    const int32_t need_h = (p->h_out - 1) * p->stride_h + (p->k_h - 1) * p->dil_h + 1;
    const int32_t wp = p->pad_left + p->w_in > need_w ? p->pad_left + p->w_in : need_w;
    const int32_t hp = p->pad_top + p->h_in > need_h ? p->pad_top + p->h_in : need_h;
    g.wq = div_up(wp, p->stride_w);
    g.hq = div_up(hp, p->stride_h);
    g.plane = g.hq * g.wq;
    g.nq = round_up((p->h_out - 1) * g.wq + p->w_out, DW_NV);
    /* Valid outputs stay inside the planes; the junk tail of the rounded-up run reads
     * at most DW_NV - 1 floats past them. */
    g.xp_size = p->stride_h * p->stride_w * g.plane + DW_NV;
    return g;
}

/* In-place line buffer: output rows of one channel are computed in order and written
 * back once the input they overwrite is dead. Input still needed when output row oh is
 * next: from row oh * stride - pad_top of channel c on (flat index below); output row j
 * of channel c ends at flat index c * hw_out + (j + 1) * w_out. */
static int32_t line_frontier(const kiln_conv2d_params *p, int32_t c, int32_t oh)
{
    if (oh >= p->h_out)
        return (c + 1) * p->h_in * p->w_in;
    int32_t r = oh * p->stride_h - p->pad_top;
    r = r < 0 ? 0 : r > p->h_in ? p->h_in : r;
    return c * p->h_in * p->w_in + r * p->w_in;
}

static int line_row_dead(const kiln_conv2d_params *p, int32_t c, int32_t j, int32_t next_oh)
{
    return c * p->h_out * p->w_out + (j + 1) * p->w_out <= line_frontier(p, c, next_oh);
}

/* Most output rows that wait at once (the line buffer's height), by simulation. */
static int32_t line_rows(const kiln_conv2d_params *p)
{
    int32_t most = 1;
    for (int32_t c = 0; c < p->c_out; c++) {
        int32_t done = 0;   /* rows written back */
        for (int32_t oh = 0; oh < p->h_out; oh++) {
            most = oh + 1 - done > most ? oh + 1 - done : most;
            while (done <= oh && line_row_dead(p, c, done, oh + 1))
                done++;
        }
    }
    return most;
}

/* Pixels per in-place pointwise block: 32, or the GEMM core's tile width (8) when the
 * planner asks for the least scratch. */
static int32_t pw_block(const kiln_conv2d_params *p)
{
    const int32_t hw = p->h_out * p->w_out, want = p->in_place == KILN_CONV_IN_PLACE_SMALL ? 8 : 32;
    return hw < want ? hw : want;
}

size_t kiln_conv2d_f32_scratch_size(const kiln_conv2d_params *p)
{
    if (p->in_place != KILN_CONV_SEPARATE && is_pointwise(p))
        return (size_t)p->c_in * (size_t)pw_block(p) * sizeof(float);
    if (p->in_place == KILN_CONV_IN_PLACE_SMALL)
        return (size_t)line_rows(p) * (size_t)p->w_out * sizeof(float);
    if (is_depthwise(p)) {
        const dw_geom g = depthwise_geom(p);
        return (size_t)(g.xp_size + g.nq) * sizeof(float);
    }
    if (is_pointwise(p))
        return 0;
    const size_t k = (size_t)(p->c_in / p->group) * (size_t)p->k_h * (size_t)p->k_w;
    const size_t hw = (size_t)p->h_out * (size_t)p->w_out;
    return k * (hw < TILE ? hw : TILE) * sizeof(float);
}

/* Offset of tap (kh, kw) in the phase planes, relative to the run position q. */
static int32_t dw_tap_offset(const kiln_conv2d_params *p, dw_geom g, int32_t kh, int32_t kw)
{
    const int32_t r = kh * p->dil_h, c = kw * p->dil_w;
    const int32_t phase = (r % p->stride_h) * p->stride_w + c % p->stride_w;
    return phase * g.plane + (r / p->stride_h) * g.wq + c / p->stride_w;
}

/* acc[q] = 0 + w[0] * x[q + off[0]] + ... + w[8] * x[q + off[8]], summed in that order. */
static void dw_run9(const float *x, const int32_t *off, const float *w, int32_t nq,
                    float *restrict acc)
{
    const float *restrict x0 = x + off[0], *restrict x1 = x + off[1], *restrict x2 = x + off[2];
    const float *restrict x3 = x + off[3], *restrict x4 = x + off[4], *restrict x5 = x + off[5];
    const float *restrict x6 = x + off[6], *restrict x7 = x + off[7], *restrict x8 = x + off[8];
    const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5];
    const float w6 = w[6], w7 = w[7], w8 = w[8];
    for (int32_t q = 0; q < nq; q++) {
        float s = 0.0f;
        KILN_FMAC(s, w0, x0[q]);
        KILN_FMAC(s, w1, x1[q]);
        KILN_FMAC(s, w2, x2[q]);
        KILN_FMAC(s, w3, x3[q]);
        KILN_FMAC(s, w4, x4[q]);
        KILN_FMAC(s, w5, x5[q]);
        KILN_FMAC(s, w6, x6[q]);
        KILN_FMAC(s, w7, x7[q]);
        KILN_FMAC(s, w8, x8[q]);
        acc[q] = s;
    }
}

/* Taps t0 .. t0 + nt - 1 (nt = 1..3) of the kernel in (kh, kw) order: acc[q] += their
 * products in order; acc starts from 0.0f when first. */
static void dw_run_taps(const kiln_conv2d_params *p, dw_geom g, const float *x,
                        const float *w, int32_t t0, int32_t nt, int first, int32_t nq,
                        float *restrict acc)
{
    const float *restrict xs[3];
    float ws[3];
    for (int32_t i = 0; i < 3; i++) {
        const int32_t t = t0 + (i < nt ? i : 0);
        xs[i] = x + dw_tap_offset(p, g, t / p->k_w, t % p->k_w);
        ws[i] = w[t];
    }
    const float *restrict x0 = xs[0], *restrict x1 = xs[1], *restrict x2 = xs[2];
    const float w0 = ws[0], w1 = ws[1], w2 = ws[2];
    if (first) {
        for (int32_t q = 0; q < nq; q++)
            acc[q] = 0.0f;
    }
    if (nt == 3) {
        for (int32_t q = 0; q < nq; q++) {
            float s = acc[q];
            KILN_FMAC(s, w0, x0[q]);
            KILN_FMAC(s, w1, x1[q]);
            KILN_FMAC(s, w2, x2[q]);
            acc[q] = s;
        }
    } else if (nt == 2) {
        for (int32_t q = 0; q < nq; q++) {
            float s = acc[q];
            KILN_FMAC(s, w0, x0[q]);
            KILN_FMAC(s, w1, x1[q]);
            acc[q] = s;
        }
    } else {
        for (int32_t q = 0; q < nq; q++)
            {
                float s = acc[q];
                KILN_FMAC(s, w0, x0[q]);
                acc[q] = s;
            }
    }
}

/* Copies n floats from s (element stride ss) to d. Rows are short (DS-CNN: 5 floats),
 * so instead of a vector loop with a scalar tail this copies blocks of 4, the last one
 * overlapping its neighbour when n is not a multiple of 4 (GCC makes each block one
 * vector load and store). */
static inline void copy4(float *restrict d, const float *restrict s, int32_t ss)
{
    for (int32_t t = 0; t < 4; t++)
        d[t] = ss == 1 ? s[t] : s[2 * t];
}

static void copy_row(float *restrict d, const float *restrict s, int32_t n, int32_t ss)
{
    if (n < 4 || ss > 2) {
        for (int32_t i = 0; i < n; i++)
            d[i] = s[(ptrdiff_t)i * ss];
        return;
    }
    int32_t i = 0;
    if (ss == 1) {
        for (; i + 4 <= n; i += 4)
            copy4(d + i, s + i, 1);
        if (i < n)
            copy4(d + n - 4, s + n - 4, 1);
    } else {
        for (; i + 4 <= n; i += 4)
            copy4(d + i, s + 2 * i, 2);
        if (i < n)
            copy4(d + n - 4, s + 2 * (n - 4), 2);
    }
}

/* yr[t] = act(a[t] + bias) for t < 4 with act NONE, RELU or CLIP, written with the
 * expressions of kiln_act_f32 so the results are the same. */
static inline void out4(float *restrict yr, const float *restrict a, float bias,
                        kiln_act_kind kind, float lo, float hi)
{
    float v[4];
    for (int32_t t = 0; t < 4; t++)
        v[t] = a[t] + bias;
    if (kind == KILN_ACT_RELU) {
        for (int32_t t = 0; t < 4; t++)
            v[t] = v[t] > 0.0f ? v[t] : 0.0f;
    } else if (kind == KILN_ACT_CLIP) {
        for (int32_t t = 0; t < 4; t++) {
            v[t] = v[t] < lo ? lo : v[t];
            v[t] = v[t] > hi ? hi : v[t];
        }
    }
    for (int32_t t = 0; t < 4; t++)
        yr[t] = v[t];
}

/* The h_out x w_out outputs of one channel from the wide run acc (row pitch wq):
 * y = act(acc + bias) for act NONE, RELU or CLIP (blocks of 4 as in copy_row). */
static void dw_out(float *restrict yc, const float *restrict acc, int32_t h_out,
                   int32_t w_out, int32_t wq, float bias, kiln_act_kind kind, float lo,
                   float hi)
{
    for (int32_t oh = 0; oh < h_out; oh++) {
        const float *restrict a = acc + oh * wq;
        float *restrict yr = yc + oh * w_out;
        int32_t i = 0;
        if (w_out < 4) {
            for (; i < w_out; i++) {
                float v = a[i] + bias;
                if (kind == KILN_ACT_RELU) {
                    v = v > 0.0f ? v : 0.0f;
                } else if (kind == KILN_ACT_CLIP) {
                    v = v < lo ? lo : v;
                    v = v > hi ? hi : v;
                }
                yr[i] = v;
            }
            continue;
        }
        for (; i + 4 <= w_out; i += 4)
            out4(yr + i, a + i, bias, kind, lo, hi);
        if (i < w_out)
            out4(yr + w_out - 4, a + w_out - 4, bias, kind, lo, hi);
    }
}

/* Copies one input plane into the phase planes xp. Their padding was zeroed once by
 * the caller; only the input cells change. Input columns b, b + sw, ... all land in
 * phase (pad_left + b) % sw. */
/* Splits 8 floats into the 4 at even and the 4 at odd positions. */
static inline void deinterleave4(float *restrict e, float *restrict o, const float *restrict s)
{
    for (int32_t t = 0; t < 4; t++) {
        e[t] = s[2 * t];
        o[t] = s[2 * t + 1];
    }
}

/* Stride 2 columns: the even input columns of a row go to one phase, the odd ones to
 * the other, both from the same loads (blocks of 4 pairs, the last overlapping). */
static void split_row(float *restrict e, float *restrict o, const float *restrict s, int32_t w)
{
    const int32_t n_odd = w / 2;
    int32_t i = 0;
    if (n_odd >= 4) {
        for (; i + 4 <= n_odd; i += 4)
            deinterleave4(e + i, o + i, s + 2 * i);
        if (i < n_odd)
            deinterleave4(e + n_odd - 4, o + n_odd - 4, s + 2 * (n_odd - 4));
        i = n_odd;
    }
    for (; i < n_odd; i++) {
        e[i] = s[2 * i];
        o[i] = s[2 * i + 1];
    }
    if (w % 2)
        e[n_odd] = s[w - 1];
}

static void depthwise_fill(const kiln_conv2d_params *p, dw_geom g, const float *xc, float *xp)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, sh = p->stride_h, sw = p->stride_w;
    if (sh == 1 && sw == 1) {
        float *d = xp + p->pad_top * g.wq + p->pad_left;
        for (int32_t ih = 0; ih < h_in; ih++, d += g.wq, xc += w_in)
            copy_row(d, xc, w_in, 1);
        return;
    }
    if (sw == 2) {
        const int32_t pl = p->pad_left;
        /* even input columns: padded column pl + 2i, odd ones pl + 2i + 1 */
        float *e = xp + (pl % 2) * g.plane + pl / 2;
        float *o = xp + ((pl + 1) % 2) * g.plane + (pl + 1) / 2;
        int32_t ph = p->pad_top % sh, rq = p->pad_top / sh;
        for (int32_t ih = 0; ih < h_in; ih++, xc += w_in) {
            const int32_t r0 = ph * 2 * g.plane + rq * g.wq;
            if (w_in > 1)
                split_row(e + r0, o + r0, xc, w_in);
            else
                e[r0] = xc[0];
            if (++ph == sh) {
                ph = 0;
                rq++;
            }
        }
        return;
    }
    for (int32_t b = 0; b < sw && b < w_in; b++) {
        const int32_t c = p->pad_left + b, cnt = div_up(w_in - b, sw);
        float *xb = xp + (c % sw) * g.plane + c / sw;
        int32_t ph = p->pad_top % sh, rq = p->pad_top / sh; /* phase and row of row r */
        for (int32_t ih = 0; ih < h_in; ih++) {
            copy_row(xb + ph * sw * g.plane + rq * g.wq, xc + ih * w_in + b, cnt, sw);
            if (++ph == sh) {
                ph = 0;
                rq++;
            }
        }
    }
}

/* One channel of a depthwise conv from its filled phase planes xp; acc is scratch for
 * the wide run, off9 the tap offsets when the kernel has 9 taps. */
static void depthwise_plane(const kiln_conv2d_params *p, dw_geom g, const int32_t *off9,
                            const float *wc, float bias, const float *xp,
                            float *restrict acc, float *restrict yc)
{
    const int32_t h_out = p->h_out, w_out = p->w_out;
    const int32_t ntap = p->k_h * p->k_w;

    if (ntap == 9) {
        dw_run9(xp, off9, wc, g.nq, acc);
    } else {
        for (int32_t t = 0; t < ntap; t += 3)
            dw_run_taps(p, g, xp, wc, t, ntap - t < 3 ? ntap - t : 3, t == 0, g.nq, acc);
    }

    /* Without a bias the sums get + 0.0f, which only turns a -0.0f into +0.0f, as
     * the other paths' zero padding taps may do. */
    const kiln_act_kind kind = p->act.kind;
    const int inl = kind == KILN_ACT_NONE || kind == KILN_ACT_RELU || kind == KILN_ACT_CLIP;
    if (kind == KILN_ACT_RELU)
        dw_out(yc, acc, h_out, w_out, g.wq, bias, KILN_ACT_RELU, 0.0f, 0.0f);
    else if (kind == KILN_ACT_CLIP)
        dw_out(yc, acc, h_out, w_out, g.wq, bias, KILN_ACT_CLIP, p->act.a, p->act.b);
    else
        dw_out(yc, acc, h_out, w_out, g.wq, bias, KILN_ACT_NONE, 0.0f, 0.0f);
    if (!inl)
        kiln_act_f32(&p->act, yc, (size_t)h_out * (size_t)w_out);
}

/* Fills col[k][tw] (k = ci*k_h*k_w + kh*k_w + kw) with the input values seen by
 * output positions j0 .. j0+tw-1 (row-major over h_out x w_out), zeros for padding. */
static void im2col_tile(const kiln_conv2d_params *p, const float *restrict xg, int32_t j0,
                        int32_t tw, float *restrict col)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, w_out = p->w_out;
    const int32_t sh = p->stride_h, sw = p->stride_w;
    const int32_t cg = p->c_in / p->group;
    const int32_t oh0 = j0 / w_out, ow0 = j0 % w_out;
    float *restrict dst = col;
    for (int32_t ci = 0; ci < cg; ci++) {
        const float *xc = xg + (ptrdiff_t)ci * h_in * w_in;
        for (int32_t kh = 0; kh < p->k_h; kh++) {
            for (int32_t kw = 0; kw < p->k_w; kw++) {
                const int32_t iw_off = kw * p->dil_w - p->pad_left;
                int32_t oh = oh0, ow = ow0, t = 0;
                while (t < tw) {
                    /* The rest of output row oh, or of the tile. */
                    const int32_t run = w_out - ow < tw - t ? w_out - ow : tw - t;
                    const int32_t ih = oh * sh - p->pad_top + kh * p->dil_h;
                    float *restrict d = dst + t;
                    if (ih < 0 || ih >= h_in) {
                        for (int32_t u = 0; u < run; u++)
                            d[u] = 0.0f;
                    } else {
                        const int32_t iw0 = ow * sw + iw_off;
                        const float *restrict xr = xc + ih * w_in + iw0;
                        int32_t lo, hi;
                        kiln_range_inside(iw0, sw, w_in, run, &lo, &hi);
                        for (int32_t u = 0; u < lo; u++)
                            d[u] = 0.0f;
                        if (sw == 1) {
                            for (int32_t u = lo; u < hi; u++)
                                d[u] = xr[u];
                        } else {
                            for (int32_t u = lo; u < hi; u++)
                                d[u] = xr[u * sw];
                        }
                        for (int32_t u = hi; u < run; u++)
                            d[u] = 0.0f;
                    }
                    t += run;
                    ow = 0;
                    oh++;
                }
                dst += tw;
            }
        }
    }
}

/* Output row oh of one depthwise channel into row: the sums of depthwise_plane (taps in
 * (kh, kw) order from 0.0f, padding taps as 0.0f), + bias, then the activation. */
static void line_row(const kiln_conv2d_params *p, const float *xc, const float *wc,
                     float bias, int32_t oh, float *restrict row)
{
    /* columns [lo, hi) have every tap inside the row; the others check each tap */
    const int32_t span = (p->k_w - 1) * p->dil_w;
    int32_t lo = (p->pad_left + p->stride_w - 1) / p->stride_w;
    int32_t hi = p->w_in - span + p->pad_left > 0
                 ? (p->w_in - span + p->pad_left - 1) / p->stride_w + 1 : 0;
    hi = hi < p->w_out ? hi : p->w_out;
    lo = lo < hi ? lo : hi;
    for (int32_t ow = 0; ow < p->w_out; ow++) {
        const int32_t iw0 = ow * p->stride_w - p->pad_left;
        const int fast = ow >= lo && ow < hi;
        float s = 0.0f;
        for (int32_t kh = 0; kh < p->k_h; kh++) {
            const int32_t ih = oh * p->stride_h - p->pad_top + kh * p->dil_h;
            const float *wr = wc + kh * p->k_w;
            if (ih < 0 || ih >= p->h_in) {
                for (int32_t kw = 0; kw < p->k_w; kw++)
                    s += wr[kw] * 0.0f;   /* padding row: as the padded plane does */
                continue;
            }
            const float *xr = xc + ih * p->w_in;
            if (fast) {
                for (int32_t kw = 0; kw < p->k_w; kw++)
                    KILN_FMAC(s, wr[kw], xr[iw0 + kw * p->dil_w]);
                continue;
            }
            for (int32_t kw = 0; kw < p->k_w; kw++) {
                const int32_t iw = iw0 + kw * p->dil_w;
                s += wr[kw] * (iw >= 0 && iw < p->w_in ? xr[iw] : 0.0f);
            }
        }
        float v = s + bias;
        if (p->act.kind == KILN_ACT_RELU) {
            v = v > 0.0f ? v : 0.0f;
        } else if (p->act.kind == KILN_ACT_CLIP) {
            v = v < p->act.a ? p->act.a : v;
            v = v > p->act.b ? p->act.b : v;
        }
        row[ow] = v;
    }
    if (p->act.kind != KILN_ACT_NONE && p->act.kind != KILN_ACT_RELU &&
        p->act.kind != KILN_ACT_CLIP)
        kiln_act_f32(&p->act, row, (size_t)p->w_out);
}

/* Depthwise with y == x: rows wait in a ring of line_rows() rows (see line_frontier). */
static void depthwise_line_buffer(const kiln_conv2d_params *p, const float *w,
                                  const float *b, float *xy, float *ring)
{
    const int32_t rows = line_rows(p), hw_in = p->h_in * p->w_in, hw = p->h_out * p->w_out;
    const int32_t k = p->k_h * p->k_w;
    for (int32_t c = 0; c < p->c_out; c++) {
        const float *xc = xy + (ptrdiff_t)c * hw_in;
        float *yc = xy + (ptrdiff_t)c * hw;
        int32_t done = 0;
        for (int32_t oh = 0; oh < p->h_out; oh++) {
            line_row(p, xc, w + (ptrdiff_t)c * k, b ? b[c] : 0.0f, oh,
                     ring + (ptrdiff_t)(oh % rows) * p->w_out);
            for (; done <= oh && line_row_dead(p, c, done, oh + 1); done++) {
                const float *r = ring + (ptrdiff_t)(done % rows) * p->w_out;
                for (int32_t i = 0; i < p->w_out; i++)
                    yc[(ptrdiff_t)done * p->w_out + i] = r[i];
            }
        }
    }
}

/* 1x1 conv with y == x: pw_block() pixels at a time are copied (every input channel) to
 * scratch, then their outputs are written; output (co, j) lands on input (co, j), which
 * belongs to the block just copied or lies past the input. */
static void pointwise_in_place(const kiln_conv2d_params *p, const float *w, const float *b,
                               float *xy, float *blk)
{
    const int32_t hw = p->h_out * p->w_out, block = pw_block(p);
    for (int32_t j0 = 0; j0 < hw; j0 += block) {
        const int32_t tw = hw - j0 < block ? hw - j0 : block;
        for (int32_t ci = 0; ci < p->c_in; ci++)
            for (int32_t t = 0; t < tw; t++)
                blk[ci * tw + t] = xy[(ptrdiff_t)ci * hw + j0 + t];
        kiln_gemm_nn_f32(p->c_out, tw, p->c_in, w, p->c_in, 1, blk, tw, b, xy + j0, hw);
    }
}

void kiln_conv2d_f32(const kiln_conv2d_params *p, const float *x, const float *w,
                     const float *b, float *y, float *scratch)
{
    if (p->in_place != KILN_CONV_SEPARATE && is_pointwise(p)) {
        pointwise_in_place(p, w, b, y, scratch);
        kiln_act_f32(&p->act, y, (size_t)p->c_out * (size_t)p->h_out * (size_t)p->w_out);
        return;
    }
    if (p->in_place == KILN_CONV_IN_PLACE_SMALL) {
        depthwise_line_buffer(p, w, b, y, scratch);
        return;
    }

    const int32_t hw_in = p->h_in * p->w_in, hw = p->h_out * p->w_out;
    const int32_t cg = p->c_in / p->group, og = p->c_out / p->group;
    const int32_t k = cg * p->k_h * p->k_w;
    const int dw = is_depthwise(p), pw = is_pointwise(p);
    for (int32_t n = 0; n < p->n; n++) {
        const float *xn = x + (ptrdiff_t)n * p->c_in * hw_in;
        float *yn = y + (ptrdiff_t)n * p->c_out * hw;
        if (dw) {
            const dw_geom dg = depthwise_geom(p);
            float *xp = scratch, *acc = scratch + dg.xp_size;
            int32_t off9[9] = {0};
            if (p->k_h * p->k_w == 9)
                for (int32_t t = 0; t < 9; t++)
                    off9[t] = dw_tap_offset(p, dg, t / p->k_w, t % p->k_w);
            for (int32_t i = 0; i < dg.xp_size; i++)
                xp[i] = 0.0f;
            for (int32_t c = 0; c < p->c_out; c++) {
                depthwise_fill(p, dg, xn + (ptrdiff_t)c * hw_in, xp);
                depthwise_plane(p, dg, off9, w + (ptrdiff_t)c * k, b ? b[c] : 0.0f, xp, acc,
                                yn + (ptrdiff_t)c * hw);
            }
            continue;
        }
        for (int32_t g = 0; g < p->group; g++) {
            const float *xg = xn + (ptrdiff_t)g * cg * hw_in;
            const float *wg = w + (ptrdiff_t)g * og * k;
            const float *bg = b ? b + g * og : NULL;
            float *yg = yn + (ptrdiff_t)g * og * hw;
            if (pw) {
                kiln_gemm_nn_f32(og, hw, k, wg, k, 1, xg, hw, bg, yg, hw);
                continue;
            }
            for (int32_t j0 = 0; j0 < hw; j0 += TILE) {
                const int32_t tw = hw - j0 < TILE ? hw - j0 : TILE;
                im2col_tile(p, xg, j0, tw, scratch);
                kiln_gemm_nn_f32(og, tw, k, wg, k, 1, scratch, tw, bg, yg + j0, hw);
            }
        }
    }
    if (!dw) /* depthwise applies it per channel, while the plane is in cache */
        kiln_act_f32(&p->act, y, (size_t)p->n * (size_t)p->c_out * (size_t)hw);
}
