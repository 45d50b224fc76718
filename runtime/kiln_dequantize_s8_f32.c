/* SPDX-License-Identifier: MIT */
/* int8 -> float at the boundary of float ops and in the generated float wrappers. */
#include "kiln.h"

/* y may not alias x (different element sizes). */
void kiln_dequantize_s8_f32(const kiln_quant_params *p, const int8_t *x, float *y)
{
    for (int32_t i = 0; i < p->n; i++)
        y[i] = p->scale * (float)(x[i] - p->zero_point);
}
