/* SPDX-License-Identifier: MIT */
/* kiln_gemm_nn_f32 (the shared GEMM core): strided A, padded B/Y rows, row bias. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* Runs the core on an m x n x k problem whose A has strides (a_rs, a_cs) and whose B
 * and Y rows are padded to ldb, ldy; checks the result and that Y's padding is left
 * untouched. */
static size_t run_case(int32_t m, int32_t n, int32_t k, int trans_a, int32_t ldb,
                       int32_t ldy, int has_bias, uint32_t seed)
{
    const int32_t a_rs = trans_a ? 1 : k, a_cs = trans_a ? m : 1;
    float *a = malloc((size_t)(m * k) * sizeof *a), *b = malloc((size_t)(k * ldb) * sizeof *b);
    float *bias = malloc((size_t)m * sizeof *bias);
    float *want = malloc((size_t)(m * ldy) * sizeof *want), *got = malloc((size_t)(m * ldy) * sizeof *got);
    test_rng r = {seed};
    test_fill(&r, a, (size_t)(m * k), -1.0f, 1.0f);
    test_fill(&r, b, (size_t)(k * ldb), -1.0f, 1.0f);
    test_fill(&r, bias, (size_t)m, -1.0f, 1.0f);
    for (int32_t i = 0; i < m * ldy; i++)
        want[i] = got[i] = 12345.0f;
    for (int32_t i = 0; i < m; i++)
        for (int32_t j = 0; j < n; j++) {
            float s = 0.0f;
            for (int32_t q = 0; q < k; q++)
                s += a[i * a_rs + q * a_cs] * b[q * ldb + j];
            want[i * ldy + j] = has_bias ? s + bias[i] : s;
        }
    kiln_gemm_nn_f32(m, n, k, a, a_rs, a_cs, b, ldb, has_bias ? bias : NULL, got, ldy);
    const size_t bad = test_mismatches("gemm_nn", want, got, (size_t)(m * ldy));
    if (bad)
        printf("  case m=%d n=%d k=%d trans_a=%d ldb=%d ldy=%d bias=%d\n", m, n, k, trans_a,
               ldb, ldy, has_bias);
    free(a), free(b), free(bias), free(want), free(got);
    return bad;
}

static void test_gemm_nn_tiles(void **state)
{
    (void)state;
    size_t bad = 0;
    const int32_t ms[] = {1, 3, 4, 5, 8, 9};
    const int32_t ns[] = {1, 7, 8, 9, 11, 12, 13, 31, 32, 33, 36, 45, 64};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
            bad += run_case(ms[i], ns[j], 5, 0, ns[j], ns[j], (int)((i + j) & 1),
                            (uint32_t)(i * 16 + j));
    assert_int_equal(bad, 0);
}

static void test_gemm_nn_strides(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(6, 10, 7, 1, 10, 10, 1, 1);  /* A transposed */
    bad += run_case(5, 9, 4, 0, 13, 11, 1, 2);   /* padded rows */
    bad += run_case(9, 40, 3, 1, 41, 50, 0, 3);
    bad += run_case(4, 8, 0, 0, 8, 8, 1, 4);     /* k == 0: bias only */
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_nn_tiles),
        cmocka_unit_test(test_gemm_nn_strides),
    };
    return cmocka_run_group_tests_name("runtime_gemm_nn", tests, NULL, NULL);
}
