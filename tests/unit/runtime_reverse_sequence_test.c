/* SPDX-License-Identifier: MIT */
/* kiln_reverse_sequence: both layouts, rows of several elements, bad lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_reverse_sequence_time_major(void **state)
{
    (void)state;
    /* x [time 3][batch 2]: column b = batch entry b; lens 3 and 2 */
    const int32_t x[6] = {1, 10, 2, 20, 3, 30};
    const int64_t lens[2] = {3, 2};
    const int32_t want[6] = {3, 20, 2, 10, 1, 30};
    int32_t y[6];
    const kiln_reverse_sequence_params p = {4, 0, 3, 2, 1};
    assert_int_equal(kiln_reverse_sequence(&p, x, lens, y), 0);
    assert_memory_equal(y, want, sizeof want);
}

static void test_reverse_sequence_batch_major(void **state)
{
    (void)state;
    /* x [batch 2][time 3][inner 2]; lens 1 (copied as is) and 0 (copied too), then 2 */
    const float x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const int64_t l1[2] = {1, 0}, l2[2] = {2, 3};
    const float want2[12] = {3, 4, 1, 2, 5, 6, 11, 12, 9, 10, 7, 8};
    float y[12];
    const kiln_reverse_sequence_params p = {4, 1, 3, 2, 2};
    assert_int_equal(kiln_reverse_sequence(&p, x, l1, y), 0);
    size_t bad = test_mismatches("lens 1, 0", x, y, 12);
    assert_int_equal(kiln_reverse_sequence(&p, x, l2, y), 0);
    bad += test_mismatches("lens 2, 3", want2, y, 12);
    assert_int_equal(bad, 0);
}

static void test_reverse_sequence_bad_length(void **state)
{
    (void)state;
    const float x[4] = {1, 2, 3, 4};
    const int64_t too_long[2] = {1, 3}, negative[2] = {-1, 1};
    float y[4];
    const kiln_reverse_sequence_params p = {4, 0, 2, 2, 1};
    assert_int_equal(kiln_reverse_sequence(&p, x, too_long, y), -1);
    assert_int_equal(kiln_reverse_sequence(&p, x, negative, y), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reverse_sequence_time_major),
        cmocka_unit_test(test_reverse_sequence_batch_major),
        cmocka_unit_test(test_reverse_sequence_bad_length),
    };
    return cmocka_run_group_tests_name("runtime_reverse_sequence", tests, NULL, NULL);
}
