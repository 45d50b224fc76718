/* SPDX-License-Identifier: MIT */
/* kiln_conv2d_sparse_s8 and kiln_fully_connected_sparse_s8 against the dense s8 kernels on
 * the same pruned weights: the outputs must be the same bytes (memcmp), over conv
 * geometries (1x1, general, padded, strided, dilated, grouped, depthwise), fully connected
 * shapes, sparsities from 0 to 100 %, int32, int16 and no bias, and batch > 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "kiln.h"
#include "runtime_test.h"

static const float sparsities[] = {0.0f, 0.3f, 0.5f, 0.8f, 0.95f, 1.0f};
enum { N_SPARSITIES = sizeof sparsities / sizeof sparsities[0] };

static int8_t rand_s8(test_rng *r) { return (int8_t)((int32_t)(test_next(r) % 256u) - 128); }

/* Dense weights (rows x row_len), pruned, and their sparse encoding. */
typedef struct {
    int8_t *w, *val, *shift8;
    uint8_t *mask;
    int32_t *bias, *mult, *shift;
    int16_t *bias16;
    kiln_sparse_s8 s;
    kiln_per_channel_quant q;
} Weights;

/* bias_kind: 0 none, 1 int32 (beyond int16), 2 int16. */
static Weights make_weights(test_rng *r, int32_t rows, int32_t row_len, float sparsity,
                            int bias_kind)
{
    Weights e;
    const size_t nw = (size_t)rows * (size_t)row_len;
    e.w = malloc(nw), e.val = malloc(nw + 1), e.mask = calloc(nw / 8 + 1, 1);
    e.bias = malloc((size_t)rows * 4), e.bias16 = malloc((size_t)rows * 2);
    e.mult = malloc((size_t)rows * 4), e.shift = malloc((size_t)rows * 4);
    e.shift8 = malloc((size_t)rows);
    size_t k = 0;
    for (size_t i = 0; i < nw; i++) {
        int8_t v = rand_s8(r);
        e.w[i] = test_uniform(r, 0.0f, 1.0f) < sparsity ? 0 : v == -128 ? 127 : v;
        if (e.w[i]) {
            e.mask[i / 8] = (uint8_t)(e.mask[i / 8] | 1u << (i % 8));
            e.val[k++] = e.w[i];
        }
    }
    for (int32_t o = 0; o < rows; o++) {
        int32_t range = bias_kind == 2 ? 65535 : 2000000;
        e.bias[o] = (int32_t)(test_next(r) % (uint32_t)range) - range / 2;
        e.bias16[o] = (int16_t)(bias_kind == 2 ? e.bias[o] : 0);
        e.mult[o] = (int32_t)((1u << 30) + test_next(r) % (1u << 30));
        e.shift[o] = -(int32_t)(6 + test_next(r) % 6u);
        e.shift8[o] = (int8_t)e.shift[o];
    }
    e.s = (kiln_sparse_s8){e.mask, e.val, bias_kind == 1 ? e.bias : NULL,
                           bias_kind == 2 ? e.bias16 : NULL, e.mult, e.shift8};
    e.q = (kiln_per_channel_quant){e.mult, e.shift8};
    return e;
}

static void release(Weights *e)
{
    free(e->w), free(e->val), free(e->mask), free(e->bias), free(e->bias16);
    free(e->mult), free(e->shift), free(e->shift8);
}

static size_t differ(const char *what, const int8_t *want, const int8_t *got, size_t n)
{
    if (!memcmp(want, got, n))
        return 0;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        if (want[i] != got[i] && bad++ == 0)
            printf("%s: index %zu: dense %d, sparse %d\n", what, i, want[i], got[i]);
    return bad;
}

/* One conv geometry at every sparsity and bias kind; the dense reference is the kernel
 * the compiler would pick (and always the general one). */
static size_t conv_case(const kiln_conv2d_params *g, uint32_t seed)
{
    test_rng r = {seed};
    const int32_t row_len = g->c_in / g->group * g->k_h * g->k_w;
    const size_t nx = (size_t)(g->n * g->c_in * g->h_in * g->w_in);
    const size_t ny = (size_t)(g->n * g->c_out * g->h_out * g->w_out);
    int8_t *x = malloc(nx), *want = malloc(ny), *got = malloc(ny);
    int32_t *acc = malloc(kiln_conv2d_sparse_s8_scratch(g));
    const int pointwise = g->k_h == 1 && g->k_w == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                          g->pad_top == 0 && g->pad_left == 0 && g->group == 1 &&
                          g->h_out == g->h_in && g->w_out == g->w_in;
    const int depthwise = g->group == g->c_in && g->group > 1;
    size_t bad = 0;
    for (int s = 0; s < N_SPARSITIES; s++)
        for (int bias_kind = 0; bias_kind < 3; bias_kind++) {
            for (size_t i = 0; i < nx; i++)
                x[i] = rand_s8(&r);
            Weights e = make_weights(&r, g->c_out, row_len, sparsities[s], bias_kind);
            const int32_t *bias = bias_kind ? e.bias : NULL;
            const kiln_conv2d_s8_params p = {*g, {(int32_t)(test_next(&r) % 256u) - 128,
                                                  (int32_t)(test_next(&r) % 21u) - 10, -128, 127}};
            memset(got, 0x5a, ny);
            kiln_conv2d_sparse_s8(&p, x, &e.s, acc, got);
            kiln_conv2d_s8(&p, &e.q, x, e.w, bias, want);
            bad += differ("conv2d_sparse_s8 vs conv2d_s8", want, got, ny);
            if (pointwise || depthwise) {
                (pointwise ? kiln_conv2d_s8_1x1 : kiln_dwconv2d_s8)(&p, &e.q, x, e.w, bias, want);
                bad += differ("conv2d_sparse_s8 vs 1x1/depthwise", want, got, ny);
            }
            release(&e);
        }
    free(x), free(want), free(got), free(acc);
    return bad;
}

#define NONE {KILN_ACT_NONE, 0.0f, 0.0f}, KILN_CONV_SEPARATE

static void test_conv_1x1(void **state)
{
    (void)state;
    const kiln_conv2d_params cases[] = {
        {1, 64, 25, 5, 64, 25, 5, 1, 1, 1, 1, 1, 1, 0, 0, 1, NONE},   /* KWS pointwise */
        {2, 7, 5, 3, 9, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1, NONE},       /* batch 2, odd sizes */
        {1, 13, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, NONE},      /* one pixel */
        {1, 6, 7, 7, 4, 4, 4, 1, 1, 2, 2, 1, 1, 0, 0, 1, NONE},       /* 1x1 stride 2 */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += conv_case(&cases[i], (uint32_t)(10 + i));
    assert_int_equal(bad, 0);
}

static void test_conv_general(void **state)
{
    (void)state;
    const kiln_conv2d_params cases[] = {
        {1, 1, 49, 10, 64, 25, 5, 10, 4, 2, 2, 1, 1, 4, 1, 1, NONE},  /* KWS first conv */
        {1, 3, 9, 7, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, NONE},       /* pads, stride 2 */
        {2, 4, 6, 6, 6, 4, 4, 3, 3, 1, 1, 2, 2, 1, 1, 2, NONE},       /* groups, dilation */
        {1, 2, 5, 5, 3, 1, 1, 5, 5, 1, 1, 1, 1, 0, 0, 1, NONE},       /* window = input */
        {1, 3, 4, 6, 4, 6, 5, 3, 2, 1, 1, 1, 1, 2, 0, 1, NONE},       /* asymmetric pads */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += conv_case(&cases[i], (uint32_t)(20 + i));
    assert_int_equal(bad, 0);
}

static void test_dwconv(void **state)
{
    (void)state;
    const kiln_conv2d_params cases[] = {
        {1, 64, 25, 5, 64, 25, 5, 3, 3, 1, 1, 1, 1, 1, 1, 64, NONE},  /* KWS depthwise */
        {1, 6, 10, 9, 6, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 6, NONE},
        {2, 3, 7, 7, 6, 7, 7, 3, 3, 1, 1, 2, 2, 2, 2, 3, NONE},       /* multiplier 2, dilation */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += conv_case(&cases[i], (uint32_t)(30 + i));
    assert_int_equal(bad, 0);
}

static void test_fully_connected(void **state)
{
    (void)state;
    const int32_t shapes[][3] = {{1, 12, 64}, {3, 5, 37}, {2, 7, 1}, {1, 3, 300}, {4, 9, 16}};
    test_rng r = {40};
    size_t bad = 0;
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++)
        for (int s = 0; s < N_SPARSITIES; s++)
            for (int bias_kind = 0; bias_kind < 3; bias_kind++) {
                const int32_t m = shapes[c][0], n = shapes[c][1], k = shapes[c][2];
                int8_t *x = malloc((size_t)(m * k)), *want = malloc((size_t)(m * n));
                int8_t *got = malloc((size_t)(m * n));
                for (int32_t i = 0; i < m * k; i++)
                    x[i] = rand_s8(&r);
                Weights e = make_weights(&r, n, k, sparsities[s], bias_kind);
                const kiln_fully_connected_s8_params p = {
                    m, n, k, {(int32_t)(test_next(&r) % 256u) - 128, 5, -100, 120}};
                memset(got, 0x5a, (size_t)(m * n));
                kiln_fully_connected_sparse_s8(&p, x, &e.s, got);
                kiln_fully_connected_s8(&p, &e.q, x, e.w, bias_kind ? e.bias : NULL, want);
                bad += differ("fully_connected_sparse_s8", want, got, (size_t)(m * n));
                release(&e);
                free(x), free(want), free(got);
            }
    assert_int_equal(bad, 0);
}

/* The outputs are not trivially equal: a fully pruned layer gives the bias alone, and a
 * dense one differs from it. */
static void test_bias_only_when_empty(void **state)
{
    (void)state;
    test_rng r = {50};
    int8_t x[8], y[2];
    Weights e = make_weights(&r, 2, 8, 1.0f, 1);
    for (int i = 0; i < 8; i++)
        x[i] = rand_s8(&r);
    const kiln_fully_connected_s8_params p = {1, 2, 8, {0, 0, -128, 127}};
    kiln_fully_connected_sparse_s8(&p, x, &e.s, y);
    for (int j = 0; j < 2; j++) {
        int32_t v = kiln_requantize(e.bias[j], e.mult[j], e.shift[j]);
        assert_int_equal(y[j], v < -128 ? -128 : v > 127 ? 127 : v);
    }
    release(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_1x1),
        cmocka_unit_test(test_conv_general),
        cmocka_unit_test(test_dwconv),
        cmocka_unit_test(test_fully_connected),
        cmocka_unit_test(test_bias_only_when_empty),
    };
    return cmocka_run_group_tests_name("runtime_sparse_s8", tests, NULL, NULL);
}
