/* SPDX-License-Identifier: MIT */
/* kiln_maxpool2d_f32 against a naive window scan with explicit bounds checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_pool2d_common.h"
#include "runtime_test.h"

static void ref_maxpool(const kiln_pool2d_params *p, const float *x, float *y)
{
    for (int32_t nc = 0; nc < p->n * p->c; nc++)
        for (int32_t oh = 0; oh < p->h_out; oh++)
            for (int32_t ow = 0; ow < p->w_out; ow++) {
                float m = -INFINITY;
                for (int32_t kh = 0; kh < p->k_h; kh++)
                    for (int32_t kw = 0; kw < p->k_w; kw++) {
                        const int32_t ih = oh * p->stride_h - p->pad_top + kh * p->dil_h;
                        const int32_t iw = ow * p->stride_w - p->pad_left + kw * p->dil_w;
                        if (ih < 0 || ih >= p->h_in || iw < 0 || iw >= p->w_in)
                            continue;
                        m = fmaxf(m, x[(nc * p->h_in + ih) * p->w_in + iw]);
                    }
                y[(nc * p->h_out + oh) * p->w_out + ow] = m;
            }
}

static void run_cases(const pool_case *cases, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const kiln_pool2d_params p = pool_params(&cases[i], 0);
        const size_t nx = (size_t)(p.n * p.c * p.h_in * p.w_in);
        const size_t ny = (size_t)(p.n * p.c * p.h_out * p.w_out);
        float *x = malloc(nx * sizeof *x), *want = malloc(ny * sizeof *want);
        float *got = malloc(ny * sizeof *got);
        test_rng r = {(uint32_t)i};
        /* All negative, so a padding cell read as 0 would win and be caught. */
        test_fill(&r, x, nx, -5.0f, -1.0f);
        test_poison(got, ny);
        ref_maxpool(&p, x, want);
        kiln_maxpool2d_f32(&p, x, got);
        const size_t b = test_mismatches("maxpool2d", want, got, ny);
        if (b)
            printf("  case %zu\n", i);
        bad += b;
        free(x), free(want), free(got);
    }
    assert_int_equal(bad, 0);
}

/*                     n  c  h  w  kh kw sh sw dh dw pt pl pb pr ceil */
static void test_maxpool_basic(void **state)
{
    (void)state;
    const pool_case cases[] = {
        {1, 2, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0},
        {2, 3, 7, 9, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0},
        {1, 1, 5, 5, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0},
        {1, 2, 6, 10, 1, 4, 1, 3, 1, 1, 0, 0, 0, 0, 0},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_maxpool_pads(void **state)
{
    (void)state;
    const pool_case cases[] = {
        {1, 2, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},
        {1, 2, 6, 5, 3, 2, 1, 2, 1, 1, 2, 0, 1, 1, 0}, /* asymmetric */
        {1, 1, 4, 4, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0}, /* pads of k-1 */
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

static void test_maxpool_dilation_and_ceil(void **state)
{
    (void)state;
    const pool_case cases[] = {
        {1, 2, 9, 9, 3, 3, 1, 1, 2, 2, 0, 0, 0, 0, 0},
        {1, 2, 10, 11, 2, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0},
        {1, 2, 8, 8, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1}, /* ceil mode overhang */
        {1, 1, 7, 6, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1},
    };
    run_cases(cases, sizeof cases / sizeof cases[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maxpool_basic),
        cmocka_unit_test(test_maxpool_pads),
        cmocka_unit_test(test_maxpool_dilation_and_ceil),
    };
    return cmocka_run_group_tests_name("runtime_maxpool2d", tests, NULL, NULL);
}
