/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* GatherND: per batch, each index tuple selects a slice of data that is copied whole. */
#include "kiln.h"

/* Offset in elements of the slice an index tuple selects, or -1 if out of range. */
static ptrdiff_t tuple_offset(const kiln_gather_nd_params *p, const int64_t *t)
{
    ptrdiff_t off = 0;
    for (int32_t j = 0; j < p->k; j++) {
        int64_t i = t[j];
        if (i < 0)
            i += p->data_dims[j];
        if (i < 0 || i >= p->data_dims[j])
            return -1;
        off += (ptrdiff_t)i * p->data_strides[j];
    }
    return off;
}

int kiln_gather_nd(const kiln_gather_nd_params *p, const void *data, const int64_t *indices,
                   void *y)
{
    const size_t row = (size_t)p->slice * (size_t)p->elem_size;
    const unsigned char *x = data;
    unsigned char *out = y;
    for (int32_t b = 0; b < p->batch; b++) {
        const unsigned char *xb = x + (ptrdiff_t)b * p->data_batch * p->elem_size;
        for (int32_t t = 0; t < p->n_tuples; t++) {
            const ptrdiff_t off = tuple_offset(p, indices);
            if (off < 0)
                return -1;
            kiln_copy(out, xb + off * p->elem_size, row);
            out += row;
            indices += p->k;
        }
    }
    return 0;
}
