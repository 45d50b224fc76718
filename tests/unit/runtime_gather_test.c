/* SPDX-License-Identifier: MIT */
/* kiln_gather: positive and negative indices, any axis, and out-of-range rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(int32_t outer, int32_t axis_len, int32_t inner, const int64_t *idx,
                       int32_t n_idx, int32_t es)
{
    const kiln_gather_params p = {es, outer, axis_len, inner, n_idx};
    const size_t in_bytes = (size_t)(outer * axis_len * inner * es);
    const size_t out_bytes = (size_t)(outer * n_idx * inner * es);
    unsigned char *x = malloc(in_bytes), *want = malloc(out_bytes), *got = malloc(out_bytes);
    test_rng r = {(uint32_t)(outer + axis_len + inner)};
    for (size_t i = 0; i < in_bytes; i++)
        x[i] = (unsigned char)test_next(&r);
    memset(got, 0xAB, out_bytes);
    const size_t row = (size_t)(inner * es);
    for (int32_t o = 0; o < outer; o++)
        for (int32_t j = 0; j < n_idx; j++) {
            const int64_t i = idx[j] < 0 ? idx[j] + axis_len : idx[j];
            memcpy(want + ((size_t)(o * n_idx + j)) * row,
                   x + ((size_t)o * (size_t)axis_len + (size_t)i) * row, row);
        }
    assert_int_equal(kiln_gather(&p, x, idx, got), 0);
    const size_t bad = test_mismatches_bytes("gather", want, got, out_bytes);
    free(x), free(want), free(got);
    return bad;
}

static void test_gather_axes(void **state)
{
    (void)state;
    const int64_t idx[] = {2, 0, 4, 4, 1};
    size_t bad = 0;
    bad += run_case(1, 5, 8, idx, 5, 4);  /* axis 0, rows of 8 */
    bad += run_case(3, 5, 1, idx, 5, 4);  /* last axis */
    bad += run_case(2, 6, 3, idx, 5, 8);  /* middle axis, int64 data */
    bad += run_case(2, 6, 3, idx, 0, 4);  /* no indices */
    assert_int_equal(bad, 0);
}

static void test_gather_negative_indices(void **state)
{
    (void)state;
    const int64_t idx[] = {-1, -5, 0, -3};
    assert_int_equal(run_case(2, 5, 2, idx, 4, 4), 0);
}

static void test_gather_out_of_range(void **state)
{
    (void)state;
    const float x[6] = {0, 1, 2, 3, 4, 5};
    float y[6];
    const kiln_gather_params p = {4, 1, 6, 1, 1};
    const int64_t too_big[] = {6}, too_small[] = {-7}, edge[] = {-6}, huge[] = {INT64_MAX};
    assert_int_equal(kiln_gather(&p, x, too_big, y), -1);
    assert_int_equal(kiln_gather(&p, x, too_small, y), -1);
    assert_int_equal(kiln_gather(&p, x, huge, y), -1);
    assert_int_equal(kiln_gather(&p, x, edge, y), 0);
    assert_true(y[0] == 0.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_axes),
        cmocka_unit_test(test_gather_negative_indices),
        cmocka_unit_test(test_gather_out_of_range),
    };
    return cmocka_run_group_tests_name("runtime_gather", tests, NULL, NULL);
}
