/* SPDX-License-Identifier: MIT */
/* kiln_lstm_f32, kiln_gru_f32, kiln_rnn_f32 against references written from the ONNX
 * equations: directions, layouts, sequence lengths, every activation, clip, peepholes,
 * input_forget, linear_before_reset, omitted inputs/outputs, invalid lengths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "kiln.h"
#include "runtime_test.h"

enum { LSTM, GRU, RNN };

static double ref_f(const kiln_rnn_act *a, double x)
{
    switch (a->kind) {
    case KILN_RNN_RELU: return x > 0 ? x : 0;
    case KILN_RNN_TANH: return tanh(x);
    case KILN_RNN_SIGMOID: return 1 / (1 + exp(-x));
    case KILN_RNN_AFFINE: return a->alpha * x + a->beta;
    case KILN_RNN_LEAKY_RELU: return x >= 0 ? x : a->alpha * x;
    case KILN_RNN_THRESHOLDED_RELU: return x > a->alpha ? x : 0;
    case KILN_RNN_SCALED_TANH: return a->alpha * tanh(a->beta * x);
    case KILN_RNN_HARD_SIGMOID: return fmin(fmax(a->alpha * x + a->beta, 0), 1);
    case KILN_RNN_ELU: return x >= 0 ? x : a->alpha * (exp(x) - 1);
    case KILN_RNN_SOFTSIGN: return x / (1 + fabs(x));
    case KILN_RNN_SOFTPLUS: return log(1 + exp(x));
    }
    return x;
}

static double ref_gate_act(const kiln_rnn_params *p, const kiln_rnn_act *a, double x)
{
    if (p->has_clip)
        x = fmin(fmax(x, -p->clip), p->clip);
    return ref_f(a, x);
}

/* Gate pre-activation: W[row] . x + R[row] . h + Wb + Rb (biases optional). */
static double ref_gate(const kiln_rnn_params *p, int gates, int dir, int row, const float *x,
                       const float *w, const float *r, const float *b, const double *h,
                       int with_r, int with_rb)
{
    const int hs = p->hidden, in = p->input_size;
    const float *wr = w + ((size_t)dir * (size_t)gates * (size_t)hs + (size_t)row) * (size_t)in;
    const float *rr = r + ((size_t)dir * (size_t)gates * (size_t)hs + (size_t)row) * (size_t)hs;
    double s = 0;
    for (int k = 0; k < in; k++)
        s += (double)wr[k] * x[k];
    for (int k = 0; with_r && k < hs; k++)
        s += (double)rr[k] * h[k];
    if (b)
        s += b[(size_t)dir * 2 * (size_t)(gates * hs) + (size_t)row] +
             (with_rb ? b[(size_t)dir * 2 * (size_t)(gates * hs) + (size_t)(gates * hs + row)] : 0);
    return s;
}

/* Reference of all three cells: one (dir, batch) at a time like the ONNX equations. */
static void ref_run(int cell, const kiln_rnn_params *p, const float *x, const float *w,
                    const float *r, const float *b, const int32_t *lens, const float *h0,
                    const float *c0, const float *pp, float *y, float *yh, float *yc)
{
    const int hs = p->hidden;
    const int per = cell == LSTM ? 3 : cell == GRU ? 2 : 1;
    double h[16], c[16], g[64], rh[16];
    for (int d = 0; d < p->num_dirs; d++) {
        const kiln_rnn_act *f = &p->acts[per * d];
        const int rev = p->num_dirs == 2 ? d == 1 : p->reverse;
        for (int bi = 0; bi < p->batch; bi++) {
            const int len = lens ? lens[bi] : p->seq_len;
            const size_t hat = kiln_rnn_h_at(p, d, bi);
            for (int j = 0; j < hs; j++) {
                h[j] = h0 ? h0[hat + (size_t)j] : 0;
                c[j] = c0 ? c0[hat + (size_t)j] : 0;
            }
            for (int t = 0; t < p->seq_len; t++)
                for (int j = 0; y && j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = 0;
            for (int s = 0; s < len; s++) {
                const int t = rev ? len - 1 - s : s;
                const float *xt = x + kiln_rnn_x_at(p, t, bi);
                if (cell == LSTM) {
                    for (int j = 0; j < 4 * hs; j++)
                        g[j] = ref_gate(p, 4, d, j, xt, w, r, b, h, 1, 1);
                    for (int j = 0; j < hs; j++) {
                        const double pi = pp ? pp[d * 3 * hs + j] : 0;
                        const double po = pp ? pp[d * 3 * hs + hs + j] : 0;
                        const double pf = pp ? pp[d * 3 * hs + 2 * hs + j] : 0;
                        const double i = ref_gate_act(p, &f[0], g[j] + pi * c[j]);
                        const double fg = p->input_forget ? 1 - i
                                        : ref_gate_act(p, &f[0], g[2 * hs + j] + pf * c[j]);
                        const double cc = ref_gate_act(p, &f[1], g[3 * hs + j]);
                        c[j] = fg * c[j] + i * cc;
                        const double o = ref_gate_act(p, &f[0], g[hs + j] + po * c[j]);
                        g[j] = o * ref_f(&f[2], c[j]);   /* new h, kept apart until all j */
                    }
                    for (int j = 0; j < hs; j++)
                        h[j] = g[j];
                } else if (cell == GRU) {
                    double z[16], rr[16], hh[16];
                    for (int j = 0; j < hs; j++) {
                        z[j] = ref_gate_act(p, &f[0], ref_gate(p, 3, d, j, xt, w, r, b, h, 1, 1));
                        rr[j] = ref_gate_act(p, &f[0], ref_gate(p, 3, d, hs + j, xt, w, r, b, h, 1, 1));
                    }
                    for (int j = 0; j < hs; j++)
                        rh[j] = rr[j] * h[j];
                    for (int j = 0; j < hs; j++) {
                        const int row = 2 * hs + j;
                        const float *rrow = r + ((size_t)d * 3 * (size_t)hs + (size_t)row) * (size_t)hs;
                        double lin = 0;
                        for (int k = 0; k < hs; k++)
                            lin += (double)rrow[k] * (p->linear_before_reset ? h[k] : rh[k]);
                        lin += b ? b[(size_t)d * 6 * (size_t)hs + (size_t)(3 * hs + row)] : 0;
                        const double wx = ref_gate(p, 3, d, row, xt, w, r, b, h, 0, 0);
                        hh[j] = ref_gate_act(p, &f[1], wx + (p->linear_before_reset ? rr[j] * lin : lin));
                    }
                    for (int j = 0; j < hs; j++)
                        h[j] = (1 - z[j]) * hh[j] + z[j] * h[j];
                } else {
                    for (int j = 0; j < hs; j++)
                        g[j] = ref_gate_act(p, &f[0], ref_gate(p, 1, d, j, xt, w, r, b, h, 1, 1));
                    for (int j = 0; j < hs; j++)
                        h[j] = g[j];
                }
                for (int j = 0; y && j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = (float)h[j];
            }
            for (int j = 0; j < hs; j++) {
                if (yh)
                    yh[hat + (size_t)j] = (float)h[j];
                if (yc)
                    yc[hat + (size_t)j] = (float)c[j];
            }
        }
    }
}

typedef struct {
    int cell, dirs, reverse, layout, clip, peep, input_forget, lbr, with_lens, with_b, with_h0;
    kiln_rnn_act_kind acts[3];
} Case;

static size_t run_case(const Case *cs)
{
    kiln_rnn_params p = {.seq_len = 4, .batch = 3, .input_size = 3, .hidden = 5,
                         .num_dirs = cs->dirs, .reverse = cs->reverse, .layout = cs->layout,
                         .has_clip = cs->clip, .clip = 0.7f, .input_forget = cs->input_forget,
                         .linear_before_reset = cs->lbr};
    const int per = cs->cell == LSTM ? 3 : cs->cell == GRU ? 2 : 1;
    const int gates = cs->cell == LSTM ? 4 : cs->cell == GRU ? 3 : 1;
    for (int i = 0; i < per * cs->dirs; i++)
        p.acts[i] = (kiln_rnn_act){cs->acts[(i + (i >= per)) % per], 0.3f, 0.6f};
    const size_t nx = 4 * 3 * 3, nw = (size_t)(cs->dirs * gates * 5 * 3);
    const size_t nr = (size_t)(cs->dirs * gates * 5 * 5), nb = (size_t)(cs->dirs * 2 * gates * 5);
    const size_t nh = (size_t)(cs->dirs * 3 * 5), ny = 4 * nh, np = (size_t)(cs->dirs * 15);
    float x[36], w[240], r[400], b[80], h0[30], c0[30], pp[30];
    float y[120], yh[30], yc[30], ey[120], eyh[30], eyc[30], scratch[64];
    const int32_t lens[3] = {4, 2, 3};
    test_rng rng = {(uint32_t)(cs->cell * 131 + cs->dirs * 17 + cs->layout * 5 + cs->acts[0])};
    test_fill(&rng, x, nx, -1.5f, 1.5f);
    test_fill(&rng, w, nw, -0.8f, 0.8f);
    test_fill(&rng, r, nr, -0.6f, 0.6f);
    test_fill(&rng, b, nb, -0.5f, 0.5f);
    test_fill(&rng, h0, nh, -0.5f, 0.5f);
    test_fill(&rng, c0, nh, -0.5f, 0.5f);
    test_fill(&rng, pp, np, -0.5f, 0.5f);
    test_poison(y, ny);
    test_poison(yh, nh);
    test_poison(yc, nh);
    const float *bp = cs->with_b ? b : NULL, *hp = cs->with_h0 ? h0 : NULL;
    const int32_t *lp = cs->with_lens ? lens : NULL;
    const float *ppp = cs->peep ? pp : NULL;
    int rc;
    if (cs->cell == LSTM) {
        assert_true(kiln_lstm_f32_scratch_size(&p) <= sizeof scratch);
        rc = kiln_lstm_f32(&p, x, w, r, bp, lp, hp, hp ? c0 : NULL, ppp, y, yh, yc, scratch);
    } else if (cs->cell == GRU) {
        assert_true(kiln_gru_f32_scratch_size(&p) <= sizeof scratch);
        rc = kiln_gru_f32(&p, x, w, r, bp, lp, hp, y, yh, scratch);
    } else {
        assert_true(kiln_rnn_f32_scratch_size(&p) <= sizeof scratch);
        rc = kiln_rnn_f32(&p, x, w, r, bp, lp, hp, y, yh, scratch);
    }
    assert_int_equal(rc, 0);
    ref_run(cs->cell, &p, x, w, r, bp, lp, hp, hp ? c0 : NULL, ppp, ey, eyh, eyc);
    size_t bad = test_mismatches("Y", ey, y, ny) + test_mismatches("Y_h", eyh, yh, nh);
    if (cs->cell == LSTM)
        bad += test_mismatches("Y_c", eyc, yc, nh);
    return bad;
}

static void test_lstm(void **state)
{
    (void)state;
    const Case cases[] = {
        {LSTM, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, {KILN_RNN_SIGMOID, KILN_RNN_TANH, KILN_RNN_TANH}},
        {LSTM, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, {KILN_RNN_SIGMOID, KILN_RNN_TANH, KILN_RNN_TANH}},
        {LSTM, 2, 0, 1, 0, 1, 1, 0, 1, 0, 1, {KILN_RNN_HARD_SIGMOID, KILN_RNN_SOFTSIGN, KILN_RNN_SCALED_TANH}},
        {LSTM, 2, 0, 0, 1, 0, 0, 0, 0, 1, 0, {KILN_RNN_SIGMOID, KILN_RNN_ELU, KILN_RNN_SOFTPLUS}},
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += run_case(&cases[i]);
    assert_int_equal(bad, 0);
}

static void test_gru(void **state)
{
    (void)state;
    const Case cases[] = {
        {GRU, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, {KILN_RNN_SIGMOID, KILN_RNN_TANH, 0}},
        {GRU, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, {KILN_RNN_SIGMOID, KILN_RNN_TANH, 0}},
        {GRU, 2, 0, 0, 1, 0, 0, 1, 1, 0, 1, {KILN_RNN_HARD_SIGMOID, KILN_RNN_LEAKY_RELU, 0}},
        {GRU, 2, 0, 1, 0, 0, 0, 0, 0, 1, 1, {KILN_RNN_SIGMOID, KILN_RNN_AFFINE, 0}},
    };
    size_t bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        bad += run_case(&cases[i]);
    assert_int_equal(bad, 0);
}

static void test_rnn_every_activation(void **state)
{
    (void)state;
    size_t bad = 0;
    for (int k = KILN_RNN_RELU; k <= KILN_RNN_SOFTPLUS; k++) {
        const Case c = {RNN, 1 + k % 2, k % 3 == 0, k % 2, k % 4 == 1, 0, 0, 0, k % 2, 1, k % 3,
                        {(kiln_rnn_act_kind)k, 0, 0}};
        bad += run_case(&c);
    }
    assert_int_equal(bad, 0);
}

static void test_invalid_length(void **state)
{
    (void)state;
    const kiln_rnn_params p = {.seq_len = 2, .batch = 1, .input_size = 1, .hidden = 1,
                               .num_dirs = 1, .acts = {{KILN_RNN_TANH, 0, 0}}};
    const float x[2] = {1, 2}, w[4] = {1, 1, 1, 1}, r[4] = {1, 1, 1, 1};
    float yh[1], scratch[8];
    const int32_t too_long[1] = {3}, zero[1] = {0};
    assert_int_equal(kiln_rnn_f32(&p, x, w, r, NULL, too_long, NULL, NULL, yh, scratch), -1);
    assert_int_equal(kiln_gru_f32(&p, x, w, r, NULL, zero, NULL, NULL, yh, scratch), -1);
    assert_int_equal(kiln_lstm_f32(&p, x, w, r, NULL, zero, NULL, NULL, NULL, NULL, yh, NULL,
                                   scratch), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm),
        cmocka_unit_test(test_gru),
        cmocka_unit_test(test_rnn_every_activation),
        cmocka_unit_test(test_invalid_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
