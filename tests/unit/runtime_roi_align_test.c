/* SPDX-License-Identifier: MIT */
/* kiln_roi_align_f32 on x = [[1, 2], [3, 4]]: both coordinate modes, avg and max, edge
 * clamping, bad batch indices; values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

static const float x[4] = {1, 2, 3, 4};
static const int64_t batch0[1] = {0};

/* One roi on x with one sample per bin (sampling_ratio 1). */
static size_t run(const char *what, const float roi[4], int32_t out, int32_t half_pixel,
                  int32_t max_mode, const float *want)
{
    const kiln_roi_align_params p = {1, 1, 2, 2, 1, out, out, 1, 1.0f, half_pixel, max_mode};
    float y[4];
    assert_int_equal(kiln_roi_align_f32(&p, x, roi, batch0, y), 0);
    return test_mismatches(what, want, y, (size_t)(out * out));
}

static void test_roi_align_modes(void **state)
{
    (void)state;
    const float unit[4] = {0, 0, 1, 1};
    /* output_half_pixel: the one sample is at (0.5, 0.5), the mean of all four: 2.5;
     * max mode takes the largest weighted corner: 0.25 * 4 = 1 */
    const float avg[1] = {2.5f}, mx[1] = {1.0f};
    /* half_pixel shifts the roi by -0.5: the sample sits on pixel (0, 0) */
    const float hp[1] = {1.0f};
    size_t bad = run("avg", unit, 1, 0, 0, avg);
    bad += run("max", unit, 1, 0, 1, mx);
    bad += run("half_pixel", unit, 1, 1, 0, hp);
    assert_int_equal(bad, 0);
}

static void test_roi_align_edges(void **state)
{
    (void)state;
    /* roi (0, 0, 2, 2) in 2 x 2 bins: samples at 0.5 and 1.5 per axis; 1.5 is past the
     * last pixel centre and clamps onto it: 2.5, (2 + 4) / 2, (3 + 4) / 2, 4 */
    const float roi[4] = {0, 0, 2, 2}, want[4] = {2.5f, 3.0f, 3.5f, 4.0f};
    assert_int_equal(run("edges", roi, 2, 0, 0, want), 0);
}

static void test_roi_align_bad_batch(void **state)
{
    (void)state;
    const float roi[4] = {0, 0, 1, 1};
    const int64_t bad[1] = {1};
    const kiln_roi_align_params p = {1, 1, 2, 2, 1, 1, 1, 1, 1.0f, 0, 0};
    float y[1];
    assert_int_equal(kiln_roi_align_f32(&p, x, roi, bad, y), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roi_align_modes),
        cmocka_unit_test(test_roi_align_edges),
        cmocka_unit_test(test_roi_align_bad_batch),
    };
    return cmocka_run_group_tests_name("runtime_roi_align", tests, NULL, NULL);
}
