/* SPDX-License-Identifier: MIT */
/* kiln_einsum_f32/f64: the label strides the compiler builds for transpose, row sums,
 * trace, inner and batched products, against values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static const float m23[6] = {1, 2, 3, 4, 5, 6};   /* [[1, 2, 3], [4, 5, 6]] */

static void test_einsum_transpose_and_sum(void **state)
{
    (void)state;
    /* ij->ji: labels j (size 3, stride 1), i (size 2, stride 3) */
    const kiln_einsum_params t = {1, 2, 0, {3, 2}, {{1, 3}, {0}}};
    const float want_t[6] = {1, 4, 2, 5, 3, 6};
    /* ij->i: i is output (stride 3), j summed (stride 1): row sums 6 and 15 */
    const kiln_einsum_params s = {1, 1, 1, {2, 3}, {{3, 1}, {0}}};
    const float want_s[2] = {6, 15};
    float got[6];
    kiln_einsum_f32(&t, m23, NULL, got);
    size_t bad = test_mismatches("transpose", want_t, got, 6);
    kiln_einsum_f32(&s, m23, NULL, got);
    bad += test_mismatches("sum", want_s, got, 2);
    assert_int_equal(bad, 0);
}

static void test_einsum_diagonal(void **state)
{
    (void)state;
    /* ii->i on [[1, 2, 3], [4, 5, 6], [7, 8, 9]]: one label, stride 3 + 1 = 4: 1, 5, 9;
     * ii (implicit) sums that diagonal: 15 */
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const kiln_einsum_params diag = {1, 1, 0, {3}, {{4}, {0}}};
    const kiln_einsum_params trace = {1, 0, 1, {3}, {{4}, {0}}};
    const float want_d[3] = {1, 5, 9}, want_t[1] = {15};
    float got[3];
    kiln_einsum_f32(&diag, x, NULL, got);
    size_t bad = test_mismatches("diagonal", want_d, got, 3);
    kiln_einsum_f32(&trace, x, NULL, got);
    bad += test_mismatches("trace", want_t, got, 1);
    assert_int_equal(bad, 0);
}

static void test_einsum_products_f64(void **state)
{
    (void)state;
    /* i,i: 1*4 + 2*5 + 3*6 = 32 */
    const double u[3] = {1, 2, 3}, v[3] = {4, 5, 6};
    const kiln_einsum_params inner = {2, 0, 1, {3}, {{1}, {1}}};
    double dot = 0;
    kiln_einsum_f64(&inner, u, v, &dot);
    assert_true(dot == 32.0);
    /* bij,bjk->bik with b = 2, i = 1, j = 2, k = 1: labels b, i, k, then j.
     * batch 0: [1 2] . [3 4]^T = 11; batch 1: [5 6] . [7 8]^T = 83 */
    const double a[4] = {1, 2, 5, 6}, b[4] = {3, 4, 7, 8};
    const kiln_einsum_params bmm = {2, 3, 1, {2, 1, 1, 2}, {{2, 2, 0, 1}, {2, 0, 1, 1}}};
    double y[2] = {0, 0};
    kiln_einsum_f64(&bmm, a, b, y);
    assert_true(y[0] == 11.0 && y[1] == 83.0);
}

static void test_einsum_empty_sum(void **state)
{
    (void)state;
    /* ij->i with j of size 0: every row sum is 0 */
    const kiln_einsum_params s = {1, 1, 1, {2, 0}, {{0, 1}, {0}}};
    float got[2] = {7, 7};
    const float want[2] = {0, 0};
    kiln_einsum_f32(&s, m23, NULL, got);
    assert_int_equal(test_mismatches("empty", want, got, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_einsum_transpose_and_sum),
        cmocka_unit_test(test_einsum_diagonal),
        cmocka_unit_test(test_einsum_products_f64),
        cmocka_unit_test(test_einsum_empty_sum),
    };
    return cmocka_run_group_tests_name("runtime_einsum", tests, NULL, NULL);
}
