/* SPDX-License-Identifier: MIT */
/* kiln_maxpool3d_f32 and kiln_avgpool3d_f32 on hand-computed values: windows clipped by
 * leading pads on all three axes, count_include_pad, and a dilated max window. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

/* x[1][1][2][2][2] = 1..8 (d, h, w); 2x2x2 windows, stride 1, one leading pad per axis:
 * output (od, oh, ow) covers cells {0} when its index is 0 and {0, 1} when it is 1. */
static const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static kiln_pool3d_params padded(int32_t count_include_pad)
{
    const kiln_pool3d_params p = {1, 1, {2, 2, 2}, {2, 2, 2}, {2, 2, 2}, {1, 1, 1},
                                  {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, count_include_pad};
    return p;
}

static void test_maxpool3d_pads(void **state)
{
    (void)state;
    const kiln_pool3d_params p = padded(0);
    /* each window's largest cell is its (1,1,1) corner clipped to the input */
    const float want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float y[8];
    test_poison(y, 8);
    kiln_maxpool3d_f32(&p, x, y);
    assert_int_equal(test_mismatches("maxpool3d pads", want, y, 8), 0);
}

static void test_avgpool3d_pads(void **state)
{
    (void)state;
    const kiln_pool3d_params p = padded(0), q = padded(1);
    /* sums 1, 1+2, 1+3, 1+2+3+4, 1+5, 1+2+5+6, 1+3+5+7, 36 over 1, 2, 2, 4, 2, 4, 4, 8 cells */
    const float want[8] = {1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f};
    /* count_include_pad: every window lies in the padded input, so all divide by 8 */
    const float want_incl[8] = {1 / 8.0f, 3 / 8.0f, 4 / 8.0f, 10 / 8.0f,
                                6 / 8.0f, 14 / 8.0f, 16 / 8.0f, 36 / 8.0f};
    float y[8];
    test_poison(y, 8);
    kiln_avgpool3d_f32(&p, x, y);
    assert_int_equal(test_mismatches("avgpool3d pads", want, y, 8), 0);
    test_poison(y, 8);
    kiln_avgpool3d_f32(&q, x, y);
    assert_int_equal(test_mismatches("avgpool3d count_include_pad", want_incl, y, 8), 0);
}

static void test_maxpool3d_dilation(void **state)
{
    (void)state;
    /* x[1][1][1][1][3] = 1 9 2, kernel 2 along w with dilation 2: the window is {1, 2} */
    const float xd[3] = {1, 9, 2};
    const kiln_pool3d_params p = {1, 1, {1, 1, 3}, {1, 1, 1}, {1, 1, 2}, {1, 1, 1},
                                  {1, 1, 2}, {0, 0, 0}, {0, 0, 0}, 0};
    float y[1];
    test_poison(y, 1);
    kiln_maxpool3d_f32(&p, xd, y);
    const float want[1] = {2};
    assert_int_equal(test_mismatches("maxpool3d dilation", want, y, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxpool3d_pads),
        cmocka_unit_test(test_avgpool3d_pads),
        cmocka_unit_test(test_maxpool3d_dilation),
    };
    return cmocka_run_group_tests_name("runtime_pool3d", tests, NULL, NULL);
}
