/* SPDX-License-Identifier: MIT */
/* MaxPool paths beside the float 2-D kernel, on hand-computed values: uint8 tensors and
 * the Indices output (row- and column-major, ties, batch/channel offsets). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kiln.h"
#include "runtime_test.h"

/* 3x3 input, values above 127 so a signed comparison would lose them. */
static const uint8_t x_u8[9] = {1, 200, 3, 4, 5, 255, 7, 8, 9};

static void test_maxpool_u8_no_pads(void **state)
{
    (void)state;
    /* n c h w, h_out w_out, k, stride, dil, pads t l b r, count_include_pad */
    const kiln_pool2d_params p = {1, 1, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    const uint8_t want[4] = {200, 255, 8, 255};
    uint8_t y[4];
    memset(y, 0xAA, sizeof y);
    kiln_maxpool2d_u8(&p, x_u8, y);
    assert_memory_equal(y, want, sizeof want);
}

static void test_maxpool_u8_pads(void **state)
{
    (void)state;
    /* 2x2 windows, stride 2, one leading pad: windows {1}, {200, 3}, {4, 7}, {5, 255, 8, 9} */
    const kiln_pool2d_params p = {1, 1, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0};
    const uint8_t want[4] = {1, 200, 7, 255};
    uint8_t y[4];
    memset(y, 0xAA, sizeof y);
    kiln_maxpool2d_u8(&p, x_u8, y);
    assert_memory_equal(y, want, sizeof want);
}

/* x[1][2][2][3]: channel 0 is 1 5 2 / 3 4 6, channel 1 is 7 7 0 / 0 0 9; 2x2 windows,
 * stride 1, so each channel has two windows (columns 0-1 and 1-2). */
static const float x_f32[12] = {1, 5, 2, 3, 4, 6, 7, 7, 0, 0, 0, 9};
static const kiln_pool2d_params argmax_p = {1, 2, 2, 3, 1, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0};

static void test_maxpool_argmax_row_major(void **state)
{
    (void)state;
    /* 5 at (0,1), 6 at (1,2); channel 1 (offset 6): the tie 7 7 takes (0,0), 9 at (1,2) */
    const float want_y[4] = {5, 6, 7, 9};
    const int64_t want_i[4] = {1, 5, 6, 11};
    float y[4];
    int64_t idx[4];
    test_poison(y, 4);
    memset(idx, 0xAA, sizeof idx);
    kiln_maxpool2d_argmax_f32(&argmax_p, 0, x_f32, y, idx);
    assert_int_equal(test_mismatches("maxpool argmax y", want_y, y, 4), 0);
    assert_memory_equal(idx, want_i, sizeof want_i);
}

static void test_maxpool_argmax_column_major(void **state)
{
    (void)state;
    /* index h + w * H within the plane: (0,1) -> 2, (1,2) -> 5, (0,0) -> 0 */
    const int64_t want_i[4] = {2, 5, 6, 11};
    float y[4];
    int64_t idx[4];
    memset(idx, 0xAA, sizeof idx);
    kiln_maxpool2d_argmax_f32(&argmax_p, 1, x_f32, y, idx);
    assert_memory_equal(idx, want_i, sizeof want_i);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxpool_u8_no_pads),
        cmocka_unit_test(test_maxpool_u8_pads),
        cmocka_unit_test(test_maxpool_argmax_row_major),
        cmocka_unit_test(test_maxpool_argmax_column_major),
    };
    return cmocka_run_group_tests_name("runtime_maxpool_typed", tests, NULL, NULL);
}
