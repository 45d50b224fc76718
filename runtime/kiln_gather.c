/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* ONNX Gather along one axis: data [outer][axis_len][inner] -> [outer][n_indices][inner]. */
#include "kiln.h"

/* Indices may be negative (counted from the end). An index outside [-axis_len, axis_len)
 * stops the kernel with -1, the output then partly written. */
int kiln_gather(const kiln_gather_params *p, const void *x, const int64_t *indices, void *y)
{
    const size_t row = (size_t)p->inner * (size_t)p->elem_size;
    const unsigned char *xs = x;
    unsigned char *d = y;
    for (int32_t o = 0; o < p->outer; o++) {
        const unsigned char *xo = xs + (size_t)o * (size_t)p->axis_len * row;
        for (int32_t j = 0; j < p->n_indices; j++) {
            int64_t i = indices[j];
            if (i < 0)
                i += p->axis_len;
            if (i < 0 || i >= p->axis_len)
                return -1;
            kiln_copy(d, xo + (size_t)i * row, row);
            d += row;
        }
    }
    return 0;
}
