/* SPDX-License-Identifier: MIT */
/* kiln_channel_affine_f32: y = act(x * scale[c] + shift[c]) over [n][c][inner]. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(int32_t n, int32_t c, int32_t inner, kiln_act act, int in_place,
                       uint32_t seed)
{
    const kiln_channel_affine_params p = {n, c, inner, act};
    const size_t total = (size_t)(n * c * inner);
    float *x = malloc(total * sizeof *x), *y = malloc(total * sizeof *y);
    float *want = malloc(total * sizeof *want);
    float *scale = malloc((size_t)c * sizeof *scale), *shift = malloc((size_t)c * sizeof *shift);
    test_rng r = {seed};
    test_fill(&r, x, total, -2.0f, 2.0f);
    test_fill(&r, scale, (size_t)c, -2.0f, 2.0f);
    test_fill(&r, shift, (size_t)c, -1.0f, 1.0f);
    for (int32_t i = 0; i < n; i++)
        for (int32_t ch = 0; ch < c; ch++)
            for (int32_t j = 0; j < inner; j++) {
                const int32_t at = (i * c + ch) * inner + j;
                want[at] = ref_act(&act, x[at] * scale[ch] + shift[ch]);
            }
    float *out = in_place ? x : y;
    if (!in_place)
        test_poison(y, total);
    kiln_channel_affine_f32(&p, x, scale, shift, out);
    const size_t bad = test_mismatches("channel_affine", want, out, total);
    if (bad)
        printf("  case n=%d c=%d inner=%d act=%d in_place=%d\n", n, c, inner, (int)act.kind,
               in_place);
    free(x), free(y), free(want), free(scale), free(shift);
    return bad;
}

static void test_channel_affine_shapes(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    size_t bad = 0;
    bad += run_case(1, 3, 49, none, 0, 1);
    bad += run_case(2, 5, 7, none, 0, 2);
    bad += run_case(1, 16, 1, none, 0, 3);
    bad += run_case(2, 4, 9, none, 1, 4);
    assert_int_equal(bad, 0);
}

static void test_channel_affine_activations(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < TEST_N_ACTS; i++)
        bad += run_case(2, 3, 11, test_acts[i], (int)(i & 1), (uint32_t)(10 + i));
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_channel_affine_shapes),
        cmocka_unit_test(test_channel_affine_activations),
    };
    return cmocka_run_group_tests_name("runtime_channel_affine", tests, NULL, NULL);
}
