/* SPDX-License-Identifier: MIT */
/* kiln_gemm_f32 against a naive triple loop, over transposes, alpha/beta and C shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* How C is given: absent, scalar, row [n], column [m, 1], or full [m, n]. */
enum { C_NONE, C_SCALAR, C_ROW, C_COL, C_FULL };

static void ref_gemm(const kiln_gemm_params *p, const float *a, const float *b,
                     const float *c, float *y)
{
    for (int32_t i = 0; i < p->m; i++)
        for (int32_t j = 0; j < p->n; j++) {
            float s = 0.0f;
            for (int32_t q = 0; q < p->k; q++) {
                const float av = p->trans_a ? a[q * p->m + i] : a[i * p->k + q];
                const float bv = p->trans_b ? b[j * p->k + q] : b[q * p->n + j];
                s += av * bv;
            }
            float v = p->alpha * s;
            if (c)
                v += p->beta * c[i * p->c_stride_m + j * p->c_stride_n];
            y[i * p->n + j] = ref_act(&p->act, v);
        }
}

static size_t run_case(int32_t m, int32_t n, int32_t k, int ta, int tb, float alpha,
                       float beta, int cmode, kiln_act act, uint32_t seed)
{
    kiln_gemm_params p;
    p.m = m, p.n = n, p.k = k, p.trans_a = ta, p.trans_b = tb;
    p.alpha = alpha, p.beta = beta, p.act = act;
    p.c_stride_m = cmode == C_COL ? 1 : cmode == C_FULL ? n : 0;
    p.c_stride_n = cmode == C_ROW || cmode == C_FULL ? 1 : 0;
    float *a = malloc((size_t)(m * k) * sizeof *a), *b = malloc((size_t)(k * n) * sizeof *b);
    float *c = malloc((size_t)(m * n) * sizeof *c);
    float *want = malloc((size_t)(m * n) * sizeof *want), *got = malloc((size_t)(m * n) * sizeof *got);
    test_rng r = {seed};
    test_fill(&r, a, (size_t)(m * k), -1.0f, 1.0f);
    test_fill(&r, b, (size_t)(k * n), -1.0f, 1.0f);
    test_fill(&r, c, (size_t)(m * n), -1.0f, 1.0f);
    test_poison(got, (size_t)(m * n));
    const float *cc = cmode == C_NONE ? NULL : c;
    ref_gemm(&p, a, b, cc, want);
    kiln_gemm_f32(&p, a, b, cc, got);
    const size_t bad = test_mismatches("gemm", want, got, (size_t)(m * n));
    if (bad)
        printf("  case m=%d n=%d k=%d trans_a=%d trans_b=%d alpha=%g beta=%g c=%d act=%d\n",
               m, n, k, ta, tb, (double)alpha, (double)beta, cmode, (int)act.kind);
    free(a), free(b), free(c), free(want), free(got);
    return bad;
}

static const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};

/* Shapes hitting every tile of the core: 4x8 blocks, row and column tails, 1x32 rows. */
static const int32_t shapes[][3] = {
    {1, 1, 1}, {1, 128, 640}, {1, 10, 128}, {1, 45, 7}, {4, 8, 5}, {5, 7, 3},
    {13, 33, 17}, {3, 70, 9}, {8, 16, 1}, {2, 41, 64}, {33, 5, 12},
};
#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static void test_gemm_shapes(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N_SHAPES; i++)
        bad += run_case(shapes[i][0], shapes[i][1], shapes[i][2], 0, 0, 1.0f, 1.0f, C_NONE,
                        none, (uint32_t)i);
    assert_int_equal(bad, 0);
}

static void test_gemm_transposes(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N_SHAPES; i++)
        for (int t = 1; t < 4; t++)
            bad += run_case(shapes[i][0], shapes[i][1], shapes[i][2], t & 1, t >> 1, 1.0f,
                            1.0f, C_FULL, none, (uint32_t)(100 + 4 * i + (size_t)t));
    assert_int_equal(bad, 0);
}

static void test_gemm_alpha_beta(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(5, 7, 3, 0, 0, 0.5f, 2.0f, C_FULL, none, 1);
    bad += run_case(13, 33, 17, 1, 1, -1.5f, 0.25f, C_FULL, none, 2);
    bad += run_case(1, 128, 64, 0, 1, 2.0f, -1.0f, C_ROW, none, 3);
    bad += run_case(6, 9, 4, 0, 0, 1.0f, 0.0f, C_FULL, none, 4);
    bad += run_case(6, 9, 4, 1, 0, 0.0f, 1.0f, C_FULL, none, 5);
    assert_int_equal(bad, 0);
}

static void test_gemm_c_broadcast(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int cm = C_NONE; cm <= C_FULL; cm++) {
        bad += run_case(7, 11, 5, 0, 0, 1.0f, 1.0f, cm, none, (uint32_t)(10 + cm));
        bad += run_case(1, 40, 9, 0, 1, 0.5f, 3.0f, cm, none, (uint32_t)(20 + cm));
        bad += run_case(9, 12, 6, 1, 0, 1.0f, -0.5f, cm, none, (uint32_t)(30 + cm));
    }
    assert_int_equal(bad, 0);
}

static void test_gemm_activations(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < TEST_N_ACTS; i++) {
        bad += run_case(5, 19, 6, 0, 0, 1.0f, 1.0f, C_ROW, test_acts[i], (uint32_t)(50 + i));
        bad += run_case(1, 37, 8, 0, 1, 1.0f, 1.0f, C_ROW, test_acts[i], (uint32_t)(60 + i));
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_shapes),
        cmocka_unit_test(test_gemm_transposes),
        cmocka_unit_test(test_gemm_alpha_beta),
        cmocka_unit_test(test_gemm_c_broadcast),
        cmocka_unit_test(test_gemm_activations),
    };
    return cmocka_run_group_tests_name("runtime_gemm", tests, NULL, NULL);
}
