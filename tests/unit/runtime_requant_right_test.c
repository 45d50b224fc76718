/* SPDX-License-Identifier: MIT */
/* kiln_requant_right (the one-SMLAL right-shift requantization of the Cortex-M variants)
 * gives kiln_requantize's bits: every shift 1-31, every |acc| <= 70000 at the multipliers
 * where ties and the [acc < 0] shortcut matter (2^30 exactly, 0, the largest), the int32
 * extremes, and seeded random (acc, multiplier) pairs. The host build runs the C form of
 * the function; the emulated boards check the assembly form through the kernels
 * (tests/run_variants.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "kiln.h"

static void expect_same(int32_t acc, int32_t m, int32_t shift, const kiln_requant_right_params *r)
{
    const int32_t got = kiln_requant_right(acc, m, r), want = kiln_requantize(acc, m, shift);
    if (got != want)
        printf("acc %d, multiplier %d, shift %d: %d (want %d)\n", acc, m, shift, got, want);
    assert_int_equal(got, want);
}

static void test_dense_small_sums(void **state)
{
    (void)state;
    const int32_t ms[] = {0, 1 << 30, (1 << 30) + 1, 1518500250, INT32_MAX};
    for (int32_t shift = -31; shift <= -1; shift++) {
        const kiln_requant_right_params r = kiln_requant_right_setup(shift);
        for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
            for (int32_t acc = -70000; acc <= 70000; acc++)
                expect_same(acc, ms[i], shift, &r);
    }
}

static void test_extremes_and_random(void **state)
{
    (void)state;
    const int32_t edge[] = {INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, -1, 0, 1};
    uint32_t seed = 12345u;
    for (int32_t shift = -31; shift <= -1; shift++) {
        const kiln_requant_right_params r = kiln_requant_right_setup(shift);
        for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
            expect_same(edge[i], 1 << 30, shift, &r);
            expect_same(edge[i], INT32_MAX, shift, &r);
        }
        for (int32_t n = 0; n < 200000; n++) {
            seed = seed * 1664525u + 1013904223u;
            const uint32_t a = seed;
            seed = seed * 1664525u + 1013904223u;
            const int32_t m = (int32_t)(0x40000000u + (seed >> 2));
            const int32_t acc = (int32_t)a >> (int32_t)(n % 31); /* sums of every magnitude */
            expect_same(acc, m, shift, &r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_small_sums),
        cmocka_unit_test(test_extremes_and_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
