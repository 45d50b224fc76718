/* SPDX-License-Identifier: MIT */
/* kiln_mvn_f32 on hand-computed values: normalisation over non-adjacent axes and a
 * constant slice, where the 1e-9 epsilon keeps the result at 0 instead of NaN. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_mvn_outer_axes(void **state)
{
    (void)state;
    /* x[2][2][2], axes {0, 2}: channel 0 holds 1 2 3 4 (mean 2.5, var 1.25), channel 1
     * holds 10 four times (var 0). */
    const float x[8] = {1, 2, 10, 10, 3, 4, 10, 10};
    const kiln_reduce_params p = {KILN_RED_MEAN, 1, 2, {2}, {2}, {2, 2}, {4, 1}};
    const float s = 1.11803399f;   /* sqrt(1.25) */
    const float want[8] = {-1.5f / s, -0.5f / s, 0, 0, 0.5f / s, 1.5f / s, 0, 0};
    float y[8];
    test_poison(y, 8);
    kiln_mvn_f32(&p, x, y);
    assert_int_equal(test_mismatches("mvn axes {0,2}", want, y, 8), 0);
}

static void test_mvn_last_axis(void **state)
{
    (void)state;
    /* rows [1, 3] and [-2, 6]: means 2 and 2, standard deviations 1 and 4 */
    const float x[4] = {1, 3, -2, 6};
    const kiln_reduce_params p = {KILN_RED_MEAN, 1, 1, {2}, {2}, {2}, {1}};
    const float want[4] = {-1, 1, -1, 1};
    float y[4];
    test_poison(y, 4);
    kiln_mvn_f32(&p, x, y);
    assert_int_equal(test_mismatches("mvn last axis", want, y, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mvn_outer_axes),
        cmocka_unit_test(test_mvn_last_axis),
    };
    return cmocka_run_group_tests_name("runtime_mvn", tests, NULL, NULL);
}
