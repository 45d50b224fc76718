/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_matmul_integer kiln_quantize_linear */
/* ONNX QLinearMatMul: MatMulInteger, then requantization with float scales. */
#include "kiln.h"

size_t kiln_qlinear_matmul_scratch_size(const kiln_qlinear_matmul_params *p)
{
    size_t batch = 1;
    for (int32_t d = 0; d < p->mm.batch_rank; d++)
        batch *= (size_t)p->mm.batch_dims[d];
    return batch * (size_t)p->mm.m * (size_t)p->mm.n * sizeof(int32_t);
}

void kiln_qlinear_matmul(const kiln_qlinear_matmul_params *p, const void *a,
                         const float *a_scale, const void *a_zp, const void *b,
                         const float *b_scale, const void *b_zp, const float *y_scale,
                         const void *y_zp, void *y, int32_t *scratch)
{
    kiln_matmul_integer(&p->mm, a, b, a_zp, b_zp, scratch);
    const size_t count = kiln_qlinear_matmul_scratch_size(p) / sizeof(int32_t);
    const int32_t zy = y_zp ? kiln_q_load(y_zp, 0, p->y_type) : 0;
    for (size_t i = 0; i < count; i++) {
        const int32_t col = (int32_t)(i % (size_t)p->mm.n);
        const int32_t row = (int32_t)(i / (size_t)p->mm.n % (size_t)p->mm.m);
        const float scale = a_scale[p->a_scale_per_row ? row : 0] *
                            b_scale[p->b_scale_per_col ? col : 0] / y_scale[0];
        kiln_q_store(y, i, (float)scratch[i] * scale, zy, p->y_type);
    }
}
