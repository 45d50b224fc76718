/* SPDX-License-Identifier: MIT */
/* Board test of the float GEMM core's variants (runtime/fpu/, runtime/mvef/): each against
 * the portable kiln_gemm_nn_f32 (built with a ref_ prefix) on seeded random matrices, over
 * shapes that reach every tile (full tiles, overlapping right edges, narrow matrices,
 * leftover rows, batch-1 rows), both A layouts (unit column stride and transposed), padded
 * leading dimensions and with or without bias. Outputs, including the untouched padding of
 * y, must be byte-identical. Also kiln_conv2d_f32, whose depthwise loops use KILN_FMAC
 * (one VMLA.F32 on Arm's scalar FPU), against the same file built with KILN_PLAIN_FMAC:
 * every depthwise path (3x3 runs, other kernels by taps, borders, strides, dilation, both
 * in-place modes). Built and run under QEMU by tests/run_variants_f32.sh. */
#include "board.h"
#include "kiln.h"
#include <string.h>

void ref_kiln_gemm_nn_f32(int32_t m, int32_t n, int32_t k, const float *a, int32_t a_rs,
                          int32_t a_cs, const float *b, int32_t ldb, const float *bias, float *y,
                          int32_t ldy);
void ref_kiln_conv2d_f32(const kiln_conv2d_params *p, const float *x, const float *w,
                         const float *b, float *y, float *scratch);
size_t ref_kiln_conv2d_f32_scratch_size(const kiln_conv2d_params *p);

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

/* Helium's float lanes always flush subnormals to zero (and return the default NaN), unlike
 * the scalar FPU, so on Helium the tiny values stay normal when multiplied; elsewhere two of
 * them make a subnormal product, which a flushing or fused variant would change. */
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)
#define TINY 1e-30f
#else
#define TINY 1e-26f
#endif

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
        return (float)(r >> 4) * TINY;
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

#define MAX_S 8192
static float scratch[MAX_S];

/* Depthwise conv, c channels of h x w, kernel kh x kw, with ReLU; in_place: y == x. */
static void dw_case(int32_t c, int32_t h, int32_t w, int32_t kh, int32_t kw, int32_t stride,
                    int32_t pad, int32_t dil, int32_t in_place)
{
    kiln_conv2d_params p = {.n = 1, .c_in = c, .h_in = h, .w_in = w, .c_out = c, .k_h = kh,
                            .k_w = kw, .stride_h = stride, .stride_w = stride, .dil_h = dil,
                            .dil_w = dil, .pad_top = pad, .pad_left = pad, .group = c,
                            .act = {KILN_ACT_RELU, 0.0f, 0.0f}, .in_place = in_place};
    p.h_out = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
    p.w_out = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
    const int32_t n_x = c * h * w, n_y = c * p.h_out * p.w_out;
    const size_t s1 = kiln_conv2d_f32_scratch_size(&p), s2 = ref_kiln_conv2d_f32_scratch_size(&p);
    if (n_x > MAX_Y || n_y > MAX_Y || c * kh * kw > MAX_A || s1 != s2 || s1 > sizeof scratch) {
        failures++;
        board_puts("conv case larger than the test buffers, or scratch sizes differ\n");
        return;
    }
    fill(abuf, c * kh * kw);
    fill(biasbuf, c);
    fill(ya, n_x);
    if (in_place) {
        memcpy(yb, ya, (size_t)n_x * sizeof(float));
        kiln_conv2d_f32(&p, ya, abuf, biasbuf, ya, scratch);
        ref_kiln_conv2d_f32(&p, yb, abuf, biasbuf, yb, scratch);
    } else {
        memcpy(bbuf, ya, (size_t)n_x * sizeof(float));
        for (int32_t i = 0; i < n_y; i++)
            ya[i] = yb[i] = -1.0f;
        kiln_conv2d_f32(&p, bbuf, abuf, biasbuf, ya, scratch);
        ref_kiln_conv2d_f32(&p, bbuf, abuf, biasbuf, yb, scratch);
    }
    cases++;
    if (!memcmp(ya, yb, (size_t)n_y * sizeof(float)))
        return;
    failures++;
    char line[96] = "KILN_FMAC differs from the plain form: depthwise ", num[12];
    put_num(num, kh), strcat(line, num), strcat(line, "x");
    put_num(num, kw), strcat(line, num), strcat(line, " mode ");
    put_num(num, in_place), strcat(line, num), strcat(line, "\n");
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
    /* depthwise: c, h, w, kh, kw, stride, pad, dilation, in-place mode */
    static const int32_t dw[][8] = {
        {8, 25, 5, 3, 3, 1, 1, 1}, {3, 12, 12, 3, 3, 2, 1, 1}, {5, 9, 7, 5, 5, 1, 2, 1},
        {4, 10, 11, 3, 3, 1, 2, 2}, {2, 6, 9, 2, 4, 1, 0, 1}, {3, 8, 8, 1, 1, 1, 0, 1},
    };
    for (size_t i = 0; i < sizeof dw / sizeof dw[0]; i++)
        for (int32_t mode = KILN_CONV_SEPARATE; mode <= KILN_CONV_IN_PLACE_SMALL; mode++)
            dw_case(dw[i][0], dw[i][1], dw[i][2], dw[i][3], dw[i][4], dw[i][5], dw[i][6],
                    dw[i][7], dw[i][5] == 1 ? mode : KILN_CONV_SEPARATE);
    board_puts(failures ? "variants-f32: FAIL\n" : "variants-f32: all cases bit-exact\n");
    return failures ? 1 : (cases == 542 ? 0 : 2);
}
