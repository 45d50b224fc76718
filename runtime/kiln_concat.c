/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* Concat: for each outer index, each input's chunk in turn. */
#include "kiln.h"

void kiln_concat(const kiln_concat_params *p, const void *const *inputs, void *y)
{
    const size_t es = (size_t)p->elem_size;
    unsigned char *d = y;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t i = 0; i < p->n_inputs; i++) {
            const size_t bytes = (size_t)p->chunk[i] * es;
            kiln_copy(d, (const unsigned char *)inputs[i] + (size_t)o * bytes, bytes);
            d += bytes;
        }
    }
}
