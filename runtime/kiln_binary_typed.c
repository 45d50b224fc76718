/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_elem_io */
/* Elementwise binary ops on any element type (integers, bool, double, mixed Pow) with
 * numpy broadcasting. The f32 path stays in kiln_binary_f32; this one favours clarity:
 * each element is loaded into one of three arithmetic domains (double, int64, uint64),
 * combined, and stored, walking the output with an odometer over per-dim strides. */
#include <math.h>

#include "kiln.h"

typedef enum { DOM_F, DOM_I, DOM_U } domain;

static int is_compare(kiln_tbinary_op op)
{
    return op >= KILN_TB_EQ && op <= KILN_TB_XOR;
}

static int compare_f(kiln_tbinary_op op, double x, double z)
{
    switch (op) {
    case KILN_TB_EQ: return x == z;
    case KILN_TB_GT: return x > z;
    case KILN_TB_LT: return x < z;
    case KILN_TB_GE: return x >= z;
    case KILN_TB_LE: return x <= z;
    case KILN_TB_AND: return x != 0 && z != 0;
    case KILN_TB_OR: return x != 0 || z != 0;
    default: return (x != 0) != (z != 0);
    }
}

static double apply_f(kiln_tbinary_op op, double x, double z)
{
    switch (op) {
    case KILN_TB_ADD: return x + z;
    case KILN_TB_SUB: return x - z;
    case KILN_TB_MUL: return x * z;
    case KILN_TB_DIV: return x / z;
    case KILN_TB_MOD: {
        double r = fmod(x, z);   /* floating Mod needs fmod=1 in ONNX; kept for completeness */
        return r != 0 && (r < 0) != (z < 0) ? r + z : r;
    }
    case KILN_TB_FMOD: return fmod(x, z);
    case KILN_TB_POW: return pow(x, z);
    case KILN_TB_MAX: return x > z ? x : z;
    case KILN_TB_MIN: return x < z ? x : z;
    default: return compare_f(op, x, z);
    }
}

static uint64_t ipow(uint64_t base, int64_t e)
{
    uint64_t r = 1;
    while (e > 0) {
        if (e & 1)
            r *= base;
        base *= base;
        e >>= 1;
    }
    return r;
}

/* Signed domain; results are two's-complement bits (wrap-around). */
static uint64_t apply_i(kiln_tbinary_op op, int64_t x, int64_t z)
{
    switch (op) {
    case KILN_TB_ADD: return (uint64_t)x + (uint64_t)z;
    case KILN_TB_SUB: return (uint64_t)x - (uint64_t)z;
    case KILN_TB_MUL: return (uint64_t)x * (uint64_t)z;
    case KILN_TB_DIV:
        if (z == 0)
            return 0;
        return z == -1 ? 0 - (uint64_t)x : (uint64_t)(x / z);
    case KILN_TB_MOD:
    case KILN_TB_FMOD: {
        if (z == 0 || z == -1)
            return 0;
        int64_t r = x % z;
        if (op == KILN_TB_MOD && r != 0 && (r < 0) != (z < 0))
            r += z;
        return (uint64_t)r;
    }
    case KILN_TB_POW:
        if (z < 0)   /* only 1 and -1 have integer reciprocals */
            return x == 1 ? 1 : x == -1 ? ((z & 1) ? (uint64_t)-1 : 1) : 0;
        return ipow((uint64_t)x, z);
    case KILN_TB_MAX: return (uint64_t)(x > z ? x : z);
    case KILN_TB_MIN: return (uint64_t)(x < z ? x : z);
    case KILN_TB_EQ: return x == z;
    case KILN_TB_GT: return x > z;
    case KILN_TB_LT: return x < z;
    case KILN_TB_GE: return x >= z;
    case KILN_TB_LE: return x <= z;
    case KILN_TB_AND: return x && z;
    case KILN_TB_OR: return x || z;
    case KILN_TB_XOR: return !x != !z;
    case KILN_TB_SHL: return (uint64_t)z >= 64 ? 0 : (uint64_t)x << z;
    case KILN_TB_SHR: return (uint64_t)z >= 64 ? 0 : (uint64_t)x >> z;
    }
    return 0;
}

static uint64_t apply_u(kiln_tbinary_op op, uint64_t x, uint64_t z)
{
    switch (op) {
    case KILN_TB_DIV: return z ? x / z : 0;
    case KILN_TB_MOD: case KILN_TB_FMOD: return z ? x % z : 0;
    case KILN_TB_MAX: return x > z ? x : z;
    case KILN_TB_MIN: return x < z ? x : z;
    case KILN_TB_GT: return x > z;
    case KILN_TB_LT: return x < z;
    case KILN_TB_GE: return x >= z;
    case KILN_TB_LE: return x <= z;
    case KILN_TB_POW: return ipow(x, (int64_t)(z > 64 ? 64 : z));
    default: return apply_i(op, (int64_t)x, (int64_t)z);   /* same bits */
    }
}

void kiln_binary_typed(const kiln_tbinary_params *p, const void *a, const void *b, void *y)
{
    domain dom = kiln_is_float(p->a_type) || kiln_is_float(p->b_type) ? DOM_F
                 : p->a_type == KILN_U64                    ? DOM_U
                                                            : DOM_I;
    kiln_dtype yt = is_compare(p->op) ? KILN_BOOL : p->y_type;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ao = 0, bo = 0, i = 0;
    const int32_t last = p->rank - 1;
    for (;;) {
        for (int32_t k = 0; k < p->dims[last]; k++, i++) {
            ptrdiff_t ia = ao + (ptrdiff_t)k * p->a_strides[last];
            ptrdiff_t ib = bo + (ptrdiff_t)k * p->b_strides[last];
            if (dom == DOM_F)
                kiln_store_f(yt, y, i, apply_f(p->op, kiln_load_f(p->a_type, a, ia),
                                               kiln_load_f(p->b_type, b, ib)));
            else if (dom == DOM_U)
                kiln_store_i(yt, y, i, apply_u(p->op, (uint64_t)kiln_load_i(p->a_type, a, ia),
                                               (uint64_t)kiln_load_i(p->b_type, b, ib)));
            else
                kiln_store_i(yt, y, i, apply_i(p->op, kiln_load_i(p->a_type, a, ia),
                                               kiln_load_i(p->b_type, b, ib)));
        }
        int32_t d = last - 1;
        for (; d >= 0; d--) {
            ao += p->a_strides[d];
            bo += p->b_strides[d];
            if (++idx[d] < p->dims[d])
                break;
            ao -= (ptrdiff_t)p->a_strides[d] * p->dims[d];
            bo -= (ptrdiff_t)p->b_strides[d] * p->dims[d];
            idx[d] = 0;
        }
        if (d < 0)
            break;
    }
}
