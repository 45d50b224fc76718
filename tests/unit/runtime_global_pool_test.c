/* SPDX-License-Identifier: MIT */
/* kiln_global_avgpool_f32 and kiln_global_maxpool_f32 against naive loops. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(int32_t channels, int32_t size, int is_max, uint32_t seed)
{
    const kiln_global_pool_params p = {channels, size};
    float *x = malloc((size_t)(channels * size) * sizeof *x);
    float *want = malloc((size_t)channels * sizeof *want), *got = malloc((size_t)channels * sizeof *got);
    test_rng r = {seed};
    test_fill(&r, x, (size_t)(channels * size), -3.0f, -0.5f);
    test_poison(got, (size_t)channels);
    for (int32_t c = 0; c < channels; c++) {
        float s = 0.0f, m = -INFINITY;
        for (int32_t i = 0; i < size; i++) {
            s += x[c * size + i];
            m = fmaxf(m, x[c * size + i]);
        }
        want[c] = is_max ? m : s / (float)size;
    }
    if (is_max)
        kiln_global_maxpool_f32(&p, x, got);
    else
        kiln_global_avgpool_f32(&p, x, got);
    const size_t bad = test_mismatches(is_max ? "global_maxpool" : "global_avgpool", want, got,
                                       (size_t)channels);
    if (bad)
        printf("  case channels=%d size=%d\n", channels, size);
    free(x), free(want), free(got);
    return bad;
}

static void test_global_avgpool(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(64, 125, 0, 1);
    bad += run_case(7, 9, 0, 2);
    bad += run_case(3, 1, 0, 3);
    bad += run_case(1, 1024, 0, 4);
    assert_int_equal(bad, 0);
}

static void test_global_maxpool(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(64, 125, 1, 5);
    bad += run_case(7, 9, 1, 6);
    bad += run_case(3, 1, 1, 7);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_avgpool),
        cmocka_unit_test(test_global_maxpool),
    };
    return cmocka_run_group_tests_name("runtime_global_pool", tests, NULL, NULL);
}
