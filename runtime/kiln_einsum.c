/* SPDX-License-Identifier: MIT */
/* Einsum of one or two operands by direct summation over the labels' odometer (any
 * equation the compiler accepts: transpose, sums, diagonals, inner and batched products). */
#include "kiln.h"

/* Advances labels [first, first + count) like an odometer, keeping the operands' offsets
 * in step; returns 0 (offsets back at the start) once it wraps around. */
static int step(const kiln_einsum_params *p, int32_t first, int32_t count, int32_t *idx,
                int32_t *off)
{
    for (int32_t l = first + count - 1; l >= first; l--) {
        idx[l]++;
        off[0] += p->strides[0][l];
        off[1] += p->strides[1][l];
        if (idx[l] < p->dims[l])
            return 1;
        off[0] -= p->strides[0][l] * p->dims[l];
        off[1] -= p->strides[1][l] * p->dims[l];
        idx[l] = 0;
    }
    return 0;
}

/* 1 if some summed label has size 0 (every output element is then 0). */
static int empty_sum(const kiln_einsum_params *p)
{
    for (int32_t l = p->n_out; l < p->n_out + p->n_sum; l++)
        if (p->dims[l] == 0)
            return 1;
    return 0;
}

void kiln_einsum_f32(const kiln_einsum_params *p, const float *a, const float *b, float *y)
{
    int32_t idx[KILN_EINSUM_MAX_LABELS] = {0}, off[2] = {0, 0};
    const int skip = empty_sum(p);
    ptrdiff_t o = 0;
    do {
        float acc = 0.0f;
        int32_t s[2] = {off[0], off[1]};
        if (!skip)
            do
                acc += p->n_in == 2 ? a[s[0]] * b[s[1]] : a[s[0]];
            while (step(p, p->n_out, p->n_sum, idx, s));
        y[o++] = acc;
    } while (step(p, 0, p->n_out, idx, off));
}

void kiln_einsum_f64(const kiln_einsum_params *p, const double *a, const double *b, double *y)
{
    int32_t idx[KILN_EINSUM_MAX_LABELS] = {0}, off[2] = {0, 0};
    const int skip = empty_sum(p);
    ptrdiff_t o = 0;
    do {
        double acc = 0.0;
        int32_t s[2] = {off[0], off[1]};
        if (!skip)
            do
                acc += p->n_in == 2 ? a[s[0]] * b[s[1]] : a[s[0]];
            while (step(p, p->n_out, p->n_sum, idx, s));
        y[o++] = acc;
    } while (step(p, 0, p->n_out, idx, off));
}
