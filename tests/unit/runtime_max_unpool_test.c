/* SPDX-License-Identifier: MIT */
/* kiln_max_unpool_f32: values land at their indices, the rest is zero; bad indices fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_max_unpool_scatter(void **state)
{
    (void)state;
    /* 2x2 pooled values back into a 4x4 plane at MaxPool's flat indices 5, 7, 13, 15 */
    const float x[4] = {6, 8, 14, 16};
    const int64_t idx[4] = {5, 7, 13, 15};
    const float want[16] = {0, 0, 0, 0, 0, 6, 0, 8, 0, 0, 0, 0, 0, 14, 0, 16};
    float y[16];
    for (int i = 0; i < 16; i++)
        y[i] = -1.0f;   /* stale data must be cleared */
    const kiln_max_unpool_params p = {4, 4, {1, 1, 4, 4}, {1, 1, 4, 4}};
    assert_int_equal(kiln_max_unpool_f32(&p, x, idx, y), 0);
    assert_int_equal(test_mismatches("unpool", want, y, 16), 0);
}

static void test_max_unpool_output_shape(void **state)
{
    (void)state;
    /* indices name positions of the 4x4 unpooled plane; output_shape 5x5 keeps their
     * coordinates: 5 = (1, 1) -> 6, 7 = (1, 3) -> 8, 13 = (3, 1) -> 16, 15 = (3, 3) -> 18 */
    const float x[4] = {5, 6, 7, 8};
    const int64_t idx[4] = {5, 7, 13, 15};
    float y[25], want[25] = {0};
    want[6] = 5, want[8] = 6, want[16] = 7, want[18] = 8;
    const kiln_max_unpool_params p = {4, 4, {1, 1, 4, 4}, {1, 1, 5, 5}};
    assert_int_equal(kiln_max_unpool_f32(&p, x, idx, y), 0);
    assert_int_equal(test_mismatches("output_shape", want, y, 25), 0);
    /* a smaller output_shape cannot hold column 3 */
    const kiln_max_unpool_params small = {4, 4, {1, 1, 4, 4}, {1, 1, 3, 3}};
    assert_int_equal(kiln_max_unpool_f32(&small, x, idx, y), -1);
}

static void test_max_unpool_bad_index(void **state)
{
    (void)state;
    const float x[2] = {1, 2};
    const int64_t past_end[2] = {0, 4}, negative[2] = {-1, 0};
    float y[4];
    const kiln_max_unpool_params p = {2, 2, {2, 2}, {2, 2}};
    assert_int_equal(kiln_max_unpool_f32(&p, x, past_end, y), -1);
    assert_int_equal(kiln_max_unpool_f32(&p, x, negative, y), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_max_unpool_scatter),
        cmocka_unit_test(test_max_unpool_output_shape),
        cmocka_unit_test(test_max_unpool_bad_index),
    };
    return cmocka_run_group_tests_name("runtime_max_unpool", tests, NULL, NULL);
}
