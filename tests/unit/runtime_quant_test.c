/* SPDX-License-Identifier: MIT */
/* The ONNX quantized-op kernels: rounding half to even and saturation, per-axis
 * (de)quantization, DynamicQuantizeLinear on the ONNX example, and the integer
 * matmul/conv kernels against plain references (integer results compared exactly). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static void test_round_half_even_and_saturate(void **state)
{
    (void)state;
    const float v[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4999f, 300.0f, -300.0f, NAN};
    const uint8_t want_u8[] = {10, 12, 12, 10, 8, 8, 12, 255, 0, 10};   /* zp 10 */
    const int8_t want_s8[] = {0, 2, 2, 0, -2, -2, 2, 127, -128, 0};      /* zp 0 */
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t u;
        int8_t s;
        kiln_q_store(&u, 0, v[i], 10, KILN_QT_U8);
        kiln_q_store(&s, 0, v[i], 0, KILN_QT_S8);
        if (u != want_u8[i] || s != want_s8[i])
            printf("value %g: u8 %d (want %d), s8 %d (want %d)\n", (double)v[i], u,
                   want_u8[i], s, want_s8[i]);
        assert_int_equal(u, want_u8[i]);
        assert_int_equal(s, want_s8[i]);
    }
}

static void test_quantize_dequantize_per_axis(void **state)
{
    (void)state;
    /* x [2][3][2], axis 1: scales 0.5, 1, 2; zero points -1, 0, 3 (int8) */
    const float x[12] = {1.0f, -1.25f, 3.0f, 2.5f, 5.0f, -3.0f,
                         0.25f, 0.75f, -128.0f, 126.0f, 300.0f, -1.0f};
    const float scale[3] = {0.5f, 1.0f, 2.0f};
    const int8_t zp[3] = {-1, 0, 3};
    const int8_t want[12] = {1, -3, 3, 2, 5, 1, -1, 1, -128, 126, 127, 3};
    const kiln_qlinear_params p = {2, 3, 2, 1, KILN_QT_S8};
    int8_t y[12];
    kiln_quantize_linear(&p, x, scale, zp, y);
    assert_memory_equal(y, want, sizeof want);
    float back[12], ref[12];
    kiln_dequantize_linear(&p, y, scale, zp, back);
    for (int i = 0; i < 12; i++)
        ref[i] = (float)(want[i] - zp[i / 2 % 3]) * scale[i / 2 % 3];
    assert_int_equal(test_mismatches("dequantize", ref, back, 12), 0);
    /* int32 input without zero point, per tensor */
    const int32_t xi[3] = {-7, 0, 1 << 20};
    const kiln_qlinear_params pi = {1, 1, 3, 0, KILN_QT_S32};
    const float s = 0.25f, want_f[3] = {-1.75f, 0.0f, 262144.0f};
    kiln_dequantize_linear(&pi, xi, &s, NULL, back);
    assert_int_equal(test_mismatches("dequantize s32", want_f, back, 3), 0);
}

static void test_dynamic_quantize_onnx_example(void **state)
{
    (void)state;
    const float x[6] = {0.0f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f};
    const uint8_t want[6] = {153, 255, 0, 26, 221, 179};
    uint8_t y[6], zp;
    float scale;
    kiln_dynamic_quantize_linear(6, x, y, &scale, &zp);
    assert_memory_equal(y, want, sizeof want);
    assert_int_equal(zp, 153);
    assert_true(scale == 5.0f / 255.0f);
    const float zeros[2] = {0.0f, 0.0f};
    kiln_dynamic_quantize_linear(2, zeros, y, &scale, &zp);
    assert_true(scale == 1.0f);
    assert_int_equal(zp, 0);
    assert_int_equal(y[0], 0);
}

static void fill_q(test_rng *r, void *p, size_t n, int32_t type)
{
    for (size_t i = 0; i < n; i++) {
        const uint32_t v = test_next(r) & 0xffu;
        if (type == KILN_QT_U8)
            ((uint8_t *)p)[i] = (uint8_t)v;
        else
            ((int8_t *)p)[i] = (int8_t)((int32_t)v - 128);
    }
}

/* Batch 2 x (3x5) times broadcast (5x4), u8 A with per-row zero points, s8 B per column. */
static void test_matmul_integer_and_qlinear(void **state)
{
    (void)state;
    kiln_qlinear_matmul_params q = {
        .mm = {.m = 3, .n = 4, .k = 5, .batch_rank = 1, .batch_dims = {2},
               .a_batch_strides = {1}, .b_batch_strides = {0},
               .a_type = KILN_QT_U8, .b_type = KILN_QT_S8, .a_zp_per_row = 1, .b_zp_per_col = 1},
        .a_scale_per_row = 0, .b_scale_per_col = 1, .y_type = KILN_QT_U8};
    uint8_t a[30], azp[3] = {128, 3, 250};
    int8_t b[20], bzp[4] = {0, -5, 7, 127};
    test_rng r = {7};
    fill_q(&r, a, 30, KILN_QT_U8);
    fill_q(&r, b, 20, KILN_QT_S8);
    int32_t y[24], want[24];
    kiln_matmul_integer(&q.mm, a, b, azp, bzp, y);
    for (int bi = 0; bi < 2; bi++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++) {
                int32_t s = 0;
                for (int k = 0; k < 5; k++)
                    s += (a[bi * 15 + i * 5 + k] - azp[i]) * (b[k * 4 + j] - bzp[j]);
                want[bi * 12 + i * 4 + j] = s;
            }
    assert_memory_equal(y, want, sizeof want);
    const float as = 0.02f, bs[4] = {0.01f, 0.03f, 0.002f, 0.05f}, ys = 0.7f;
    const uint8_t yzp = 100;
    uint8_t yq[24];
    int32_t scratch[24];
    assert_int_equal(kiln_qlinear_matmul_scratch_size(&q), sizeof scratch);
    kiln_qlinear_matmul(&q, a, &as, azp, b, bs, bzp, &ys, &yzp, yq, scratch);
    for (int i = 0; i < 24; i++) {
        const float v = rintf((float)want[i] * (as * bs[i % 4] / ys)) + 100.0f;
        const uint8_t w = (uint8_t)(v < 0.0f ? 0.0f : v > 255.0f ? 255.0f : v);
        assert_int_equal(yq[i], w);
    }
}

/* ConvInteger against the float conv kernel on zero-point-shifted values (exact: small
 * integers), with groups, stride, dilation and padding; then QLinearConv's requantization. */
static void test_conv_integer_and_qlinear(void **state)
{
    (void)state;
    const kiln_conv2d_params g = {1, 4, 7, 6, 6, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2,
                                  {KILN_ACT_NONE, 0.0f, 0.0f}, KILN_CONV_SEPARATE};
    kiln_qlinear_conv_params q = {.c = {g, KILN_QT_S8, KILN_QT_U8, 1},
                                  .w_scale_per_channel = 1, .y_type = KILN_QT_S8};
    int8_t x[168], xzp = -3;
    uint8_t w[108], wzp[6] = {128, 0, 255, 7, 100, 130};
    test_rng r = {11};
    fill_q(&r, x, 168, KILN_QT_S8);
    fill_q(&r, w, 108, KILN_QT_U8);
    float xf[168], wf[108], yf[72];
    for (int i = 0; i < 168; i++)
        xf[i] = (float)(x[i] - xzp);
    for (int i = 0; i < 108; i++)
        wf[i] = (float)(w[i] - wzp[i / 18]);
    float *scratch_f = malloc(kiln_conv2d_f32_scratch_size(&g) + 1);
    kiln_conv2d_f32(&g, xf, wf, NULL, yf, scratch_f);
    free(scratch_f);
    int32_t y[72];
    kiln_conv_integer(&q.c, x, w, &xzp, wzp, y);
    for (int i = 0; i < 72; i++)
        assert_int_equal(y[i], (int32_t)yf[i]);
    const float xs = 0.05f, ws[6] = {0.01f, 0.02f, 0.003f, 0.04f, 0.5f, 0.006f}, ys = 0.9f;
    const int8_t yzp = -10;
    const int32_t bias[6] = {100, -2000, 0, 5, 70000, -1};
    int8_t yq[72];
    int32_t scratch[72];
    assert_int_equal(kiln_qlinear_conv_scratch_size(&q), sizeof scratch);
    kiln_qlinear_conv(&q, x, &xs, &xzp, w, ws, wzp, &ys, &yzp, bias, yq, scratch);
    for (int i = 0; i < 72; i++) {
        const int oc = i / 12;
        const float v = rintf((float)(y[i] + bias[oc]) * (xs * ws[oc] / ys)) - 10.0f;
        const int8_t want = (int8_t)(v < -128.0f ? -128.0f : v > 127.0f ? 127.0f : v);
        assert_int_equal(yq[i], want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_half_even_and_saturate),
        cmocka_unit_test(test_quantize_dequantize_per_axis),
        cmocka_unit_test(test_dynamic_quantize_onnx_example),
        cmocka_unit_test(test_matmul_integer_and_qlinear),
        cmocka_unit_test(test_conv_integer_and_qlinear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
