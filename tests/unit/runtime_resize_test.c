/* SPDX-License-Identifier: MIT */
/* kiln_resize_f32: taps and weights combine separably across axes; extrapolation flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_resize_nearest_2x(void **state)
{
    (void)state;
    /* [2][2] -> [4][4] nearest: each input repeated 2x2 */
    const float x[4] = {1, 2, 3, 4};
    const int32_t idx[8] = {0, 0, 1, 1, 0, 0, 1, 1};
    const float w[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    const kiln_resize_params p = {2, {2, 2}, {4, 4}, {1, 1}, idx, w, NULL, 0.0f};
    const float want[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    float y[16];
    test_poison(y, 16);
    kiln_resize_f32(&p, x, y);
    assert_int_equal(test_mismatches("nearest", want, y, 16), 0);
}

static void test_resize_linear_separable(void **state)
{
    (void)state;
    /* [2][3] -> [3][2] with 2 taps per axis: y = sum of wr * wc * x */
    const float x[6] = {1, 2, 4, 8, 16, 32};
    const int32_t idx[10] = {0, 1, 0, 1, 1, 1, /* rows */ 0, 1, 1, 2 /* cols */};
    const float w[10] = {1, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0.75f, 0.25f, 0.25f, 0.75f};
    const kiln_resize_params p = {2, {2, 3}, {3, 2}, {2, 2}, idx, w, NULL, 0.0f};
    float want[6], y[6];
    const int32_t *ri = idx, *ci = idx + 6;
    const float *rw = w, *cw = w + 6;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 2; c++) {
            float acc = 0.0f;
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    acc += rw[r * 2 + a] * cw[c * 2 + b] * x[ri[r * 2 + a] * 3 + ci[c * 2 + b]];
            want[r * 2 + c] = acc;
        }
    kiln_resize_f32(&p, x, y);
    assert_int_equal(test_mismatches("linear", want, y, 6), 0);
    assert_true(y[0] == 1.0f * 0.75f + 2.0f * 0.25f);   /* row 0 exactly, column taps 0/1 */
}

static void test_resize_extrapolation(void **state)
{
    (void)state;
    /* 1-D [3] -> [4]; outputs 0 and 3 flagged outside take the extrapolation value */
    const float x[3] = {10, 20, 30};
    const int32_t idx[4] = {0, 0, 2, 0};
    const float w[4] = {1, 1, 1, 1};
    const uint8_t out[4] = {1, 0, 0, 1};
    const kiln_resize_params p = {1, {3}, {4}, {1}, idx, w, out, -7.5f};
    const float want[4] = {-7.5f, 10, 30, -7.5f};
    float y[4];
    kiln_resize_f32(&p, x, y);
    assert_int_equal(test_mismatches("extrapolation", want, y, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_nearest_2x),
        cmocka_unit_test(test_resize_linear_separable),
        cmocka_unit_test(test_resize_extrapolation),
    };
    return cmocka_run_group_tests_name("runtime_resize", tests, NULL, NULL);
}
