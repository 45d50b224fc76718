/* SPDX-License-Identifier: MIT */
/* kiln_conv2d_f32 against a naive 7-loop convolution with explicit padding checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

#define KILN_ARRAY_LEN_T(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    int32_t n, c_in, h_in, w_in, c_out, k_h, k_w;
    int32_t stride_h, stride_w, dil_h, dil_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t group;
    int has_bias;
} conv_case;

static kiln_conv2d_params make_params(const conv_case *c, kiln_act act)
{
    kiln_conv2d_params p;
    p.n = c->n;
    p.c_in = c->c_in;
    p.h_in = c->h_in;
    p.w_in = c->w_in;
    p.c_out = c->c_out;
    p.k_h = c->k_h;
    p.k_w = c->k_w;
    p.stride_h = c->stride_h;
    p.stride_w = c->stride_w;
    p.dil_h = c->dil_h;
    p.dil_w = c->dil_w;
    p.pad_top = c->pad_top;
    p.pad_left = c->pad_left;
    p.group = c->group;
    p.h_out = (c->h_in + c->pad_top + c->pad_bottom - c->dil_h * (c->k_h - 1) - 1) / c->stride_h + 1;
    p.w_out = (c->w_in + c->pad_left + c->pad_right - c->dil_w * (c->k_w - 1) - 1) / c->stride_w + 1;
    p.act = act;
    p.in_place = KILN_CONV_SEPARATE;
    return p;
}

static void ref_conv(const kiln_conv2d_params *p, const float *x, const float *w,
                     const float *b, float *y)
{
    const int32_t cg = p->c_in / p->group, og = p->c_out / p->group;
    for (int32_t n = 0; n < p->n; n++)
        for (int32_t co = 0; co < p->c_out; co++)
            for (int32_t oh = 0; oh < p->h_out; oh++)
                for (int32_t ow = 0; ow < p->w_out; ow++) {
                    const int32_t g = co / og;
                    float s = 0.0f;
                    for (int32_t ci = 0; ci < cg; ci++)
                        for (int32_t kh = 0; kh < p->k_h; kh++)
                            for (int32_t kw = 0; kw < p->k_w; kw++) {
                                const int32_t ih = oh * p->stride_h - p->pad_top + kh * p->dil_h;
                                const int32_t iw = ow * p->stride_w - p->pad_left + kw * p->dil_w;
                                if (ih < 0 || ih >= p->h_in || iw < 0 || iw >= p->w_in)
                                    continue;
                                const float xv = x[((n * p->c_in + g * cg + ci) * p->h_in + ih) * p->w_in + iw];
                                const float wv = w[((co * cg + ci) * p->k_h + kh) * p->k_w + kw];
                                s += wv * xv;
                            }
                    if (b)
                        s += b[co];
                    y[((n * p->c_out + co) * p->h_out + oh) * p->w_out + ow] = ref_act(&p->act, s);
                }
}

/* Runs one case with one activation; returns the number of mismatching outputs. */
static size_t run_case(const conv_case *c, kiln_act act, uint32_t seed)
{
    const kiln_conv2d_params p = make_params(c, act);
    const size_t nx = (size_t)(p.n * p.c_in * p.h_in * p.w_in);
    const size_t nw = (size_t)(p.c_out * (p.c_in / p.group) * p.k_h * p.k_w);
    const size_t ny = (size_t)(p.n * p.c_out * p.h_out * p.w_out);
    float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
    float *b = malloc((size_t)p.c_out * sizeof *b);
    float *want = malloc(ny * sizeof *want), *got = malloc(ny * sizeof *got);
    const size_t ss = kiln_conv2d_f32_scratch_size(&p);
    float *scratch = ss ? malloc(ss) : NULL;
    test_rng r = {seed};
    test_fill(&r, x, nx, -2.0f, 2.0f);
    test_fill(&r, w, nw, -1.0f, 1.0f);
    test_fill(&r, b, (size_t)p.c_out, -1.0f, 1.0f);
    test_poison(got, ny);
    if (ss)
        test_poison(scratch, ss / sizeof(float));
    ref_conv(&p, x, w, c->has_bias ? b : NULL, want);
    kiln_conv2d_f32(&p, x, w, c->has_bias ? b : NULL, got, scratch);
    const size_t bad = test_mismatches("conv2d", want, got, ny);
    if (bad)
        printf("  case n=%d c_in=%d %dx%d c_out=%d k=%dx%d s=%d,%d d=%d,%d pads=%d,%d,%d,%d "
               "group=%d bias=%d act=%d\n",
               c->n, c->c_in, c->h_in, c->w_in, c->c_out, c->k_h, c->k_w, c->stride_h,
               c->stride_w, c->dil_h, c->dil_w, c->pad_top, c->pad_left, c->pad_bottom,
               c->pad_right, c->group, c->has_bias, (int)act.kind);
    free(x), free(w), free(b), free(want), free(got), free(scratch);
    return bad;
}

static void run_cases(const conv_case *cases, size_t n)
{
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += run_case(&cases[i], none, (uint32_t)(1234 + i));
    assert_int_equal(bad, 0);
}

/*                      n c_in h_in w_in c_out kh kw sh sw dh dw pt pl pb pr grp bias */
static void test_conv_3x3_same(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {1, 8, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {1, 5, 13, 11, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
        {1, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, /* ResNet-8 layer */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_no_pad_odd(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {1, 3, 9, 7, 9, 5, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {1, 4, 3, 3, 6, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0}, /* 1x1 output */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_stride2(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 3, 9, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1},
        {1, 3, 96, 96, 8, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1},  /* MobileNet stem */
        {1, 1, 49, 10, 64, 10, 4, 2, 2, 1, 1, 4, 1, 5, 2, 1, 1}, /* DS-CNN first conv */
        {1, 3, 10, 7, 5, 2, 3, 2, 1, 1, 1, 0, 1, 0, 1, 1, 1},   /* stride 2 x 1 */
        {1, 2, 11, 12, 3, 3, 3, 1, 3, 1, 1, 1, 2, 1, 2, 1, 1},  /* stride 1 x 3 */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_dilation2(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 3, 11, 10, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1},
        {1, 2, 12, 9, 3, 3, 2, 1, 1, 2, 3, 0, 1, 1, 0, 1, 1},
        {1, 4, 13, 13, 4, 3, 3, 2, 2, 2, 2, 1, 1, 2, 2, 1, 1},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_asymmetric_pads(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 3, 8, 7, 4, 3, 3, 1, 1, 1, 1, 0, 1, 2, 0, 1, 1},
        {1, 3, 8, 7, 4, 3, 3, 1, 1, 1, 1, 2, 0, 0, 1, 1, 1},
        {1, 2, 6, 6, 3, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1, 1}, /* SAME_UPPER, stride 2 */
        {1, 2, 5, 5, 3, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3, 1, 1}, /* pads wider than kernel */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_groups(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 4, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1},   /* groups 2, c_out 4 */
        {1, 6, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1},   /* groups 2, c_in 6 */
        {1, 6, 5, 5, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 1},   /* grouped 1x1 */
        {1, 4, 6, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1},   /* channel multiplier 2 */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_depthwise(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 6, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1},
        {1, 64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 64, 1}, /* DS-CNN block */
        {1, 8, 12, 11, 8, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 8, 1},   /* MobileNet stride 2 */
        {1, 5, 13, 12, 5, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 5, 0},   /* dilation 2 */
        {1, 3, 9, 8, 3, 5, 3, 2, 1, 1, 1, 2, 0, 1, 2, 3, 1},     /* asymmetric */
        {1, 4, 3, 3, 4, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 4, 1},     /* kernel > input */
        {1, 4, 6, 6, 4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 4, 1},     /* no padding */
        /* phase planes: odd/even left pads, odd widths, rows shorter than a block */
        {1, 5, 48, 48, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 5, 1},   /* MobileNetV2 stride 2 */
        {1, 3, 13, 13, 3, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0, 3, 0},
        {1, 3, 7, 3, 3, 3, 3, 2, 2, 1, 1, 1, 2, 1, 1, 3, 1},
        {1, 2, 5, 1, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2, 1},     /* width 1 */
        {1, 3, 11, 17, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, 1},   /* stride 3 */
        {1, 3, 10, 9, 3, 3, 3, 2, 1, 2, 1, 2, 1, 2, 1, 3, 1},    /* stride 2 x 1, dilation */
        {1, 4, 12, 12, 4, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 4, 1},   /* 25 taps, stride 2 */
        {1, 4, 9, 10, 4, 1, 3, 1, 1, 1, 1, 0, 1, 0, 1, 4, 1},    /* 3 taps */
        {1, 4, 9, 10, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 4, 0},    /* 4 taps */
        {1, 16, 3, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16, 1},  /* 3x3 map */
        {2, 6, 9, 8, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, 1},     /* batch 2, stride 2 */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_1x1(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 64, 25, 5, 64, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}, /* DS-CNN pointwise */
        {1, 7, 5, 3, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {1, 5, 9, 9, 6, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1},    /* 1x1 stride 2 */
        {1, 3, 4, 5, 5, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},    /* 1x1 with pads */
        {1, 3, 4, 4, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1},    /* only bottom/right */
        {1, 3, 4, 4, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1},    /* only bottom */
        {1, 3, 4, 4, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1},    /* only right */
        {1, 33, 3, 3, 37, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0},  /* 3x3 map */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_conv_batch2(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {2, 3, 7, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 6, 7, 6, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, 1},
        {2, 5, 4, 6, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {2, 4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

/* Every activation kind on each of the three paths. */
static void test_conv_activations(void **state)
{
    (void)state;
    const conv_case cases[] = {
        {1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        {1, 6, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1},
        {1, 7, 5, 3, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
        {1, 6, 11, 10, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6, 0}, /* depthwise s2, no bias */
        {1, 5, 6, 7, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 5, 1},   /* depthwise 25 taps */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t a = 0; a < TEST_N_ACTS; a++)
            bad += run_case(&cases[i], test_acts[a], (uint32_t)(99 + i * 10 + a));
    assert_int_equal(bad, 0);
}

/* Pointwise convs need no scratch; depthwise needs at least the padded plane (9 x 11)
 * and im2col at least one column of 3 * 3 * 3 taps. (run_cases checks that the sizes
 * suffice: the scratch is allocated exactly and ASan builds catch overruns.) */
static void test_conv_scratch_size(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    const conv_case pw = {1, 7, 5, 3, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1};
    const conv_case dw = {1, 6, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1};
    const conv_case gen = {1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    kiln_conv2d_params p = make_params(&pw, none);
    assert_int_equal(kiln_conv2d_f32_scratch_size(&p), 0);
    p = make_params(&dw, none);
    assert_true(kiln_conv2d_f32_scratch_size(&p) >= 9 * 11 * sizeof(float));
    p = make_params(&gen, none);
    assert_true(kiln_conv2d_f32_scratch_size(&p) >= 27 * sizeof(float));
}

/* Runs case c separately and in place (mode) and returns whether the bits agree. */
static int in_place_matches(const conv_case *c, kiln_act act, int32_t mode, uint32_t seed)
{
    kiln_conv2d_params p = make_params(c, act);
    const size_t nx = (size_t)(p.c_in * p.h_in * p.w_in), ny = (size_t)(p.c_out * p.h_out * p.w_out);
    const size_t nw = (size_t)(p.c_out * (p.c_in / p.group) * p.k_h * p.k_w);
    float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
    float *b = malloc((size_t)p.c_out * sizeof *b), *want = malloc(ny * sizeof *want);
    float *xy = malloc((nx > ny ? nx : ny) * sizeof *xy);
    test_rng r = {seed};
    test_fill(&r, x, nx, -2.0f, 2.0f);
    test_fill(&r, w, nw, -1.0f, 1.0f);
    test_fill(&r, b, (size_t)p.c_out, -1.0f, 1.0f);
    size_t ss = kiln_conv2d_f32_scratch_size(&p);
    float *scratch = ss ? malloc(ss) : NULL;
    kiln_conv2d_f32(&p, x, w, c->has_bias ? b : NULL, want, scratch);
    free(scratch);
    p.in_place = mode;
    ss = kiln_conv2d_f32_scratch_size(&p);
    scratch = ss ? malloc(ss) : NULL;
    test_poison(xy, nx > ny ? nx : ny);
    memcpy(xy, x, nx * sizeof *x);
    kiln_conv2d_f32(&p, xy, w, c->has_bias ? b : NULL, xy, scratch);
    const int same = memcmp(want, xy, ny * sizeof *xy) == 0;
    if (!same)
        printf("  in-place mode %d differs: c_in=%d %dx%d c_out=%d k=%dx%d s=%d act=%d\n", mode,
               c->c_in, c->h_in, c->w_in, c->c_out, c->k_h, c->k_w, c->stride_h, (int)act.kind);
    free(x), free(w), free(b), free(want), free(xy), free(scratch);
    return same;
}

/* In-place pointwise (narrowing, equal, widening) and depthwise (plane copy and line
 * buffer; stride 1 and 2, dilation, 5x5, every activation path) give the same bits as
 * separate buffers. */
static void test_conv_in_place(void **state)
{
    (void)state;
    const kiln_act acts[] = {{KILN_ACT_NONE, 0.0f, 0.0f}, {KILN_ACT_RELU, 0.0f, 0.0f},
                             {KILN_ACT_CLIP, 0.0f, 6.0f}, {KILN_ACT_SIGMOID, 0.0f, 0.0f}};
    /*                       n c_in h_in w_in c_out kh kw sh sw dh dw pt pl pb pr grp bias */
    const conv_case pws[] = {{1, 16, 5, 7, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
                             {1, 8, 25, 5, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0},
                             {1, 8, 6, 6, 24, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1},
                             {1, 3, 3, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}};
    const conv_case dws[] = {{1, 6, 25, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1},
                             {1, 4, 12, 12, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4, 1},
                             {1, 4, 11, 9, 4, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 4, 0},
                             {1, 3, 9, 9, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 3, 1},
                             {1, 5, 10, 8, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 5, 1},
                             {1, 2, 7, 7, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 2, 1}};
    int ok = 1;
    uint32_t seed = 77;
    for (size_t a = 0; a < KILN_ARRAY_LEN_T(acts); a++) {
        for (size_t i = 0; i < KILN_ARRAY_LEN_T(pws); i++)
            ok &= in_place_matches(&pws[i], acts[a], KILN_CONV_IN_PLACE, seed++);
        for (size_t i = 0; i < KILN_ARRAY_LEN_T(pws); i++)
            ok &= in_place_matches(&pws[i], acts[a], KILN_CONV_IN_PLACE_SMALL, seed++);
        for (size_t i = 0; i < KILN_ARRAY_LEN_T(dws); i++) {
            ok &= in_place_matches(&dws[i], acts[a], KILN_CONV_IN_PLACE, seed++);
            ok &= in_place_matches(&dws[i], acts[a], KILN_CONV_IN_PLACE_SMALL, seed++);
        }
    }
    assert_true(ok);
}

/* The line buffer of a stride-1 3x3 'same' depthwise holds two output rows, and a
 * stride-2 one a single row: far less than a plane. */
static void test_conv_line_buffer_size(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    const conv_case s1 = {1, 64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 64, 1};
    const conv_case s2 = {1, 16, 48, 48, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 16, 1};
    kiln_conv2d_params p = make_params(&s1, none);
    p.in_place = KILN_CONV_IN_PLACE_SMALL;
    assert_int_equal(kiln_conv2d_f32_scratch_size(&p), 2 * 5 * sizeof(float));
    p = make_params(&s2, none);
    p.in_place = KILN_CONV_IN_PLACE_SMALL;
    assert_int_equal(kiln_conv2d_f32_scratch_size(&p), 1 * 24 * sizeof(float));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_3x3_same),
        cmocka_unit_test(test_conv_no_pad_odd),
        cmocka_unit_test(test_conv_stride2),
        cmocka_unit_test(test_conv_dilation2),
        cmocka_unit_test(test_conv_asymmetric_pads),
        cmocka_unit_test(test_conv_groups),
        cmocka_unit_test(test_conv_depthwise),
        cmocka_unit_test(test_conv_1x1),
        cmocka_unit_test(test_conv_batch2),
        cmocka_unit_test(test_conv_activations),
        cmocka_unit_test(test_conv_scratch_size),
        cmocka_unit_test(test_conv_in_place),
        cmocka_unit_test(test_conv_line_buffer_size),
    };
    return cmocka_run_group_tests_name("runtime_conv2d", tests, NULL, NULL);
}
