/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_gemm_nn_f32 kiln_act_f32 */
/* numpy-style MatMul: a batch of [m, k] x [k, n] products with broadcast batch dims. */
#include "kiln.h"

/* Walks the output batch in row-major order with an odometer over batch_dims, keeping
 * the matrix offsets of A and B (strides in whole matrices, 0 = broadcast). */
void kiln_matmul_f32(const kiln_matmul_params *p, const float *a, const float *b, float *y)
{
    const int32_t m = p->m, n = p->n, k = p->k;
    const int32_t rank = p->batch_rank;
    int32_t idx[6] = {0, 0, 0, 0, 0, 0};
    int32_t batches = 1;
    for (int32_t d = 0; d < rank; d++)
        batches *= p->batch_dims[d];
    ptrdiff_t a_off = 0, b_off = 0; /* in matrices */
    for (int32_t bi = 0; bi < batches; bi++) {
        kiln_gemm_nn_f32(m, n, k, a + a_off * m * k, k, 1, b + b_off * k * n, n, NULL,
                         y + (ptrdiff_t)bi * m * n, n);
        for (int32_t d = rank - 1; d >= 0; d--) {
            a_off += p->a_batch_strides[d];
            b_off += p->b_batch_strides[d];
            if (++idx[d] < p->batch_dims[d])
                break;
            a_off -= (ptrdiff_t)p->a_batch_strides[d] * p->batch_dims[d];
            b_off -= (ptrdiff_t)p->b_batch_strides[d] * p->batch_dims[d];
            idx[d] = 0;
        }
    }
    kiln_act_f32(&p->act, y, (size_t)batches * (size_t)m * (size_t)n);
}
