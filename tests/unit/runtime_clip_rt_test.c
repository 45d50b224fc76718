/* SPDX-License-Identifier: MIT */
/* Clip with run-time bounds (kiln_clip_rt) and Neg/Abs/Sign on integer types
 * (kiln_unary_typed) on hand-computed cases: absent bounds, NaN passing through, int64
 * bounds beyond 2^53 compared exactly, u64 above 2^63, two's-complement wrap of Neg. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "kiln.h"

static void test_clip_rt_float_both_bounds(void **state)
{
    float x[5] = {-3.0f, -0.5f, 0.25f, 7.0f, NAN}, lo = -1.0f, hi = 2.0f, y[5];
    kiln_clip_rt(KILN_F32, 5, x, &lo, &hi, y);
    assert_true(y[0] == -1.0f);
    assert_true(y[1] == -0.5f);
    assert_true(y[2] == 0.25f);
    assert_true(y[3] == 2.0f);
    assert_true(isnan(y[4]));
}

static void test_clip_rt_absent_bounds(void **state)
{
    int8_t x[4] = {-128, -5, 10, 127}, lo = -6, hi = 9, y[4];
    kiln_clip_rt(KILN_S8, 4, x, &lo, NULL, y);
    assert_int_equal(y[0], -6);
    assert_int_equal(y[1], -5);
    assert_int_equal(y[2], 10);
    assert_int_equal(y[3], 127);
    kiln_clip_rt(KILN_S8, 4, x, NULL, &hi, y);
    assert_int_equal(y[0], -128);
    assert_int_equal(y[3], 9);
    kiln_clip_rt(KILN_S8, 4, x, NULL, NULL, y);
    assert_memory_equal(x, y, sizeof x);
}

static void test_clip_rt_in_place(void **state)
{
    double x[3] = {-2.5, 0.0, 2.5}, lo = -1.0, hi = 1.0;
    kiln_clip_rt(KILN_F64, 3, x, &lo, &hi, x);
    assert_true(x[0] == -1.0 && x[1] == 0.0 && x[2] == 1.0);
}

static void test_clip_rt_int64_exact(void **state)
{
    /* 2^53 + 1 is not a double: a clip in double would round the bound to 2^53 */
    int64_t x[2] = {INT64_MAX, -3}, hi = (1LL << 53) + 1, y[2];
    kiln_clip_rt(KILN_S64, 2, x, NULL, &hi, y);
    assert_true(y[0] == (1LL << 53) + 1);
    assert_true(y[1] == -3);
    uint64_t u[2] = {UINT64_MAX, 1}, ulo = 2, uhi = (1ULL << 63) + 5, uy[2];
    kiln_clip_rt(KILN_U64, 2, u, &ulo, &uhi, uy);
    assert_true(uy[0] == (1ULL << 63) + 5);
    assert_true(uy[1] == 2);
}

static kiln_tunary_params unary(kiln_tunary_op op, kiln_dtype t, int32_t n)
{
    kiln_tunary_params p = {op, t, t, n, 0, 0.0, 0.0};
    return p;
}

static void test_neg_abs_sign_integers(void **state)
{
    int32_t x[4] = {INT32_MIN, -7, 0, 9}, y[4];
    kiln_tunary_params p = unary(KILN_TU_NEG, KILN_S32, 4);
    kiln_unary_typed(&p, x, y);
    assert_int_equal(y[0], INT32_MIN);   /* wraps, as two's complement does */
    assert_int_equal(y[1], 7);
    assert_int_equal(y[2], 0);
    assert_int_equal(y[3], -9);
    int8_t a[3] = {-100, 3, 0}, b[3];
    p = unary(KILN_TU_ABS, KILN_S8, 3);
    kiln_unary_typed(&p, a, b);
    assert_int_equal(b[0], 100);
    assert_int_equal(b[1], 3);
    assert_int_equal(b[2], 0);
    int64_t s[3] = {-(1LL << 60), 0, 42}, t[3];
    p = unary(KILN_TU_SIGN, KILN_S64, 3);
    kiln_unary_typed(&p, s, t);
    assert_true(t[0] == -1 && t[1] == 0 && t[2] == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clip_rt_float_both_bounds),
        cmocka_unit_test(test_clip_rt_absent_bounds),
        cmocka_unit_test(test_clip_rt_in_place),
        cmocka_unit_test(test_clip_rt_int64_exact),
        cmocka_unit_test(test_neg_abs_sign_integers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
