/* SPDX-License-Identifier: MIT */
/* kiln_act_f32: every activation kind against its ONNX formula. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

#define N 203

static void test_act_all_kinds(void **state)
{
    (void)state;
    float x[N], want[N];
    size_t bad = 0;
    for (size_t k = 0; k < TEST_N_ACTS; k++) {
        test_rng r = {(uint32_t)k};
        test_fill(&r, x, N, -8.0f, 8.0f);
        x[0] = 0.0f, x[1] = -0.0f, x[2] = 3.0f, x[3] = -3.0f; /* HardSwish/HardSigmoid knees */
        for (int i = 0; i < N; i++)
            want[i] = ref_act(&test_acts[k], x[i]);
        kiln_act_f32(&test_acts[k], x, N);
        bad += test_mismatches("act", want, x, N);
    }
    assert_int_equal(bad, 0);
}

/* Sigmoid must not overflow to NaN for large |x|; exact limits at the extremes. */
static void test_act_sigmoid_extremes(void **state)
{
    (void)state;
    const kiln_act sig = {KILN_ACT_SIGMOID, 0.0f, 0.0f};
    float x[4] = {-200.0f, -90.0f, 90.0f, 200.0f};
    kiln_act_f32(&sig, x, 4);
    assert_true(x[0] == 0.0f && x[1] >= 0.0f && x[1] < 1e-38f);
    assert_true(x[2] == 1.0f && x[3] == 1.0f);
}

/* The exact ONNX formulas where the result is representable. */
static void test_act_exact_values(void **state)
{
    (void)state;
    const kiln_act relu = {KILN_ACT_RELU, 0.0f, 0.0f};
    const kiln_act leaky = {KILN_ACT_LEAKY_RELU, 0.5f, 0.0f};
    const kiln_act clip = {KILN_ACT_CLIP, -1.0f, 2.0f};
    const kiln_act hswish = {KILN_ACT_HARD_SWISH, 0.0f, 0.0f};
    float a[3] = {-2.0f, 0.0f, 3.0f}, b[3] = {-2.0f, 0.0f, 3.0f};
    float c[3] = {-5.0f, 1.5f, 5.0f}, d[3] = {-3.0f, 3.0f, 6.0f};
    kiln_act_f32(&relu, a, 3);
    kiln_act_f32(&leaky, b, 3);
    kiln_act_f32(&clip, c, 3);
    kiln_act_f32(&hswish, d, 3);
    assert_true(a[0] == 0.0f && a[1] == 0.0f && a[2] == 3.0f);
    assert_true(b[0] == -1.0f && b[1] == 0.0f && b[2] == 3.0f);
    assert_true(c[0] == -1.0f && c[1] == 1.5f && c[2] == 2.0f);
    assert_true(d[0] == 0.0f && d[1] == 3.0f && d[2] == 6.0f);
}

/* NONE and n == 0 leave memory alone. */
static void test_act_none_and_empty(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    const kiln_act relu = {KILN_ACT_RELU, 0.0f, 0.0f};
    float x[2] = {-1.0f, 2.0f};
    kiln_act_f32(&none, x, 2);
    kiln_act_f32(&relu, x, 0);
    assert_true(x[0] == -1.0f && x[1] == 2.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_act_all_kinds),
        cmocka_unit_test(test_act_sigmoid_extremes),
        cmocka_unit_test(test_act_exact_values),
        cmocka_unit_test(test_act_none_and_empty),
    };
    return cmocka_run_group_tests_name("runtime_act", tests, NULL, NULL);
}
