/* SPDX-License-Identifier: MIT */
/* MaxUnpool: scatters the pooled values back to the positions MaxPool took them from. */
#include "kiln.h"

static int64_t count(const int32_t *dims, int32_t rank)
{
    int64_t n = 1;
    for (int32_t i = 0; i < rank; i++)
        n *= dims[i];
    return n;
}

/* Flat index in the unpooled shape to the flat index of the same coordinates in y; -1 if
 * a coordinate lies outside y. */
static int64_t place(const kiln_max_unpool_params *p, int64_t idx)
{
    int64_t at = 0, scale = 1;
    for (int32_t i = p->rank - 1; i >= 0; i--) {
        const int64_t c = idx % p->dims[i];
        idx /= p->dims[i];
        if (c >= p->out_dims[i])
            return -1;
        at += c * scale;
        scale *= p->out_dims[i];
    }
    return at;
}

int kiln_max_unpool_f32(const kiln_max_unpool_params *p, const float *x, const int64_t *idx,
                        float *y)
{
    const int64_t n_out = count(p->out_dims, p->rank), n_unpooled = count(p->dims, p->rank);
    for (int64_t i = 0; i < n_out; i++)
        y[i] = 0.0f;
    for (int32_t i = 0; i < p->n_in; i++) {
        const int64_t at = idx[i] >= 0 && idx[i] < n_unpooled ? place(p, idx[i]) : -1;
        if (at < 0)
            return -1;
        y[at] = x[i];
    }
    return 0;
}
