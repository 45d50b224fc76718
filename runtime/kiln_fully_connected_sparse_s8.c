/* SPDX-License-Identifier: MIT */
/* Fully connected, int8, sparse weights (kiln_sparse_s8 bitmap + values, rows [n][k]). */
#include "kiln.h"

/* y[i][j] = requant(bias[j] + sum over the nonzero w[j][u] of w * (x[i][u] + input_offset)),
 * the dense kernel's sum without its zero terms, so the same bits. */
void kiln_fully_connected_sparse_s8(const kiln_fully_connected_s8_params *p, const int8_t *x,
                                    const kiln_sparse_s8 *w, int8_t *y)
{
    const int32_t k = p->k, in_off = p->io.input_offset;
    for (int32_t i = 0; i < p->m; i++) {
        const int8_t *xr = x + (ptrdiff_t)i * k;
        const int8_t *val = w->val;
        for (int32_t j = 0; j < p->n; j++) {
            int32_t acc = kiln_sparse_s8_bias(w, j);
            const int32_t b0 = j * k;
            for (int32_t byte = b0 >> 3; byte < (b0 + k + 7) >> 3; byte++) {
                uint32_t bits = w->mask[byte];
                const int32_t first = byte * 8 - b0;   /* row position of the byte's bit 0 */
                if (first < 0)
                    bits &= 0xFFu << -first;
                if (first + 8 > k)
                    bits &= 0xFFu >> (first + 8 - k);
                while (bits) {
                    const uint32_t low = bits & (0u - bits);
                    acc += *val++ * (xr[first + kiln_sparse_s8_bit(low)] + in_off);
                    bits ^= low;
                }
            }
            acc = kiln_requantize(acc, w->multiplier[j], w->shift[j]);
            y[(ptrdiff_t)i * p->n + j] =
                kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
        }
    }
}
