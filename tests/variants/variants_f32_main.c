/* SPDX-License-Identifier: MIT */
/* Board test of the float GEMM core's variants (runtime/fpu/, runtime/mvef/): each against
 * the portable kiln_gemm_nn_f32 (built with a ref_ prefix) on seeded random matrices, over
 * shapes that reach every tile (full tiles, overlapping right edges, narrow matrices,
 * leftover rows, batch-1 rows), both A layouts (unit column stride and transposed), padded
 * leading dimensions and with or without bias. Outputs, including the untouched padding of
 * y, must be byte-identical. Built and run under QEMU by tests/run_variants_f32.sh. */
#include "board.h"
#include "kiln.h"
#include <string.h>

void ref_kiln_gemm_nn_f32(int32_t m, int32_t n, int32_t k, const float *a, int32_t a_rs,
                          int32_t a_cs, const float *b, int32_t ldb, const float *bias, float *y,
                          int32_t ldy);

#define MAX_A 4096
#define MAX_B 8192
#define MAX_Y 8192
static float abuf[MAX_A], bbuf[MAX_B], biasbuf[64], ya[MAX_Y], yb[MAX_Y];
static uint32_t seed = 2024u;
static int failures, cases;

static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

/* Values in [-2, 2) with exact zeros, negative zeros and tiny values mixed in (signed-zero
 * sums and products that round are where a reordered or fused chain would show). */
static float rnd_value(void)
{
    const uint32_t r = rnd();
    switch (r % 16u) {
    case 0:
        return 0.0f;
    case 1:
        return -0.0f;
    case 2:
        return (float)(r >> 4) * 1e-30f;
    default:
        return (float)(int32_t)(r % 65536u) / 16384.0f - 2.0f;
    }
}

static void fill(float *p, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        p[i] = rnd_value();
}

static void put_num(char *s, int32_t v)
{
    char t[12];
    int n = 0;
    do
        t[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0 && n < 11);
    while (n)
        *s++ = t[--n];
    *s = 0;
}

static void gemm_case(int32_t m, int32_t n, int32_t k, int transposed, int pad, int with_bias)
{
    const int32_t ldb = n + pad, ldy = n + 2 * pad;
    const int32_t a_rs = transposed ? 1 : k, a_cs = transposed ? m : 1;
    if ((int64_t)m * k > MAX_A || (int64_t)k * ldb > MAX_B || (int64_t)m * ldy > MAX_Y || m > 64) {
        failures++;
        board_puts("test case larger than the test buffers\n");
        return;
    }
    fill(abuf, m * k);
    fill(bbuf, k * ldb);
    fill(biasbuf, m);
    for (int32_t i = 0; i < m * ldy; i++)
        ya[i] = yb[i] = (float)i; /* the padding columns must stay as they are */
    const float *bias = with_bias ? biasbuf : NULL;
    kiln_gemm_nn_f32(m, n, k, abuf, a_rs, a_cs, bbuf, ldb, bias, ya, ldy);
    ref_kiln_gemm_nn_f32(m, n, k, abuf, a_rs, a_cs, bbuf, ldb, bias, yb, ldy);
    cases++;
    if (!memcmp(ya, yb, (size_t)(m * ldy) * sizeof(float)))
        return;
    failures++;
    char line[96] = "variant differs from the portable kernel: m ", num[12];
    put_num(num, m), strcat(line, num), strcat(line, " n ");
    put_num(num, n), strcat(line, num), strcat(line, " k ");
    put_num(num, k), strcat(line, num), strcat(line, transposed ? " A^T\n" : "\n");
    board_puts(line);
}

int main(void)
{
    static const int32_t ms[] = {1, 2, 3, 4, 5, 7, 8, 12, 13, 64};
    static const int32_t ns[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100};
    static const int32_t ks[] = {1, 3, 27, 64};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++)
            for (size_t l = 0; l < sizeof ks / sizeof ks[0]; l++) {
                const int variant = (int)((i + j + l) % 4u);
                gemm_case(ms[i], ns[j], ks[l], variant & 1, (variant >> 1) * 3, (int)(j % 2u));
            }
    gemm_case(0, 5, 3, 0, 0, 1); /* empty: nothing written */
    gemm_case(4, 0, 3, 0, 1, 1);
    gemm_case(4, 8, 0, 0, 0, 1); /* k = 0: y = bias */
    gemm_case(1, 640, 12, 0, 0, 1); /* a wide fully connected row */
    board_puts(failures ? "variants-f32: FAIL\n" : "variants-f32: all cases bit-exact\n");
    return failures ? 1 : (cases == 524 ? 0 : 2);
}
