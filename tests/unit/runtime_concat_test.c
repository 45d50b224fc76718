/* SPDX-License-Identifier: MIT */
/* kiln_concat against per-element index arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(int32_t outer, int32_t n_inputs, const int32_t *chunk, int32_t es)
{
    const kiln_concat_params p = {es, outer, n_inputs, chunk};
    const void *inputs[8];
    unsigned char *bufs[8];
    int32_t row = 0;
    test_rng r = {(uint32_t)(outer * 31 + n_inputs)};
    for (int32_t i = 0; i < n_inputs; i++) {
        const size_t bytes = (size_t)(outer * chunk[i] * es);
        bufs[i] = malloc(bytes ? bytes : 1);
        for (size_t b = 0; b < bytes; b++)
            bufs[i][b] = (unsigned char)test_next(&r);
        inputs[i] = bufs[i];
        row += chunk[i];
    }
    const size_t total = (size_t)(outer * row * es);
    unsigned char *want = malloc(total), *got = malloc(total);
    memset(got, 0xAB, total);
    for (int32_t o = 0; o < outer; o++) {
        int32_t at = 0;
        for (int32_t i = 0; i < n_inputs; i++) {
            for (int32_t e = 0; e < chunk[i] * es; e++)
                want[(o * row + at) * es + e] = bufs[i][(o * chunk[i]) * es + e];
            at += chunk[i];
        }
    }
    kiln_concat(&p, inputs, got);
    const size_t bad = test_mismatches_bytes("concat", want, got, total);
    for (int32_t i = 0; i < n_inputs; i++)
        free(bufs[i]);
    free(want), free(got);
    return bad;
}

static void test_concat_axis0(void **state)
{
    (void)state;
    const int32_t chunk[] = {12, 4, 20};
    assert_int_equal(run_case(1, 3, chunk, 4), 0);
}

static void test_concat_inner_axes(void **state)
{
    (void)state;
    const int32_t a[] = {3 * 25, 5 * 25}, b[] = {1, 2, 3, 1}, c[] = {7, 0, 7};
    size_t bad = 0;
    bad += run_case(2, 2, a, 4);    /* channels of NCHW, n = 2 */
    bad += run_case(5, 4, b, 4);    /* last axis */
    bad += run_case(3, 3, c, 4);    /* an empty input */
    bad += run_case(4, 2, a, 1);    /* bytes */
    bad += run_case(3, 4, b, 8);    /* int64 */
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concat_axis0),
        cmocka_unit_test(test_concat_inner_axes),
    };
    return cmocka_run_group_tests_name("runtime_concat", tests, NULL, NULL);
}
