/* SPDX-License-Identifier: MIT */
/* kiln_nll_loss_f32 and kiln_sce_loss_f32: hand-computed values for every reduction, with
 * weights and ignore_index (inside, below and above the class range), targets out of range
 * rejected, and SCE equal to NLL of LogSoftmax on random N x C x d data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* x[n][c][i], N = 2, C = 3, inner = 2. */
static const float nll_x[12] = {-1.0f, -2.0f, -0.5f, -3.0f, -4.0f, -0.25f,
                                -0.1f, -0.2f, -1.5f, -2.5f, -3.5f, -0.75f};
static const int64_t nll_t[4] = {1, 2, 0, 2};
static const float nll_w[3] = {2.0f, 0.5f, 4.0f};

static kiln_loss_params nll_params(kiln_loss_reduction r)
{
    return (kiln_loss_params){2, 3, 2, r, 0, 0};
}

static void test_nll_reductions(void **state)
{
    (void)state;
    kiln_loss_params p = nll_params(KILN_LOSS_NONE);
    float y[4];
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, NULL, y), 0);
    const float plain[4] = {0.5f, 0.25f, 0.1f, 0.75f};
    assert_int_equal(test_mismatches("nll none", plain, y, 4), 0);
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, nll_w, y), 0);
    const float weighted[4] = {0.25f, 1.0f, 0.2f, 3.0f};
    assert_int_equal(test_mismatches("nll none weighted", weighted, y, 4), 0);

    p.reduction = KILN_LOSS_SUM;
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, nll_w, y), 0);
    assert_int_equal(test_mismatches("nll sum", (const float[]){4.45f}, y, 1), 0);
    p.reduction = KILN_LOSS_MEAN;
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, nll_w, y), 0);   /* / 10.5 */
    assert_int_equal(test_mismatches("nll mean", (const float[]){0.423809524f}, y, 1), 0);
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, NULL, y), 0);    /* / 4 */
    assert_int_equal(test_mismatches("nll mean unweighted", (const float[]){0.4f}, y, 1), 0);
}

static void test_nll_ignore_index(void **state)
{
    (void)state;
    kiln_loss_params p = nll_params(KILN_LOSS_MEAN);
    p.has_ignore = 1;
    p.ignore_index = 2;   /* a real class: its targets drop out of the sum and the weights */
    float y[4];
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, nll_t, nll_w, y), 0);   /* 0.45 / 2.5 */
    assert_int_equal(test_mismatches("nll mean ii", (const float[]){0.18f}, y, 1), 0);

    p.ignore_index = -1;  /* negative: targets equal to it are skipped, never read */
    const int64_t neg_t[4] = {1, -1, -1, 2};
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, neg_t, nll_w, y), 0);   /* 3.25 / 4.5 */
    assert_int_equal(test_mismatches("nll mean neg ii", (const float[]){0.722222222f}, y, 1), 0);
    p.reduction = KILN_LOSS_NONE;
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, neg_t, nll_w, y), 0);
    const float none[4] = {0.25f, 0.0f, 0.0f, 3.0f};
    assert_int_equal(test_mismatches("nll none neg ii", none, y, 4), 0);

    p.reduction = KILN_LOSS_SUM;
    p.ignore_index = 10;  /* above the class range */
    const int64_t high_t[4] = {10, 2, 0, 10};
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, high_t, nll_w, y), 0);
    assert_int_equal(test_mismatches("nll sum high ii", (const float[]){1.2f}, y, 1), 0);

    p.reduction = KILN_LOSS_MEAN;   /* every target ignored: 0 / 0 */
    const int64_t all_t[4] = {10, 10, 10, 10};
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, all_t, nll_w, y), 0);
    assert_true(isnan(y[0]));
}

static void test_targets_out_of_range(void **state)
{
    (void)state;
    kiln_loss_params p = nll_params(KILN_LOSS_SUM);
    float y[4], lp[12];
    const int64_t high[4] = {1, 3, 0, 2}, low[4] = {1, 2, -1, 2};
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, high, NULL, y), -1);
    assert_int_equal(kiln_nll_loss_f32(&p, nll_x, low, nll_w, y), -1);
    assert_int_equal(kiln_sce_loss_f32(&p, nll_x, high, NULL, y, lp), -1);
    p.has_ignore = 1;
    p.ignore_index = -2;  /* -1 is neither ignored nor a class */
    assert_int_equal(kiln_sce_loss_f32(&p, nll_x, low, NULL, y, NULL), -1);
}

static void test_sce_stable(void **state)
{
    (void)state;
    /* N = 2, C = 2: softmax(0, ln 3) = (1/4, 3/4); (90, 88) overflows a naive expf */
    const float x[4] = {0.0f, 1.098612289f, 90.0f, 88.0f};
    const int64_t t[2] = {1, 0};
    kiln_loss_params p = {2, 2, 1, KILN_LOSS_NONE, 0, 0};
    float y[2], lp[4];
    assert_int_equal(kiln_sce_loss_f32(&p, x, t, NULL, y, lp), 0);
    const float want_lp[4] = {-1.386294361f, -0.287682072f, -0.126928011f, -2.126928011f};
    assert_int_equal(test_mismatches("sce log_prob", want_lp, lp, 4), 0);
    assert_int_equal(test_mismatches("sce none", (const float[]){0.287682072f, 0.126928011f},
                                     y, 2), 0);
    p.reduction = KILN_LOSS_MEAN;
    assert_int_equal(kiln_sce_loss_f32(&p, x, t, NULL, y, NULL), 0);
    assert_int_equal(test_mismatches("sce mean", (const float[]){0.207305042f}, y, 1), 0);
}

/* SCE over N x C x d with weights and ignore_index equals NLL of kiln_log_softmax_f32. */
static void test_sce_matches_nll_of_log_softmax(void **state)
{
    (void)state;
    enum { N = 3, C = 5, D = 4 };
    float x[N * C * D], lp_want[N * C * D], lp_got[N * C * D], w[C], want[N * D], got[N * D];
    int64_t t[N * D];
    test_rng r = {7};
    test_fill(&r, x, N * C * D, -6.0f, 6.0f);
    test_fill(&r, w, C, 0.1f, 2.0f);
    for (int i = 0; i < N * D; i++)
        t[i] = (int64_t)(test_next(&r) % (C + 1)) - 1;   /* -1 is the ignore_index */
    const kiln_softmax_params sp = {N, C, D};
    kiln_log_softmax_f32(&sp, x, lp_want);
    for (int red = KILN_LOSS_NONE; red <= KILN_LOSS_MEAN; red++) {
        const kiln_loss_params p = {N, C, D, (kiln_loss_reduction)red, 1, -1};
        test_poison(got, N * D);
        test_poison(lp_got, N * C * D);
        assert_int_equal(kiln_nll_loss_f32(&p, lp_want, t, w, want), 0);
        assert_int_equal(kiln_sce_loss_f32(&p, x, t, w, got, lp_got), 0);
        const size_t n_out = red == KILN_LOSS_NONE ? N * D : 1;
        assert_int_equal(test_mismatches("sce loss", want, got, n_out), 0);
        assert_int_equal(test_mismatches("sce log_prob", lp_want, lp_got, N * C * D), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nll_reductions),
        cmocka_unit_test(test_nll_ignore_index),
        cmocka_unit_test(test_targets_out_of_range),
        cmocka_unit_test(test_sce_stable),
        cmocka_unit_test(test_sce_matches_nll_of_log_softmax),
    };
    return cmocka_run_group_tests_name("runtime_loss", tests, NULL, NULL);
}
