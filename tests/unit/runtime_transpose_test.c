/* SPDX-License-Identifier: MIT */
/* kiln_transpose against index arithmetic, every permutation of ranks 2-4, sizes 1-8. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* Transposes a tensor of shape in_dims by perm (output dim d is input dim perm[d]) and
 * compares bytes with a per-element reference. */
static size_t run_case(int32_t rank, const int32_t *in_dims, const int32_t *perm, int32_t es,
                       uint32_t seed)
{
    kiln_transpose_params p;
    int32_t in_strides[KILN_MAX_RANK];
    int32_t total = 1;
    for (int32_t d = rank - 1; d >= 0; d--) {
        in_strides[d] = total;
        total *= in_dims[d];
    }
    p.elem_size = es, p.rank = rank;
    for (int32_t d = 0; d < rank; d++) {
        p.out_dims[d] = in_dims[perm[d]];
        p.in_strides[d] = in_strides[perm[d]];
    }
    const size_t bytes = (size_t)total * (size_t)es;
    unsigned char *x = calloc(bytes, 1), *want = malloc(bytes), *got = malloc(bytes);
    test_rng r = {seed};
    for (size_t i = 0; i < bytes; i++)
        x[i] = (unsigned char)test_next(&r);
    memset(got, 0xAB, bytes);
    for (int32_t i = 0; i < total; i++) {
        int32_t rem = i, src = 0;
        for (int32_t d = rank - 1; d >= 0; d--) {
            src += (rem % p.out_dims[d]) * p.in_strides[d];
            rem /= p.out_dims[d];
        }
        memcpy(want + (size_t)i * (size_t)es, x + (size_t)src * (size_t)es, (size_t)es);
    }
    kiln_transpose(&p, x, got);
    const size_t bad = test_mismatches_bytes("transpose", want, got, bytes);
    if (bad) {
        printf("  case es=%d dims=[", es);
        for (int32_t d = 0; d < rank; d++)
            printf(" %d", in_dims[d]);
        printf(" ] perm=[");
        for (int32_t d = 0; d < rank; d++)
            printf(" %d", perm[d]);
        printf(" ]\n");
    }
    free(x), free(want), free(got);
    return bad;
}

/* Calls run_case for every permutation of 0..rank-1 (Heap's algorithm, iterative). */
static size_t all_perms(int32_t rank, const int32_t *dims, int32_t es)
{
    int32_t perm[KILN_MAX_RANK], c[KILN_MAX_RANK] = {0};
    for (int32_t i = 0; i < rank; i++)
        perm[i] = i;
    size_t bad = run_case(rank, dims, perm, es, 1);
    uint32_t seed = 2;
    for (int32_t i = 1; i < rank;) {
        if (c[i] < i) {
            const int32_t j = (i & 1) ? c[i] : 0;
            const int32_t t = perm[j];
            perm[j] = perm[i];
            perm[i] = t;
            bad += run_case(rank, dims, perm, es, seed++);
            c[i]++;
            i = 1;
        } else {
            c[i++] = 0;
        }
    }
    return bad;
}

static void test_transpose_2d(void **state)
{
    (void)state;
    const int32_t a[] = {13, 17}, b[] = {8, 8}, c[] = {1, 9}, d[] = {33, 2};
    size_t bad = 0;
    bad += all_perms(2, a, 4) + all_perms(2, b, 4) + all_perms(2, c, 4) + all_perms(2, d, 4);
    assert_int_equal(bad, 0);
}

static void test_transpose_all_perms_rank3_rank4(void **state)
{
    (void)state;
    const int32_t a[] = {3, 5, 7}, b[] = {2, 3, 4, 5}, c[] = {1, 6, 5, 4};
    size_t bad = 0;
    bad += all_perms(3, a, 4) + all_perms(4, b, 4) + all_perms(4, c, 4);
    assert_int_equal(bad, 0);
}

static void test_transpose_elem_sizes(void **state)
{
    (void)state;
    const int32_t a[] = {3, 5, 7}, b[] = {2, 1, 4, 3};
    size_t bad = 0;
    const int32_t sizes[] = {1, 2, 4, 8, 3};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        bad += all_perms(3, a, sizes[i]) + all_perms(4, b, sizes[i]);
    assert_int_equal(bad, 0);
}

/* NCHW -> NHWC and back, the layout changes a compiler emits. */
static void test_transpose_layouts(void **state)
{
    (void)state;
    const int32_t nchw[] = {2, 16, 7, 5}, to_nhwc[] = {0, 2, 3, 1};
    const int32_t nhwc[] = {2, 7, 5, 16}, to_nchw[] = {0, 3, 1, 2};
    const int32_t one[] = {1, 1, 1}, id[] = {2, 1, 0};
    size_t bad = 0;
    bad += run_case(4, nchw, to_nhwc, 4, 11);
    bad += run_case(4, nhwc, to_nchw, 4, 12);
    bad += run_case(3, one, id, 4, 13);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transpose_2d),
        cmocka_unit_test(test_transpose_all_perms_rank3_rank4),
        cmocka_unit_test(test_transpose_elem_sizes),
        cmocka_unit_test(test_transpose_layouts),
    };
    return cmocka_run_group_tests_name("runtime_transpose", tests, NULL, NULL);
}
