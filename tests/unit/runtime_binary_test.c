/* SPDX-License-Identifier: MIT */
/* kiln_binary_f32 against a per-element reference over every broadcast pattern. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static float ref_op(kiln_binary_op op, float x, float z)
{
    switch (op) {
    case KILN_BIN_ADD: return x + z;
    case KILN_BIN_SUB: return x - z;
    case KILN_BIN_MUL: return x * z;
    case KILN_BIN_DIV: return x / z;
    case KILN_BIN_MAX: return fmaxf(x, z);
    case KILN_BIN_MIN: return fminf(x, z);
    case KILN_BIN_POW: return powf(x, z);
    case KILN_BIN_PRELU: return x < 0.0f ? x * z : x;
    }
    return 0.0f;
}

/* Builds params for numpy broadcasting of shapes a_shape and b_shape (each given at the
 * output rank, 1 where broadcast) and checks the kernel. alias: 1 = y is a, 2 = y is b. */
static size_t run_case(kiln_binary_op op, int32_t rank, const int32_t *a_shape,
                       const int32_t *b_shape, kiln_act act, int alias, uint32_t seed)
{
    kiln_binary_params p;
    p.op = op, p.rank = rank, p.act = act;
    int32_t na = 1, nb = 1, ny = 1;
    for (int32_t d = rank - 1; d >= 0; d--) {
        p.dims[d] = a_shape[d] > b_shape[d] ? a_shape[d] : b_shape[d];
        p.a_strides[d] = a_shape[d] == 1 ? 0 : na;
        p.b_strides[d] = b_shape[d] == 1 ? 0 : nb;
        na *= a_shape[d], nb *= b_shape[d], ny *= p.dims[d];
    }
    float *a = malloc((size_t)na * sizeof *a), *b = malloc((size_t)nb * sizeof *b);
    float *want = malloc((size_t)ny * sizeof *want), *got = malloc((size_t)ny * sizeof *got);
    test_rng r = {seed};
    /* Positive bases keep Pow real; divisors stay away from 0. */
    const int pos = op == KILN_BIN_POW || op == KILN_BIN_DIV;
    test_fill(&r, a, (size_t)na, pos ? 0.1f : -3.0f, 3.0f);
    test_fill(&r, b, (size_t)nb, pos ? 0.5f : -3.0f, pos ? 2.5f : 3.0f);
    for (int32_t i = 0; i < ny; i++) {
        int32_t rem = i, ia = 0, ib = 0;
        for (int32_t d = rank - 1; d >= 0; d--) {
            const int32_t c = rem % p.dims[d];
            rem /= p.dims[d];
            ia += c * p.a_strides[d];
            ib += c * p.b_strides[d];
        }
        want[i] = ref_act(&act, ref_op(op, a[ia], b[ib]));
    }
    float *y = got;
    if (alias == 1)
        y = a;
    else if (alias == 2)
        y = b;
    else
        test_poison(got, (size_t)ny);
    kiln_binary_f32(&p, a, b, y);
    const size_t bad = test_mismatches("binary", want, y, (size_t)ny);
    if (bad) {
        printf("  case op=%d act=%d alias=%d a=[", (int)op, (int)act.kind, alias);
        for (int32_t d = 0; d < rank; d++)
            printf(" %d", a_shape[d]);
        printf(" ] b=[");
        for (int32_t d = 0; d < rank; d++)
            printf(" %d", b_shape[d]);
        printf(" ]\n");
    }
    free(a), free(b), free(want), free(got);
    return bad;
}

static const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};

typedef struct {
    int32_t rank;
    int32_t a[4], b[4];
} bcast;

static const bcast patterns[] = {
    {1, {37}, {37}},                      /* same shape */
    {4, {2, 3, 4, 5}, {2, 3, 4, 5}},      /* same shape, rank 4 */
    {3, {3, 4, 5}, {1, 1, 1}},            /* b scalar */
    {2, {1, 1}, {6, 7}},                  /* a scalar */
    {1, {1}, {1}},                        /* both scalar */
    {2, {5, 7}, {1, 7}},                  /* row */
    {2, {5, 7}, {5, 1}},                  /* column */
    {3, {4, 5, 6}, {1, 5, 1}},            /* middle dim */
    {4, {2, 3, 4, 5}, {1, 3, 1, 1}},      /* per channel, NCHW op C11 */
    {4, {1, 16, 7, 7}, {1, 16, 1, 1}},
    {3, {3, 1, 5}, {1, 4, 1}},            /* both sides broadcast */
    {4, {2, 1, 3, 1}, {1, 4, 1, 5}},
    {3, {1, 5, 7}, {3, 5, 7}},            /* a broadcast over outer dim */
    {4, {2, 3, 1, 1}, {2, 3, 4, 5}},      /* a per channel on the left */
};
#define N_PATTERNS (sizeof patterns / sizeof patterns[0])

static void test_binary_ops_same_shape(void **state)
{
    (void)state;
    size_t bad = 0;
    const int32_t s[] = {3, 17};
    for (int op = KILN_BIN_ADD; op <= KILN_BIN_PRELU; op++)
        bad += run_case((kiln_binary_op)op, 2, s, s, none, 0, (uint32_t)op);
    assert_int_equal(bad, 0);
}

static void test_binary_broadcast_patterns(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < N_PATTERNS; i++)
        for (int op = KILN_BIN_ADD; op <= KILN_BIN_PRELU; op++)
            bad += run_case((kiln_binary_op)op, patterns[i].rank, patterns[i].a,
                            patterns[i].b, none, 0, (uint32_t)(i * 8 + (size_t)op));
    assert_int_equal(bad, 0);
}

/* Unusual strides: b read transposed (neither contiguous nor broadcast). */
static void test_binary_general_strides(void **state)
{
    (void)state;
    kiln_binary_params p = {KILN_BIN_SUB, 2, {4, 6}, {6, 1}, {1, 4}, {KILN_ACT_NONE, 0, 0}};
    float a[24], b[24], want[24], got[24];
    test_rng r = {7};
    test_fill(&r, a, 24, -1.0f, 1.0f);
    test_fill(&r, b, 24, -1.0f, 1.0f);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 6; j++)
            want[i * 6 + j] = a[i * 6 + j] - b[j * 4 + i];
    kiln_binary_f32(&p, a, b, got);
    assert_int_equal(test_mismatches("binary", want, got, 24), 0);
}

static void test_binary_alias(void **state)
{
    (void)state;
    size_t bad = 0;
    const int32_t s[] = {2, 3, 4, 5}, c[] = {1, 3, 1, 1}, one[] = {1, 1, 1, 1};
    bad += run_case(KILN_BIN_ADD, 4, s, s, none, 1, 1);
    bad += run_case(KILN_BIN_MUL, 4, s, s, none, 2, 2);
    bad += run_case(KILN_BIN_SUB, 4, s, c, none, 1, 3);
    bad += run_case(KILN_BIN_DIV, 4, one, s, none, 2, 4);
    assert_int_equal(bad, 0);
}

static void test_binary_activations(void **state)
{
    (void)state;
    size_t bad = 0;
    for (size_t i = 0; i < TEST_N_ACTS; i++) {
        bad += run_case(KILN_BIN_ADD, 4, patterns[8].a, patterns[8].b, test_acts[i], 0,
                        (uint32_t)(300 + i));
        bad += run_case(KILN_BIN_MUL, 3, patterns[10].a, patterns[10].b, test_acts[i], 0,
                        (uint32_t)(400 + i));
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binary_ops_same_shape),
        cmocka_unit_test(test_binary_broadcast_patterns),
        cmocka_unit_test(test_binary_general_strides),
        cmocka_unit_test(test_binary_alias),
        cmocka_unit_test(test_binary_activations),
    };
    return cmocka_run_group_tests_name("runtime_binary", tests, NULL, NULL);
}
