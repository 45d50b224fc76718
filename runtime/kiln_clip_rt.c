/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_elem_io */
/* Clip whose bounds are tensors known only at run time (graph inputs): each bound is one
 * element of the input's type, compared in that type's own domain (exact for int64). */
#include "kiln.h"

static void clip_float(kiln_dtype t, int32_t n, const void *x, const void *lo, const void *hi,
                       void *y)
{
    for (int32_t i = 0; i < n; i++) {
        double v = kiln_load_f(t, x, i);
        if (lo && v < kiln_load_f(t, lo, 0))
            v = kiln_load_f(t, lo, 0);
        if (hi && v > kiln_load_f(t, hi, 0))
            v = kiln_load_f(t, hi, 0);
        kiln_store_f(t, y, i, v);
    }
}

static void clip_u64(int32_t n, const void *x, const void *lo, const void *hi, void *y)
{
    for (int32_t i = 0; i < n; i++) {
        uint64_t v = (uint64_t)kiln_load_i(KILN_U64, x, i);
        if (lo && v < (uint64_t)kiln_load_i(KILN_U64, lo, 0))
            v = (uint64_t)kiln_load_i(KILN_U64, lo, 0);
        if (hi && v > (uint64_t)kiln_load_i(KILN_U64, hi, 0))
            v = (uint64_t)kiln_load_i(KILN_U64, hi, 0);
        kiln_store_i(KILN_U64, y, i, v);
    }
}

static void clip_signed(kiln_dtype t, int32_t n, const void *x, const void *lo, const void *hi,
                        void *y)
{
    for (int32_t i = 0; i < n; i++) {
        int64_t v = kiln_load_i(t, x, i);
        if (lo && v < kiln_load_i(t, lo, 0))
            v = kiln_load_i(t, lo, 0);
        if (hi && v > kiln_load_i(t, hi, 0))
            v = kiln_load_i(t, hi, 0);
        kiln_store_i(t, y, i, (uint64_t)v);
    }
}

void kiln_clip_rt(kiln_dtype t, int32_t n, const void *x, const void *lo, const void *hi, void *y)
{
    if (kiln_is_float(t))
        clip_float(t, n, x, lo, hi, y);
    else if (t == KILN_U64)
        clip_u64(n, x, lo, hi, y);
    else
        clip_signed(t, n, x, lo, hi, y);
}
