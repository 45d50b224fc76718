/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* Trilu: the upper or lower triangle of each matrix, the rest zero. */
#include "kiln.h"

static void zero(unsigned char *d, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        d[i] = 0;
}

/* Row i keeps columns [lo, hi): upper j >= i + k, lower j <= i + k (clamped to the row). */
void kiln_trilu(const kiln_trilu_params *p, const void *x, void *y)
{
    const int32_t es = p->elem_size, cols = p->cols;
    const unsigned char *s = x;
    unsigned char *d = y;
    for (int32_t b = 0; b < p->batch; b++) {
        for (int32_t i = 0; i < p->rows; i++) {
            int64_t lo = p->upper ? (int64_t)i + p->k : 0;
            int64_t hi = p->upper ? cols : (int64_t)i + p->k + 1;
            lo = lo < 0 ? 0 : lo > cols ? cols : lo;
            hi = hi < lo ? lo : hi > cols ? cols : hi;
            zero(d, (int32_t)lo * es);
            kiln_copy(d + lo * es, s + lo * es, (size_t)(hi - lo) * (size_t)es);
            zero(d + hi * es, (int32_t)(cols - hi) * es);
            s += (ptrdiff_t)cols * es;
            d += (ptrdiff_t)cols * es;
        }
    }
}
