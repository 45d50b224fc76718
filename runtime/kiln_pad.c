/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* Pad in constant, reflect and edge modes; negative pads crop. */
#include "kiln.h"

/* Output rows (all dims but the last) are walked with an odometer; a row whose outer
 * index falls outside the input in any dim is all fill, otherwise it is fill, one
 * contiguous copy of the overlapping input run, fill. */

static void fill(unsigned char *d, int32_t n, const uint8_t *value, int32_t es)
{
    for (int32_t i = 0; i < n; i++)
        for (int32_t k = 0; k < es; k++)
            d[(ptrdiff_t)i * es + k] = value[k];
}

/* Input index for output index o of a dim (reflect or edge). */
static int32_t source_index(int32_t o, int32_t begin, int32_t n, int32_t mode)
{
    int32_t i = o - begin;
    if (mode == KILN_PAD_EDGE)
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    if (i < 0)
        i = -i;
    if (i >= n)
        i = 2 * (n - 1) - i;
    return i;
}

/* Reflect and edge: every output element comes from the input; rows are walked with an
 * odometer, each row's source found per dim, its elements per column. */
static void pad_from_input(const kiln_pad_params *p, const unsigned char *xs, unsigned char *d)
{
    const int32_t es = p->elem_size, r = p->rank, last = r - 1;
    ptrdiff_t in_stride[KILN_MAX_RANK];
    ptrdiff_t s = 1;
    for (int32_t k = r - 1; k >= 0; k--) {
        in_stride[k] = s;
        s *= p->in_dims[k];
    }
    int32_t rows = 1;
    for (int32_t k = 0; k < last; k++)
        rows *= p->out_dims[k];
    const int32_t n = p->out_dims[last];
    int32_t idx[KILN_MAX_RANK] = {0};
    for (int32_t row = 0; row < rows; row++) {
        ptrdiff_t off = 0;
        for (int32_t k = 0; k < last; k++)
            off += (ptrdiff_t)source_index(idx[k], p->pad_begin[k], p->in_dims[k], p->mode) *
                   in_stride[k];
        for (int32_t o = 0; o < n; o++) {
            const int32_t i = source_index(o, p->pad_begin[last], p->in_dims[last], p->mode);
            kiln_copy(d + (ptrdiff_t)o * es, xs + (off + i) * es, (size_t)es);
        }
        d += (ptrdiff_t)n * es;
        for (int32_t k = last - 1; k >= 0; k--) {
            if (++idx[k] < p->out_dims[k])
                break;
            idx[k] = 0;
        }
    }
}

void kiln_pad(const kiln_pad_params *p, const void *x, void *y)
{
    if (p->mode != KILN_PAD_CONSTANT) {
        pad_from_input(p, x, y);
        return;
    }
    const int32_t es = p->elem_size, r = p->rank;
    const int32_t last = r - 1;
    ptrdiff_t in_stride[KILN_MAX_RANK]; /* in elements */
    ptrdiff_t s = 1;
    for (int32_t d = r - 1; d >= 0; d--) {
        in_stride[d] = s;
        s *= p->in_dims[d];
    }
    int32_t rows = 1;
    for (int32_t d = 0; d < last; d++)
        rows *= p->out_dims[d];

    /* Columns of the last dim that come from the input: o in [lo, hi). */
    const int32_t n = p->out_dims[last], pb = p->pad_begin[last];
    int32_t lo = pb > 0 ? pb : 0;
    int32_t hi = p->in_dims[last] + pb < n ? p->in_dims[last] + pb : n;
    if (hi < lo)
        hi = lo;

    const unsigned char *xs = x;
    unsigned char *d = y;
    int32_t idx[KILN_MAX_RANK] = {0};
    for (int32_t row = 0; row < rows; row++) {
        /* Input offset of this row, or -1 if it lies in the padding. */
        ptrdiff_t off = 0;
        int inside = 1;
        for (int32_t k = 0; k < last; k++) {
            const int32_t i = idx[k] - p->pad_begin[k];
            if (i < 0 || i >= p->in_dims[k]) {
                inside = 0;
                break;
            }
            off += (ptrdiff_t)i * in_stride[k];
        }
        if (!inside || lo == hi) {
            fill(d, n, p->value, es);
        } else {
            fill(d, lo, p->value, es);
            kiln_copy(d + (ptrdiff_t)lo * es, xs + (off + lo - pb) * es,
                      (size_t)(hi - lo) * (size_t)es);
            fill(d + (ptrdiff_t)hi * es, n - hi, p->value, es);
        }
        d += (ptrdiff_t)n * es;
        for (int32_t k = last - 1; k >= 0; k--) {
            if (++idx[k] < p->out_dims[k])
                break;
            idx[k] = 0;
        }
    }
}
