/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_copy */
/* Det: Gaussian elimination with partial pivoting (the largest |pivot| in each column). */
#include "kiln.h"

#include <math.h>

/* Swaps rows r and s of the m x m matrix a. */
static void swap_rows(float *a, int32_t m, int32_t r, int32_t s)
{
    for (int32_t j = 0; j < m; j++) {
        const float t = a[(ptrdiff_t)r * m + j];
        a[(ptrdiff_t)r * m + j] = a[(ptrdiff_t)s * m + j];
        a[(ptrdiff_t)s * m + j] = t;
    }
}

/* Row of the largest |a[i][k]| for i >= k. */
static int32_t pivot_row(const float *a, int32_t m, int32_t k)
{
    int32_t best = k;
    for (int32_t i = k + 1; i < m; i++)
        if (fabsf(a[(ptrdiff_t)i * m + k]) > fabsf(a[(ptrdiff_t)best * m + k]))
            best = i;
    return best;
}

/* Determinant of the m x m matrix a (destroyed). */
static float det(float *a, int32_t m)
{
    float d = 1.0f;
    for (int32_t k = 0; k < m; k++) {
        const int32_t r = pivot_row(a, m, k);
        if (r != k) {
            swap_rows(a, m, r, k);
            d = -d;
        }
        const float piv = a[(ptrdiff_t)k * m + k];
        if (piv == 0.0f)
            return 0.0f;   /* singular */
        d *= piv;
        for (int32_t i = k + 1; i < m; i++) {
            const float f = a[(ptrdiff_t)i * m + k] / piv;
            for (int32_t j = k + 1; j < m; j++)
                a[(ptrdiff_t)i * m + j] -= f * a[(ptrdiff_t)k * m + j];
        }
    }
    return d;
}

void kiln_det_f32(const kiln_det_params *p, const float *x, float *y, float *scratch)
{
    const ptrdiff_t mm = (ptrdiff_t)p->m * p->m;
    for (int32_t b = 0; b < p->batch; b++) {
        kiln_copy(scratch, x + b * mm, (size_t)mm * sizeof(float));
        y[b] = det(scratch, p->m);
    }
}
