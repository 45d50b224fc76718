/* SPDX-License-Identifier: MIT */
/* kiln_conv2d_sparse_f32 and kiln_gemm_sparse_f32 against the dense kernels on the same
 * pruned weights: the results must be equal (==, so only a zero's sign may differ). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* Zeroes about `sparsity` of w (rows x per), then builds the index lists. */
typedef struct {
    uint16_t *count, *idx;
    float *val;
    kiln_sparse_f32 s;
} Encoded;

static void prune_random(test_rng *r, float *w, size_t n, float sparsity)
{
    for (size_t i = 0; i < n; i++)
        if (test_uniform(r, 0.0f, 1.0f) < sparsity)
            w[i] = 0.0f;
}

/* Row r's element p is w[r * rs + p * ps]. */
static Encoded encode(const float *w, int32_t rows, int32_t per, int32_t rs, int32_t ps)
{
    Encoded e;
    e.count = calloc((size_t)rows, sizeof *e.count);
    e.idx = malloc((size_t)rows * (size_t)per * sizeof *e.idx + 2);
    e.val = malloc((size_t)rows * (size_t)per * sizeof *e.val + 4);
    size_t k = 0;
    for (int32_t r = 0; r < rows; r++)
        for (int32_t p = 0; p < per; p++) {
            const float v = w[(size_t)r * (size_t)rs + (size_t)p * (size_t)ps];
            if (v != 0.0f) {
                e.idx[k] = (uint16_t)p;
                e.val[k++] = v;
                e.count[r]++;
            }
        }
    e.s = (kiln_sparse_f32){e.count, e.idx, e.val};
    return e;
}

static void release(Encoded *e) { free(e->count), free(e->idx), free(e->val); }

/* Exact equality (a zero of either sign equals a zero). */
static size_t exact_mismatches(const char *what, const float *want, const float *got, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        if (!(want[i] == got[i]) && !(isnan(want[i]) && isnan(got[i]))) {
            if (bad < 10)
                printf("%s: index %zu: dense %.9g, sparse %.9g\n", what, i, (double)want[i],
                       (double)got[i]);
            bad++;
        }
    return bad;
}

static size_t conv_case(kiln_conv2d_params p, float sparsity, int bias, uint32_t seed)
{
    const int32_t per = p.c_in / p.group * p.k_h * p.k_w;
    const size_t nx = (size_t)(p.n * p.c_in * p.h_in * p.w_in);
    const size_t nw = (size_t)(p.c_out * per), ny = (size_t)(p.n * p.c_out * p.h_out * p.w_out);
    float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
    float *b = malloc((size_t)p.c_out * sizeof *b);
    float *want = malloc(ny * sizeof *want), *got = malloc(ny * sizeof *got);
    float *scratch = malloc(kiln_conv2d_f32_scratch_size(&p) + 16);
    test_rng r = {seed};
    test_fill(&r, x, nx, -1.0f, 1.0f);
    test_fill(&r, w, nw, -1.0f, 1.0f);
    test_fill(&r, b, (size_t)p.c_out, -0.5f, 0.5f);
    prune_random(&r, w, nw, sparsity);
    Encoded e = encode(w, p.c_out, per, per, 1);
    test_poison(got, ny);
    kiln_conv2d_f32(&p, x, w, bias ? b : NULL, want, scratch);
    kiln_conv2d_sparse_f32(&p, x, &e.s, bias ? b : NULL, got);
    size_t bad = exact_mismatches("conv2d_sparse", want, got, ny);
    if (bad)
        printf("  case c_in=%d c_out=%d k=%dx%d stride=%d group=%d sparsity=%g\n", p.c_in,
               p.c_out, p.k_h, p.k_w, p.stride_h, p.group, (double)sparsity);
    release(&e);
    free(x), free(w), free(b), free(want), free(got), free(scratch);
    return bad;
}

/* n, c_in, h_in, w_in, c_out, h_out, w_out, k_h, k_w, sh, sw, dh, dw, pt, pl, group */
static kiln_conv2d_params geom(int32_t c_in, int32_t h, int32_t w, int32_t c_out, int32_t k_h,
                               int32_t k_w, int32_t s, int32_t pt, int32_t pl, int32_t pb,
                               int32_t pr, int32_t dil, int32_t group, kiln_act act)
{
    kiln_conv2d_params p = {1, c_in, h, w, c_out, 0, 0, k_h, k_w, s, s, dil, dil, pt, pl,
                            group, act, KILN_CONV_SEPARATE};
    p.h_out = (h + pt + pb - (k_h - 1) * dil - 1) / s + 1;
    p.w_out = (w + pl + pr - (k_w - 1) * dil - 1) / s + 1;
    return p;
}

static const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
static const kiln_act relu = {KILN_ACT_RELU, 0.0f, 0.0f};

static void test_conv_pointwise(void **state)
{
    (void)state;
    size_t bad = 0;
    const float sp[] = {0.0f, 0.5f, 0.8f, 0.95f, 1.0f};
    for (size_t i = 0; i < 5; i++) {
        bad += conv_case(geom(64, 25, 5, 64, 1, 1, 1, 0, 0, 0, 0, 1, 1, relu), sp[i], 1,
                         (uint32_t)i);
        bad += conv_case(geom(7, 3, 9, 5, 1, 1, 1, 0, 0, 0, 0, 1, 1, none), sp[i], 0,
                         (uint32_t)(10 + i));
    }
    bad += conv_case(geom(8, 9, 9, 6, 1, 1, 2, 0, 0, 0, 0, 1, 1, relu), 0.7f, 1, 20);
    assert_int_equal(bad, 0);
}

static void test_conv_general(void **state)
{
    (void)state;
    size_t bad = 0;
    /* the DS-CNN stem: 10x4, stride 2, pads [4,1,5,1] */
    bad += conv_case(geom(1, 49, 10, 16, 10, 4, 2, 4, 1, 5, 1, 1, 1, relu), 0.8f, 1, 1);
    bad += conv_case(geom(3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, none), 0.6f, 1, 2);
    bad += conv_case(geom(3, 9, 7, 4, 3, 3, 2, 0, 1, 1, 2, 1, 1, relu), 0.6f, 0, 3);
    bad += conv_case(geom(4, 11, 11, 6, 3, 3, 1, 2, 2, 2, 2, 2, 1, none), 0.5f, 1, 4);
    for (size_t i = 0; i < TEST_N_ACTS; i++)
        bad += conv_case(geom(2, 6, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, test_acts[i]), 0.5f, 1,
                         (uint32_t)(10 + i));
    assert_int_equal(bad, 0);
}

static void test_conv_groups(void **state)
{
    (void)state;
    size_t bad = 0;
    /* depthwise (DS-CNN: 64 x 25x5, 3x3 pads 1), and group 2, batch 2 */
    bad += conv_case(geom(64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64, relu), 0.8f, 1, 1);
    bad += conv_case(geom(8, 7, 7, 8, 3, 3, 2, 1, 1, 1, 1, 1, 8, none), 0.5f, 1, 2);
    kiln_conv2d_params p = geom(4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, none);
    p.n = 2;
    bad += conv_case(p, 0.6f, 1, 3);
    assert_int_equal(bad, 0);
}

static size_t gemm_case(int32_t m, int32_t n, int32_t k, int ta, float alpha, float beta,
                        int c_row, kiln_act act, float sparsity, uint32_t seed)
{
    kiln_gemm_params p = {m, n, k, ta, 0, alpha, beta, c_row ? 0 : n, 1, act};
    float *a = malloc((size_t)(m * k) * sizeof *a), *b = malloc((size_t)(k * n) * sizeof *b);
    float *c = malloc((size_t)(m * n) * sizeof *c);
    float *want = malloc((size_t)(m * n) * sizeof *want), *got = malloc((size_t)(m * n) * sizeof *got);
    test_rng r = {seed};
    test_fill(&r, a, (size_t)(m * k), -1.0f, 1.0f);
    test_fill(&r, b, (size_t)(k * n), -1.0f, 1.0f);
    test_fill(&r, c, (size_t)(m * n), -1.0f, 1.0f);
    prune_random(&r, b, (size_t)(k * n), sparsity);
    Encoded e = encode(b, n, k, 1, n);   /* column j of B [k][n] */
    test_poison(got, (size_t)(m * n));
    kiln_gemm_f32(&p, a, b, c, want);
    kiln_gemm_sparse_f32(&p, a, &e.s, c, got);
    size_t bad = exact_mismatches("gemm_sparse", want, got, (size_t)(m * n));
    /* and against the transposed dense path, which sums in the same order */
    kiln_gemm_params pt = p;
    pt.trans_b = 1;
    float *bt = malloc((size_t)(k * n) * sizeof *bt);
    for (int32_t i = 0; i < k; i++)
        for (int32_t j = 0; j < n; j++)
            bt[j * k + i] = b[i * n + j];
    kiln_gemm_f32(&pt, a, bt, c, want);
    bad += exact_mismatches("gemm_sparse vs trans_b", want, got, (size_t)(m * n));
    if (bad)
        printf("  case m=%d n=%d k=%d trans_a=%d sparsity=%g\n", m, n, k, ta, (double)sparsity);
    release(&e);
    free(a), free(b), free(bt), free(c), free(want), free(got);
    return bad;
}

static void test_gemm(void **state)
{
    (void)state;
    size_t bad = 0;
    const float sp[] = {0.0f, 0.5f, 0.8f, 1.0f};
    for (size_t i = 0; i < 4; i++) {
        bad += gemm_case(1, 12, 64, 0, 1.0f, 1.0f, 1, none, sp[i], (uint32_t)i);
        bad += gemm_case(5, 33, 17, 1, 0.5f, 2.0f, 0, relu, sp[i], (uint32_t)(10 + i));
        bad += gemm_case(1, 128, 640, 0, 1.0f, 1.0f, 1, relu, sp[i], (uint32_t)(20 + i));
    }
    for (size_t i = 0; i < TEST_N_ACTS; i++)
        bad += gemm_case(3, 9, 8, 0, 1.0f, -0.5f, 1, test_acts[i], 0.6f, (uint32_t)(40 + i));
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_pointwise),
        cmocka_unit_test(test_conv_general),
        cmocka_unit_test(test_conv_groups),
        cmocka_unit_test(test_gemm),
    };
    return cmocka_run_group_tests_name("runtime_sparse", tests, NULL, NULL);
}
