/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_act_f32 */
/* ONNX Gemm with sparse op(B): Y = act(alpha * op(A) * op(B) + beta * C). */
#include "kiln.h"

/* Output column j keeps the nonzero op(B)[p][j] with their positions p; each y[i][j] is a
 * dot product over them in increasing p from 0.0f, as in the dense kernel, then the same
 * epilogue expressions as kiln_gemm_f32 (alpha, beta * C, activation). */
void kiln_gemm_sparse_f32(const kiln_gemm_params *p, const float *a, const kiln_sparse_f32 *w,
                          const float *c, float *y)
{
    const int32_t m = p->m, n = p->n, k = p->k;
    const int32_t a_rs = p->trans_a ? 1 : k, a_cs = p->trans_a ? m : 1;
    for (int32_t i = 0; i < m; i++) {
        const float *ai = a + (ptrdiff_t)i * a_rs;
        float *yi = y + (ptrdiff_t)i * n;
        const uint16_t *idx = w->idx;
        const float *val = w->val;
        for (int32_t j = 0; j < n; j++) {
            const int32_t cnt = w->count[j];
            float s = 0.0f;
            for (int32_t t = 0; t < cnt; t++)
                s += ai[(ptrdiff_t)idx[t] * a_cs] * val[t];
            yi[j] = s;
            idx += cnt;
            val += cnt;
        }
        if (p->alpha != 1.0f)
            for (int32_t j = 0; j < n; j++)
                yi[j] = p->alpha * yi[j];
        if (c) {
            const float *ci = c + (ptrdiff_t)i * p->c_stride_m;
            for (int32_t j = 0; j < n; j++)
                yi[j] = yi[j] + p->beta * ci[(ptrdiff_t)j * p->c_stride_n];
        }
    }
    kiln_act_f32(&p->act, y, (size_t)m * (size_t)n);
}
