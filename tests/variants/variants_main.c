/* SPDX-License-Identifier: MIT */
/* Board test of the optimised int8 kernels (runtime/dsp/, runtime/mve/): each variant against
 * the portable kernel (built with a ref_ prefix) on seeded random data and geometries chosen
 * to reach every path (2x2 blocks, odd channel and pixel counts, k % 4 tails, groups, pads,
 * strides, dilations, columns longer than the stack buffer). Outputs must be byte-identical.
 * Built and run under QEMU by tests/run_variants.sh. */
#include "board.h"
#include "kiln.h"
#include <string.h>

void ref_kiln_conv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);
void ref_kiln_conv2d_s8_1x1(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                            const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);
void ref_kiln_dwconv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);
void ref_kiln_conv2d_s8_1x1_in_place(const kiln_conv2d_s8_params *p,
                                     const kiln_per_channel_quant *q, int8_t *xy, const int8_t *w,
                                     const int32_t *bias, int8_t *scratch);
void ref_kiln_dwconv2d_s8_in_place(const kiln_conv2d_s8_params *p,
                                   const kiln_per_channel_quant *q, int8_t *xy, const int8_t *w,
                                   const int32_t *bias, int8_t *scratch);
void ref_kiln_add_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);
void ref_kiln_fully_connected_s8(const kiln_fully_connected_s8_params *p,
                                 const kiln_per_channel_quant *q, const int8_t *x,
                                 const int8_t *w, const int32_t *bias, int8_t *y);

/* every buffer holds MAX_BUF; fill() refuses more (fc case 1 has 81920 weights) */
#define MAX_BUF 96000
#define MAX_X MAX_BUF
#define MAX_W MAX_BUF
#define MAX_C 1024
static int8_t xbuf[MAX_X], wbuf[MAX_W], ya[MAX_X], yb[MAX_X], scratch[MAX_X];
static int32_t bias[MAX_C], mult[MAX_C];
static int8_t shift[MAX_C];
static uint32_t seed = 12345u;
static int failures, cases;
static int small_shifts; /* small values, right shifts of 1-3: rounding ties on many outputs */
static int wide_shifts;  /* right shifts over the whole range 0-31 (the single-sum path's edges) */
static int32_t tall_stride; /* when set, conv_case's vertical stride (stride: the horizontal) */
static int32_t tall_dil;    /* when set, conv_case's vertical dilation (dil: the horizontal) */

static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}
static int32_t rnd_in(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static void fill(int8_t *b, int32_t n)
{
    if (n > MAX_BUF) {   /* a case too big would overwrite the other buffers */
        failures++;
        board_puts("test case larger than the test buffers\n");
        n = MAX_BUF;
    }
    for (int32_t i = 0; i < n; i++)
        b[i] = (int8_t)(small_shifts ? rnd_in(-3, 3) : rnd_in(-128, 127));
}

/* Random requantization that keeps outputs spread over the int8 range for k products. */
static kiln_s8_io random_quant(int32_t n_ch, int32_t k)
{
    int32_t sh = -6;
    for (int32_t v = k; v > 1; v >>= 1)
        sh--;
    for (int32_t c = 0; c < n_ch; c++) {
        bias[c] = rnd_in(-20000, 20000);
        mult[c] = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
        shift[c] = (int8_t)((c % 7 == 3) ? rnd_in(1, 3) : sh + rnd_in(-1, 1)); /* some left shifts */
        if (small_shifts && c % 7 != 3) {
            shift[c] = (int8_t)(c % 7 == 5 ? 0 : -1 - (c % 3)); /* 0: no rounding step */
            mult[c] = 0x40000000; /* 0.5: the sum's low bits decide the ties */
            bias[c] = rnd_in(-200, 200);
        }
        if (wide_shifts && c % 7 != 3)
            shift[c] = (int8_t)(c % 5 == 0 ? 0 : c % 5 == 1 ? -31 : rnd_in(-31, 0));
    }
    kiln_s8_io io = {rnd_in(-127, 128), rnd_in(-128, 127), -128, 127};
    if (small_shifts)
        io.input_offset = rnd_in(-4, 4);
    if (rnd() & 1)
        io.act_min = io.output_offset; /* a fused Relu */
    return io;
}

static void report(const char *what, int32_t n, int32_t i)
{
    cases++;
    if (!memcmp(ya, yb, (size_t)n))
        return;
    failures++;
    char line[96] = "variant differs from the portable kernel: ";
    strcat(line, what);
    strcat(line, " case ");
    char num[4] = {(char)('0' + i / 10 % 10), (char)('0' + i % 10), '\n', 0};
    strcat(line, num);
    board_puts(line);
}

static void conv_case(const char *what, int32_t c_in, int32_t c_out, int32_t h, int32_t w,
                      int32_t k, int32_t kw, int32_t stride, int32_t pad, int32_t dil, int32_t group,
                      int32_t idx)
{
    kiln_conv2d_s8_params p;
    memset(&p, 0, sizeof p);
    kiln_conv2d_params *c = &p.conv;
    c->n = 1, c->c_in = c_in, c->h_in = h, c->w_in = w, c->c_out = c_out;
    c->k_h = k, c->k_w = kw;
    c->stride_h = tall_stride ? tall_stride : stride, c->stride_w = stride;
    c->dil_h = tall_dil ? tall_dil : dil, c->dil_w = dil;
    c->pad_top = pad, c->pad_left = pad, c->group = group;
    c->h_out = (h + 2 * pad - c->dil_h * (c->k_h - 1) - 1) / c->stride_h + 1;
    c->w_out = (w + 2 * pad - dil * (c->k_w - 1) - 1) / stride + 1;
    const int32_t kk = c_in / group * c->k_h * c->k_w;
    fill(xbuf, c_in * h * w);
    fill(wbuf, c_out * kk);
    p.io = random_quant(c_out, kk);
    kiln_per_channel_quant q = {mult, shift};
    const int32_t n_out = c_out * c->h_out * c->w_out;
    const int32_t *b = (idx & 1) ? NULL : bias;
    if (!strcmp(what, "conv2d_s8")) {
        kiln_conv2d_s8(&p, &q, xbuf, wbuf, b, ya);
        ref_kiln_conv2d_s8(&p, &q, xbuf, wbuf, b, yb);
    } else if (!strcmp(what, "conv2d_s8_1x1")) {
        kiln_conv2d_s8_1x1(&p, &q, xbuf, wbuf, b, ya);
        ref_kiln_conv2d_s8_1x1(&p, &q, xbuf, wbuf, b, yb);
    } else if (!strcmp(what, "conv2d_s8_1x1_in_place")) {
        /* the output starts at the input; both in-place modes (scratch sizes differ) */
        c->in_place = (idx & 2) ? KILN_CONV_IN_PLACE_SMALL : KILN_CONV_IN_PLACE;
        memcpy(ya, xbuf, (size_t)(c_in * h * w));
        memcpy(yb, xbuf, (size_t)(c_in * h * w));
        kiln_conv2d_s8_1x1_in_place(&p, &q, ya, wbuf, b, scratch);
        ref_kiln_conv2d_s8_1x1_in_place(&p, &q, yb, wbuf, b, scratch);
    } else if (!strcmp(what, "dwconv2d_s8_in_place")) {
        c->in_place = (idx & 2) ? KILN_CONV_IN_PLACE_SMALL : KILN_CONV_IN_PLACE;
        memcpy(ya, xbuf, (size_t)(c_in * h * w));
        memcpy(yb, xbuf, (size_t)(c_in * h * w));
        kiln_dwconv2d_s8_in_place(&p, &q, ya, wbuf, b, scratch);
        ref_kiln_dwconv2d_s8_in_place(&p, &q, yb, wbuf, b, scratch);
    } else {
        kiln_dwconv2d_s8(&p, &q, xbuf, wbuf, b, ya);
        ref_kiln_dwconv2d_s8(&p, &q, xbuf, wbuf, b, yb);
    }
    report(what, n_out, idx);
}

/* 1x1 conv written over its input (scratch blocks of 32 or 8 pixels). */
static void in_place_1x1_case(int32_t c_in, int32_t c_out, int32_t h, int32_t w, int32_t mode,
                              int32_t idx)
{
    kiln_conv2d_s8_params p;
    memset(&p, 0, sizeof p);
    kiln_conv2d_params *c = &p.conv;
    c->n = 1, c->c_in = c_in, c->h_in = h, c->w_in = w, c->c_out = c_out;
    c->k_h = c->k_w = 1, c->stride_h = c->stride_w = c->dil_h = c->dil_w = 1, c->group = 1;
    c->h_out = h, c->w_out = w, c->in_place = mode;
    fill(xbuf, c_in * h * w);
    fill(wbuf, c_out * c_in);
    p.io = random_quant(c_out, c_in);
    kiln_per_channel_quant q = {mult, shift};
    const int32_t *b = (idx & 1) ? NULL : bias;
    memcpy(ya, xbuf, (size_t)(c_in * h * w));
    memcpy(yb, xbuf, (size_t)(c_in * h * w));
    kiln_conv2d_s8_1x1_in_place(&p, &q, ya, wbuf, b, scratch);
    ref_kiln_conv2d_s8_1x1_in_place(&p, &q, yb, wbuf, b, scratch);
    report("conv2d_s8_1x1_in_place", c_out * h * w, idx);
}

/* Depthwise conv (multiplier 1) written over its input: plane copy or line buffer. */
static void in_place_dw_case(int32_t ch, int32_t h, int32_t w, int32_t k, int32_t stride,
                             int32_t pad, int32_t mode, int32_t idx)
{
    kiln_conv2d_s8_params p;
    memset(&p, 0, sizeof p);
    kiln_conv2d_params *c = &p.conv;
    c->n = 1, c->c_in = c->c_out = c->group = ch, c->h_in = h, c->w_in = w;
    c->k_h = c->k_w = k, c->stride_h = c->stride_w = stride, c->dil_h = c->dil_w = 1;
    c->pad_top = c->pad_left = pad, c->in_place = mode;
    c->h_out = (h + 2 * pad - k) / stride + 1, c->w_out = (w + 2 * pad - k) / stride + 1;
    fill(xbuf, ch * h * w);
    fill(wbuf, ch * k * k);
    p.io = random_quant(ch, k * k);
    kiln_per_channel_quant q = {mult, shift};
    const int32_t *b = (idx & 1) ? NULL : bias;
    memcpy(ya, xbuf, (size_t)(ch * h * w));
    memcpy(yb, xbuf, (size_t)(ch * h * w));
    kiln_dwconv2d_s8_in_place(&p, &q, ya, wbuf, b, scratch);
    ref_kiln_dwconv2d_s8_in_place(&p, &q, yb, wbuf, b, scratch);
    report("dwconv2d_s8_in_place", ch * c->h_out * c->w_out, idx);
}

static void fc_case(int32_t m, int32_t k, int32_t n, int32_t idx)
{
    kiln_fully_connected_s8_params p = {m, n, k, {0, 0, 0, 0}};
    fill(xbuf, m * k);
    fill(wbuf, n * k);
    p.io = random_quant(n, k);
    kiln_per_channel_quant q = {mult, shift};
    const int32_t *b = (idx & 1) ? NULL : bias;
    kiln_fully_connected_s8(&p, &q, xbuf, wbuf, b, ya);
    ref_kiln_fully_connected_s8(&p, &q, xbuf, wbuf, b, yb);
    report("fully_connected_s8", m * n, idx);
}

/* Add with rescaled inputs: dims of a rank-4 output; b broadcast over dims whose bit is set
 * in b_bcast; a_shift > 0 exercises the saturating left-shift path. */
static void add_case(const int32_t dims[4], int32_t b_bcast, int32_t a_shift, int32_t idx)
{
    kiln_binary_s8_params p;
    memset(&p, 0, sizeof p);
    kiln_binary_params *g = &p.geometry;
    g->op = KILN_BIN_ADD, g->rank = 4;
    int32_t sa = 1, sb = 1, total = 1, nb = 1;
    for (int32_t d = 3; d >= 0; d--) {
        g->dims[d] = dims[d];
        g->a_strides[d] = sa, sa *= dims[d];
        g->b_strides[d] = (b_bcast >> d & 1) ? 0 : sb;
        sb *= (b_bcast >> d & 1) ? 1 : dims[d];
        total *= dims[d];
    }
    nb = sb;
    fill(xbuf, total);
    fill(wbuf, nb);
    p.a_offset = rnd_in(-127, 128), p.b_offset = rnd_in(-127, 128);
    p.output_offset = rnd_in(-128, 127);
    p.left_shift = 20;
    p.a_multiplier = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu)), p.a_shift = a_shift;
    p.b_multiplier = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu)), p.b_shift = rnd_in(-4, 0);
    p.output_multiplier = (int32_t)(0x40000000u + (rnd() & 0x3fffffffu));
    p.output_shift = small_shifts ? -20 - rnd_in(-1, 1) : rnd_in(-22, -18);
    if (small_shifts) { /* no headroom, multipliers 0.5, shifts 0 and -1: ties everywhere */
        p.left_shift = 0, p.b_shift = 0, p.output_shift = -1;
        p.a_multiplier = p.b_multiplier = p.output_multiplier = 0x40000000;
    }
    p.act_min = (idx & 1) ? p.output_offset : -128, p.act_max = 127;
    kiln_add_s8(&p, xbuf, wbuf, ya);
    ref_kiln_add_s8(&p, xbuf, wbuf, yb);
    report("add_s8", total, idx);
    /* written over input a, as the planner does for residual adds */
    memcpy(scratch, xbuf, (size_t)total);
    kiln_add_s8(&p, scratch, wbuf, scratch);
    memcpy(ya, scratch, (size_t)total);
    report("add_s8 in place", total, idx);
}

int main(void)
{
    /* general: c_in, c_out, h, w, k, stride, pad, dil, group */
    static const int32_t conv[][9] = {
        {1, 8, 10, 7, 4, 2, 1, 1, 1},   {3, 5, 9, 9, 3, 1, 1, 1, 1},
        {16, 16, 8, 8, 3, 1, 1, 1, 1},  {8, 6, 7, 6, 3, 2, 0, 2, 2},
        {4, 3, 5, 5, 2, 1, 0, 1, 1},    {100, 4, 4, 4, 3, 1, 1, 1, 1},
        {17, 9, 6, 5, 5, 1, 2, 1, 1},   {64, 32, 6, 6, 3, 1, 1, 1, 1},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof conv / sizeof conv[0]); i++) {
        const int32_t *g = conv[i];
        conv_case("conv2d_s8", g[0], g[1], g[2], g[3], g[4], g[4] > 1 ? g[4] - 1 : 1, g[5], g[6],
                  g[7], g[8], i);
    }
    /* 1x1: c_in, c_out, h, w */
    static const int32_t pw[][4] = {
        {3, 5, 3, 3}, {8, 8, 4, 4}, {17, 9, 5, 3}, {64, 64, 5, 5}, {800, 3, 2, 3}, {1, 1, 1, 1},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof pw / sizeof pw[0]); i++)
        conv_case("conv2d_s8_1x1", pw[i][0], pw[i][1], pw[i][2], pw[i][3], 1, 1, 1, 0, 1, 1, i);
    /* depthwise: channels, multiplier, h, w, k, stride, pad */
    static const int32_t dw[][7] = {
        {8, 1, 9, 7, 3, 1, 1}, {5, 2, 8, 8, 3, 2, 1}, {3, 1, 6, 6, 5, 1, 2}, {16, 1, 4, 4, 1, 1, 0},
        {64, 1, 25, 5, 3, 1, 1}, {4, 1, 12, 11, 3, 2, 0}, {2, 3, 2, 2, 3, 1, 1},
        {2, 1, 4, 300, 3, 1, 1}, /* rows wider than the stack buffer */
        /* widths 1-9 with pad 1 (right and left padding share a column), pad 2, no padding,
         * 1x1 with pad 2 (outputs wider than the input and its left padding) */
        {3, 1, 7, 1, 3, 1, 1}, {3, 1, 7, 2, 3, 1, 1}, {3, 1, 7, 3, 3, 1, 1}, {3, 1, 6, 4, 3, 1, 1},
        {3, 1, 5, 6, 3, 1, 1}, {3, 1, 9, 8, 3, 1, 1}, {3, 1, 8, 9, 3, 1, 1}, {3, 1, 7, 5, 3, 1, 2},
        {3, 1, 9, 7, 3, 2, 2}, {3, 1, 6, 3, 3, 1, 0}, {3, 1, 5, 5, 1, 1, 2}, {3, 1, 4, 3, 1, 2, 2},
        {5, 1, 7, 9, 3, 2, 1}, {3, 1, 8, 6, 5, 1, 2}, {3, 1, 8, 7, 5, 1, 3}, {96, 1, 6, 5, 3, 1, 1},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof dw / sizeof dw[0]); i++) {
        const int32_t *g = dw[i];
        conv_case("dwconv2d_s8", g[0], g[0] * g[1], g[2], g[3], g[4], i == 2 ? g[4] - 1 : g[4],
                  g[5], g[6], 1, g[0], i);
    }
    /* rounding ties: right shifts of 1-3 */
    small_shifts = 1;
    conv_case("dwconv2d_s8", 16, 16, 9, 7, 3, 3, 1, 1, 1, 16, 8);
    conv_case("dwconv2d_s8", 5, 5, 9, 9, 3, 3, 2, 1, 1, 5, 9);
    conv_case("dwconv2d_s8", 3, 3, 11, 10, 3, 3, 1, 2, 2, 3, 10); /* dilation 2 */
    conv_case("dwconv2d_s8", 4, 8, 10, 9, 3, 2, 3, 1, 1, 4, 11);  /* stride 3, multiplier 2 */
    in_place_1x1_case(32, 32, 5, 5, KILN_CONV_IN_PLACE, 6);
    in_place_dw_case(16, 9, 5, 3, 1, 1, KILN_CONV_IN_PLACE, 6);
    in_place_dw_case(16, 9, 5, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL, 7);
    fc_case(2, 40, 13, 23);
    fc_case(3, 21, 30, 24);
    small_shifts = 0;
    /* depthwise in place: channels, h, w, k, stride, pad, in_place mode */
    static const int32_t dwip[][7] = {
        {64, 25, 5, 3, 1, 1, KILN_CONV_IN_PLACE},      {8, 9, 7, 3, 2, 1, KILN_CONV_IN_PLACE_SMALL},
        {5, 12, 11, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL}, {3, 10, 9, 5, 1, 2, KILN_CONV_IN_PLACE},
        {2, 4, 300, 3, 1, 1, KILN_CONV_IN_PLACE},       {2, 5, 300, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL},
        /* line buffer: several batches of rows per channel, KWS's plane in one, stride 2,
         * 5x5, no padding, rows too wide for a batch */
        {3, 40, 30, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL}, {3, 41, 29, 3, 2, 1, KILN_CONV_IN_PLACE_SMALL},
        {64, 25, 5, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL}, {2, 30, 20, 5, 1, 2, KILN_CONV_IN_PLACE_SMALL},
        {4, 20, 26, 3, 1, 0, KILN_CONV_IN_PLACE_SMALL}, {1, 3, 600, 3, 1, 1, KILN_CONV_IN_PLACE_SMALL},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof dwip / sizeof dwip[0]); i++)
        in_place_dw_case(dwip[i][0], dwip[i][1], dwip[i][2], dwip[i][3], dwip[i][4], dwip[i][5],
                         dwip[i][6], i);
    /* 1x1 in place: c_in, c_out, h, w, in_place mode */
    static const int32_t ip[][5] = {
        {64, 64, 5, 5, KILN_CONV_IN_PLACE},       {17, 9, 7, 5, KILN_CONV_IN_PLACE},
        {8, 12, 3, 3, KILN_CONV_IN_PLACE_SMALL}, {33, 31, 6, 6, KILN_CONV_IN_PLACE_SMALL},
        {3, 5, 1, 1, KILN_CONV_IN_PLACE},         {100, 7, 9, 4, KILN_CONV_IN_PLACE},
        {20, 300, 3, 5, KILN_CONV_IN_PLACE_SMALL}, {9, 257, 4, 4, KILN_CONV_IN_PLACE},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof ip / sizeof ip[0]); i++)
        in_place_1x1_case(ip[i][0], ip[i][1], ip[i][2], ip[i][3], ip[i][4], i);
    /* 1x1 written over the input: c_in, c_out, h, w (odd pixel counts, k % 4 tails, more
     * and fewer outputs than inputs, columns longer than the stack buffer) */
    static const int32_t pw_ip[][4] = {
        {3, 5, 3, 3}, {8, 8, 4, 4}, {17, 9, 5, 3}, {64, 64, 5, 5}, {800, 3, 2, 3},
        {1, 1, 1, 1}, {10, 24, 7, 1}, {800, 40, 1, 3},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof pw_ip / sizeof pw_ip[0]); i++)
        conv_case("conv2d_s8_1x1_in_place", pw_ip[i][0], pw_ip[i][1], pw_ip[i][2], pw_ip[i][3],
                  1, 1, 1, 0, 1, 1, i);
    /* depthwise over the input: channels, h, w, k, kw, stride, pad (3x3 stride 1 with odd
     * and even widths, no padding, strides, other kernel sizes, planes smaller than a window,
     * planes or rows bigger than the padded-plane buffer) */
    static const int32_t dw_ip[][7] = {
        {8, 9, 7, 3, 3, 1, 1},  {5, 8, 8, 3, 3, 2, 1}, {3, 6, 6, 5, 4, 1, 1}, {16, 4, 4, 1, 1, 1, 0},
        {64, 25, 5, 3, 3, 1, 1}, {4, 12, 11, 3, 3, 2, 0}, {2, 2, 2, 3, 3, 1, 1},
        {3, 10, 10, 3, 3, 1, 0}, {6, 7, 12, 3, 3, 1, 1}, {2, 1, 5, 3, 3, 1, 1},
        {2, 40, 60, 3, 3, 1, 1}, {3, 50, 45, 3, 3, 2, 1}, /* planes too big for the buffer */
        {2, 4, 700, 3, 3, 1, 1}, {1, 3, 1100, 3, 3, 2, 1}, {2, 6, 450, 5, 4, 1, 1},
        {3, 16, 16, 3, 3, 1, 1}, {2, 30, 29, 3, 3, 2, 1}, /* planes of more than one sums run */
    };
    for (int32_t i = 0; i < (int32_t)(sizeof dw_ip / sizeof dw_ip[0]); i++) {
        const int32_t *g = dw_ip[i];
        conv_case("dwconv2d_s8_in_place", g[0], g[0], g[1], g[2], g[3], g[4], g[5], g[6], 1,
                  g[0], i);
    }
    /* vertical stride 2, horizontal 1: the stride-1 row sums step two input rows per row */
    tall_stride = 2;
    conv_case("dwconv2d_s8_in_place", 4, 4, 11, 9, 3, 3, 1, 1, 1, 4, 17);
    tall_stride = 0;
    /* fully connected: m, k, n (k a multiple of 16 and k % 16 tails, n % 4 tails) */
    static const int32_t fc[][3] = {
        {1, 64, 12}, {1, 640, 128}, {2, 5, 7}, {3, 33, 10}, {1, 800, 3}, {4, 1, 1},
        {1, 16, 4},  {2, 17, 5},    {1, 15, 9}, {5, 48, 8},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof fc / sizeof fc[0]); i++)
        fc_case(fc[i][0], fc[i][1], fc[i][2], i);
    /* 3-wide windows, stride 1 (two pixels gathered per row word): c_in, c_out, h, w, k_h,
     * pad, group (even and odd widths, no padding, taller windows, groups) */
    static const int32_t w3[][7] = {
        {16, 16, 8, 8, 3, 1, 1}, {5, 7, 6, 9, 3, 0, 1}, {8, 6, 7, 10, 5, 2, 2}, {3, 4, 5, 4, 2, 1, 1},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof w3 / sizeof w3[0]); i++)
        conv_case("conv2d_s8", w3[i][0], w3[i][1], w3[i][2], w3[i][3], w3[i][4], 3, 1, w3[i][5], 1,
                  w3[i][6], 30 + i);
    /* the same, gathered straight into the core's layout four rows at a time: rows left
     * over (channels * k_h not a multiple of 4), padded rows at the top and bottom and
     * pixels at both edges, vertical stride 2 and dilation 2 (horizontally 1, as the
     * two-pixel path needs) */
    conv_case("conv2d_s8", 9, 4, 5, 6, 3, 3, 1, 1, 1, 1, 34);
    conv_case("conv2d_s8", 10, 4, 6, 7, 3, 3, 1, 1, 1, 2, 35);
    conv_case("conv2d_s8", 7, 5, 4, 5, 3, 3, 1, 2, 1, 1, 36);
    tall_stride = 2;
    conv_case("conv2d_s8", 7, 5, 9, 8, 3, 3, 1, 1, 1, 1, 37);
    tall_stride = 0;
    tall_dil = 2;
    conv_case("conv2d_s8", 6, 9, 7, 9, 4, 3, 1, 2, 1, 1, 38);
    tall_dil = 0;
    /* inputs too big for 16-bit gather offsets (the Helium im2col copies rows): adjacent and
     * dilated window rows */
    conv_case("conv2d_s8", 2, 3, 200, 200, 3, 3, 2, 1, 1, 1, 40);
    conv_case("conv2d_s8", 1, 2, 300, 250, 3, 3, 3, 1, 2, 1, 41);
    /* more output channels per group than the Helium kernel keeps per pixel (64): odd
     * remainders, groups */
    conv_case("conv2d_s8", 5, 67, 5, 4, 3, 3, 1, 1, 1, 1, 42);
    conv_case("conv2d_s8", 4, 130, 4, 5, 3, 3, 1, 1, 1, 2, 43);
    /* the GEMM core's requantization over right shifts 0-31 (odd counts, tails, Gemm rows) */
    wide_shifts = 1;
    conv_case("conv2d_s8", 16, 35, 8, 7, 3, 3, 1, 1, 1, 1, 20);
    conv_case("conv2d_s8_1x1", 37, 19, 5, 5, 1, 1, 1, 0, 1, 1, 21);
    fc_case(3, 90, 41, 22);
    wide_shifts = 0;
    /* the core's 2x2 path: channels past two runs of requantization set-up (32 each) plus a
     * pair and an odd one, an odd number of groups of four (one before the 2-group loop) */
    conv_case("conv2d_s8_1x1", 12, 67, 3, 3, 1, 1, 1, 0, 1, 1, 23);
    /* Add: dims, broadcast mask of b, a_shift (same shapes above and below the table size,
     * odd sizes, broadcasting over channels and over pixels, a left shift) */
    static const int32_t add[][6] = {
        {1, 16, 32, 32, 0, -1}, {1, 3, 5, 7, 0, -2}, {2, 5, 9, 11, 0, 0}, {1, 1, 1, 1, 0, -3},
        {1, 32, 16, 16, 0, 1}, {1, 8, 6, 6, 12, -1}, {1, 7, 9, 9, 2, -1}, {3, 1, 17, 19, 0, -4},
    };
    for (int32_t i = 0; i < (int32_t)(sizeof add / sizeof add[0]); i++)
        add_case(add[i], add[i][4], add[i][5], i);
    small_shifts = 1;
    add_case(add[0], 0, -1, 8);
    small_shifts = 0;
    board_puts(failures ? "variants: FAIL\n" : "variants: all cases bit-exact\n");
    return failures ? 1 : (cases == 138 ? 0 : 2);
}
