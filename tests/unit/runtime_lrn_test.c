/* SPDX-License-Identifier: MIT */
/* kiln_lrn_f32 against the ONNX definition, even and odd sizes, windows cut at the edges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static size_t run_case(const kiln_lrn_params *p)
{
    const size_t n = (size_t)(p->n * p->c * p->inner);
    float *x = calloc(n, 4), *want = malloc(n * 4), *got = malloc(n * 4);
    test_rng r = {(uint32_t)(n + (size_t)p->size)};
    test_fill(&r, x, n, -2.0f, 2.0f);
    for (int32_t b = 0; b < p->n; b++)
        for (int32_t c = 0; c < p->c; c++)
            for (int32_t i = 0; i < p->inner; i++) {
                double sq = 0;
                /* window [c - floor((size-1)/2), c + ceil((size-1)/2)] */
                for (int32_t j = c - (p->size - 1) / 2; j <= c + p->size / 2; j++)
                    if (j >= 0 && j < p->c) {
                        const double v = x[((size_t)b * (size_t)p->c + (size_t)j) * (size_t)p->inner + (size_t)i];
                        sq += v * v;
                    }
                const size_t at = ((size_t)b * (size_t)p->c + (size_t)c) * (size_t)p->inner + (size_t)i;
                want[at] = (float)(x[at] / pow(p->bias + p->alpha / p->size * sq, p->beta));
            }
    test_poison(got, n);
    kiln_lrn_f32(p, x, got);
    const size_t bad = test_mismatches("lrn", want, got, n);
    free(x), free(want), free(got);
    return bad;
}

static void test_lrn_sizes(void **state)
{
    (void)state;
    const kiln_lrn_params odd = {2, 5, 6, 3, 0.0002f, 0.5f, 2.0f};
    const kiln_lrn_params even = {1, 7, 4, 4, 0.1f, 0.75f, 1.0f};
    const kiln_lrn_params wide = {1, 3, 2, 9, 1.0f, 1.0f, 0.5f};   /* window wider than C */
    assert_int_equal(run_case(&odd) + run_case(&even) + run_case(&wide), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lrn_sizes),
    };
    return cmocka_run_group_tests_name("runtime_lrn", tests, NULL, NULL);
}
