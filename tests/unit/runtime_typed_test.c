/* SPDX-License-Identifier: MIT */
/* The typed and reduction kernels on hand-computed cases: integer wrap-around, Python-style
 * Mod vs fmod, saturating casts, BitShift, comparisons, Where with broadcasting, reductions
 * over several axes, integer Clip, ArgMax ties, CumSum exclusive/reverse, TopK ties, Round half to even. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "kiln.h"

/* Same-shape 1-D params over n elements. */
static kiln_tbinary_params flat(kiln_tbinary_op op, kiln_dtype t, int32_t n)
{
    kiln_tbinary_params p = {op, t, t, t, 1, {n}, {1}, {1}};
    return p;
}

static void test_int8_add_wraps(void **state)
{
    int8_t a[3] = {127, -128, 5}, b[3] = {1, -1, -7}, y[3];
    kiln_tbinary_params p = flat(KILN_TB_ADD, KILN_S8, 3);
    kiln_binary_typed(&p, a, b, y);
    assert_int_equal(y[0], -128);
    assert_int_equal(y[1], 127);
    assert_int_equal(y[2], -2);
}

static void test_mod_sign_rules(void **state)
{
    int32_t a[4] = {-4, 7, 5, -7}, b[4] = {3, -3, 0, -3}, y[4];
    kiln_tbinary_params p = flat(KILN_TB_MOD, KILN_S32, 4);
    kiln_binary_typed(&p, a, b, y);
    /* the divisor's sign (numpy.mod); division by zero gives 0 instead of a trap */
    assert_int_equal(y[0], 2);
    assert_int_equal(y[1], -2);
    assert_int_equal(y[2], 0);
    assert_int_equal(y[3], -1);
    p.op = KILN_TB_FMOD;
    kiln_binary_typed(&p, a, b, y);
    assert_int_equal(y[0], -1);   /* the dividend's sign (C %) */
    assert_int_equal(y[1], 1);
}

static void test_u64_compare_and_shift(void **state)
{
    uint64_t a[2] = {UINT64_MAX, 1}, b[2] = {1, 63}, y[2];
    uint8_t c[2];
    kiln_tbinary_params p = flat(KILN_TB_GT, KILN_U64, 2);
    kiln_binary_typed(&p, a, b, c);
    assert_int_equal(c[0], 1);    /* unsigned, not -1 > 1 */
    assert_int_equal(c[1], 0);
    p = flat(KILN_TB_SHL, KILN_U64, 2);
    kiln_binary_typed(&p, a, b, y);
    assert_true(y[0] == UINT64_MAX - 1);
    assert_true(y[1] == (uint64_t)1 << 63);
}

static void test_broadcast_pow_mixed_types(void **state)
{
    /* int32 base [2,1] ** float exponent [3] -> int32 [2,3] */
    int32_t a[2] = {2, 3}, y[6];
    float b[3] = {0.0f, 1.0f, 3.0f};
    kiln_tbinary_params p = {KILN_TB_POW, KILN_S32, KILN_F32, KILN_S32, 2, {2, 3}, {1, 0}, {0, 1}};
    kiln_binary_typed(&p, a, b, y);
    int32_t want[6] = {1, 2, 8, 1, 3, 27};
    assert_memory_equal(y, want, sizeof want);
}

static void test_cast_saturates(void **state)
{
    float x[5] = {300.0f, -300.0f, NAN, 2.9f, -2.9f};
    uint8_t u[5];
    int8_t s[5];
    kiln_tunary_params p = {KILN_TU_CAST, KILN_F32, KILN_U8, 5, 0, 0.0, 0.0};
    kiln_unary_typed(&p, x, u);
    uint8_t want_u[5] = {255, 0, 0, 2, 0};
    assert_memory_equal(u, want_u, 5);
    p.y_type = KILN_S8;
    kiln_unary_typed(&p, x, s);
    int8_t want_s[5] = {127, -128, 0, 2, -2};
    assert_memory_equal(s, want_s, 5);
}

static void test_clip_integers(void **state)
{
    int8_t x[4] = {-128, -3, 4, 127}, y[4];
    kiln_tunary_params p = {KILN_TU_CLIP, KILN_S8, KILN_S8, 4, 3, -2.0, 5.0};
    kiln_unary_typed(&p, x, y);
    int8_t want[4] = {-2, -2, 4, 5};
    assert_memory_equal(y, want, 4);
    p.flags = 2;   /* only the upper bound */
    kiln_unary_typed(&p, x, y);
    int8_t want_hi[4] = {-128, -3, 4, 5};
    assert_memory_equal(y, want_hi, 4);
    uint64_t u[2] = {UINT64_MAX, 3}, v[2];
    kiln_tunary_params q = {KILN_TU_CLIP, KILN_U64, KILN_U64, 2, 3, 4.0, 100.0};
    kiln_unary_typed(&q, u, v);
    assert_true(v[0] == 100 && v[1] == 4);   /* compared unsigned */
}

static void test_where_broadcast(void **state)
{
    uint8_t c[2] = {1, 0};
    int64_t x[1] = {7}, y[3] = {1, 2, 3}, out[6];
    /* cond [2,1], x scalar, y [3] -> [2,3] */
    kiln_where_params p = {8, 2, {2, 3}, {1, 0}, {0, 0}, {0, 1}};
    kiln_where(&p, c, x, y, out);
    int64_t want[6] = {7, 7, 7, 1, 2, 3};
    assert_memory_equal(out, want, sizeof want);
}

static void test_reduce_axes(void **state)
{
    /* x [2,3,2]: reduce axes 0 and 2, keep axis 1 */
    float x[12], y[3];
    for (int i = 0; i < 12; i++)
        x[i] = (float)i;
    kiln_reduce_params p = {KILN_RED_SUM, 1, 2, {3}, {2}, {2, 2}, {6, 1}};
    kiln_reduce_f32(&p, x, y);
    assert_true(y[0] == 0 + 1 + 6 + 7 && y[1] == 2 + 3 + 8 + 9 && y[2] == 4 + 5 + 10 + 11);
    p.op = KILN_RED_MAX;
    kiln_reduce_f32(&p, x, y);
    assert_true(y[0] == 7.0f && y[2] == 11.0f);
    p.op = KILN_RED_LOG_SUM_EXP;   /* large values stay finite */
    float big[2] = {1000.0f, 1000.0f}, r;
    kiln_reduce_params q = {KILN_RED_LOG_SUM_EXP, 1, 1, {1}, {0}, {2}, {1}};
    kiln_reduce_f32(&q, big, &r);
    assert_true(fabsf(r - (1000.0f + logf(2.0f))) < 1e-3f);
}

static void test_argmax_ties(void **state)
{
    float x[4] = {1.0f, 5.0f, 5.0f, 0.0f};
    int64_t y;
    kiln_argreduce_params p = {1, 4, 1, 1, 0};
    kiln_argreduce_f32(&p, x, &y);
    assert_int_equal(y, 1);
    p.select_last = 1;
    kiln_argreduce_f32(&p, x, &y);
    assert_int_equal(y, 2);
    p.is_max = 0;
    kiln_argreduce_f32(&p, x, &y);
    assert_int_equal(y, 3);
}

static void test_cumsum_modes(void **state)
{
    int64_t x[4] = {1, 2, 3, 4}, y[4];
    kiln_cumsum_params p = {KILN_S64, 1, 4, 1, 0, 0};
    kiln_cumsum(&p, x, y);
    int64_t inc[4] = {1, 3, 6, 10};
    assert_memory_equal(y, inc, sizeof y);
    p.exclusive = 1;
    p.reverse = 1;
    kiln_cumsum(&p, x, y);
    int64_t rev_exc[4] = {9, 7, 4, 0};
    assert_memory_equal(y, rev_exc, sizeof y);
}

static void test_topk_ties_and_order(void **state)
{
    float x[5] = {3.0f, 1.0f, 3.0f, 2.0f, 1.0f}, v[3];
    int64_t idx[3];
    kiln_topk_params p = {1, 5, 1, 3, 1};
    kiln_topk_f32(&p, x, v, idx);
    assert_true(v[0] == 3.0f && v[1] == 3.0f && v[2] == 2.0f);
    assert_true(idx[0] == 0 && idx[1] == 2 && idx[2] == 3);
    p.largest = 0;
    kiln_topk_f32(&p, x, v, idx);
    assert_true(idx[0] == 1 && idx[1] == 4 && idx[2] == 3);
}

static void test_round_half_even(void **state)
{
    float x[6] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.6f}, y[6];
    kiln_math_params p = {KILN_MATH_ROUND, 6, 0.0f, 0.0f};
    kiln_math_f32(&p, x, y);
    float want[6] = {0.0f, 2.0f, 2.0f, -0.0f, -2.0f, 3.0f};
    for (int i = 0; i < 6; i++)
        assert_true(y[i] == want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int8_add_wraps),
        cmocka_unit_test(test_mod_sign_rules),
        cmocka_unit_test(test_u64_compare_and_shift),
        cmocka_unit_test(test_broadcast_pow_mixed_types),
        cmocka_unit_test(test_cast_saturates),
        cmocka_unit_test(test_clip_integers),
        cmocka_unit_test(test_where_broadcast),
        cmocka_unit_test(test_reduce_axes),
        cmocka_unit_test(test_argmax_ties),
        cmocka_unit_test(test_cumsum_modes),
        cmocka_unit_test(test_topk_ties_and_order),
        cmocka_unit_test(test_round_half_even),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
