/* SPDX-License-Identifier: MIT */
/* kiln_unary_f32: every op against its float libm / ONNX formula, in place and not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiln.h"
#include "runtime_test.h"

#define N 157

static float ref_unary(const kiln_unary_params *p, float x)
{
    switch (p->op) {
    case KILN_UN_COPY: return x;
    case KILN_UN_RELU: return x < 0.0f ? 0.0f : x;
    case KILN_UN_LEAKY_RELU: return x < 0.0f ? p->a * x : x;
    case KILN_UN_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case KILN_UN_TANH: return tanhf(x);
    case KILN_UN_HARD_SIGMOID: return fmaxf(0.0f, fminf(1.0f, p->a * x + p->b));
    case KILN_UN_HARD_SWISH: return x * fmaxf(0.0f, fminf(1.0f, x / 6.0f + 0.5f));
    case KILN_UN_CLIP: return fminf(fmaxf(x, p->a), p->b);
    case KILN_UN_NEG: return -x;
    case KILN_UN_ABS: return fabsf(x);
    case KILN_UN_EXP: return expf(x);
    case KILN_UN_LOG: return logf(x);
    case KILN_UN_SQRT: return sqrtf(x);
    case KILN_UN_RECIPROCAL: return 1.0f / x;
    case KILN_UN_FLOOR: return floorf(x);
    case KILN_UN_CEIL: return ceilf(x);
    case KILN_UN_ERF: return erff(x);
    }
    return 0.0f;
}

static size_t run_op(kiln_unary_op op, int in_place)
{
    kiln_unary_params p = {op, N, 0.2f, 0.5f};
    if (op == KILN_UN_CLIP)
        p.a = -1.5f, p.b = 2.0f;
    float x[N], y[N], want[N];
    test_rng r = {(uint32_t)op};
    const int positive = op == KILN_UN_LOG || op == KILN_UN_SQRT;
    test_fill(&r, x, N, positive ? 0.01f : -5.0f, 5.0f);
    for (int i = 0; i < N; i++)
        want[i] = ref_unary(&p, x[i]);
    float *out = in_place ? x : y;
    if (!in_place)
        test_poison(y, N);
    kiln_unary_f32(&p, x, out);
    const size_t bad = test_mismatches("unary", want, out, N);
    if (bad)
        printf("  op=%d in_place=%d\n", (int)op, in_place);
    return bad;
}

static void test_unary_all_ops(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int op = KILN_UN_COPY; op <= KILN_UN_ERF; op++)
        bad += run_op((kiln_unary_op)op, 0);
    assert_int_equal(bad, 0);
}

static void test_unary_in_place(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int op = KILN_UN_COPY; op <= KILN_UN_ERF; op++)
        bad += run_op((kiln_unary_op)op, 1);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_all_ops),
        cmocka_unit_test(test_unary_in_place),
    };
    return cmocka_run_group_tests_name("runtime_unary", tests, NULL, NULL);
}
