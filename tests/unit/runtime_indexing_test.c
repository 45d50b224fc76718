/* SPDX-License-Identifier: MIT */
/* Run-time index kernels: GatherElements, ScatterElements (reductions, duplicates),
 * GatherND (batch_dims), ScatterND, OneHot; negative indices and out-of-range rejection.
 * Expected values are the examples of the ONNX operator documentation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_gather_elements(void **state)
{
    (void)state;
    /* data [3][3], axis 0, indices [2][3] with a negative index */
    const float data[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const int64_t idx[6] = {-1, -2, 0, -2, 0, 0};
    const float want[6] = {7, 5, 3, 4, 2, 3};
    const kiln_gather_elements_params p = {4, 2, {2, 3}, {3, 1}, 0, 3};
    float got[6];
    test_poison(got, 6);
    assert_int_equal(kiln_gather_elements(&p, data, idx, got), 0);
    assert_int_equal(test_mismatches("gather_elements", want, got, 6), 0);
    /* axis 1, int64 data, indices narrower than data on axis 0 */
    const int64_t d64[4] = {1, 2, 3, 4}, i2[2] = {1, 0};
    int64_t y64[2];
    const kiln_gather_elements_params q = {8, 2, {1, 2}, {2, 1}, 1, 2};
    assert_int_equal(kiln_gather_elements(&q, d64, i2, y64), 0);
    assert_true(y64[0] == 2 && y64[1] == 1);
    const int64_t bad[6] = {0, 3, 0, 0, 0, 0}, bad_neg[6] = {-4, 0, 0, 0, 0, 0};
    assert_int_equal(kiln_gather_elements(&p, data, bad, got), -1);
    assert_int_equal(kiln_gather_elements(&p, data, bad_neg, got), -1);
}

static void test_scatter_elements(void **state)
{
    (void)state;
    /* data [1][5], axis 1, indices [1][2] = {1, 1} (duplicates) */
    const float data[5] = {1, 2, 3, 4, 5}, upd[2] = {1.1f, 2.1f};
    const int64_t idx[2] = {1, 1};
    const kiln_reduce_op ops[3] = {KILN_REDUCE_NONE, KILN_REDUCE_ADD, KILN_REDUCE_MUL};
    const float want[3][5] = {{1, 2.1f, 3, 4, 5},
                              {1, 2.0f + 1.1f + 2.1f, 3, 4, 5},
                              {1, 2.0f * 1.1f * 2.1f, 3, 4, 5}};
    for (int k = 0; k < 3; k++) {
        const kiln_scatter_elements_params p = {{4, 2, {1, 2}, {5, 1}, 1, 5}, 5, ops[k],
                                                KILN_TYPE_F32};
        float got[5];
        test_poison(got, 5);
        assert_int_equal(kiln_scatter_elements(&p, data, idx, upd, got), 0);
        assert_int_equal(test_mismatches("scatter_elements", want[k], got, 5), 0);
    }
    /* int64 data, max and min, negative index, in place */
    int64_t v[4] = {5, -3, 8, 0};
    const int64_t iv[2] = {-4, 2}, uv[2] = {7, 1};
    const kiln_scatter_elements_params mx = {{8, 1, {2}, {1}, 0, 4}, 4, KILN_REDUCE_MAX,
                                             KILN_TYPE_S64};
    assert_int_equal(kiln_scatter_elements(&mx, v, iv, uv, v), 0);
    assert_true(v[0] == 7 && v[1] == -3 && v[2] == 8 && v[3] == 0);
    const kiln_scatter_elements_params mn = {{8, 1, {2}, {1}, 0, 4}, 4, KILN_REDUCE_MIN,
                                             KILN_TYPE_S64};
    assert_int_equal(kiln_scatter_elements(&mn, v, iv, uv, v), 0);
    assert_true(v[0] == 7 && v[2] == 1);
    const int64_t out_of_range[2] = {4, 0};
    assert_int_equal(kiln_scatter_elements(&mn, v, out_of_range, uv, v), -1);
}

static void test_gather_nd(void **state)
{
    (void)state;
    /* data [2][2][2], indices [2][1][2] -> [2][1][2] (slices of 2) */
    const int32_t data[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const int64_t idx[4] = {0, 1, 1, 0};
    const int32_t want[4] = {2, 3, 4, 5};
    const kiln_gather_nd_params p = {1, 2, 2, {2, 2}, {4, 2}, 2, 8, 4};
    int32_t got[4];
    assert_int_equal(kiln_gather_nd(&p, data, idx, got), 0);
    assert_memory_equal(got, want, sizeof want);
    /* batch_dims 1: data [2][2][2], indices [2][1] -> [2][2] */
    const int64_t bidx[2] = {1, -2};
    const int32_t bwant[4] = {2, 3, 4, 5};
    const kiln_gather_nd_params b = {2, 1, 1, {2}, {2}, 2, 4, 4};
    assert_int_equal(kiln_gather_nd(&b, data, bidx, got), 0);
    assert_memory_equal(got, bwant, sizeof bwant);
    const int64_t bad[2] = {2, 0};
    assert_int_equal(kiln_gather_nd(&b, data, bad, got), -1);
}

static void test_scatter_nd(void **state)
{
    (void)state;
    /* data [8], indices [4][1], updates [4] (the ONNX example), then add */
    const float data[8] = {1, 2, 3, 4, 5, 6, 7, 8}, upd[4] = {9, 10, 11, 12};
    const int64_t idx[4] = {4, 3, 1, -1};
    const float want[8] = {1, 11, 3, 10, 9, 6, 7, 12};
    const float want_add[8] = {1, 13, 3, 14, 14, 6, 7, 20};
    float got[8];
    kiln_scatter_nd_params p = {{1, 4, 1, {8}, {1}, 1, 8, 4}, 8, KILN_REDUCE_NONE,
                                KILN_TYPE_F32};
    assert_int_equal(kiln_scatter_nd(&p, data, idx, upd, got), 0);
    assert_int_equal(test_mismatches("scatter_nd", want, got, 8), 0);
    p.reduction = KILN_REDUCE_ADD;
    assert_int_equal(kiln_scatter_nd(&p, data, idx, upd, got), 0);
    assert_int_equal(test_mismatches("scatter_nd_add", want_add, got, 8), 0);
    const int64_t bad[4] = {0, 8, 0, 0};
    assert_int_equal(kiln_scatter_nd(&p, data, bad, upd, got), -1);
}

static void test_one_hot(void **state)
{
    (void)state;
    /* indices {0, -1, 7, 2} (7 is outside depth 3), axis -1: [4][3] */
    const int64_t idx[4] = {0, -1, 7, 2};
    const float values[2] = {-1.0f, 5.0f};
    const float want[12] = {5, -1, -1, -1, -1, 5, -1, -1, -1, -1, -1, 5};
    float got[12];
    const kiln_one_hot_params p = {4, 4, 3, 1, KILN_TYPE_S64};
    kiln_one_hot(&p, idx, values, got);
    assert_int_equal(test_mismatches("one_hot", want, got, 12), 0);
    /* float indices truncated, axis 0: [3][2] */
    const float fidx[2] = {1.7f, -3.0f};
    const int32_t ivals[2] = {0, 1}, iwant[6] = {0, 1, 1, 0, 0, 0};   /* y[depth][i] */
    const kiln_one_hot_params q = {4, 1, 3, 2, KILN_TYPE_F32};
    int32_t igot[6];
    kiln_one_hot(&q, fidx, ivals, igot);
    assert_memory_equal(igot, iwant, sizeof iwant);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_elements),
        cmocka_unit_test(test_scatter_elements),
        cmocka_unit_test(test_gather_nd),
        cmocka_unit_test(test_scatter_nd),
        cmocka_unit_test(test_one_hot),
    };
    return cmocka_run_group_tests_name("runtime_indexing", tests, NULL, NULL);
}
