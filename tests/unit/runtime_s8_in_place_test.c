/* SPDX-License-Identifier: MIT */
/* The int8 convs written over their input: for many shapes, both in-place modes give the
 * bytes of the separate kernels, with exactly the scratch their size functions ask for
 * (surrounded by guard bytes that must stay untouched), and the output region of the
 * shared buffer is the only one that changes beyond the input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

enum { GUARD = 16 };

typedef struct {
    kiln_conv2d_s8_params p;
    int8_t *x, *w;
    int32_t *bias, *mult;
    int8_t *shift;
    size_t nx, ny;
} Case;

static int8_t rand_s8(test_rng *r) { return (int8_t)((int32_t)(test_next(r) % 256u) - 128); }

static void make_case(Case *c, const kiln_conv2d_params *geom, uint32_t seed)
{
    test_rng r = {seed};
    const kiln_conv2d_params *k = geom;
    c->p = (kiln_conv2d_s8_params){*geom, {(int32_t)(test_next(&r) % 256u) - 128,
                                           (int32_t)(test_next(&r) % 41u) - 20, -128, 127}};
    if (seed % 3 == 0)
        c->p.io.act_min = -100, c->p.io.act_max = 90;   /* a fused clamp */
    c->nx = (size_t)k->c_in * (size_t)(k->h_in * k->w_in);
    c->ny = (size_t)k->c_out * (size_t)(k->h_out * k->w_out);
    const size_t nw = (size_t)k->c_out * (size_t)(k->c_in / k->group * k->k_h * k->k_w);
    c->x = malloc(c->nx), c->w = malloc(nw);
    c->bias = malloc((size_t)k->c_out * 4), c->mult = malloc((size_t)k->c_out * 4);
    c->shift = malloc((size_t)k->c_out);
    for (size_t i = 0; i < c->nx; i++)
        c->x[i] = rand_s8(&r);
    for (size_t i = 0; i < nw; i++) {
        const int8_t v = rand_s8(&r);
        c->w[i] = v == -128 ? -127 : v;   /* symmetric weights */
    }
    for (int32_t oc = 0; oc < k->c_out; oc++) {
        c->bias[oc] = (int32_t)(test_next(&r) % 20001u) - 10000;
        c->mult[oc] = (int32_t)(1073741824u + test_next(&r) % 1073741823u);
        c->shift[oc] = (int8_t)-(int32_t)(6 + test_next(&r) % 8u);
    }
}

static void free_case(Case *c)
{
    free(c->x), free(c->w), free(c->bias), free(c->mult), free(c->shift);
}

/* Runs the in-place kernel in mode and compares with the separate kernel; returns the
 * number of differing bytes (output, guards around the scratch and the buffer's tail). */
static size_t run_mode(const Case *c, int dw, int mode)
{
    kiln_conv2d_s8_params p = c->p;
    const kiln_per_channel_quant q = {c->mult, c->shift};
    int8_t *want = malloc(c->ny);
    p.conv.in_place = KILN_CONV_SEPARATE;
    if (dw)
        kiln_dwconv2d_s8(&p, &q, c->x, c->w, c->bias, want);
    else
        kiln_conv2d_s8_1x1(&p, &q, c->x, c->w, c->bias, want);

    p.conv.in_place = mode;
    const size_t ns = dw ? kiln_dwconv2d_s8_in_place_scratch_size(&p)
                         : kiln_conv2d_s8_1x1_in_place_scratch_size(&p);
    const size_t nb = c->nx > c->ny ? c->nx : c->ny;   /* the shared buffer */
    int8_t *buf = malloc(nb + GUARD), *scratch = malloc(ns + 2 * GUARD);
    memset(buf, 0x33, nb + GUARD);
    memset(scratch, 0x44, ns + 2 * GUARD);
    memcpy(buf, c->x, c->nx);
    if (dw)
        kiln_dwconv2d_s8_in_place(&p, &q, buf, c->w, c->bias, scratch + GUARD);
    else
        kiln_conv2d_s8_1x1_in_place(&p, &q, buf, c->w, c->bias, scratch + GUARD);
    size_t bad = memcmp(buf, want, c->ny) != 0;
    for (size_t i = 0; i < GUARD; i++)
        bad += (buf[nb + i] != 0x33) + (scratch[i] != 0x44) + (scratch[GUARD + ns + i] != 0x44);
    if (bad)
        printf("%s mode %d: c %d->%d, %dx%d -> %dx%d, k %dx%d, s %d, pad %d,%d: %zu bad\n",
               dw ? "dwconv" : "1x1", mode, p.conv.c_in, p.conv.c_out, p.conv.h_in, p.conv.w_in,
               p.conv.h_out, p.conv.w_out, p.conv.k_h, p.conv.k_w, p.conv.stride_h,
               p.conv.pad_top, p.conv.pad_left, bad);
    free(want), free(buf), free(scratch);
    return bad;
}

static size_t both_modes(const kiln_conv2d_params *g, int dw, uint32_t seed)
{
    Case c;
    make_case(&c, g, seed);
    size_t bad = run_mode(&c, dw, KILN_CONV_IN_PLACE) + run_mode(&c, dw, KILN_CONV_IN_PLACE_SMALL);
    free_case(&c);
    return bad;
}

static kiln_conv2d_params geometry(int32_t c_in, int32_t c_out, int32_t h, int32_t w, int32_t k,
                                   int32_t stride, int32_t dil, int32_t pad_tl, int32_t pad_br,
                                   int32_t group)
{
    const int32_t span = (k - 1) * dil + 1;
    return (kiln_conv2d_params){
        .n = 1, .c_in = c_in, .h_in = h, .w_in = w, .c_out = c_out,
        .h_out = (h + pad_tl + pad_br - span) / stride + 1,
        .w_out = (w + pad_tl + pad_br - span) / stride + 1,
        .k_h = k, .k_w = k, .stride_h = stride, .stride_w = stride, .dil_h = dil, .dil_w = dil,
        .pad_top = pad_tl, .pad_left = pad_tl, .group = group,
        .act = {KILN_ACT_NONE, 0.0f, 0.0f}, .in_place = KILN_CONV_SEPARATE,
    };
}

/* 1x1 convs that narrow, keep and widen the channels, with pixel counts below, at and
 * past the 8- and 32-pixel blocks and not multiples of them. */
static void test_pointwise_in_place(void **state)
{
    (void)state;
    static const int32_t chans[][2] = {{1, 1}, {3, 8}, {8, 3}, {16, 16}, {5, 17}, {24, 7}};
    static const int32_t planes[][2] = {{1, 1}, {1, 7}, {2, 4}, {5, 5}, {4, 8}, {7, 9}, {25, 5}};
    size_t bad = 0;
    uint32_t seed = 1;
    for (size_t i = 0; i < sizeof chans / sizeof chans[0]; i++)
        for (size_t j = 0; j < sizeof planes / sizeof planes[0]; j++) {
            const kiln_conv2d_params g = geometry(chans[i][0], chans[i][1], planes[j][0],
                                                  planes[j][1], 1, 1, 1, 0, 0, 1);
            bad += both_modes(&g, 0, seed++);
        }
    assert_int_equal(bad, 0);
}

/* Depthwise convs: 3x3 and 5x5 kernels, strides 1 and 2, dilation, pads that keep,
 * shrink and (on one side only) grow the plane, rows and columns of one. */
static void test_depthwise_in_place(void **state)
{
    (void)state;
    static const int32_t shapes[][8] = {   /* c, h, w, k, stride, dil, pad_tl, pad_br */
        {1, 5, 5, 3, 1, 1, 1, 1},  {4, 8, 8, 3, 1, 1, 1, 1}, {3, 9, 7, 3, 2, 1, 1, 1},
        {6, 10, 10, 3, 2, 1, 0, 1}, {2, 7, 6, 5, 1, 1, 2, 2}, {5, 12, 9, 5, 2, 1, 2, 2},
        {3, 9, 9, 3, 1, 2, 2, 2},  {4, 6, 6, 3, 1, 1, 0, 0}, {2, 1, 9, 1, 1, 1, 0, 0},
        {3, 25, 5, 3, 1, 1, 1, 1}, {2, 6, 6, 3, 1, 1, 2, 0}, {8, 16, 16, 3, 2, 1, 1, 1},
        {3, 4, 4, 3, 3, 1, 1, 1},  {2, 11, 3, 3, 1, 1, 1, 1},
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const int32_t *s = shapes[i];
        kiln_conv2d_params g = geometry(s[0], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[0]);
        if (g.h_out * g.w_out > g.h_in * g.w_in)
            continue;   /* the planner never runs these in place */
        bad += both_modes(&g, 1, (uint32_t)(100 + i));
    }
    assert_int_equal(bad, 0);
}

/* The line buffer needs fewer bytes than a plane copy where rows can be written back
 * early: a 3x3 stride-1 conv on a 16x16 plane waits for 2 rows, not 16. */
static void test_line_buffer_is_small(void **state)
{
    (void)state;
    kiln_conv2d_s8_params p = {geometry(8, 8, 16, 16, 3, 1, 1, 1, 1, 8), {0, 0, -128, 127}};
    p.conv.in_place = KILN_CONV_IN_PLACE;
    assert_int_equal(kiln_dwconv2d_s8_in_place_scratch_size(&p), 256);
    p.conv.in_place = KILN_CONV_IN_PLACE_SMALL;
    assert_int_equal(kiln_dwconv2d_s8_in_place_scratch_size(&p), 2 * 16);
    kiln_conv2d_s8_params pw = {geometry(10, 20, 6, 6, 1, 1, 1, 0, 0, 1), {0, 0, -128, 127}};
    pw.conv.in_place = KILN_CONV_IN_PLACE;
    assert_int_equal(kiln_conv2d_s8_1x1_in_place_scratch_size(&pw), 10 * 32);
    pw.conv.in_place = KILN_CONV_IN_PLACE_SMALL;
    assert_int_equal(kiln_conv2d_s8_1x1_in_place_scratch_size(&pw), 10 * 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pointwise_in_place),
        cmocka_unit_test(test_depthwise_in_place),
        cmocka_unit_test(test_line_buffer_is_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
