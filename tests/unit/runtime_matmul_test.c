/* SPDX-License-Identifier: MIT */
/* kiln_matmul_f32 against naive products with explicit numpy batch broadcasting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* a_batch / b_batch: the inputs' batch dims, right-aligned to `rank` (1 = broadcast). */
static size_t run_case(int32_t m, int32_t n, int32_t k, int32_t rank, const int32_t *a_batch,
                       const int32_t *b_batch, kiln_act act, uint32_t seed)
{
    kiln_matmul_params p;
    p.m = m, p.n = n, p.k = k, p.batch_rank = rank, p.act = act;
    int32_t na = 1, nb = 1, ny = 1;
    for (int32_t d = rank - 1; d >= 0; d--) {
        p.batch_dims[d] = a_batch[d] > b_batch[d] ? a_batch[d] : b_batch[d];
        p.a_batch_strides[d] = a_batch[d] == 1 ? 0 : na;
        p.b_batch_strides[d] = b_batch[d] == 1 ? 0 : nb;
        na *= a_batch[d], nb *= b_batch[d], ny *= p.batch_dims[d];
    }
    const size_t sa = (size_t)(na * m * k), sb = (size_t)(nb * k * n), sy = (size_t)(ny * m * n);
    float *a = malloc(sa * sizeof *a), *b = malloc(sb * sizeof *b);
    float *want = malloc(sy * sizeof *want), *got = malloc(sy * sizeof *got);
    test_rng r = {seed};
    test_fill(&r, a, sa, -1.0f, 1.0f);
    test_fill(&r, b, sb, -1.0f, 1.0f);
    test_poison(got, sy);
    for (int32_t bi = 0; bi < ny; bi++) {
        /* Decode the batch index and map it to each input with broadcasting. */
        int32_t rem = bi, ia = 0, ib = 0, ma = 1, mb = 1;
        for (int32_t d = rank - 1; d >= 0; d--) {
            const int32_t i = rem % p.batch_dims[d];
            rem /= p.batch_dims[d];
            ia += (a_batch[d] == 1 ? 0 : i) * ma;
            ib += (b_batch[d] == 1 ? 0 : i) * mb;
            ma *= a_batch[d], mb *= b_batch[d];
        }
        for (int32_t i = 0; i < m; i++)
            for (int32_t j = 0; j < n; j++) {
                float s = 0.0f;
                for (int32_t q = 0; q < k; q++)
                    s += a[(ia * m + i) * k + q] * b[(ib * k + q) * n + j];
                want[(bi * m + i) * n + j] = ref_act(&act, s);
            }
    }
    kiln_matmul_f32(&p, a, b, got);
    const size_t bad = test_mismatches("matmul", want, got, sy);
    if (bad)
        printf("  case m=%d n=%d k=%d rank=%d act=%d\n", m, n, k, rank, (int)act.kind);
    free(a), free(b), free(want), free(got);
    return bad;
}

static const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};

static void test_matmul_no_batch(void **state)
{
    (void)state;
    size_t bad = 0;
    bad += run_case(5, 7, 3, 0, NULL, NULL, none, 1);
    bad += run_case(1, 64, 49, 0, NULL, NULL, none, 2);
    bad += run_case(16, 9, 16, 0, NULL, NULL, none, 3);
    assert_int_equal(bad, 0);
}

static void test_matmul_batch(void **state)
{
    (void)state;
    const int32_t same[] = {3}, same2[] = {2, 3};
    size_t bad = 0;
    bad += run_case(4, 5, 6, 1, same, same, none, 4);
    bad += run_case(3, 9, 2, 2, same2, same2, none, 5);
    assert_int_equal(bad, 0);
}

static void test_matmul_broadcast(void **state)
{
    (void)state;
    const int32_t a1[] = {1, 3}, b1[] = {2, 3};     /* a broadcast in dim 0 */
    const int32_t a2[] = {2, 1, 4}, b2[] = {1, 3, 1}; /* both sides broadcast */
    const int32_t a3[] = {5}, b3[] = {1};           /* shared weight matrix */
    const int32_t a4[] = {1}, b4[] = {4};
    size_t bad = 0;
    bad += run_case(3, 4, 5, 2, a1, b1, none, 6);
    bad += run_case(2, 5, 3, 3, a2, b2, none, 7);
    bad += run_case(7, 6, 8, 1, a3, b3, none, 8);
    bad += run_case(2, 9, 3, 1, a4, b4, none, 9);
    assert_int_equal(bad, 0);
}

static void test_matmul_activations(void **state)
{
    (void)state;
    const int32_t ab[] = {2};
    size_t bad = 0;
    for (size_t i = 0; i < TEST_N_ACTS; i++)
        bad += run_case(3, 10, 4, 1, ab, ab, test_acts[i], (uint32_t)(20 + i));
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_no_batch),
        cmocka_unit_test(test_matmul_batch),
        cmocka_unit_test(test_matmul_broadcast),
        cmocka_unit_test(test_matmul_activations),
    };
    return cmocka_run_group_tests_name("runtime_matmul", tests, NULL, NULL);
}
