/* SPDX-License-Identifier: MIT */
/* Elementwise int8 function by table lookup (activations, rescaling). */
#include "kiln.h"

void kiln_lut_s8(int32_t n, const int8_t *table, const int8_t *x, int8_t *y)
{
    for (int32_t i = 0; i < n; i++)
        y[i] = table[x[i] + 128];
}
