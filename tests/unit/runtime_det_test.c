/* SPDX-License-Identifier: MIT */
/* kiln_det_f32: small determinants worked out by hand, a pivot swap, a singular matrix. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_det_batch_2x2(void **state)
{
    (void)state;
    /* [[1, 2], [3, 4]] -> -2; [[0, 1], [1, 0]] (needs a row swap) -> -1; [[2, 4], [1, 2]]
     * (singular) -> 0 */
    const float x[12] = {1, 2, 3, 4, 0, 1, 1, 0, 2, 4, 1, 2}, want[3] = {-2, -1, 0};
    float y[3], scratch[4];
    const kiln_det_params p = {3, 2};
    kiln_det_f32(&p, x, y, scratch);
    assert_int_equal(test_mismatches("2x2", want, y, 3), 0);
}

static void test_det_3x3(void **state)
{
    (void)state;
    /* [[2, 0, 1], [1, 3, 2], [1, 1, 2]]: 2 (6 - 2) - 0 (2 - 2) + 1 (1 - 3) = 6 */
    const float x[9] = {2, 0, 1, 1, 3, 2, 1, 1, 2}, want[1] = {6};
    float y[1], scratch[9];
    const kiln_det_params p = {1, 3};
    kiln_det_f32(&p, x, y, scratch);
    assert_int_equal(test_mismatches("3x3", want, y, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_det_batch_2x2),
        cmocka_unit_test(test_det_3x3),
    };
    return cmocka_run_group_tests_name("runtime_det", tests, NULL, NULL);
}
