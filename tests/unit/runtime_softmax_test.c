/* SPDX-License-Identifier: MIT */
/* kiln_softmax_f32 against a naive softmax in double precision, along any axis. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(int32_t outer, int32_t len, int32_t inner, float lo, float hi,
                       int in_place, uint32_t seed)
{
    const kiln_softmax_params p = {outer, len, inner};
    const size_t total = (size_t)(outer * len * inner);
    float *x = malloc(total * sizeof *x), *y = malloc(total * sizeof *y);
    float *want = malloc(total * sizeof *want);
    test_rng r = {seed};
    test_fill(&r, x, total, lo, hi);
    for (int32_t o = 0; o < outer; o++)
        for (int32_t i = 0; i < inner; i++) {
            double m = -1e300, s = 0.0;
            for (int32_t j = 0; j < len; j++)
                m = fmax(m, (double)x[(o * len + j) * inner + i]);
            for (int32_t j = 0; j < len; j++)
                s += exp((double)x[(o * len + j) * inner + i] - m);
            for (int32_t j = 0; j < len; j++)
                want[(o * len + j) * inner + i] =
                    (float)(exp((double)x[(o * len + j) * inner + i] - m) / s);
        }
    float *out = in_place ? x : y;
    if (!in_place)
        test_poison(y, total);
    kiln_softmax_f32(&p, x, out);
    const size_t bad = test_mismatches("softmax", want, out, total);
    if (bad)
        printf("  case outer=%d len=%d inner=%d\n", outer, len, inner);
    free(x), free(y), free(want);
    return bad;
}

static void test_softmax_last_axis(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(1, 12, 1, -5.0f, 5.0f, 0, 1);
    bad += run_case(3, 10, 1, -5.0f, 5.0f, 0, 2);
    bad += run_case(2, 1, 1, -5.0f, 5.0f, 0, 3);
    assert_int_equal(bad, 0);
}

static void test_softmax_inner_axis(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(2, 5, 7, -5.0f, 5.0f, 0, 4);
    bad += run_case(1, 3, 16, -5.0f, 5.0f, 0, 5);
    assert_int_equal(bad, 0);
}

/* Large logits must not overflow: the max is subtracted first. */
static void test_softmax_large_values(void **state)
{
    (void)state;
    assert_int_equal(run_case(2, 9, 2, 500.0f, 900.0f, 0, 6), 0);
    assert_int_equal(run_case(1, 9, 1, -900.0f, -500.0f, 0, 7), 0);
}

static void test_softmax_in_place(void **state)
{
    (void)state;
    assert_int_equal(run_case(3, 6, 4, -3.0f, 3.0f, 1, 8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_softmax_last_axis),
        cmocka_unit_test(test_softmax_inner_axis),
        cmocka_unit_test(test_softmax_large_values),
        cmocka_unit_test(test_softmax_in_place),
    };
    return cmocka_run_group_tests_name("runtime_softmax", tests, NULL, NULL);
}
