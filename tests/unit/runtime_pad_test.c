/* SPDX-License-Identifier: MIT */
/* kiln_pad (constant, reflect, edge) against per-element index arithmetic, with cropping pads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* The input coordinate for output coordinate c of a dim of size n, or -1 for fill. */
static int32_t ref_source(int32_t c, int32_t n, int32_t mode)
{
    if (mode == KILN_PAD_CONSTANT)
        return c < 0 || c >= n ? -1 : c;
    if (mode == KILN_PAD_EDGE)
        return c < 0 ? 0 : c >= n ? n - 1 : c;
    return c < 0 ? -c : c >= n ? 2 * n - 2 - c : c;   /* reflect */
}

static size_t run_mode_case(int32_t rank, const int32_t *in_dims, const int32_t *begin,
                            const int32_t *end, int32_t es, int32_t mode)
{
    kiln_pad_params p;
    memset(&p, 0, sizeof p);
    p.elem_size = es, p.rank = rank, p.mode = mode;
    int32_t nin = 1, nout = 1;
    for (int32_t d = 0; d < rank; d++) {
        p.in_dims[d] = in_dims[d];
        p.pad_begin[d] = begin[d];
        p.out_dims[d] = in_dims[d] + begin[d] + end[d];
        nin *= in_dims[d];
        nout *= p.out_dims[d];
    }
    for (int k = 0; k < 8; k++)
        p.value[k] = (uint8_t)(0xC0 + k);
    const size_t in_bytes = (size_t)(nin * es), out_bytes = (size_t)(nout * es);
    unsigned char *x = malloc(in_bytes ? in_bytes : 1), *want = malloc(out_bytes);
    unsigned char *got = malloc(out_bytes);
    test_rng r = {(uint32_t)(rank * 7 + es)};
    for (size_t i = 0; i < in_bytes; i++)
        x[i] = (unsigned char)(test_next(&r) & 0x7F);
    memset(got, 0xAB, out_bytes);
    for (int32_t i = 0; i < nout; i++) {
        int32_t rem = i, src = 0, stride = 1, inside = 1;
        for (int32_t d = rank - 1; d >= 0; d--) {
            const int32_t c = ref_source(rem % p.out_dims[d] - begin[d], in_dims[d], mode);
            rem /= p.out_dims[d];
            if (c < 0)
                inside = 0;
            src += c * stride;
            stride *= in_dims[d];
        }
        for (int32_t k = 0; k < es; k++)
            want[i * es + k] = inside ? x[src * es + k] : p.value[k];
    }
    kiln_pad(&p, x, got);
    const size_t bad = test_mismatches_bytes("pad", want, got, out_bytes);
    if (bad)
        printf("  case rank=%d es=%d mode=%d\n", rank, es, mode);
    free(x), free(want), free(got);
    return bad;
}

static size_t run_case(int32_t rank, const int32_t *in_dims, const int32_t *begin,
                       const int32_t *end, int32_t es)
{
    return run_mode_case(rank, in_dims, begin, end, es, KILN_PAD_CONSTANT);
}

static void test_pad_reflect_edge(void **state)
{
    (void)state;
    const int32_t d2[] = {3, 4}, b2[] = {2, 3}, e2[] = {1, 2};     /* pads up to dim - 1 */
    const int32_t d3[] = {2, 3, 5}, b3[] = {1, -1, 4}, e3[] = {0, 2, 4};
    const int32_t d1[] = {1}, b1[] = {0}, e1[] = {0};             /* one element, no pad */
    size_t bad = 0;
    for (int32_t mode = KILN_PAD_REFLECT; mode <= KILN_PAD_EDGE; mode++) {
        bad += run_mode_case(2, d2, b2, e2, 4, mode);
        bad += run_mode_case(3, d3, b3, e3, 8, mode);
        bad += run_mode_case(1, d1, b1, e1, 1, mode);
    }
    const int32_t eb[] = {5, 7}, ee[] = {6, 1};                   /* edge: any pad length */
    bad += run_mode_case(2, d2, eb, ee, 2, KILN_PAD_EDGE);
    assert_int_equal(bad, 0);
}

static void test_pad_positive(void **state)
{
    (void)state;
    const int32_t d4[] = {1, 3, 5, 4}, b4[] = {0, 0, 1, 2}, e4[] = {0, 0, 2, 1};
    const int32_t d1[] = {6}, b1[] = {3}, e1[] = {2};
    const int32_t d3[] = {2, 3, 4}, b3[] = {1, 0, 0}, e3[] = {2, 1, 0};
    size_t bad = 0;
    bad += run_case(4, d4, b4, e4, 4);
    bad += run_case(1, d1, b1, e1, 4);
    bad += run_case(3, d3, b3, e3, 2);
    bad += run_case(3, d3, b3, e3, 8);
    assert_int_equal(bad, 0);
}

static void test_pad_negative_crops(void **state)
{
    (void)state;
    const int32_t d[] = {4, 6}, b1[] = {-1, -2}, e1[] = {-1, 1};
    const int32_t b2[] = {1, -3}, e2[] = {-2, 2};
    const int32_t b3[] = {0, 3}, e3[] = {0, -6}; /* last dim: no input column remains */
    const int32_t d3[] = {3, 4, 5}, b4[] = {-1, 2, -4}, e4[] = {1, -2, 0};
    size_t bad = 0;
    bad += run_case(2, d, b1, e1, 4);
    bad += run_case(2, d, b2, e2, 4);
    bad += run_case(2, d, b3, e3, 4);
    bad += run_case(3, d3, b4, e4, 1);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad_positive),
        cmocka_unit_test(test_pad_negative_crops),
        cmocka_unit_test(test_pad_reflect_edge),
    };
    return cmocka_run_group_tests_name("runtime_pad", tests, NULL, NULL);
}
