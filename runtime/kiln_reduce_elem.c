/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* One element of a scatter reduction, typed by a small enum so scatter kernels stay
 * element-size generic. Values are moved through kiln_copy (no type punning). */
#include "kiln.h"

static float reduce_f32(kiln_reduce_op op, float a, float b)
{
    switch (op) {
    case KILN_REDUCE_ADD: return a + b;
    case KILN_REDUCE_MUL: return a * b;
    case KILN_REDUCE_MAX: return a > b ? a : b;
    case KILN_REDUCE_MIN: return a < b ? a : b;
    default: return b;
    }
}

/* Integers wrap like the unsigned arithmetic of two's complement hardware. */
static int64_t reduce_s64(kiln_reduce_op op, int64_t a, int64_t b)
{
    switch (op) {
    case KILN_REDUCE_ADD: return (int64_t)((uint64_t)a + (uint64_t)b);
    case KILN_REDUCE_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
    case KILN_REDUCE_MAX: return a > b ? a : b;
    case KILN_REDUCE_MIN: return a < b ? a : b;
    default: return b;
    }
}

void kiln_reduce_elem(kiln_reduce_op op, kiln_elem_type type, int32_t elem_size, void *dst,
                      const void *src)
{
    if (op == KILN_REDUCE_NONE) {
        kiln_copy(dst, src, (size_t)elem_size);
    } else if (type == KILN_TYPE_F32) {
        float a, b;
        kiln_copy(&a, dst, sizeof a);
        kiln_copy(&b, src, sizeof b);
        a = reduce_f32(op, a, b);
        kiln_copy(dst, &a, sizeof a);
    } else if (type == KILN_TYPE_S32) {
        int32_t a, b;
        kiln_copy(&a, dst, sizeof a);
        kiln_copy(&b, src, sizeof b);
        a = (int32_t)(uint32_t)(uint64_t)reduce_s64(op, a, b);
        kiln_copy(dst, &a, sizeof a);
    } else {
        int64_t a, b;
        kiln_copy(&a, dst, sizeof a);
        kiln_copy(&b, src, sizeof b);
        a = reduce_s64(op, a, b);
        kiln_copy(dst, &a, sizeof a);
    }
}
