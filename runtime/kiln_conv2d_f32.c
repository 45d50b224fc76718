/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_gemm_nn_f32 kiln_act_f32 */
/* 2-D float convolution (ONNX Conv, NCHW) with bias and fused activation. */
#include "kiln.h"

/* Three paths, picked from the params alone:
 *  - depthwise (group == c_in == c_out): direct, from a zero-padded copy of each input
 *    plane in scratch (see depthwise_plane);
 *  - 1x1, stride 1, no padding: the input planes already are the GEMM's B matrix,
 *    y[c_out][hw] = w[c_out][c_in] * x[c_in][hw], run through the blocked GEMM core;
 *  - everything else: im2col of TILE output positions at a time into scratch
 *    ([c_in/group * k_h * k_w][TILE] floats), then the GEMM core. A small tile keeps the
 *    scratch small on a microcontroller and costs little: the GEMM core works in tiles of
 *    8 columns anyway, so the weights are read as often either way.
 * Every path sums each output in (c_in, k_h, k_w) order starting from 0.0f, then adds
 * the bias, then applies the activation (skipped padding taps only differ in a zero's
 * sign), so the paths agree with each other. */
#define TILE 32
#define DW_NR 16

static int is_depthwise(const kiln_conv2d_params *p)
{
    return p->group == p->c_in && p->c_out == p->c_in && p->group > 1;
}

static int is_pointwise(const kiln_conv2d_params *p)
{
    return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
           p->pad_top == 0 && p->pad_left == 0 && p->h_out == p->h_in && p->w_out == p->w_in;
}

/* Depthwise works on a zero-padded copy of one input plane (hp x wp floats in scratch),
 * so no tap needs a bounds check. Sums are kept in registers across all taps for DW_NR
 * outputs at a time (one load per tap and output, no load/store of partial sums).
 * With stride 1 the outputs are computed "wide": output (oh, ow) for every ow < wp, so
 * that all rows form one flat run q = oh * wp + ow reading tap (kh, kw) at
 *   xp[q + kh * dil_h * wp + kw * dil_w];
 * the junk columns ow >= w_out are dropped when copying out. Long flat runs beat
 * per-row loops on the narrow maps of small models (DS-CNN's 25x5). Strided convs go
 * row by row. */
typedef struct {
    int32_t hp, wp;  /* padded plane */
    int32_t xp_size; /* hp * wp plus slack, so whole tiles may run past the last output */
    int32_t wo;      /* row pitch of the wide output: wp (stride 1) or w_out rounded up */
    int32_t nq;      /* outputs computed per row run (stride 1: all rows), DW_NR multiple */
} dw_geom;

static int32_t round_up(int32_t v, int32_t m)
{
    return (v + m - 1) / m * m;
}

static dw_geom depthwise_geom(const kiln_conv2d_params *p)
{
    dw_geom g;
    const int32_t need_w = (p->w_out - 1) * p->stride_w + (p->k_w - 1) * p->dil_w + 1;
    const int32_t need_h = (p->h_out - 1) * p->stride_h + (p->k_h - 1) * p->dil_h + 1;
    g.wp = p->pad_left + p->w_in > need_w ? p->pad_left + p->w_in : need_w;
    g.hp = p->pad_top + p->h_in > need_h ? p->pad_top + p->h_in : need_h;
    g.xp_size = g.hp * g.wp + p->stride_w * DW_NR;
    if (p->stride_h == 1 && p->stride_w == 1) {
        g.wo = g.wp;
        g.nq = round_up((p->h_out - 1) * g.wp + p->w_out, DW_NR);
    } else {
        g.wo = round_up(p->w_out, DW_NR);
        g.nq = g.wo;
    }
    return g;
}

static int32_t depthwise_acc_size(const kiln_conv2d_params *p, dw_geom g)
{
    return p->stride_h == 1 && p->stride_w == 1 ? g.nq : p->h_out * g.wo;
}

size_t kiln_conv2d_f32_scratch_size(const kiln_conv2d_params *p)
{
    if (is_depthwise(p)) {
        const dw_geom g = depthwise_geom(p);
        return (size_t)(g.xp_size + depthwise_acc_size(p, g)) * sizeof(float);
    }
    if (is_pointwise(p))
        return 0;
    const size_t k = (size_t)(p->c_in / p->group) * (size_t)p->k_h * (size_t)p->k_w;
    const size_t hw = (size_t)p->h_out * (size_t)p->w_out;
    return k * (hw < TILE ? hw : TILE) * sizeof(float);
}

/* acc[t] = sum over taps of w * xq[t * s + tap offset], t < DW_NR, s = 1 or 2.
 * The sums are [DW_NR / 4][4] rather than [DW_NR]: with the flat form GCC 12's SLP
 * splits the lanes unevenly and leaves some scalar. */
KILN_NO_LOOP_VECTORIZE
static void dw_tile_s1(const kiln_conv2d_params *p, int32_t wp, const float *restrict xq,
                       const float *restrict wc, float *restrict acc)
{
    float sum[DW_NR / 4][4];
    for (int u = 0; u < DW_NR / 4; u++)
        for (int t = 0; t < 4; t++)
            sum[u][t] = 0.0f;
    const int32_t k_w = p->k_w, ntap = p->k_h * k_w, dil_w = p->dil_w;
    const int32_t row_jump = p->dil_h * wp - (k_w - 1) * dil_w;
    const float *xt = xq;
    for (int32_t tap = 0, kw = 0; tap < ntap; tap++) {
        const float wv = wc[tap];
        for (int u = 0; u < DW_NR / 4; u++)
            for (int t = 0; t < 4; t++)
                sum[u][t] += wv * xt[4 * u + t];
        if (++kw == k_w) {
            kw = 0;
            xt += row_jump;
        } else {
            xt += dil_w;
        }
    }
    for (int u = 0; u < DW_NR / 4; u++)
        for (int t = 0; t < 4; t++)
            acc[4 * u + t] = sum[u][t];
}

KILN_NO_LOOP_VECTORIZE
static void dw_tile_s2(const kiln_conv2d_params *p, int32_t wp, const float *restrict xq,
                       const float *restrict wc, float *restrict acc)
{
    float sum[DW_NR / 4][4];
    for (int u = 0; u < DW_NR / 4; u++)
        for (int t = 0; t < 4; t++)
            sum[u][t] = 0.0f;
    const int32_t k_w = p->k_w, ntap = p->k_h * k_w, dil_w = p->dil_w;
    const int32_t row_jump = p->dil_h * wp - (k_w - 1) * dil_w;
    const float *xt = xq;
    for (int32_t tap = 0, kw = 0; tap < ntap; tap++) {
        const float wv = wc[tap];
        for (int u = 0; u < DW_NR / 4; u++)
            for (int t = 0; t < 4; t++)
                sum[u][t] += wv * xt[2 * (4 * u + t)];
        if (++kw == k_w) {
            kw = 0;
            xt += row_jump;
        } else {
            xt += dil_w;
        }
    }
    for (int u = 0; u < DW_NR / 4; u++)
        for (int t = 0; t < 4; t++)
            acc[4 * u + t] = sum[u][t];
}

/* The same for nq outputs at column stride s (tails and other strides). */
static void dw_tile_n(const kiln_conv2d_params *p, int32_t wp, const float *restrict xq,
                      const float *restrict wc, int32_t nq, int32_t s, float *restrict acc)
{
    for (int32_t q = 0; q < nq; q++)
        acc[q] = 0.0f;
    for (int32_t kh = 0; kh < p->k_h; kh++) {
        const float *xr = xq + kh * p->dil_h * wp;
        for (int32_t kw = 0; kw < p->k_w; kw++) {
            const float wv = *wc++;
            const float *restrict xt = xr + kw * p->dil_w;
            for (int32_t q = 0; q < nq; q++)
                acc[q] += wv * xt[s * q];
        }
    }
}

/* nq outputs at column stride s from xq into acc, in DW_NR tiles then a tail. */
static void dw_run(const kiln_conv2d_params *p, int32_t wp, const float *xq,
                   const float *wc, int32_t nq, int32_t s, float *acc)
{
    int32_t q = 0;
    if (s == 1)
        for (; q + DW_NR <= nq; q += DW_NR)
            dw_tile_s1(p, wp, xq + q, wc, acc + q);
    else if (s == 2)
        for (; q + DW_NR <= nq; q += DW_NR)
            dw_tile_s2(p, wp, xq + 2 * q, wc, acc + q);
    if (q < nq)
        dw_tile_n(p, wp, xq + s * q, wc, nq - q, s, acc + q);
}

/* One channel of a depthwise conv; xp and acc are the two parts of the scratch. */
static void depthwise_plane(const kiln_conv2d_params *p, dw_geom g, const float *restrict xc,
                            const float *restrict wc, float bias, int has_bias,
                            float *restrict xp, float *restrict acc, float *restrict yc)
{
    const int32_t h_in = p->h_in, w_in = p->w_in, h_out = p->h_out, w_out = p->w_out;
    const int32_t pl = p->pad_left, pt = p->pad_top;

    /* The border of xp was zeroed once by the caller; only the interior changes. */
    for (int32_t ih = 0; ih < h_in; ih++) {
        float *restrict d = xp + (pt + ih) * g.wp + pl;
        const float *restrict src = xc + ih * w_in;
        for (int32_t i = 0; i < w_in; i++)
            d[i] = src[i];
    }

    if (p->stride_h == 1 && p->stride_w == 1) {
        dw_run(p, g.wp, xp, wc, g.nq, 1, acc);
    } else {
        for (int32_t oh = 0; oh < h_out; oh++)
            dw_run(p, g.wp, xp + oh * p->stride_h * g.wp, wc, g.nq, p->stride_w,
                   acc + oh * g.wo);
    }

    for (int32_t oh = 0; oh < h_out; oh++) {
        const float *restrict a = acc + oh * g.wo;
        float *restrict yr = yc + oh * w_out;
        if (has_bias) {
            for (int32_t ow = 0; ow < w_out; ow++)
                yr[ow] = a[ow] + bias;
        } else {
            for (int32_t ow = 0; ow < w_out; ow++)
                yr[ow] = a[ow];
        }
    }
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

void kiln_conv2d_f32(const kiln_conv2d_params *p, const float *x, const float *w,
                     const float *b, float *y, float *scratch)
{
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
            for (int32_t i = 0; i < dg.xp_size; i++)
                xp[i] = 0.0f;
            for (int32_t c = 0; c < p->c_out; c++)
                depthwise_plane(p, dg, xn + (ptrdiff_t)c * hw_in, w + (ptrdiff_t)c * k,
                                b ? b[c] : 0.0f, b != NULL, xp, acc, yn + (ptrdiff_t)c * hw);
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
    kiln_act_f32(&p->act, y, (size_t)p->n * (size_t)p->c_out * (size_t)hw);
}
