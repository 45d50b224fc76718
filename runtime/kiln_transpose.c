/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* Transpose (any permutation, any element size) given input strides per output dim. */
#include "kiln.h"

/* Dims of size 1 are dropped and adjacent output dims merge when the input walks them
 * contiguously, so e.g. NCHW->NHWC becomes a 2-D [C][HW] -> [HW][C] transpose. Then:
 *  - innermost input stride 1: each output row is one contiguous run (kiln_copy);
 *  - two dims left: a blocked 2-D transpose, 8x8 elements per block, so both sides
 *    stay in cache lines;
 *  - otherwise: an odometer over the outer dims and one strided loop inside.
 * Elements are moved as bytes with a constant count, which compilers fuse into single
 * loads and stores without reading an object through a mistyped pointer. */

static void copy_elems(unsigned char *restrict d, const unsigned char *restrict s,
                       ptrdiff_t s_step, int32_t n, int32_t es)
{
    switch (es) {
    case 1:
        for (int32_t i = 0; i < n; i++)
            d[i] = s[(ptrdiff_t)i * s_step];
        break;
    case 2:
        for (int32_t i = 0; i < n; i++)
            for (int k = 0; k < 2; k++)
                d[2 * i + k] = s[(ptrdiff_t)i * s_step + k];
        break;
    case 4:
        for (int32_t i = 0; i < n; i++)
            for (int k = 0; k < 4; k++)
                d[4 * i + k] = s[(ptrdiff_t)i * s_step + k];
        break;
    case 8:
        for (int32_t i = 0; i < n; i++)
            for (int k = 0; k < 8; k++)
                d[8 * i + k] = s[(ptrdiff_t)i * s_step + k];
        break;
    default:
        for (int32_t i = 0; i < n; i++)
            for (int32_t k = 0; k < es; k++)
                d[(ptrdiff_t)i * es + k] = s[(ptrdiff_t)i * s_step + k];
        break;
    }
}

#define BLOCK 8

void kiln_transpose(const kiln_transpose_params *p, const void *x, void *y)
{
    const int32_t es = p->elem_size;
    int32_t dims[KILN_MAX_RANK], st[KILN_MAX_RANK]; /* merged, outermost first */
    int32_t r = 0;
    for (int32_t d = 0; d < p->rank; d++) {
        if (p->out_dims[d] == 1)
            continue;
        if (r > 0 && st[r - 1] == p->in_strides[d] * p->out_dims[d]) {
            dims[r - 1] *= p->out_dims[d];
            st[r - 1] = p->in_strides[d];
            continue;
        }
        dims[r] = p->out_dims[d];
        st[r] = p->in_strides[d];
        r++;
    }
    const unsigned char *xs = x;
    unsigned char *yb = y;
    if (r == 0) { /* one element */
        kiln_copy(yb, xs, (size_t)es);
        return;
    }

    if (r == 2 && st[1] != 1) {
        const int32_t rows = dims[0], cols = dims[1];
        const ptrdiff_t sr = (ptrdiff_t)st[0] * es, sc = (ptrdiff_t)st[1] * es;
        for (int32_t r0 = 0; r0 < rows; r0 += BLOCK) {
            const int32_t r1 = rows - r0 < BLOCK ? rows : r0 + BLOCK;
            for (int32_t c0 = 0; c0 < cols; c0 += BLOCK) {
                const int32_t nc = cols - c0 < BLOCK ? cols - c0 : BLOCK;
                for (int32_t i = r0; i < r1; i++)
                    copy_elems(yb + ((ptrdiff_t)i * cols + c0) * es,
                               xs + i * sr + c0 * sc, sc, nc, es);
            }
        }
        return;
    }

    /* Odometer over dims[0 .. r-2]; the last dim is one run. */
    const int32_t len = dims[r - 1];
    const ptrdiff_t step = (ptrdiff_t)st[r - 1] * es;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t off = 0; /* input byte offset */
    for (;;) {
        if (st[r - 1] == 1)
            kiln_copy(yb, xs + off, (size_t)len * (size_t)es);
        else
            copy_elems(yb, xs + off, step, len, es);
        yb += (ptrdiff_t)len * es;
        int32_t d = r - 2;
        for (; d >= 0; d--) {
            off += (ptrdiff_t)st[d] * es;
            if (++idx[d] < dims[d])
                break;
            off -= (ptrdiff_t)st[d] * dims[d] * es;
            idx[d] = 0;
        }
        if (d < 0)
            break;
    }
}
