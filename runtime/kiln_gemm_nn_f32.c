/* SPDX-License-Identifier: MIT */
/* Register-blocked float GEMM core (A strided, B row-major) shared by Conv, Gemm, MatMul. */
#include "kiln.h"

/* The output is cut into tiles of MR rows x NR columns whose MR*NR sums live in
 * registers for the whole k loop: per p the tile loads NR floats of B and MR of A and does
 * MR*NR multiply-adds, and the innermost statements run over NR contiguous columns,
 * which GCC turns into SIMD without reassociating anything. 4x8 was fastest on x86-64
 * SSE (8 of 16 vector registers hold sums). Rows left over use a 1-row kernel that is
 * 32 columns wide, which is also the batch-1 fully-connected case (m == 1).
 * Every y element is one chain: 0.0f, += A(i,0)*B(0,j), += A(i,1)*B(1,j), ... in p
 * order, then + bias, so tiling never changes a result. That also lets the right edge
 * (n % 8 columns) be done by one more full-width tile overlapping its neighbour: the
 * columns computed twice get the same bits, and no scalar edge loop is needed (it
 * cost as much as the whole row of tiles on 3x3 maps, n = 9). */
#define MR 4
#define NR 8
#define NR1 32

/* An MR x NC tile with its sums in registers. NC must be a compile-time constant for
 * the sums to stay in registers, so the tile widths are stamped out by this macro. */
#define KILN_GEMM_TILE(name, NC)                                                        \
    KILN_NO_LOOP_VECTORIZE                                                               \
    static void name(int32_t k, const float *a, int32_t a_rs, int32_t a_cs,             \
                     const float *restrict b, int32_t ldb, const float *bias,           \
                     float *restrict y, int32_t ldy)                                    \
    {                                                                                    \
        float acc[MR][NC];                                                               \
        for (int r = 0; r < MR; r++)                                                     \
            for (int t = 0; t < NC; t++)                                                 \
                acc[r][t] = 0.0f;                                                        \
        const float *ap = a;                                                             \
        for (int32_t p = 0; p < k; p++) {                                                \
            float w[MR];                                                                 \
            for (int r = 0; r < MR; r++)                                                 \
                w[r] = ap[(ptrdiff_t)r * a_rs];                                          \
            for (int r = 0; r < MR; r++)                                                 \
                for (int t = 0; t < NC; t++)                                             \
                    acc[r][t] += w[r] * b[t];                                            \
            b += ldb;                                                                    \
            ap += a_cs;                                                                  \
        }                                                                                \
        for (int r = 0; r < MR; r++) {                                                   \
            float *yr = y + (ptrdiff_t)r * ldy;                                          \
            if (bias) {                                                                  \
                for (int t = 0; t < NC; t++)                                             \
                    yr[t] = acc[r][t] + bias[r];                                         \
            } else {                                                                     \
                for (int t = 0; t < NC; t++)                                             \
                    yr[t] = acc[r][t];                                                   \
            }                                                                            \
        }                                                                                \
    }

/* MR rows x NR columns: the main tile. */
KILN_GEMM_TILE(tile_4x8, NR)
/* MR rows x 4 columns: right edges of up to 4 columns (half the work of a full
 * overlapping 4x8 tile; pointwise convs on 3x3 and 6x6 maps have n = 9 and 36). */
KILN_GEMM_TILE(tile_4x4, 4)

/* MR rows x nc (< NR) columns: the right edge. */
static void tile_4xn(int32_t k, int32_t nc, const float *a, int32_t a_rs, int32_t a_cs,
                     const float *restrict b, int32_t ldb, const float *bias,
                     float *restrict y, int32_t ldy)
{
    float acc[MR][NR];
    for (int r = 0; r < MR; r++)
        for (int32_t t = 0; t < nc; t++)
            acc[r][t] = 0.0f;
    const float *ap = a;
    for (int32_t p = 0; p < k; p++) {
        for (int r = 0; r < MR; r++) {
            const float w = ap[(ptrdiff_t)r * a_rs];
            for (int32_t t = 0; t < nc; t++)
                acc[r][t] += w * b[t];
        }
        b += ldb;
        ap += a_cs;
    }
    for (int r = 0; r < MR; r++)
        for (int32_t t = 0; t < nc; t++)
            y[(ptrdiff_t)r * ldy + t] = bias ? acc[r][t] + bias[r] : acc[r][t];
}

/* One row x NR1 columns. The sums are declared as [NR1 / 4][4]: with a flat [NR1]
 * array GCC 12's SLP splits the lanes unevenly and leaves part of them scalar. */
KILN_NO_LOOP_VECTORIZE
static void tile_1x32(int32_t k, const float *a, int32_t a_cs,
                      const float *restrict b, int32_t ldb, const float *bias,
                      float *restrict y)
{
    float acc[NR1 / 4][4];
    for (int u = 0; u < NR1 / 4; u++)
        for (int t = 0; t < 4; t++)
            acc[u][t] = 0.0f;
    for (int32_t p = 0; p < k; p++) {
        const float w = a[(ptrdiff_t)p * a_cs];
        for (int u = 0; u < NR1 / 4; u++)
            for (int t = 0; t < 4; t++)
                acc[u][t] += w * b[4 * u + t];
        b += ldb;
    }
    const float bb = bias ? bias[0] : 0.0f;
    for (int u = 0; u < NR1 / 4; u++)
        for (int t = 0; t < 4; t++)
            y[4 * u + t] = bias ? acc[u][t] + bb : acc[u][t];
}

/* One row x NR columns. */
KILN_NO_LOOP_VECTORIZE
static void tile_1x8(int32_t k, const float *a, int32_t a_cs,
                     const float *restrict b, int32_t ldb, const float *bias,
                     float *restrict y)
{
    float acc[NR / 4][4];
    for (int u = 0; u < NR / 4; u++)
        for (int t = 0; t < 4; t++)
            acc[u][t] = 0.0f;
    for (int32_t p = 0; p < k; p++) {
        const float w = a[(ptrdiff_t)p * a_cs];
        for (int u = 0; u < NR / 4; u++)
            for (int t = 0; t < 4; t++)
                acc[u][t] += w * b[4 * u + t];
        b += ldb;
    }
    const float bb = bias ? bias[0] : 0.0f;
    for (int u = 0; u < NR / 4; u++)
        for (int t = 0; t < 4; t++)
            y[4 * u + t] = bias ? acc[u][t] + bb : acc[u][t];
}

/* One row x nc (< NR) columns. */
static void tile_1xn(int32_t k, int32_t nc, const float *a, int32_t a_cs,
                     const float *restrict b, int32_t ldb, const float *bias,
                     float *restrict y)
{
    float acc[NR];
    for (int32_t t = 0; t < nc; t++)
        acc[t] = 0.0f;
    for (int32_t p = 0; p < k; p++) {
        const float w = a[(ptrdiff_t)p * a_cs];
        for (int32_t t = 0; t < nc; t++)
            acc[t] += w * b[t];
        b += ldb;
    }
    for (int32_t t = 0; t < nc; t++)
        y[t] = bias ? acc[t] + bias[0] : acc[t];
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
            tile_4x8(k, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
        if (j < n && n >= NR && n - j <= 4) /* last columns: a tile overlapping the previous one */
            tile_4x4(k, ai, a_rs, a_cs, b + n - 4, ldb, bi, yi + n - 4, ldy);
        else if (j < n && n >= NR)
            tile_4x8(k, ai, a_rs, a_cs, b + n - NR, ldb, bi, yi + n - NR, ldy);
        else if (j < n)
            tile_4xn(k, n - j, ai, a_rs, a_cs, b + j, ldb, bi, yi + j, ldy);
    }
    for (; i < m; i++) {
        const float *ai = a + (ptrdiff_t)i * a_rs;
        const float *bi = bias ? bias + i : NULL;
        float *yi = y + (ptrdiff_t)i * ldy;
        int32_t j = 0;
        for (; j + NR1 <= n; j += NR1)
            tile_1x32(k, ai, a_cs, b + j, ldb, bi, yi + j);
        for (; j + NR <= n; j += NR)
            tile_1x8(k, ai, a_cs, b + j, ldb, bi, yi + j);
        if (j < n && n >= NR)
            tile_1x8(k, ai, a_cs, b + n - NR, ldb, bi, yi + n - NR);
        else if (j < n)
            tile_1xn(k, n - j, ai, a_cs, b + j, ldb, bi, yi + j);
    }
}
