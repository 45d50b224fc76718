/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* OneHot: off value everywhere, on value where the (wrapped) index points. */
#include "kiln.h"

/* The index at position i as an integer; float indices are truncated toward zero, and NaN
 * or values beyond the int64 range become an index that matches nothing. */
static int64_t index_at(const void *indices, kiln_elem_type t, int32_t i)
{
    if (t == KILN_TYPE_S64) {
        int64_t v;
        kiln_copy(&v, (const unsigned char *)indices + (ptrdiff_t)i * 8, 8);
        return v;
    }
    if (t == KILN_TYPE_S32) {
        int32_t v;
        kiln_copy(&v, (const unsigned char *)indices + (ptrdiff_t)i * 4, 4);
        return v;
    }
    float f;
    kiln_copy(&f, (const unsigned char *)indices + (ptrdiff_t)i * 4, 4);
    return f > -2147483648.0f && f < 2147483648.0f ? (int64_t)f : INT64_MIN;
}

void kiln_one_hot(const kiln_one_hot_params *p, const void *indices, const void *values, void *y)
{
    const int32_t es = p->elem_size;
    const unsigned char *off = values, *on = off + es;
    unsigned char *out = y;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t d = 0; d < p->depth; d++) {
            for (int32_t i = 0; i < p->inner; i++) {
                int64_t k = index_at(indices, p->index_type, o * p->inner + i);
                if (k < 0 && k >= -(int64_t)p->depth)
                    k += p->depth;
                kiln_copy(out, k == d ? on : off, (size_t)es);
                out += es;
            }
        }
    }
}
