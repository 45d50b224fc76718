/* SPDX-License-Identifier: MIT */
/* The int8 kernels: hand-checked cases, an exact integer reference written from the
 * definitions, a float-simulated reference (real-valued scales, within 1 LSB), and the
 * Conv variants bit for bit against the general kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "passes.h"
#include "runtime_test.h"

static int8_t rand_s8(test_rng *r) { return (int8_t)((int32_t)(test_next(r) % 256u) - 128); }

static int32_t clamp_i(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* round half away from zero, as kiln_requantize */
static double round_away(double v) { return v >= 0 ? floor(v + 0.5) : ceil(v - 0.5); }

static size_t s8_mismatches(const char *what, const int8_t *want, const int8_t *got, size_t n,
                            int tolerance)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (abs(want[i] - got[i]) > tolerance) {
            if (bad < 10)
                printf("%s: index %zu: expected %d, got %d\n", what, i, want[i], got[i]);
            bad++;
        }
    }
    return bad;
}

/* ---- requantization -------------------------------------------------------------------- */

static void test_requantize_hand(void **state)
{
    (void)state;
    const int32_t half = 1 << 30;                           /* 0.5 */
    assert_int_equal(kiln_requantize(100, half, 0), 50);
    assert_int_equal(kiln_requantize(101, half, 0), 51);    /* 50.5 rounds away from zero */
    assert_int_equal(kiln_requantize(-101, half, 0), -50);  /* gemmlowp: negative tie up */
    assert_int_equal(kiln_requantize(100, half, -1), 25);
    assert_int_equal(kiln_requantize(-3, half, -1), -1);    /* -0.75 */
    assert_int_equal(kiln_requantize(7, half, 2), 14);      /* 7 * 0.5 * 4 */
    assert_int_equal(kiln_mul_high_s32(INT32_MIN, INT32_MIN), INT32_MAX);
    assert_int_equal(kiln_rounding_shift_s32(-6, 2), -2);   /* -1.5 */
    assert_int_equal(kiln_rounding_shift_s32(5, 1), 3);     /* 2.5 */
}

/* quant_multiplier + kiln_requantize equal round(x * real) within 1 for every scale. */
static void test_requantize_matches_real(void **state)
{
    (void)state;
    test_rng r = {11};
    size_t bad = 0;
    for (int i = 0; i < 20000; i++) {
        const double real = exp(test_uniform(&r, -20.0f, 3.0f));
        const int32_t x = (int32_t)(test_next(&r) % 2000001u) - 1000000;
        int32_t m, s;
        quant_multiplier(real, &m, &s);
        const double want = round_away((double)x * real);
        if (fabs(want) > 2e9)
            continue;
        const int32_t got = kiln_requantize(x, m, s);
        if (fabs(got - want) > 1) {
            if (bad < 10)
                printf("requantize %d * %.9g: expected %.0f, got %d\n", x, real, want, got);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* ---- Conv ------------------------------------------------------------------------------- */

static void test_conv_hand(void **state)
{
    (void)state;
    const int32_t mult = 1 << 30, bias = 3;
    const int8_t shift = 0;
    const kiln_per_channel_quant q = {&mult, &shift};
    kiln_conv2d_s8_params p = {{1, 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1,
                                {KILN_ACT_NONE, 0.0f, 0.0f}, KILN_CONV_SEPARATE},
                               {1, -2, -128, 127}};
    const int8_t x[4] = {1, 2, 3, 4}, w[1] = {2}, want[4] = {2, 3, 4, 5};
    int8_t y[4];
    kiln_conv2d_s8(&p, &q, x, w, &bias, y);   /* round((3 + 2 (x + 1)) / 2) - 2 */
    assert_memory_equal(y, want, 4);
    kiln_conv2d_s8_1x1(&p, &q, x, w, &bias, y);
    assert_memory_equal(y, want, 4);
    p.io.act_max = 3;                         /* fused Clip as a clamp */
    const int8_t clipped[4] = {2, 3, 3, 3};
    kiln_conv2d_s8(&p, &q, x, w, &bias, y);
    assert_memory_equal(y, clipped, 4);
}

typedef struct {
    kiln_conv2d_s8_params p;
    int8_t *x, *w, *want_exact, *want_real;
    int32_t *bias, *mult;
    int8_t *shift;
    double *real;
    size_t ny;
} ConvCase;

/* Random data and scales; both references computed from the definition. */
static void conv_case(ConvCase *c, uint32_t seed)
{
    test_rng r = {seed};
    const kiln_conv2d_params *k = &c->p.conv;
    const size_t nx = (size_t)(k->n * k->c_in * k->h_in * k->w_in);
    const size_t nw = (size_t)(k->c_out * (k->c_in / k->group) * k->k_h * k->k_w);
    c->ny = (size_t)(k->n * k->c_out * k->h_out * k->w_out);
    c->x = malloc(nx), c->w = malloc(nw), c->want_exact = malloc(c->ny), c->want_real = malloc(c->ny);
    c->bias = malloc((size_t)k->c_out * 4), c->mult = malloc((size_t)k->c_out * 4);
    c->shift = malloc((size_t)k->c_out), c->real = malloc((size_t)k->c_out * 8);
    for (size_t i = 0; i < nx; i++)
        c->x[i] = rand_s8(&r);
    for (size_t i = 0; i < nw; i++)
        c->w[i] = (int8_t)clamp_i(rand_s8(&r), -127, 127);
    for (int32_t oc = 0; oc < k->c_out; oc++) {
        c->bias[oc] = (int32_t)(test_next(&r) % 20001u) - 10000;
        c->real[oc] = exp(test_uniform(&r, -9.0f, -4.0f));
        int32_t sh;
        quant_multiplier(c->real[oc], &c->mult[oc], &sh);
        c->shift[oc] = (int8_t)sh;
    }
    const int32_t cin_g = k->c_in / k->group, cout_g = k->c_out / k->group;
    for (int32_t n = 0; n < k->n; n++)
        for (int32_t oc = 0; oc < k->c_out; oc++)
            for (int32_t oh = 0; oh < k->h_out; oh++)
                for (int32_t ow = 0; ow < k->w_out; ow++) {
                    int32_t acc = c->bias[oc];
                    for (int32_t ic = 0; ic < cin_g; ic++)
                        for (int32_t kh = 0; kh < k->k_h; kh++)
                            for (int32_t kw = 0; kw < k->k_w; kw++) {
                                int32_t ih = oh * k->stride_h - k->pad_top + kh * k->dil_h;
                                int32_t iw = ow * k->stride_w - k->pad_left + kw * k->dil_w;
                                if (ih < 0 || iw < 0 || ih >= k->h_in || iw >= k->w_in)
                                    continue;
                                int32_t cx = (oc / cout_g) * cin_g + ic;
                                acc += c->w[((oc * cin_g + ic) * k->k_h + kh) * k->k_w + kw] *
                                       (c->x[((n * k->c_in + cx) * k->h_in + ih) * k->w_in + iw] +
                                        c->p.io.input_offset);
                            }
                    size_t o = (size_t)(((n * k->c_out + oc) * k->h_out + oh) * k->w_out + ow);
                    int32_t e = kiln_requantize(acc, c->mult[oc], c->shift[oc]);
                    c->want_exact[o] = (int8_t)clamp_i(e + c->p.io.output_offset,
                                                       c->p.io.act_min, c->p.io.act_max);
                    double v = round_away(acc * c->real[oc]) + c->p.io.output_offset;
                    c->want_real[o] = (int8_t)clamp_i((int32_t)fmax(fmin(v, 1e6), -1e6),
                                                      c->p.io.act_min, c->p.io.act_max);
                }
}

static void conv_free(ConvCase *c)
{
    free(c->x), free(c->w), free(c->want_exact), free(c->want_real);
    free(c->bias), free(c->mult), free(c->shift), free(c->real);
}

static size_t conv_check(const kiln_conv2d_params *geom, int variant, uint32_t seed)
{
    ConvCase c = {.p = {*geom, {7, -5, -100, 127}}};
    conv_case(&c, seed);
    const kiln_per_channel_quant q = {c.mult, c.shift};
    int8_t *y = malloc(c.ny);
    memset(y, 0x5a, c.ny);
    if (variant == 0)
        kiln_conv2d_s8(&c.p, &q, c.x, c.w, c.bias, y);
    else if (variant == 1)
        kiln_conv2d_s8_1x1(&c.p, &q, c.x, c.w, c.bias, y);
    else
        kiln_dwconv2d_s8(&c.p, &q, c.x, c.w, c.bias, y);
    size_t bad = s8_mismatches("conv exact", c.want_exact, y, c.ny, 0) +
                 s8_mismatches("conv vs real", c.want_real, y, c.ny, 1);
    free(y);
    conv_free(&c);
    return bad;
}

static void test_conv_general(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    const kiln_conv2d_params cases[] = {
        {1, 3, 9, 7, 5, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, none, KILN_CONV_SEPARATE},   /* pads, stride 2 */
        {2, 4, 6, 6, 6, 4, 4, 3, 3, 1, 1, 2, 2, 1, 1, 2, none, KILN_CONV_SEPARATE},   /* groups, dilation */
        {1, 2, 5, 5, 3, 1, 1, 5, 5, 1, 1, 1, 1, 0, 0, 1, none, KILN_CONV_SEPARATE},   /* window = input */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += conv_check(&cases[i], 0, (uint32_t)(100 + i));
    assert_int_equal(bad, 0);
}

static void test_conv_1x1(void **state)
{
    (void)state;
    const kiln_conv2d_params g = {2, 7, 5, 3, 9, 5, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1,
                                  {KILN_ACT_NONE, 0.0f, 0.0f}, KILN_CONV_SEPARATE};
    assert_int_equal(conv_check(&g, 1, 7) + conv_check(&g, 0, 7), 0);
}

static void test_dwconv(void **state)
{
    (void)state;
    const kiln_act none = {KILN_ACT_NONE, 0.0f, 0.0f};
    const kiln_conv2d_params cases[] = {
        {1, 6, 10, 9, 6, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 6, none, KILN_CONV_SEPARATE},
        {2, 3, 7, 7, 6, 7, 7, 3, 3, 1, 1, 2, 2, 2, 2, 3, none, KILN_CONV_SEPARATE},   /* multiplier 2, dilation */
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += conv_check(&cases[i], 2, (uint32_t)(200 + i));
    assert_int_equal(bad, 0);
}

/* ---- fully connected --------------------------------------------------------------------- */

static void test_fully_connected(void **state)
{
    (void)state;
    enum { M = 3, N = 5, K = 37 };
    test_rng r = {5};
    int8_t x[M * K], w[N * K], y[M * N], want[M * N];
    int32_t bias[N], mult[N], sh;
    int8_t shift[N];
    double real[N];
    for (int i = 0; i < M * K; i++)
        x[i] = rand_s8(&r);
    for (int i = 0; i < N * K; i++)
        w[i] = (int8_t)clamp_i(rand_s8(&r), -127, 127);
    for (int j = 0; j < N; j++) {
        bias[j] = (int32_t)(test_next(&r) % 2001u) - 1000;
        real[j] = exp(test_uniform(&r, -8.0f, -5.0f));
        quant_multiplier(real[j], &mult[j], &sh);
        shift[j] = (int8_t)sh;
    }
    const kiln_fully_connected_s8_params p = {M, N, K, {-3, 10, 0, 127}};  /* clamped at q = 0 */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = bias[j];
            for (int k = 0; k < K; k++)
                acc += w[j * K + k] * (x[i * K + k] - 3);
            want[i * N + j] = (int8_t)clamp_i((int32_t)round_away(acc * real[j]) + 10, 0, 127);
        }
    const kiln_per_channel_quant q = {mult, shift};
    kiln_fully_connected_s8(&p, &q, x, w, bias, y);
    assert_int_equal(s8_mismatches("fully_connected", want, y, M * N, 1), 0);
}

/* ---- pools --------------------------------------------------------------------------------- */

static void test_pools(void **state)
{
    (void)state;
    test_rng r = {9};
    enum { C = 3, H = 7, W = 6 };
    int8_t x[C * H * W];
    for (int i = 0; i < C * H * W; i++)
        x[i] = rand_s8(&r);
    /* 3x3 stride 2 pads 1, count_include_pad 0 */
    const kiln_pool2d_params p = {1, C, H, W, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 0};
    int8_t ymax[C * 12], yavg[C * 12], wmax[C * 12], wavg[C * 12];
    const int32_t zp = -7;
    for (int c = 0; c < C; c++)
        for (int oh = 0; oh < 4; oh++)
            for (int ow = 0; ow < 3; ow++) {
                int m = -128, s = 0, cnt = 0;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++) {
                        int ih = oh * 2 - 1 + kh, iw = ow * 2 - 1 + kw;
                        if (ih < 0 || iw < 0 || ih >= H || iw >= W)
                            continue;
                        int v = x[(c * H + ih) * W + iw];
                        m = v > m ? v : m;
                        s += v - zp;
                        cnt++;
                    }
                wmax[(c * 4 + oh) * 3 + ow] = (int8_t)m;
                wavg[(c * 4 + oh) * 3 + ow] =
                    (int8_t)clamp_i((int32_t)round_away((double)s / cnt) + zp, -128, 127);
            }
    kiln_maxpool2d_s8(&p, x, ymax);
    kiln_avgpool2d_s8(&p, zp, x, yavg);
    assert_int_equal(s8_mismatches("maxpool", wmax, ymax, C * 12, 0), 0);
    assert_int_equal(s8_mismatches("avgpool", wavg, yavg, C * 12, 0), 0);

    const kiln_global_pool_params gp = {C, H * W};
    int8_t yg[C], wg[C];
    for (int c = 0; c < C; c++) {
        int s = 0;
        for (int i = 0; i < H * W; i++)
            s += x[c * H * W + i] - zp;
        wg[c] = (int8_t)clamp_i((int32_t)round_away((double)s / (H * W)) + zp, -128, 127);
    }
    kiln_global_avgpool_s8(&gp, zp, x, yg);
    assert_int_equal(s8_mismatches("global_avgpool", wg, yg, C, 0), 0);
    /* hand-checked: mean of (-1, 2) - 0 = 0.5 rounds to 1; of (-1, -2) to -2 */
    const int8_t hx[4] = {-1, 2, -1, -2}, hw[2] = {1, -2};
    const kiln_global_pool_params hp = {2, 2};
    int8_t hy[2];
    kiln_global_avgpool_s8(&hp, 0, hx, hy);
    assert_memory_equal(hy, hw, 2);
}

/* ---- Add, Mul ------------------------------------------------------------------------------ */

static void binary_case(int is_mul, size_t *bad)
{
    test_rng r = {is_mul ? 31u : 37u};
    enum { C = 4, S = 6 };
    int8_t a[C * S], b[C], y[C * S], want[C * S];
    for (int i = 0; i < C * S; i++)
        a[i] = rand_s8(&r);
    for (int i = 0; i < C; i++)
        b[i] = rand_s8(&r);
    const float sa = 0.05f, sb = 0.02f, so = is_mul ? 0.01f : 0.06f;
    const int32_t za = 3, zb = -9, zo = -4;
    kiln_binary_s8_params p = {{KILN_BIN_ADD, 2, {C, S}, {S, 1}, {1, 0}, {KILN_ACT_NONE, 0, 0}},
                               -za, -zb, zo, 20, 0, 0, 0, 0, 0, 0, -128, 127};
    if (is_mul) {
        quant_multiplier((double)sa * sb / so, &p.output_multiplier, &p.output_shift);
    } else {
        const double twice = 2.0 * sa;
        quant_multiplier(sa / twice, &p.a_multiplier, &p.a_shift);
        quant_multiplier(sb / twice, &p.b_multiplier, &p.b_shift);
        quant_multiplier(twice / ((1 << 20) * (double)so), &p.output_multiplier, &p.output_shift);
    }
    for (int c = 0; c < C; c++)
        for (int s = 0; s < S; s++) {
            double ra = sa * (a[c * S + s] - za), rb = sb * (b[c] - zb);
            double v = is_mul ? ra * rb : ra + rb;
            want[c * S + s] = (int8_t)clamp_i((int32_t)round_away(v / so) + zo, -128, 127);
        }
    if (is_mul)
        kiln_mul_s8(&p, a, b, y);
    else
        kiln_add_s8(&p, a, b, y);
    *bad += s8_mismatches(is_mul ? "mul" : "add", want, y, C * S, 1);
}

static void test_add_mul(void **state)
{
    (void)state;
    size_t bad = 0;
    binary_case(0, &bad);
    binary_case(1, &bad);
    assert_int_equal(bad, 0);
}

/* ---- table lookup, softmax, boundaries ---------------------------------------------------- */

static void test_lut_and_softmax(void **state)
{
    (void)state;
    int8_t table[256], x[4] = {-128, -1, 0, 127}, y[4];
    for (int i = 0; i < 256; i++)
        table[i] = (int8_t)(127 - i);    /* y = -1 - x */
    kiln_lut_s8(4, table, x, y);
    const int8_t want_lut[4] = {127, 0, -1, -128};
    assert_memory_equal(y, want_lut, 4);

    /* softmax of 3 logits 0.5 * (q - 0): exp table for scale 0.5 */
    const float scale = 0.5f;
    int32_t exp_table[256];
    for (int d = 0; d < 256; d++)
        exp_table[d] = (int32_t)round(exp(-d * (double)scale) * (1 << 20));
    const int8_t sx[6] = {2, 0, -4, 10, 10, 10};
    int8_t sy[6];
    const kiln_softmax_params sp = {2, 3, 1};
    kiln_softmax_s8(&sp, exp_table, sx, sy);
    for (int row = 0; row < 2; row++) {
        double e[3], s = 0;
        for (int j = 0; j < 3; j++)
            s += e[j] = exp(scale * sx[row * 3 + j]);
        for (int j = 0; j < 3; j++) {
            int want = clamp_i((int32_t)round_away(e[j] / s * 256) - 128, -128, 127);
            if (abs(want - sy[row * 3 + j]) > 1)
                fail_msg("softmax row %d elem %d: expected %d got %d", row, j, want, sy[row * 3 + j]);
        }
    }
    assert_int_equal(sy[3], -43);        /* 1/3 * 256 = 85.3 -> 85 - 128 */
}

static void test_quantize_dequantize(void **state)
{
    (void)state;
    const kiln_quant_params p = {6, 0.5f, -3};
    const float x[6] = {0.0f, 0.25f, -0.25f, 1.0f, 100.0f, -100.0f};
    const int8_t want[6] = {-3, -2, -4, -1, 127, -128};   /* halves away from zero */
    int8_t q[6];
    float back[6];
    kiln_quantize_f32_s8(&p, x, q);
    assert_memory_equal(q, want, 6);
    kiln_dequantize_s8_f32(&p, q, back);
    assert_true(back[0] == 0.0f && back[3] == 1.0f && back[4] == 65.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requantize_hand),
        cmocka_unit_test(test_requantize_matches_real),
        cmocka_unit_test(test_conv_hand),
        cmocka_unit_test(test_conv_general),
        cmocka_unit_test(test_conv_1x1),
        cmocka_unit_test(test_dwconv),
        cmocka_unit_test(test_fully_connected),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_add_mul),
        cmocka_unit_test(test_lut_and_softmax),
        cmocka_unit_test(test_quantize_dequantize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
