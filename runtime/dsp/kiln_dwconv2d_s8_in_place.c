/* SPDX-License-Identifier: MIT */
/* Depthwise Conv, int8, output written over the input (as the portable
 * kiln_dwconv2d_s8_in_place), Cortex-M DSP extension. A channel's plane that fits the stack
 * buffer is copied there once, padded with the input zero point, and its outputs go
 * straight over the input; otherwise each output row pads its k_h input rows the same way,
 * and rows too wide for that take the portable loop at the borders (plane copy or line
 * buffer as the portable kernel). Windows inside fold the input offset into the bias (sum
 * w * (x + off) = sum w * x + off * sum w, exact in integers); 3x3 stride-1 rows take two
 * outputs per step: one word of input per kernel row, SXTB16 splits it into (x0, x2) and
 * (x1, x3), SMLAD and SMLABB/SMLATB do the six MACs. Same bits as the portable kernel. */
#include "kiln.h"
#include <arm_acle.h>
#include <string.h>

/* Bytes of the stack buffer that holds a channel's padded plane, or else the padded input
 * rows of one output row. */
#define KILN_DW_BUF 2048
/* Rows are a few bytes wide: byte loops beat memset/memcpy calls here. */
#define KILN_NO_MEMSET_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
/* Row loops specialised on a constant flag: GCC 12 would not inline them on its own. */
#define KILN_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Flat index from which the input is still needed once output row oh of channel c is
 * next: row oh * stride - pad_top of channel c on; past the channel when oh == h_out. */
static int32_t frontier(const kiln_conv2d_params *c, int32_t ch, int32_t oh)
{
    if (oh >= c->h_out)
        return (ch + 1) * c->h_in * c->w_in;
    int32_t r = oh * c->stride_h - c->pad_top;
    r = r < 0 ? 0 : r > c->h_in ? c->h_in : r;
    return ch * c->h_in * c->w_in + r * c->w_in;
}

/* Output row j of channel ch may be written once output row next is the next to compute. */
static int row_dead(const kiln_conv2d_params *c, int32_t ch, int32_t j, int32_t next)
{
    return ch * c->h_out * c->w_out + (j + 1) * c->w_out <= frontier(c, ch, next);
}

/* Most output rows that wait at once (the line buffer's height), by simulation. */
static int32_t line_rows(const kiln_conv2d_params *c)
{
    int32_t most = 1;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        int32_t done = 0;
        for (int32_t oh = 0; oh < c->h_out; oh++) {
            most = oh + 1 - done > most ? oh + 1 - done : most;
            while (done <= oh && row_dead(c, ch, done, oh + 1))
                done++;
        }
    }
    return most;
}

/* What a channel's rows share: weights, bias, requantization, output offset and clamp. */
typedef struct {
    const kiln_conv2d_s8_params *p;
    const int8_t *wc;
    int32_t b, b_in, m, sh;
    int32_t out_off, lo, hi;
    kiln_requant_right_params right; /* for sh < 0 */
    int32_t wp[3]; /* 3x3: (w0, w2), (w3, w5), (w6, w8) as int16 pairs, packed once */
} dw_channel;

static inline int8_t finish(const dw_channel *d, int32_t acc)
{
    if (__builtin_expect(d->sh >= 0, 0))
        acc = kiln_requantize_dsp(acc, d->m, d->sh);
    else
        acc = kiln_requant_right(acc, d->m, &d->right);
    return kiln_clamp_s8(acc + d->out_off, d->lo, d->hi);
}

static inline int32_t load32(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v); /* one LDR: Cortex-M4 and later load unaligned words */
    return v;
}

/* The window at (ih0, iw0) clipped to the input, offset added per value. */
static int32_t border(const dw_channel *d, const int8_t *xc, int32_t ih0, int32_t iw0)
{
    const kiln_conv2d_params *c = &d->p->conv;
    const int32_t in_off = d->p->io.input_offset;
    int32_t kh_lo, kh_hi, kw_lo, kw_hi, acc = d->b;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
    for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
        const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0;
        for (int32_t kw = kw_lo; kw < kw_hi; kw++)
            acc += d->wc[kh * c->k_w + kw] * (xr[kw * c->dil_w] + in_off);
    }
    return acc;
}

/* One kernel row for outputs i and i + 1 (stride 1): x[i..i+3] in one word. */
static inline void pair_row(const int8_t *x, int32_t w02, int32_t w1, int32_t *a0, int32_t *a1)
{
    const int32_t v = load32(x);
    const int32_t even = __sxtb16(v);  /* x0, x2 */
    int32_t odd; /* x1, x3: GCC 12's arm_acle.h has no __ror to fold into SXTB16 */
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
    *a0 = __smlabb(odd, w1, __smlad(even, w02, *a0));
    *a1 = __smlatb(even, w1, __smlad(odd, w02, *a1));
}

/* One kernel row for output i alone (stride 1), from the word at x[i - 1]: (x-1, x1) and
 * (x0, x2) after SXTB16, so no byte past the window is read. */
static inline int32_t single_row(const int8_t *x, int32_t w02, int32_t w1, int32_t acc)
{
    const int32_t v = load32(x - 1);
    const int32_t lo = __sxtb16(v); /* x-1, x1 */
    int32_t hi;                     /* x0, x2 */
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(hi) : "r"(v));
    return __smlatb(lo, w1, __smlad(hi, w02, acc));
}

/* Sums of the 3x3 stride-1 windows of outputs [lo, hi) of `rows` output rows into sums
 * (bias and input offset included, hi - lo per row); x0 is the first row's top input row,
 * rows are row_step apart, output o starts at column o - pad. */
static void sums_3x3_s1(const dw_channel *d, const int8_t *x0, int32_t w_in, int32_t pad,
                        int32_t lo, int32_t hi, int32_t *sums, int32_t rows, int32_t row_step)
{
    const int8_t *wc = d->wc;
    const int32_t wa = d->wp[0], wb = d->wp[1], wd = d->wp[2], b = d->b_in;
    const int32_t w1 = wc[1], w4 = wc[4], w7 = wc[7];
    for (int32_t r = 0; r < rows; r++, x0 += row_step) {
        const int8_t *x1 = x0 + w_in, *x2 = x1 + w_in;
        int32_t o = lo;
        for (; o + 1 < hi; o += 2, sums += 2) {
            int32_t a0 = b, a1 = b;
            const int32_t i = o - pad;
            pair_row(x0 + i, wa, w1, &a0, &a1);
            pair_row(x1 + i, wb, w4, &a0, &a1);
            pair_row(x2 + i, wd, w7, &a0, &a1);
            sums[0] = a0, sums[1] = a1;
        }
        if (o < hi) {
            const int32_t i = o - pad;
            int32_t acc;
            if (i >= 1) {
                acc = single_row(x0 + i, wa, w1, b);
                acc = single_row(x1 + i, wb, w4, acc);
                acc = single_row(x2 + i, wd, w7, acc);
            } else {
                acc = b + wc[0] * x0[i] + wc[1] * x0[i + 1] + wc[2] * x0[i + 2];
                acc += wc[3] * x1[i] + wc[4] * x1[i + 1] + wc[5] * x1[i + 2];
                acc += wc[6] * x2[i] + wc[7] * x2[i + 1] + wc[8] * x2[i + 2];
            }
            *sums++ = acc;
        }
    }
}

/* Requantizes n sums into y: a pass of its own, so that the channel's constants stay in
 * registers (stores into y may alias d, so a loop that also reads d reloads them). */
KILN_ALWAYS_INLINE void requant_run_c(const dw_channel *d, const int32_t *sums, int8_t *y,
                                       int32_t n, int full)
{
    if (__builtin_expect(d->sh >= 0, 0)) {
        for (int32_t i = 0; i < n; i++)
            y[i] = finish(d, sums[i]);
        return;
    }
    const int32_t m = d->m, off = d->out_off, lo = d->lo, hi = d->hi;
    const kiln_requant_right_params r = d->right;
    int32_t i = 0;
    for (; i + 1 < n; i += 2) { /* two per step: the loop's compare and branch halved */
        int32_t v0 = kiln_requant_right(sums[i], m, &r) + off;
        int32_t v1 = kiln_requant_right(sums[i + 1], m, &r) + off;
        if (full) {
            __asm__("ssat %0, #8, %1" : "=r"(v0) : "r"(v0));
            __asm__("ssat %0, #8, %1" : "=r"(v1) : "r"(v1));
        } else {
            v0 = v0 < lo ? lo : v0 > hi ? hi : v0;
            v1 = v1 < lo ? lo : v1 > hi ? hi : v1;
        }
        y[i] = (int8_t)v0;
        y[i + 1] = (int8_t)v1;
    }
    if (i < n) {
        int32_t v = kiln_requant_right(sums[i], m, &r) + off;
        y[i] = (int8_t)(v < lo ? lo : v > hi ? hi : v);
    }
}

static void requant_run(const dw_channel *d, const int32_t *sums, int8_t *y, int32_t n)
{
    if (d->lo == -128 && d->hi == 127) /* the whole int8 range: one SSAT clamps */
        requant_run_c(d, sums, y, n, 1);
    else
        requant_run_c(d, sums, y, n, 0);
}

/* Outputs per pass of the 3x3 rows: the sums' stack buffer */
#define DW_RUN 128

static void row_3x3_s1(const dw_channel *d, const int8_t *x0, int32_t w_in, int32_t pad,
                       int8_t *row, int32_t lo, int32_t hi)
{
    int32_t sums[DW_RUN];
    for (int32_t o = lo; o < hi; o += DW_RUN) {
        const int32_t n = hi - o < DW_RUN ? hi - o : DW_RUN;
        sums_3x3_s1(d, x0, w_in, pad, o, o + n, sums, 1, 0);
        requant_run(d, sums, row + o, n);
    }
}

/* One kernel row for outputs i and i + 1 (stride 2): x[2i..2i+3] in one word and x[2i+4]. */
static inline void pair_row_s2(const int8_t *x, int32_t w02, int32_t w0, int32_t w1, int32_t w2,
                               int32_t *a0, int32_t *a1)
{
    const int32_t v = load32(x);
    const int32_t even = __sxtb16(v); /* x0, x2 */
    int32_t odd;                      /* x1, x3 */
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
    *a0 = __smlabb(odd, w1, __smlad(even, w02, *a0));
    *a1 = __smlatb(odd, w1, __smlatb(even, w0, *a1)) + w2 * x[4];
}

/* Sums of the 3x3 stride-2 windows of outputs [lo, hi) (as sums_3x3_s1). */
static void sums_3x3_s2(const dw_channel *d, const int8_t *x0, int32_t w_in, int32_t pad,
                        int32_t lo, int32_t hi, int32_t *sums)
{
    const int8_t *wc = d->wc;
    const int32_t wa = d->wp[0], wb = d->wp[1], wd = d->wp[2], b = d->b_in;
    const int8_t *x1 = x0 + w_in, *x2 = x1 + w_in;
    int32_t o = lo;
    for (; o + 1 < hi; o += 2, sums += 2) {
        int32_t a0 = b, a1 = b;
        const int32_t i = 2 * o - pad;
        pair_row_s2(x0 + i, wa, wc[0], wc[1], wc[2], &a0, &a1);
        pair_row_s2(x1 + i, wb, wc[3], wc[4], wc[5], &a0, &a1);
        pair_row_s2(x2 + i, wd, wc[6], wc[7], wc[8], &a0, &a1);
        sums[0] = a0, sums[1] = a1;
    }
    if (o < hi) {
        const int32_t i = 2 * o - pad;
        int32_t acc = b + wc[0] * x0[i] + wc[1] * x0[i + 1] + wc[2] * x0[i + 2];
        acc += wc[3] * x1[i] + wc[4] * x1[i + 1] + wc[5] * x1[i + 2];
        acc += wc[6] * x2[i] + wc[7] * x2[i + 1] + wc[8] * x2[i + 2];
        sums[0] = acc;
    }
}

static void row_3x3_s2(const dw_channel *d, const int8_t *x0, int32_t w_in, int32_t pad,
                       int8_t *row, int32_t lo, int32_t hi)
{
    int32_t sums[DW_RUN];
    for (int32_t o = lo; o < hi; o += DW_RUN) {
        const int32_t n = hi - o < DW_RUN ? hi - o : DW_RUN;
        sums_3x3_s2(d, x0, w_in, pad, o, o + n, sums);
        requant_run(d, sums, row + o, n);
    }
}

/* Outputs [lo, hi) of a row whose windows are inside, any geometry; xr is the windows' top
 * input row, kernel rows kh_step apart, output o starts at column o * stride - pad. */
static void row_inside(const dw_channel *d, const int8_t *xr, int32_t kh_step, int32_t pad,
                       int8_t *row, int32_t lo, int32_t hi)
{
    const kiln_conv2d_params *c = &d->p->conv;
    for (int32_t o = lo; o < hi; o++) {
        int32_t acc = d->b_in;
        for (int32_t kh = 0; kh < c->k_h; kh++) {
            const int8_t *xk = xr + (ptrdiff_t)kh * kh_step + o * c->stride_w - pad;
            for (int32_t kw = 0; kw < c->k_w; kw++)
                acc += d->wc[kh * c->k_w + kw] * xk[kw * c->dil_w];
        }
        row[o] = finish(d, acc);
    }
}

static int is_3x3_s1(const kiln_conv2d_params *c)
{
    return c->k_h == 3 && c->k_w == 3 && c->dil_h == 1 && c->dil_w == 1 && c->stride_w == 1;
}

static int is_3x3_s2(const kiln_conv2d_params *c)
{
    return c->k_h == 3 && c->k_w == 3 && c->dil_h == 1 && c->dil_w == 1 && c->stride_w == 2;
}

/* Row width that holds every window of an output row: the padded input, or what the last
 * window reaches. */
static int32_t padded_width(const kiln_conv2d_params *c)
{
    const int32_t reach = (c->w_out - 1) * c->stride_w + (c->k_w - 1) * c->dil_w + 1;
    return reach > c->pad_left + c->w_in ? reach : c->pad_left + c->w_in;
}

/* Output row oh with every window inside: the input rows it reads (rows dil_h apart)
 * copied to rows of w_pad values, padding filled with the input zero point (which adds
 * w * 0 as the portable kernel's skipped cells do). */
static void padded_row(const dw_channel *d, const int8_t *xc, int32_t oh, int32_t w_pad,
                       int8_t *buf, int8_t *row)
{
    const kiln_conv2d_params *c = &d->p->conv;
    const int zp = -d->p->io.input_offset;
    for (int32_t kh = 0; kh < c->k_h; kh++) {
        const int32_t ih = oh * c->stride_h - c->pad_top + kh * c->dil_h;
        int8_t *r = buf + (ptrdiff_t)kh * w_pad;
        if (ih < 0 || ih >= c->h_in) {
            memset(r, zp, (size_t)w_pad);
            continue;
        }
        memset(r, zp, (size_t)c->pad_left);
        memcpy(r + c->pad_left, xc + (ptrdiff_t)ih * c->w_in, (size_t)c->w_in);
        memset(r + c->pad_left + c->w_in, zp, (size_t)(w_pad - c->pad_left - c->w_in));
    }
    if (is_3x3_s1(c))
        row_3x3_s1(d, buf, w_pad, 0, row, 0, c->w_out);
    else if (is_3x3_s2(c))
        row_3x3_s2(d, buf, w_pad, 0, row, 0, c->w_out);
    else
        row_inside(d, buf, w_pad, 0, row, 0, c->w_out);
}

/* Output row oh of a channel from its input plane xc, as kiln_dwconv2d_s8 computes it;
 * buf holds KILN_DW_BUF bytes. */
static void dw_row(const dw_channel *d, const int8_t *xc, int32_t oh, int8_t *row, int8_t *buf)
{
    const kiln_conv2d_params *c = &d->p->conv;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, w_pad = padded_width(c);
    if ((int64_t)w_pad * c->k_h <= KILN_DW_BUF) {
        padded_row(d, xc, oh, w_pad, buf, row);
        return;
    }
    int32_t kh_lo, kh_hi, lo = 0, hi = 0;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    if (kh_lo == 0 && kh_hi == c->k_h) { /* outputs whose windows are inside along w too */
        const int32_t s = c->stride_w, last = (c->k_w - 1) * c->dil_w;
        lo = (c->pad_left + s - 1) / s;
        const int32_t room = c->w_in - 1 - last + c->pad_left; /* ow * s <= room */
        hi = room < 0 ? 0 : room / s + 1;
        hi = hi > c->w_out ? c->w_out : hi;
        lo = lo > hi ? hi : lo;
    }
    for (int32_t ow = 0; ow < lo; ow++)
        row[ow] = finish(d, border(d, xc, ih0, ow * c->stride_w - c->pad_left));
    if (lo < hi) {
        const int8_t *xr = xc + (ptrdiff_t)ih0 * c->w_in;
        if (is_3x3_s1(c))
            row_3x3_s1(d, xr, c->w_in, c->pad_left, row, lo, hi);
        else if (is_3x3_s2(c))
            row_3x3_s2(d, xr, c->w_in, c->pad_left, row, lo, hi);
        else
            row_inside(d, xr, c->dil_h * c->w_in, c->pad_left, row, lo, hi);
    }
    for (int32_t ow = hi > lo ? hi : lo; ow < c->w_out; ow++)
        row[ow] = finish(d, border(d, xc, ih0, ow * c->stride_w - c->pad_left));
}

/* Rows that hold every window of a channel: the padded input, or what the last window
 * reaches. */
static int32_t padded_height(const kiln_conv2d_params *c)
{
    const int32_t reach = (c->h_out - 1) * c->stride_h + (c->k_h - 1) * c->dil_h + 1;
    return reach > c->pad_top + c->h_in ? reach : c->pad_top + c->h_in;
}

static int plane_fits(const kiln_conv2d_params *c)
{
    return (int64_t)padded_width(c) * padded_height(c) <= KILN_DW_BUF;
}

/* The padded plane's border, the input zero point (which adds w * 0 as the portable
 * kernel's skipped cells do): the same for every channel, so written once per call. */
KILN_NO_MEMSET_CALLS static void plane_border(const kiln_conv2d_params *c, int8_t zp, int8_t *buf)
{
    const int32_t w_pad = padded_width(c), h_pad = padded_height(c);
    for (int32_t r = 0; r < h_pad; r++) {
        int8_t *row = buf + (ptrdiff_t)r * w_pad;
        const int32_t ih = r - c->pad_top;
        const int inside = ih >= 0 && ih < c->h_in;
        for (int32_t i = 0; i < w_pad; i++)
            if (!inside || i < c->pad_left || i >= c->pad_left + c->w_in)
                row[i] = zp;
    }
}

/* The 3x3 rows of a channel's padded plane (top row at buf), as many whole output rows at
 * a time as DW_RUN sums hold, each run requantized in one pass: the output rows are
 * contiguous in yc. */
static void sums_3x3_rows(const dw_channel *d, const int8_t *buf, int32_t w_pad, int8_t *yc)
{
    const kiln_conv2d_params *c = &d->p->conv;
    const int32_t w_out = c->w_out, per = DW_RUN / w_out, s1 = is_3x3_s1(c);
    int32_t sums[DW_RUN];
    for (int32_t oh = 0; oh < c->h_out; oh += per) {
        const int32_t rows = c->h_out - oh < per ? c->h_out - oh : per;
        const int8_t *top = buf + (ptrdiff_t)oh * c->stride_h * w_pad;
        if (s1)
            sums_3x3_s1(d, top, w_pad, 0, 0, w_out, sums, rows, c->stride_h * w_pad);
        else
            for (int32_t r = 0; r < rows; r++, top += c->stride_h * w_pad)
                sums_3x3_s2(d, top, w_pad, 0, 0, w_out, sums + r * w_out);
        requant_run(d, sums, yc + (ptrdiff_t)oh * w_out, rows * w_out);
    }
}

/* A whole channel through its padded plane in buf (border already written): the plane is
 * read before any of the channel's outputs is written, and they land on inputs of this or
 * earlier channels (h_out * w_out <= h_in * w_in), so they go straight to yc. */
static void channel_padded(const dw_channel *d, const int8_t *xc, int8_t *yc, int8_t *buf)
{
    const kiln_conv2d_params *c = &d->p->conv;
    const int32_t w_pad = padded_width(c), w_in = c->w_in;
    int8_t *dst = buf + (ptrdiff_t)c->pad_top * w_pad + c->pad_left;
    for (int32_t ih = 0; ih < c->h_in; ih++, dst += w_pad, xc += w_in)
        memcpy(dst, xc, (size_t)w_in);
    if ((is_3x3_s1(c) || is_3x3_s2(c)) && c->w_out <= DW_RUN) {
        sums_3x3_rows(d, buf, w_pad, yc);
        return;
    }
    for (int32_t oh = 0; oh < c->h_out; oh++) {
        const int8_t *top = buf + (ptrdiff_t)oh * c->stride_h * w_pad;
        if (is_3x3_s1(c))
            row_3x3_s1(d, top, w_pad, 0, yc + (ptrdiff_t)oh * c->w_out, 0, c->w_out);
        else if (is_3x3_s2(c))
            row_3x3_s2(d, top, w_pad, 0, yc + (ptrdiff_t)oh * c->w_out, 0, c->w_out);
        else
            row_inside(d, top, c->dil_h * w_pad, 0, yc + (ptrdiff_t)oh * c->w_out, 0, c->w_out);
    }
}

static dw_channel channel(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          const int8_t *w, const int32_t *bias, int32_t ch)
{
    const int32_t kk = p->conv.k_h * p->conv.k_w;
    const int32_t sh = q->shift[ch]; /* int32_t whatever width the table stores */
    dw_channel d = {p, w + (ptrdiff_t)ch * kk, bias ? bias[ch] : 0, 0, q->multiplier[ch], sh,
                    p->io.output_offset, p->io.act_min, p->io.act_max,
                    kiln_requant_right_setup(sh), {0, 0, 0}};
    int32_t wsum = 0;
    for (int32_t i = 0; i < kk; i++)
        wsum += d.wc[i];
    for (int32_t r = 0; r < 3 && kk == 9; r++)
        d.wp[r] = (int32_t)(((uint32_t)(uint16_t)d.wc[3 * r + 2] << 16) | (uint16_t)d.wc[3 * r]);
    d.b_in = d.b + p->io.input_offset * wsum;
    return d;
}

/* Channel ch's plane goes to scratch, then its output rows are written over it. */
static void plane_copy(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                       int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *plane,
                       int8_t *buf)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        const dw_channel d = channel(p, q, w, bias, ch);
        memcpy(plane, xy + (ptrdiff_t)ch * hw_in, (size_t)hw_in);
        for (int32_t oh = 0; oh < c->h_out; oh++)
            dw_row(&d, plane, oh, xy + (ptrdiff_t)ch * hw + (ptrdiff_t)oh * c->w_out, buf);
    }
}

/* Rows wait in a ring of line_rows() rows until the input under them is dead. */
static void line_buffer(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *ring,
                        int8_t *buf)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t rows = line_rows(c), hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        const dw_channel d = channel(p, q, w, bias, ch);
        int8_t *yc = xy + (ptrdiff_t)ch * hw;
        int32_t done = 0;
        for (int32_t oh = 0; oh < c->h_out; oh++) {
            dw_row(&d, xy + (ptrdiff_t)ch * hw_in, oh, ring + (ptrdiff_t)(oh % rows) * c->w_out,
                   buf);
            for (; done <= oh && row_dead(c, ch, done, oh + 1); done++)
                memcpy(yc + (ptrdiff_t)done * c->w_out,
                        ring + (ptrdiff_t)(done % rows) * c->w_out, (size_t)c->w_out);
        }
    }
}

void kiln_dwconv2d_s8_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                               int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *scratch)
{
    const kiln_conv2d_params *c = &p->conv;
    int8_t buf[KILN_DW_BUF];
    if (plane_fits(c)) { /* either mode: no scratch, no line buffer needed */
        plane_border(c, (int8_t)-p->io.input_offset, buf);
        for (int32_t ch = 0; ch < c->c_out; ch++) {
            const dw_channel d = channel(p, q, w, bias, ch);
            channel_padded(&d, xy + (ptrdiff_t)ch * c->h_in * c->w_in,
                           xy + (ptrdiff_t)ch * c->h_out * c->w_out, buf);
        }
    } else if (c->in_place == KILN_CONV_IN_PLACE_SMALL) {
        line_buffer(p, q, xy, w, bias, scratch, buf);
    } else {
        plane_copy(p, q, xy, w, bias, scratch, buf);
    }
}
