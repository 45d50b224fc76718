/* SPDX-License-Identifier: MIT */
/* Float GEMM core for Helium with floating point (Cortex-M55, MVE-F): same arguments and
 * the same bits as runtime/kiln_gemm_nn_f32.c. */
#include "kiln.h"

#if !defined(__ARM_FEATURE_MVE) || !(__ARM_FEATURE_MVE & 2)
#error "runtime/mvef needs Helium floating point (-mcpu=cortex-m55 with the FPU): the target file says isa.mve: float but its flags do not enable it"
#endif
#include <arm_mve.h>

/* A tile is 4 rows x 4 columns: four vector sums (one per row) of the eight Q registers,
 * the four inputs of B's row in one more. Helium's float multiply-accumulate (VFMA) is
 * fused, so each step is a VMUL by the row's weight and a VADD: rounded as `acc += a * b`,
 * which keeps every y element the portable kernel's chain (0.0f, += A(i,0)*B(0,j), ... in
 * p order, then + bias) and its bits. Batch-1 rows (fully connected) use 16 columns. */
#define MR 4
#define NR 4
#define NR1 16

static inline __attribute__((always_inline)) float32x4_t mac(float32x4_t acc, float32x4_t b,
                                                             float w)
{
    return vaddq_f32(acc, vmulq_n_f32(b, w));
}

static void store4(float *y, float32x4_t acc, const float *bias)
{
    vst1q_f32(y, bias ? vaddq_f32(acc, vdupq_n_f32(*bias)) : acc);
}

static inline __attribute__((always_inline)) void tile_4x4_body(
    int32_t k, const float *a, int32_t a_rs, int32_t a_cs, const float *restrict b, int32_t ldb,
    const float *bias, float *restrict y, int32_t ldy)
{
    float32x4_t c0 = vdupq_n_f32(0.0f), c1 = c0, c2 = c0, c3 = c0;
    const float *a0 = a, *a1 = a + a_rs, *a2 = a1 + a_rs, *a3 = a2 + a_rs;
    for (int32_t p = 0; p < k; p++) {
        const float32x4_t bv = vld1q_f32(b);
        c0 = mac(c0, bv, *a0);
        c1 = mac(c1, bv, *a1);
        c2 = mac(c2, bv, *a2);
        c3 = mac(c3, bv, *a3);
        a0 += a_cs, a1 += a_cs, a2 += a_cs, a3 += a_cs;
        b += ldb;
    }
    store4(y, c0, bias);
    store4(y + ldy, c1, bias ? bias + 1 : NULL);
    store4(y + 2 * (ptrdiff_t)ldy, c2, bias ? bias + 2 : NULL);
    store4(y + 3 * (ptrdiff_t)ldy, c3, bias ? bias + 3 : NULL);
}

/* Two callers of the same body: the unit column stride (every convolution) gets
 * post-incremented loads. */
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

/* 1 row x 16 columns. */
static void tile_1x16(int32_t k, const float *a, int32_t a_cs, const float *restrict b,
                      int32_t ldb, const float *bias, float *restrict y)
{
    float32x4_t c0 = vdupq_n_f32(0.0f), c1 = c0, c2 = c0, c3 = c0;
    for (int32_t p = 0; p < k; p++) {
        const float w = *a;
        c0 = mac(c0, vld1q_f32(b), w);
        c1 = mac(c1, vld1q_f32(b + 4), w);
        c2 = mac(c2, vld1q_f32(b + 8), w);
        c3 = mac(c3, vld1q_f32(b + 12), w);
        a += a_cs;
        b += ldb;
    }
    store4(y, c0, bias);
    store4(y + 4, c1, bias);
    store4(y + 8, c2, bias);
    store4(y + 12, c3, bias);
}

/* 1 row x 4 columns. */
static void tile_1x4(int32_t k, const float *a, int32_t a_cs, const float *restrict b,
                     int32_t ldb, const float *bias, float *restrict y)
{
    float32x4_t c0 = vdupq_n_f32(0.0f);
    for (int32_t p = 0; p < k; p++) {
        c0 = mac(c0, vld1q_f32(b), *a);
        a += a_cs;
        b += ldb;
    }
    store4(y, c0, bias);
}

/* rows x nc columns, nc < 4 (narrow matrices only: wider ones overlap a full tile with
 * its neighbour, which recomputes the same bits). */
static void tile_edge(int32_t rows, int32_t nc, int32_t k, const float *a, int32_t a_rs,
                      int32_t a_cs, const float *restrict b, int32_t ldb, const float *bias,
                      float *restrict y, int32_t ldy)
{
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t t = 0; t < nc; t++) {
            float acc = 0.0f;
            const float *ap = a + (ptrdiff_t)r * a_rs;
            for (int32_t p = 0; p < k; p++)
                acc += ap[(ptrdiff_t)p * a_cs] * b[(ptrdiff_t)p * ldb + t];
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
        for (; j + NR1 <= n; j += NR1)
            tile_1x16(k, ai, a_cs, b + j, ldb, bi, yi + j);
        for (; j + NR <= n; j += NR)
            tile_1x4(k, ai, a_cs, b + j, ldb, bi, yi + j);
        if (j < n && n >= NR)
            tile_1x4(k, ai, a_cs, b + n - NR, ldb, bi, yi + n - NR);
        else if (j < n)
            tile_edge(1, n - j, k, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
    }
}
