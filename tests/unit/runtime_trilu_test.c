/* SPDX-License-Identifier: MIT */
/* kiln_trilu: both triangles, diagonals inside and beyond the matrix, element sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* Runs one case against the definition (element by element) and returns mismatching bytes. */
static size_t run_case(int32_t batch, int32_t rows, int32_t cols, int32_t k, int32_t upper,
                       int32_t es)
{
    const kiln_trilu_params p = {es, batch, rows, cols, k, upper};
    const size_t n = (size_t)batch * (size_t)rows * (size_t)cols, bytes = n * (size_t)es;
    unsigned char *x = malloc(bytes + 1), *want = malloc(bytes + 1), *got = malloc(bytes + 1);
    test_rng r = {(uint32_t)(rows * 31 + cols + k + upper)};
    for (size_t i = 0; i < bytes; i++)
        x[i] = (unsigned char)(test_next(&r) | 1);   /* never zero, so kept bytes show */
    memset(got, 0xAB, bytes);
    for (size_t e = 0; e < n; e++) {
        const int32_t i = (int32_t)(e / (size_t)cols % (size_t)rows), j = (int32_t)(e % (size_t)cols);
        const int keep = upper ? j - i >= k : j - i <= k;
        for (int32_t b = 0; b < es; b++)
            want[e * (size_t)es + (size_t)b] = keep ? x[e * (size_t)es + (size_t)b] : 0;
    }
    kiln_trilu(&p, x, got);
    const size_t bad = test_mismatches_bytes("trilu", want, got, bytes);
    free(x), free(want), free(got);
    return bad;
}

static void test_trilu_diagonals(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int32_t upper = 0; upper <= 1; upper++)
        for (int32_t k = -6; k <= 6; k++) {
            bad += run_case(1, 4, 5, k, upper, 4);   /* wide */
            bad += run_case(2, 5, 3, k, upper, 4);   /* tall, batched */
            bad += run_case(1, 4, 4, k, upper, 8);   /* square, int64 */
        }
    assert_int_equal(bad, 0);
}

static void test_trilu_element_sizes(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(3, 3, 4, 0, 1, 1);   /* bool / int8 */
    bad += run_case(1, 1, 5, -1, 0, 2);  /* one row */
    bad += run_case(2, 3, 1, 1, 1, 8);   /* one column */
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trilu_diagonals),
        cmocka_unit_test(test_trilu_element_sizes),
    };
    return cmocka_run_group_tests_name("runtime_trilu", tests, NULL, NULL);
}
