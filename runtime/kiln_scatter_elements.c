/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy kiln_reduce_elem */
/* ScatterElements: copy data, then an odometer over the indices writes (or reduces) each
 * update into its element. Updates are applied in index order, so duplicates accumulate
 * under a reduction and the last one wins under none. */
#include "kiln.h"

int kiln_scatter_elements(const kiln_scatter_elements_params *p, const void *data,
                          const int64_t *indices, const void *updates, void *y)
{
    const kiln_gather_elements_params *g = &p->g;
    const int32_t es = g->elem_size, r = g->rank;
    unsigned char *out = y;
    if (y != data)
        kiln_copy(y, data, (size_t)p->data_numel * (size_t)es);
    int32_t n = 1;
    for (int32_t d = 0; d < r; d++)
        n *= g->dims[d];
    const unsigned char *u = updates;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t base = 0;
    for (int32_t e = 0; e < n; e++) {
        int64_t i = indices[e];
        if (i < 0)
            i += g->axis_len;
        if (i < 0 || i >= g->axis_len)
            return -1;
        kiln_reduce_elem(p->reduction, p->type, es,
                         out + (base + (ptrdiff_t)i * g->data_strides[g->axis]) * es,
                         u + (ptrdiff_t)e * es);
        for (int32_t d = r - 1; d >= 0; d--) {
            if (d != g->axis)
                base += g->data_strides[d];
            if (++idx[d] < g->dims[d])
                break;
            if (d != g->axis)
                base -= (ptrdiff_t)g->data_strides[d] * g->dims[d];
            idx[d] = 0;
        }
    }
    return 0;
}
