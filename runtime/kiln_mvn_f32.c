/* SPDX-License-Identifier: MIT */
/* MeanVarianceNormalization over any set of axes. Each kept position walks its reduced
 * sub-space three times (mean, variance of the centred values, output), so no scratch is
 * needed and the variance stays accurate for large means. The divisor is sqrt(var) + 1e-9,
 * the epsilon of the ONNX function body. */
#include <math.h>

#include "kiln.h"

/* Input offset of flat index i over dims/strides (last dim fastest). */
static ptrdiff_t offset_of(int32_t i, int32_t n, const int32_t *dims, const int32_t *strides)
{
    ptrdiff_t off = 0;
    for (int32_t d = n - 1; d >= 0; d--) {
        off += (ptrdiff_t)(i % dims[d]) * strides[d];
        i /= dims[d];
    }
    return off;
}

static int32_t count_of(int32_t n, const int32_t *dims)
{
    int32_t c = 1;
    for (int32_t d = 0; d < n; d++)
        c *= dims[d];
    return c;
}

void kiln_mvn_f32(const kiln_reduce_params *p, const float *x, float *y)
{
    const int32_t kept = count_of(p->n_keep, p->keep_dims);
    const int32_t red = count_of(p->n_red, p->red_dims);
    for (int32_t k = 0; k < kept; k++) {
        const ptrdiff_t base = offset_of(k, p->n_keep, p->keep_dims, p->keep_strides);
        float sum = 0.0f;
        for (int32_t r = 0; r < red; r++)
            sum += x[base + offset_of(r, p->n_red, p->red_dims, p->red_strides)];
        const float mean = sum / (float)red;
        float sq = 0.0f;
        for (int32_t r = 0; r < red; r++) {
            const float v = x[base + offset_of(r, p->n_red, p->red_dims, p->red_strides)] - mean;
            sq += v * v;
        }
        const float div = sqrtf(sq / (float)red) + 1e-9f;
        for (int32_t r = 0; r < red; r++) {
            const ptrdiff_t at = base + offset_of(r, p->n_red, p->red_dims, p->red_strides);
            y[at] = (x[at] - mean) / div;
        }
    }
}
