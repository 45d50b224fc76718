/* SPDX-License-Identifier: MIT */
/* kiln_dft_f32 / kiln_stft_f32 against transforms worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

/* Compares with an absolute slack (the bins that should be 0 carry rounding). */
static size_t near(const char *what, const float *want, const float *got, int n)
{
    size_t bad = 0;
    for (int i = 0; i < n; i++)
        if (fabsf(want[i] - got[i]) > 1e-5f) {
            printf("%s: index %d: expected %g, got %g\n", what, i, (double)want[i], (double)got[i]);
            bad++;
        }
    return bad;
}

static void test_dft_forward_inverse(void **state)
{
    (void)state;
    /* DFT of [1, 2, 3, 4]: 10, -2 + 2i, -2, -2 - 2i; the inverse gives the signal back */
    const float x[4] = {1, 2, 3, 4};
    const float want[8] = {10, 0, -2, 2, -2, 0, -2, -2}, back[8] = {1, 0, 2, 0, 3, 0, 4, 0};
    const kiln_dft_params fwd = {1, 4, 1, 0, 4, 4, 0}, inv = {1, 4, 1, 1, 4, 4, 1};
    float y[8], z[8];
    kiln_dft_f32(&fwd, x, y);
    kiln_dft_f32(&inv, y, z);
    size_t bad = near("forward", want, y, 8) + near("inverse", back, z, 8);
    /* dft_length 2 cuts the signal to [1, 2]: 3, -1 */
    const kiln_dft_params cut = {1, 4, 1, 0, 2, 2, 0};
    const float want_cut[4] = {3, 0, -1, 0};
    kiln_dft_f32(&cut, x, y);
    bad += near("cut", want_cut, y, 4);
    assert_int_equal(bad, 0);
}

static void test_dft_inner_axis(void **state)
{
    (void)state;
    /* x [1][2 points][2 inner]: columns [1, 3] and [2, 4] transform separately:
     * (4, -2) and (6, -2), written interleaved as [k][inner][re, im] */
    const float x[4] = {1, 2, 3, 4}, want[8] = {4, 0, 6, 0, -2, 0, -2, 0};
    const kiln_dft_params p = {1, 2, 2, 0, 2, 2, 0};
    float y[8];
    kiln_dft_f32(&p, x, y);
    assert_int_equal(near("inner", want, y, 8), 0);
}

static void test_stft_frames(void **state)
{
    (void)state;
    /* signal 0..5, frames of 2 every 2 samples: [0, 1], [2, 3], [4, 5]; 2-point DFTs
     * (a + b, a - b); with window [1, 0.5]: (a + b / 2, a - b / 2) */
    const float s[6] = {0, 1, 2, 3, 4, 5}, win[2] = {1, 0.5f};
    const float plain[12] = {1, 0, -1, 0, 5, 0, -1, 0, 9, 0, -1, 0};
    const float windowed[12] = {0.5f, 0, -0.5f, 0, 3.5f, 0, 0.5f, 0, 6.5f, 0, 1.5f, 0};
    const kiln_stft_params p = {1, 6, 0, 2, 3, 2, 2};
    float y[12];
    kiln_stft_f32(&p, s, NULL, y);
    size_t bad = near("plain", plain, y, 12);
    kiln_stft_f32(&p, s, win, y);
    bad += near("windowed", windowed, y, 12);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dft_forward_inverse),
        cmocka_unit_test(test_dft_inner_axis),
        cmocka_unit_test(test_stft_frames),
    };
    return cmocka_run_group_tests_name("runtime_dft", tests, NULL, NULL);
}
