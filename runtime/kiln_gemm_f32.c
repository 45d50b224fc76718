/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_gemm_nn_f32 kiln_act_f32 */
/* ONNX Gemm: Y = act(alpha * op(A) * op(B) + beta * C), C broadcast through strides. */
#include "kiln.h"

/* op(A) is read through strides, so trans_a costs nothing. With B as [k, n] the blocked
 * core runs axpy-style over contiguous rows of B (for m == 1, batch-1 fully connected
 * layers, that is y[j] += a[p] * B[p][j] with 32 sums in registers). With trans_b, B is
 * [n, k] and each y element is a dot product over a contiguous row of B; those cannot be
 * vectorized without reassociating, so the compiler should pre-transpose constant B
 * to [k, n] and clear trans_b. Each element is alpha * sum + beta * c, summed in p order. */

/* y[i][j] = sum_p A(i,p) * b[j*k + p] for a row of A, four j at a time. */
static void gemm_nt_row(int32_t n, int32_t k, const float *ai, int32_t a_cs,
                        const float *restrict b, float *restrict yi)
{
    int32_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *b0 = b + (ptrdiff_t)j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (int32_t p = 0; p < k; p++) {
            const float av = ai[(ptrdiff_t)p * a_cs];
            s0 += av * b0[p];
            s1 += av * b1[p];
            s2 += av * b2[p];
            s3 += av * b3[p];
        }
        yi[j] = s0;
        yi[j + 1] = s1;
        yi[j + 2] = s2;
        yi[j + 3] = s3;
    }
    for (; j < n; j++) {
        const float *bj = b + (ptrdiff_t)j * k;
        float s = 0.0f;
        for (int32_t p = 0; p < k; p++)
            s += ai[(ptrdiff_t)p * a_cs] * bj[p];
        yi[j] = s;
    }
}

void kiln_gemm_f32(const kiln_gemm_params *p, const float *a, const float *b,
                   const float *c, float *y)
{
    const int32_t m = p->m, n = p->n, k = p->k;
    /* A(i, p): A is [m, k], or [k, m] when transposed. */
    const int32_t a_rs = p->trans_a ? 1 : k, a_cs = p->trans_a ? m : 1;
    if (p->trans_b) {
        for (int32_t i = 0; i < m; i++)
            gemm_nt_row(n, k, a + (ptrdiff_t)i * a_rs, a_cs, b, y + (ptrdiff_t)i * n);
    } else {
        kiln_gemm_nn_f32(m, n, k, a, a_rs, a_cs, b, n, NULL, y, n);
    }
    const float alpha = p->alpha, beta = p->beta;
    if (alpha != 1.0f || c) {
        for (int32_t i = 0; i < m; i++) {
            float *yi = y + (ptrdiff_t)i * n;
            if (alpha != 1.0f)
                for (int32_t j = 0; j < n; j++)
                    yi[j] = alpha * yi[j];
            if (c) {
                const float *ci = c + (ptrdiff_t)i * p->c_stride_m;
                const int32_t cs = p->c_stride_n;
                if (cs == 1) {
                    for (int32_t j = 0; j < n; j++)
                        yi[j] = yi[j] + beta * ci[j];
                } else {
                    for (int32_t j = 0; j < n; j++)
                        yi[j] = yi[j] + beta * ci[(ptrdiff_t)j * cs];
                }
            }
        }
    }
    kiln_act_f32(&p->act, y, (size_t)m * (size_t)n);
}
