/* SPDX-License-Identifier: MIT */
/* kiln_grid_sample_f32: every mode and padding against values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static const float square[4] = {1, 2, 3, 4};   /* [[1, 2], [3, 4]] */

/* Samples `square` at n grid points (x, y pairs) and compares with want. */
static size_t run_square(const char *what, int32_t mode, int32_t padding, int32_t align,
                         const float *grid, const float *want, int32_t n)
{
    const kiln_grid_sample_params p = {1, 1, 2, 2, 1, n, mode, padding, align};
    float got[8];
    kiln_grid_sample_f32(&p, square, grid, got);
    return test_mismatches(what, want, got, (size_t)n);
}

static void test_grid_sample_bilinear(void **state)
{
    (void)state;
    /* align_corners 0: (0, 0) is the middle of the four pixels; (-1, -1) is the outer
     * corner, a quarter of pixel (0, 0) under zeros padding, pixel (0, 0) under border */
    const float g0[] = {0, 0, -1, -1}, w_zeros[] = {2.5f, 0.25f}, w_border[] = {2.5f, 1.0f};
    /* align_corners 1: the corners are pixel centres; (0, -1) is halfway along row 0 */
    const float g1[] = {-1, -1, 1, 1, 0, -1}, w1[] = {1.0f, 4.0f, 1.5f};
    size_t bad = run_square("zeros", KILN_GS_LINEAR, KILN_GS_ZEROS, 0, g0, w_zeros, 2);
    bad += run_square("border", KILN_GS_LINEAR, KILN_GS_BORDER, 0, g0, w_border, 2);
    bad += run_square("align", KILN_GS_LINEAR, KILN_GS_ZEROS, 1, g1, w1, 3);
    assert_int_equal(bad, 0);
}

static void test_grid_sample_reflection(void **state)
{
    (void)state;
    /* x = -1.5 maps to -1, mirrored at the edge -0.5 onto 0; y = 0 is between the rows:
     * (1 + 3) / 2. x = 1.5 maps to 2, mirrored at 1.5 onto 1: (2 + 4) / 2. */
    const float g[] = {-1.5f, 0, 1.5f, 0}, want[] = {2.0f, 3.0f};
    assert_int_equal(run_square("reflection", KILN_GS_LINEAR, KILN_GS_REFLECTION, 0, g, want, 2), 0);
}

static void test_grid_sample_nearest(void **state)
{
    (void)state;
    /* (0.4, -0.6) -> (0.9, -0.1) rounds to pixel (row 0, col 1) = 2; (1, 1) -> (1.5, 1.5)
     * rounds half to even onto 2: outside, so 0 with zeros and pixel (1, 1) with border */
    const float g[] = {0.4f, -0.6f, 1, 1}, w_zeros[] = {2.0f, 0.0f}, w_border[] = {2.0f, 4.0f};
    size_t bad = run_square("nearest zeros", KILN_GS_NEAREST, KILN_GS_ZEROS, 0, g, w_zeros, 2);
    bad += run_square("nearest border", KILN_GS_NEAREST, KILN_GS_BORDER, 0, g, w_border, 2);
    assert_int_equal(bad, 0);
}

static void test_grid_sample_bicubic(void **state)
{
    (void)state;
    /* One row [0, 0, 1, 0], align_corners 1: x = 0 maps to 1.5, where the cubic weights
     * (A = -0.75) at t = 0.5 are -0.09375, 0.59375, 0.59375, -0.09375, so y = 0.59375;
     * x = -1/3 maps to 1.0 exactly: weights 0, 1, 0, 0 and y = x[1] = 0. */
    const float x[4] = {0, 0, 1, 0}, g[] = {0, 0, -1.0f / 3.0f, 0}, want[] = {0.59375f, 0.0f};
    const kiln_grid_sample_params p = {1, 1, 1, 4, 1, 2, KILN_GS_CUBIC, KILN_GS_ZEROS, 1};
    float got[2];
    kiln_grid_sample_f32(&p, x, g, got);
    assert_int_equal(test_mismatches("bicubic", want, got, 2), 0);
}

static void test_grid_sample_channels(void **state)
{
    (void)state;
    /* two batches, two channels: each batch uses its own grid, each channel its own plane */
    const float x[16] = {1, 2, 3, 4, 10, 20, 30, 40, 5, 6, 7, 8, 50, 60, 70, 80};
    const float g[4] = {-1, -1, 1, 1}, want[4] = {1, 10, 8, 80};
    const kiln_grid_sample_params p = {2, 2, 2, 2, 1, 1, KILN_GS_NEAREST, KILN_GS_ZEROS, 1};
    float got[4];
    kiln_grid_sample_f32(&p, x, g, got);
    assert_int_equal(test_mismatches("channels", want, got, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_sample_bilinear),
        cmocka_unit_test(test_grid_sample_reflection),
        cmocka_unit_test(test_grid_sample_nearest),
        cmocka_unit_test(test_grid_sample_bicubic),
        cmocka_unit_test(test_grid_sample_channels),
    };
    return cmocka_run_group_tests_name("runtime_grid_sample", tests, NULL, NULL);
}
