/* SPDX-License-Identifier: MIT */
/* Float GEMM core for targets with a scalar FPU (Cortex-M4/M7/M33 VFP): same arguments and
 * the same bits as runtime/kiln_gemm_nn_f32.c. */
#include "kiln.h"

/* The portable core's 4x8 tile needs 32 sums plus 12 operands, more than the VFP's 32
 * single registers, and GCC (with -ffp-contract=off, which keeps results equal to the
 * host's) spends a VMUL and a VADD per multiply-add. Here a tile is 4 rows x 4 columns:
 * 16 sums, 4 weights and 4 inputs stay in registers, and each multiply-add is one VMLA.F32,
 * which rounds the product and then the sum exactly as `acc += a * b` does (it is not
 * fused). Every y element is still one chain 0.0f, += A(i,0)*B(0,j), ... in p order, then
 * + bias, so the result is bit-identical with the portable kernel on every target. */
#if defined(__ARM_FP) && (__ARM_FP & 4)
#define MAC(acc, a, b) __asm__("vmla.f32 %0, %1, %2" : "+t"(acc) : "t"(a), "t"(b))
#else
#define MAC(acc, a, b) ((acc) += (a) * (b)) /* an FPU without VFP (RISC-V F): same tiles */
#endif

#define MR 4
#define NR 4

static void store_row4(float *y, float c0, float c1, float c2, float c3, const float *bias)
{
    if (bias) {
        const float bb = *bias;
        y[0] = c0 + bb, y[1] = c1 + bb, y[2] = c2 + bb, y[3] = c3 + bb;
    } else {
        y[0] = c0, y[1] = c1, y[2] = c2, y[3] = c3;
    }
}

/* 4 rows x 4 columns, every sum in its own register. Inlined into two callers so that the
 * common unit column stride (a_cs == 1) becomes post-incremented loads. */
static inline __attribute__((always_inline)) void tile_4x4_body(int32_t k, const float *a, int32_t a_rs, int32_t a_cs,
                     const float *restrict b, int32_t ldb, const float *bias,
                     float *restrict y, int32_t ldy)
{
    float c00 = 0.0f, c01 = 0.0f, c02 = 0.0f, c03 = 0.0f, c10 = 0.0f, c11 = 0.0f, c12 = 0.0f,
          c13 = 0.0f, c20 = 0.0f, c21 = 0.0f, c22 = 0.0f, c23 = 0.0f, c30 = 0.0f, c31 = 0.0f,
          c32 = 0.0f, c33 = 0.0f;
    const float *a0 = a, *a1 = a + a_rs, *a2 = a1 + a_rs, *a3 = a2 + a_rs;
    for (int32_t p = 0; p < k; p++) {
        const float w0 = *a0, w1 = *a1, w2 = *a2, w3 = *a3;
        const float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
        MAC(c00, w0, b0); MAC(c01, w0, b1); MAC(c02, w0, b2); MAC(c03, w0, b3);
        MAC(c10, w1, b0); MAC(c11, w1, b1); MAC(c12, w1, b2); MAC(c13, w1, b3);
        MAC(c20, w2, b0); MAC(c21, w2, b1); MAC(c22, w2, b2); MAC(c23, w2, b3);
        MAC(c30, w3, b0); MAC(c31, w3, b1); MAC(c32, w3, b2); MAC(c33, w3, b3);
        a0 += a_cs, a1 += a_cs, a2 += a_cs, a3 += a_cs;
        b += ldb;
    }
    store_row4(y, c00, c01, c02, c03, bias);
    store_row4(y + ldy, c10, c11, c12, c13, bias ? bias + 1 : NULL);
    store_row4(y + 2 * (ptrdiff_t)ldy, c20, c21, c22, c23, bias ? bias + 2 : NULL);
    store_row4(y + 3 * (ptrdiff_t)ldy, c30, c31, c32, c33, bias ? bias + 3 : NULL);
}

static void tile_4x4_unit(int32_t k, const float *a, int32_t a_rs, const float *restrict b,
                          int32_t ldb, const float *bias, float *restrict y, int32_t ldy)
{
    tile_4x4_body(k, a, a_rs, 1, b, ldb, bias, y, ldy);
}

static void tile_4x4(int32_t k, const float *a, int32_t a_rs, int32_t a_cs,
                     const float *restrict b, int32_t ldb, const float *bias,
                     float *restrict y, int32_t ldy)
{
    if (a_cs == 1)
        tile_4x4_unit(k, a, a_rs, b, ldb, bias, y, ldy);
    else
        tile_4x4_body(k, a, a_rs, a_cs, b, ldb, bias, y, ldy);
}

/* 1 row x 8 columns: the batch-1 fully connected layer and the rows left over. */
static void tile_1x8(int32_t k, const float *a, int32_t a_cs, const float *restrict b,
                     int32_t ldb, const float *bias, float *restrict y)
{
    float c0 = 0.0f, c1 = 0.0f, c2 = 0.0f, c3 = 0.0f, c4 = 0.0f, c5 = 0.0f, c6 = 0.0f, c7 = 0.0f;
    for (int32_t p = 0; p < k; p++) {
        const float w = *a;
        MAC(c0, w, b[0]); MAC(c1, w, b[1]); MAC(c2, w, b[2]); MAC(c3, w, b[3]);
        MAC(c4, w, b[4]); MAC(c5, w, b[5]); MAC(c6, w, b[6]); MAC(c7, w, b[7]);
        a += a_cs;
        b += ldb;
    }
    store_row4(y, c0, c1, c2, c3, bias);
    store_row4(y + 4, c4, c5, c6, c7, bias);
}

/* rows x nc columns, nc < the tile width (narrow matrices only: wider ones overlap a
 * full tile with its neighbour, which recomputes the same bits). */
static void tile_edge(int32_t rows, int32_t nc, int32_t k, const float *a, int32_t a_rs,
                      int32_t a_cs, const float *restrict b, int32_t ldb, const float *bias,
                      float *restrict y, int32_t ldy)
{
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t t = 0; t < nc; t++) {
            float acc = 0.0f;
            const float *ap = a + (ptrdiff_t)r * a_rs;
            for (int32_t p = 0; p < k; p++)
                MAC(acc, ap[(ptrdiff_t)p * a_cs], b[(ptrdiff_t)p * ldb + t]);
            y[(ptrdiff_t)r * ldy + t] = bias ? acc + bias[r] : acc;
        }
    }
}

void kiln_gemm_nn_f32(int32_t m, int32_t n, int32_t k,
                      const float *a, int32_t a_rs, int32_t a_cs,
                      const float *b, int32_t ldb,
                      const float *bias, float *y, int32_t ldy)
{
    int32_t i = 0;
    for (; i + MR <= m; i += MR) {
        const float *ai = a + (ptrdiff_t)i * a_rs;
        const float *bi = bias ? bias + i : NULL;
        float *yi = y + (ptrdiff_t)i * ldy;
        int32_t j = 0;
        for (; j + NR <= n; j += NR)
            tile_4x4(k, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
        if (j < n && n >= NR) /* last columns: a tile overlapping the previous one */
            tile_4x4(k, ai, a_rs, a_cs, b + n - NR, ldb, bi, yi + n - NR, ldy);
        else if (j < n)
            tile_edge(MR, n - j, k, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
    }
    for (; i < m; i++) {
        const float *ai = a + (ptrdiff_t)i * a_rs;
        const float *bi = bias ? bias + i : NULL;
        float *yi = y + (ptrdiff_t)i * ldy;
        int32_t j = 0;
        for (; j + 8 <= n; j += 8)
            tile_1x8(k, ai, a_cs, b + j, ldb, bi, yi + j);
        if (j < n && n >= 8)
            tile_1x8(k, ai, a_cs, b + n - 8, ldb, bi, yi + n - 8);
        else if (j < n)
            tile_edge(1, n - j, k, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
    }
}
