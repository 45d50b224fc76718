/* SPDX-License-Identifier: MIT */
/* kiln_transpose as a strided walk (Slice, Expand, Tile, DepthToSpace): negative strides
 * walk backwards from a start element, zero strides repeat, any element size. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

/* The walk by definition: y[odometer] = x[start + sum idx[d] * st[d]]. */
static void ref_walk(const kiln_transpose_params *p, const unsigned char *x, unsigned char *y)
{
    int32_t idx[KILN_MAX_RANK] = {0};
    size_t n = 1;
    for (int32_t d = 0; d < p->rank; d++)
        n *= (size_t)p->out_dims[d];
    for (size_t e = 0; e < n; e++) {
        ptrdiff_t off = 0;
        for (int32_t d = 0; d < p->rank; d++)
            off += (ptrdiff_t)idx[d] * p->in_strides[d];
        memcpy(y + e * (size_t)p->elem_size, x + off * p->elem_size, (size_t)p->elem_size);
        for (int32_t d = p->rank - 1; d >= 0; d--) {
            if (++idx[d] < p->out_dims[d])
                break;
            idx[d] = 0;
        }
    }
}

static size_t run_case(const kiln_transpose_params *p, ptrdiff_t start, size_t in_elems)
{
    const size_t es = (size_t)p->elem_size;
    size_t n = 1;
    for (int32_t d = 0; d < p->rank; d++)
        n *= (size_t)p->out_dims[d];
    unsigned char *x = malloc(in_elems * es), *want = malloc(n * es), *got = malloc(n * es);
    test_rng r = {(uint32_t)(n + in_elems)};
    for (size_t i = 0; i < in_elems * es; i++)
        x[i] = (unsigned char)test_next(&r);
    memset(got, 0xAB, n * es);
    ref_walk(p, x + start * (ptrdiff_t)es, want);
    kiln_transpose(p, x + start * (ptrdiff_t)es, got);
    const size_t bad = test_mismatches_bytes("walk", want, got, n * es);
    free(x), free(want), free(got);
    return bad;
}

static void test_walk_negative_strides(void **state)
{
    (void)state;
    /* x[4][6] read as x[3:0:-1, 5:0:-2] (Slice with negative steps) */
    const kiln_transpose_params a = {4, 2, {3, 3}, {-6, -2}};
    /* x[20] reversed, int64 */
    const kiln_transpose_params b = {8, 1, {20}, {-1}};
    assert_int_equal(run_case(&a, 3 * 6 + 5, 24) + run_case(&b, 19, 20), 0);
}

static void test_walk_repeats(void **state)
{
    (void)state;
    /* Expand [3][1] -> [2][3][4]: strides 0 broadcast */
    const kiln_transpose_params a = {4, 3, {2, 3, 4}, {0, 1, 0}};
    /* Tile [2][3] by [2][2]: [2][2][2][3] with the repeats at stride 0, bytes */
    const kiln_transpose_params b = {1, 4, {2, 2, 2, 3}, {0, 3, 0, 1}};
    /* DepthToSpace DCR, N=1 C=8 H=2 W=3 b=2: [c=2][H][b1][W][b2] */
    const kiln_transpose_params c = {4, 5, {2, 2, 2, 3, 2}, {6, 3, 24, 1, 12}};
    assert_int_equal(run_case(&a, 0, 3) + run_case(&b, 0, 6) + run_case(&c, 0, 48), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_negative_strides),
        cmocka_unit_test(test_walk_repeats),
    };
    return cmocka_run_group_tests_name("runtime_walk", tests, NULL, NULL);
}
