/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* GatherElements: an odometer over the indices; each picks one data element. */
#include "kiln.h"

int kiln_gather_elements(const kiln_gather_elements_params *p, const void *data,
                         const int64_t *indices, void *y)
{
    const int32_t es = p->elem_size, r = p->rank;
    int32_t n = 1;
    for (int32_t d = 0; d < r; d++)
        n *= p->dims[d];
    const unsigned char *x = data;
    unsigned char *out = y;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t base = 0;   /* data offset of idx with idx[axis] taken as 0 */
    for (int32_t e = 0; e < n; e++) {
        int64_t i = indices[e];
        if (i < 0)
            i += p->axis_len;
        if (i < 0 || i >= p->axis_len)
            return -1;
        kiln_copy(out + (ptrdiff_t)e * es,
                  x + (base + (ptrdiff_t)i * p->data_strides[p->axis]) * es, (size_t)es);
        for (int32_t d = r - 1; d >= 0; d--) {
            if (d != p->axis)
                base += p->data_strides[d];
            if (++idx[d] < p->dims[d])
                break;
            if (d != p->axis)
                base -= (ptrdiff_t)p->data_strides[d] * p->dims[d];
            idx[d] = 0;
        }
    }
    return 0;
}
