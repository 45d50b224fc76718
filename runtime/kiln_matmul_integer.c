/* SPDX-License-Identifier: MIT */
/* ONNX MatMulInteger: int32 products of zero-point-shifted u8/s8 matrices, with numpy
 * batch broadcasting. */
#include "kiln.h"

void kiln_matmul_integer(const kiln_matmul_integer_params *p, const void *a, const void *b,
                         const void *a_zp, const void *b_zp, int32_t *y)
{
    int32_t batch = 1;
    for (int32_t d = 0; d < p->batch_rank; d++)
        batch *= p->batch_dims[d];
    for (int32_t bi = 0; bi < batch; bi++) {
        /* matrix offsets of A and B for this output batch index (strides 0 broadcast) */
        size_t ao = 0, bo = 0;
        int32_t rem = bi;
        for (int32_t d = p->batch_rank - 1; d >= 0; d--) {
            const int32_t idx = rem % p->batch_dims[d];
            rem /= p->batch_dims[d];
            ao += (size_t)idx * (size_t)p->a_batch_strides[d];
            bo += (size_t)idx * (size_t)p->b_batch_strides[d];
        }
        const size_t abase = ao * (size_t)p->m * (size_t)p->k;
        const size_t bbase = bo * (size_t)p->k * (size_t)p->n;
        int32_t *yb = y + (size_t)bi * (size_t)p->m * (size_t)p->n;
        for (int32_t i = 0; i < p->m; i++) {
            const int32_t za = a_zp ? kiln_q_load(a_zp, p->a_zp_per_row ? (size_t)i : 0, p->a_type) : 0;
            for (int32_t j = 0; j < p->n; j++) {
                const int32_t zb =
                    b_zp ? kiln_q_load(b_zp, p->b_zp_per_col ? (size_t)j : 0, p->b_type) : 0;
                int32_t acc = 0;
                for (int32_t q = 0; q < p->k; q++)
                    acc += (kiln_q_load(a, abase + (size_t)i * (size_t)p->k + (size_t)q, p->a_type) - za) *
                           (kiln_q_load(b, bbase + (size_t)q * (size_t)p->n + (size_t)j, p->b_type) - zb);
                yb[(size_t)i * (size_t)p->n + (size_t)j] = acc;
            }
        }
    }
}
