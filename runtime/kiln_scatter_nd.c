/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy kiln_reduce_elem */
/* ScatterND: copy data, then each index tuple's slice is written (or reduced) from the
 * updates, in index order. */
#include "kiln.h"

int kiln_scatter_nd(const kiln_scatter_nd_params *p, const void *data, const int64_t *indices,
                    const void *updates, void *y)
{
    const kiln_gather_nd_params *g = &p->g;
    const int32_t es = g->elem_size;
    unsigned char *out = y;
    const unsigned char *u = updates;
    if (y != data)
        kiln_copy(y, data, (size_t)p->data_numel * (size_t)es);
    for (int32_t t = 0; t < g->n_tuples; t++) {
        ptrdiff_t off = 0;
        for (int32_t j = 0; j < g->k; j++) {
            int64_t i = indices[j];
            if (i < 0)
                i += g->data_dims[j];
            if (i < 0 || i >= g->data_dims[j])
                return -1;
            off += (ptrdiff_t)i * g->data_strides[j];
        }
        for (int32_t e = 0; e < g->slice; e++)
            kiln_reduce_elem(p->reduction, p->type, es, out + (off + e) * es, u + (ptrdiff_t)e * es);
        u += (ptrdiff_t)g->slice * es;
        indices += g->k;
    }
    return 0;
}
