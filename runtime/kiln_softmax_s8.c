/* SPDX-License-Identifier: MIT */
/* Softmax, int8 in and out, integer arithmetic only. */
#include "kiln.h"

/* Per vector: m = max x; e_j = exp_table[m - x_j] (exp(-(m - x_j) * scale) in Q20, so
 * the largest is 2^20); s = sum e_j (64-bit); y_j = round(256 * e_j / s) - 128 clamped
 * to 127. Every e_j is read from the table again in the last pass, so y may alias x. */
void kiln_softmax_s8(const kiln_softmax_params *p, const int32_t *exp_table, const int8_t *x,
                     int8_t *y)
{
    const int32_t len = p->len, inner = p->inner;
    for (int32_t o = 0; o < p->outer; o++) {
        for (int32_t i = 0; i < inner; i++) {
            const ptrdiff_t base = (ptrdiff_t)o * len * inner + i;
            int32_t m = -128;
            for (int32_t j = 0; j < len; j++) {
                const int32_t v = x[base + (ptrdiff_t)j * inner];
                m = v > m ? v : m;
            }
            int64_t s = 0;
            for (int32_t j = 0; j < len; j++)
                s += exp_table[m - x[base + (ptrdiff_t)j * inner]];
            for (int32_t j = 0; j < len; j++) {
                const int64_t e = exp_table[m - x[base + (ptrdiff_t)j * inner]];
                const int64_t q = (e * 256 + s / 2) / s;
                y[base + (ptrdiff_t)j * inner] = (int8_t)(q > 255 ? 127 : q - 128);
            }
        }
    }
}
