/* SPDX-License-Identifier: MIT */
/* kiln_conv_transpose_f32 against the gather form of the definition (each output sums
 * the input elements that reach it), over groups, strides, dilations, pads, 1-D to 3-D. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

static float ref_output(const kiln_conv_transpose_params *p, const float *x, const float *w,
                        const float *b, int32_t n, int32_t c, const int32_t *o)
{
    const int32_t cig = p->c_in / p->group, cog = p->c_out / p->group, g = c / cog;
    double acc = b ? b[c] : 0.0;
    for (int32_t ci = g * cig; ci < (g + 1) * cig; ci++)
        for (int32_t i0 = 0; i0 < p->in[0]; i0++)
            for (int32_t i1 = 0; i1 < p->in[1]; i1++)
                for (int32_t i2 = 0; i2 < p->in[2]; i2++)
                    for (int32_t k0 = 0; k0 < p->k[0]; k0++)
                        for (int32_t k1 = 0; k1 < p->k[1]; k1++)
                            for (int32_t k2 = 0; k2 < p->k[2]; k2++) {
                                if (i0 * p->stride[0] - p->pad[0] + k0 * p->dil[0] != o[0] ||
                                    i1 * p->stride[1] - p->pad[1] + k1 * p->dil[1] != o[1] ||
                                    i2 * p->stride[2] - p->pad[2] + k2 * p->dil[2] != o[2])
                                    continue;
                                const float xv = x[(((ptrdiff_t)n * p->c_in + ci) * p->in[0] + i0) *
                                                       p->in[1] * p->in[2] + i1 * p->in[2] + i2];
                                const float wv = w[((((ptrdiff_t)ci * cog + c % cog) * p->k[0] + k0) *
                                                        p->k[1] + k1) * p->k[2] + k2];
                                acc += (double)xv * wv;
                            }
    return (float)acc;
}

static size_t run_case(const kiln_conv_transpose_params *p, int with_bias)
{
    const size_t nx = (size_t)p->n * (size_t)p->c_in * (size_t)(p->in[0] * p->in[1] * p->in[2]);
    const size_t nw = (size_t)p->c_in * (size_t)(p->c_out / p->group) *
                      (size_t)(p->k[0] * p->k[1] * p->k[2]);
    const size_t plane = (size_t)(p->out[0] * p->out[1] * p->out[2]);
    const size_t ny = (size_t)p->n * (size_t)p->c_out * plane;
    float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)p->c_out * 4);
    float *want = malloc(ny * 4), *got = malloc(ny * 4);
    test_rng r = {(uint32_t)(nx + nw)};
    test_fill(&r, x, nx, -1.0f, 1.0f);
    test_fill(&r, w, nw, -1.0f, 1.0f);
    test_fill(&r, b, (size_t)p->c_out, -1.0f, 1.0f);
    size_t e = 0;
    for (int32_t n = 0; n < p->n; n++)
        for (int32_t c = 0; c < p->c_out; c++)
            for (int32_t o0 = 0; o0 < p->out[0]; o0++)
                for (int32_t o1 = 0; o1 < p->out[1]; o1++)
                    for (int32_t o2 = 0; o2 < p->out[2]; o2++) {
                        const int32_t o[3] = {o0, o1, o2};
                        want[e++] = ref_output(p, x, w, with_bias ? b : NULL, n, c, o);
                    }
    test_poison(got, ny);
    kiln_conv_transpose_f32(p, x, w, with_bias ? b : NULL, got);
    const size_t bad = test_mismatches("conv_transpose", want, got, ny);
    free(x), free(w), free(b), free(want), free(got);
    return bad;
}

static void test_conv_transpose_2d(void **state)
{
    (void)state;
    /* [1,1,3,3] -> [1,2,5,5] plain; stride 3x2 with extra output (output_shape 10x8) */
    const kiln_conv_transpose_params a = {1, 1, 2, 1, {1, 3, 3}, {1, 5, 5}, {1, 3, 3},
                                          {1, 1, 1}, {1, 1, 1}, {0, 0, 0}};
    const kiln_conv_transpose_params b = {1, 1, 2, 1, {1, 3, 3}, {1, 10, 8}, {1, 3, 3},
                                          {1, 3, 2}, {1, 1, 1}, {0, 0, 0}};
    /* groups 2, batch 2, pads 1/2, dilation 2, stride 2 */
    const kiln_conv_transpose_params c = {2, 4, 6, 2, {1, 4, 3}, {1, 8, 5}, {1, 3, 2},
                                          {1, 2, 2}, {1, 2, 1}, {0, 1, 2}};
    assert_int_equal(run_case(&a, 0) + run_case(&b, 1) + run_case(&c, 1), 0);
}

static void test_conv_transpose_1d_3d(void **state)
{
    (void)state;
    const kiln_conv_transpose_params one = {1, 2, 3, 1, {1, 1, 5}, {1, 1, 9}, {1, 1, 3},
                                            {1, 1, 2}, {1, 1, 1}, {0, 0, 1}};
    const kiln_conv_transpose_params three = {1, 1, 2, 1, {3, 4, 5}, {5, 6, 7}, {3, 3, 3},
                                              {1, 1, 1}, {1, 1, 1}, {0, 0, 0}};
    assert_int_equal(run_case(&one, 1) + run_case(&three, 0), 0);
}

static void test_layer_norm(void **state)
{
    (void)state;
    /* layer mode: rows of 4 with per-position scale/bias, Mean and InvStdDev outputs */
    const float x[8] = {1, 2, 3, 4, -2, 0, 2, 100};
    const float scale[4] = {1, 2, 0.5f, -1}, bias[4] = {0, 1, 0, 0.5f};
    const kiln_layer_norm_params p = {2, 4, 1, 0, 1e-5f};
    float y[8], mean[2], inv[2], want[8];
    kiln_layer_norm_f32(&p, x, scale, bias, y, mean, inv);
    for (int r = 0; r < 2; r++) {
        double m = 0, v = 0;
        for (int i = 0; i < 4; i++)
            m += x[r * 4 + i] / 4.0;
        for (int i = 0; i < 4; i++)
            v += (x[r * 4 + i] - m) * (x[r * 4 + i] - m) / 4.0;
        for (int i = 0; i < 4; i++)
            want[r * 4 + i] = (float)((x[r * 4 + i] - m) / sqrt(v + 1e-5) * scale[i] + bias[i]);
        assert_true(fabs(mean[r] - m) < 1e-5 * (1 + fabs(m)));
        assert_true(fabs(inv[r] - 1.0 / sqrt(v + 1e-5)) < 1e-5);
    }
    assert_int_equal(test_mismatches("layer_norm", want, y, 8), 0);
    /* instance mode: rows of 2, scale/bias by row % channels, no bias */
    const kiln_layer_norm_params q = {4, 2, 2, 1, 0.0f};
    const float s2[2] = {2, 3};
    const float want2[8] = {-2, 2, -3, 3, -2, 2, -3, 3};   /* every row is (-1, 1) normalised */
    kiln_layer_norm_f32(&q, x, s2, NULL, y, NULL, NULL);
    assert_int_equal(test_mismatches("instance_norm", want2, y, 8), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_transpose_2d),
        cmocka_unit_test(test_conv_transpose_1d_3d),
        cmocka_unit_test(test_layer_norm),
    };
    return cmocka_run_group_tests_name("runtime_conv_transpose", tests, NULL, NULL);
}
