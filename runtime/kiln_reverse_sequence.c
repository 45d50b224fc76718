/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* ReverseSequence: reverses the first lens[b] time steps of every batch entry. */
#include "kiln.h"

/* Element offset of (time t, batch b) rows of `inner` elements. */
static ptrdiff_t row(const kiln_reverse_sequence_params *p, int32_t t, int32_t b)
{
    const ptrdiff_t r = p->time_axis == 0 ? (ptrdiff_t)t * p->batch + b : (ptrdiff_t)b * p->time + t;
    return r * p->inner;
}

int kiln_reverse_sequence(const kiln_reverse_sequence_params *p, const void *x,
                          const int64_t *lens, void *y)
{
    const unsigned char *s = x;
    unsigned char *d = y;
    const size_t bytes = (size_t)p->inner * (size_t)p->elem_size;
    for (int32_t b = 0; b < p->batch; b++) {
        if (lens[b] < 0 || lens[b] > p->time)
            return -1;
        const int32_t len = (int32_t)lens[b];
        for (int32_t t = 0; t < p->time; t++) {
            const int32_t from = t < len ? len - 1 - t : t;
            kiln_copy(d + row(p, t, b) * p->elem_size, s + row(p, from, b) * p->elem_size, bytes);
        }
    }
    return 0;
}
