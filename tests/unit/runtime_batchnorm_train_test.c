/* SPDX-License-Identifier: MIT */
/* kiln_batchnorm_train_f32 on hand-computed values: batch statistics across N and the
 * spatial positions, running statistics with momentum, optional outputs left out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

/* x[2][2][2]: channel 0 holds 1 3 | 5 7 (mean 4, variance 5), channel 1 holds 2 four
 * times (mean 2, variance 0). */
static const float x[8] = {1, 3, 2, 2, 5, 7, 2, 2};
static const float scale[2] = {2, 1}, bias[2] = {1, -1};
static const float mean[2] = {10, 0}, var[2] = {1, 3};
static const kiln_batchnorm_train_params p = {2, 2, 2, 1.0f, 0.5f};

static void test_batchnorm_train_outputs(void **state)
{
    (void)state;
    /* channel 0: (x - 4) * 2 / sqrt(5 + 1) + 1; channel 1: 0 * 1 / sqrt(0 + 1) - 1 */
    const float k = 0.816496581f;   /* 2 / sqrt(6) */
    const float want[8] = {-3 * k + 1, -k + 1, -1, -1, k + 1, 3 * k + 1, -1, -1};
    /* 10 * 0.5 + 4 * 0.5, 0 * 0.5 + 2 * 0.5; 1 * 0.5 + 5 * 0.5, 3 * 0.5 + 0 * 0.5 */
    const float want_mean[2] = {7, 1}, want_var[2] = {3, 1.5f};
    float y[8], rm[2], rv[2];
    test_poison(y, 8);
    test_poison(rm, 2);
    test_poison(rv, 2);
    kiln_batchnorm_train_f32(&p, x, scale, bias, mean, var, y, rm, rv);
    assert_int_equal(test_mismatches("bn train y", want, y, 8), 0);
    assert_int_equal(test_mismatches("bn train running_mean", want_mean, rm, 2), 0);
    assert_int_equal(test_mismatches("bn train running_var", want_var, rv, 2), 0);
}

static void test_batchnorm_train_without_running_outputs(void **state)
{
    (void)state;
    float y[8], y_full[8], rm[2], rv[2];
    test_poison(y, 8);
    kiln_batchnorm_train_f32(&p, x, scale, bias, mean, var, y, NULL, NULL);
    kiln_batchnorm_train_f32(&p, x, scale, bias, mean, var, y_full, rm, rv);
    assert_int_equal(test_mismatches("bn train y (no running outputs)", y_full, y, 8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batchnorm_train_outputs),
        cmocka_unit_test(test_batchnorm_train_without_running_outputs),
    };
    return cmocka_run_group_tests_name("runtime_batchnorm_train", tests, NULL, NULL);
}
