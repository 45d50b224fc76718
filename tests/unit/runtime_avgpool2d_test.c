/* SPDX-License-Identifier: MIT */
/* kiln_avgpool2d_f32 against a naive window scan, with and without count_include_pad. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_pool2d_common.h"
#include "runtime_test.h"

/* ONNX Runtime's rule: the divisor counts cells inside the input, or with
 * count_include_pad the cells inside [-pad_top, h_in + pad_bottom) x [-pad_left,
 * w_in + pad_right) (ceil-mode overhang beyond the pads is never counted). */
static void ref_avgpool(const kiln_pool2d_params *p, const float *x, float *y)
{
    for (int32_t nc = 0; nc < p->n * p->c; nc++)
        for (int32_t oh = 0; oh < p->h_out; oh++)
            for (int32_t ow = 0; ow < p->w_out; ow++) {
                float s = 0.0f;
                int32_t inside = 0, padded = 0;
                for (int32_t kh = 0; kh < p->k_h; kh++)
                    for (int32_t kw = 0; kw < p->k_w; kw++) {
                        const int32_t ih = oh * p->stride_h - p->pad_top + kh;
                        const int32_t iw = ow * p->stride_w - p->pad_left + kw;
                        if (ih >= -p->pad_top && ih < p->h_in + p->pad_bottom &&
                            iw >= -p->pad_left && iw < p->w_in + p->pad_right)
                            padded++;
                        if (ih < 0 || ih >= p->h_in || iw < 0 || iw >= p->w_in)
                            continue;
                        s += x[(nc * p->h_in + ih) * p->w_in + iw];
                        inside++;
                    }
                y[(nc * p->h_out + oh) * p->w_out + ow] =
                    s / (float)(p->count_include_pad ? padded : inside);
            }
}

static void run_cases(const pool_case *cases, size_t n, int32_t count_include_pad)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const kiln_pool2d_params p = pool_params(&cases[i], count_include_pad);
        const size_t nx = (size_t)(p.n * p.c * p.h_in * p.w_in);
        const size_t ny = (size_t)(p.n * p.c * p.h_out * p.w_out);
        float *x = malloc(nx * sizeof *x), *want = malloc(ny * sizeof *want);
        float *got = malloc(ny * sizeof *got);
        test_rng r = {(uint32_t)i};
        test_fill(&r, x, nx, 1.0f, 5.0f);
        test_poison(got, ny);
        ref_avgpool(&p, x, want);
        kiln_avgpool2d_f32(&p, x, got);
        const size_t b = test_mismatches("avgpool2d", want, got, ny);
        if (b)
            printf("  case %zu count_include_pad=%d\n", i, count_include_pad);
        bad += b;
        free(x), free(want), free(got);
    }
    assert_int_equal(bad, 0);
}

/*                     n  c  h   w  kh kw sh sw dh dw pt pl pb pr ceil */
static const pool_case cases[] = {
    {1, 2, 8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0},
    {1, 64, 25, 5, 25, 5, 1, 1, 1, 1, 0, 0, 0, 0, 0},  /* DS-CNN final pool */
    {2, 3, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0},
    {1, 2, 6, 5, 3, 2, 1, 2, 1, 1, 2, 0, 1, 1, 0},      /* asymmetric pads */
    {1, 2, 8, 8, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 1},      /* ceil overhang, no pads */
    {1, 2, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},      /* ceil overhang past pads */
    {1, 1, 5, 6, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0},      /* pads of k-1 */
};

static void test_avgpool_exclude_pad(void **state)
{
    (void)state;
    run_cases(cases, sizeof cases / sizeof cases[0], 0);
}

static void test_avgpool_include_pad(void **state)
{
    (void)state;
    run_cases(cases, sizeof cases / sizeof cases[0], 1);
}

/* The ceil-mode rule made concrete: 3x3 input, 2x2 window, stride 2, ceil mode, pads
 * 0: the last window covers one row/column of input and the divisor is 2 (or 1 in the
 * corner) even with count_include_pad. */
static void test_avgpool_ceil_divisor(void **state)
{
    (void)state;
    const kiln_pool2d_params p = {1, 1, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 1};
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float y[4];
    kiln_avgpool2d_f32(&p, x, y);
    assert_true(y[0] == 3.0f);         /* (1+2+4+5)/4 */
    assert_true(y[1] == 4.5f);         /* (3+6)/2 */
    assert_true(y[2] == 7.5f);         /* (7+8)/2 */
    assert_true(y[3] == 9.0f);         /* 9/1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_avgpool_exclude_pad),
        cmocka_unit_test(test_avgpool_include_pad),
        cmocka_unit_test(test_avgpool_ceil_divisor),
    };
    return cmocka_run_group_tests_name("runtime_avgpool2d", tests, NULL, NULL);
}
