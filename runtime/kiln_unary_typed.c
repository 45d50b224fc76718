/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_elem_io */
/* Elementwise unary ops on any element type: Cast, Not, IsNaN, IsInf, Clip, and
 * Neg/Abs/Sign on integers and doubles. */
#include <math.h>

#include "kiln.h"

static double unary_f(kiln_tunary_op op, double v)
{
    switch (op) {
    case KILN_TU_NEG: return -v;
    case KILN_TU_ABS: return fabs(v);
    case KILN_TU_SIGN: return v > 0 ? 1.0 : v < 0 ? -1.0 : v;   /* NaN stays NaN */
    default: return v;
    }
}

static uint64_t unary_i(kiln_tunary_op op, int64_t v)
{
    switch (op) {
    case KILN_TU_NEG: return 0 - (uint64_t)v;
    case KILN_TU_ABS: return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    case KILN_TU_SIGN: return v > 0 ? 1 : v < 0 ? (uint64_t)-1 : 0;
    case KILN_TU_NOT: return !v;
    default: return (uint64_t)v;
    }
}

/* Clip in the element's own domain: bounds convert exactly (the compiler checks). */
static void clip(const kiln_tunary_params *p, const void *x, void *y, int32_t i)
{
    const int has_lo = p->flags & 1, has_hi = p->flags & 2;
    if (kiln_is_float(p->x_type)) {
        double v = kiln_load_f(p->x_type, x, i);
        v = has_lo && v < p->lo ? p->lo : v;
        kiln_store_f(p->y_type, y, i, has_hi && v > p->hi ? p->hi : v);
    } else if (p->x_type == KILN_U64) {
        uint64_t v = (uint64_t)kiln_load_i(p->x_type, x, i);
        v = has_lo && v < (uint64_t)p->lo ? (uint64_t)p->lo : v;
        kiln_store_i(p->y_type, y, i, has_hi && v > (uint64_t)p->hi ? (uint64_t)p->hi : v);
    } else {
        int64_t v = kiln_load_i(p->x_type, x, i);
        v = has_lo && v < (int64_t)p->lo ? (int64_t)p->lo : v;
        kiln_store_i(p->y_type, y, i, (uint64_t)(has_hi && v > (int64_t)p->hi ? (int64_t)p->hi : v));
    }
}

void kiln_unary_typed(const kiln_tunary_params *p, const void *x, void *y)
{
    int fx = kiln_is_float(p->x_type);
    for (int32_t i = 0; i < p->n; i++) {
        if (p->op == KILN_TU_CLIP)
            clip(p, x, y, i);
        else if (p->op == KILN_TU_ISNAN || p->op == KILN_TU_ISINF) {
            double v = kiln_load_f(p->x_type, x, i);
            int r = p->op == KILN_TU_ISNAN ? v != v
                                           : (v == HUGE_VAL && (p->flags & 1)) ||
                                                 (v == -HUGE_VAL && (p->flags & 2));
            ((uint8_t *)y)[i] = (uint8_t)r;
        } else if (fx) {
            kiln_store_f(p->y_type, y, i, unary_f(p->op, kiln_load_f(p->x_type, x, i)));
        } else if (p->x_type == KILN_U64 && kiln_is_float(p->y_type)) {
            kiln_store_f(p->y_type, y, i, (double)(uint64_t)kiln_load_i(p->x_type, x, i));
        } else {
            kiln_store_i(p->y_type, y, i, unary_i(p->op, kiln_load_i(p->x_type, x, i)));
        }
    }
}
