/* SPDX-License-Identifier: MIT */
/* Helpers shared by the LSTM, GRU and RNN kernels: activations, lengths, layouts. */
#include "kiln.h"

#include <math.h>

static float rnn_act(const kiln_rnn_act *a, float x)
{
    switch (a->kind) {
    case KILN_RNN_RELU: return x > 0.0f ? x : 0.0f;
    case KILN_RNN_TANH: return tanhf(x);
    case KILN_RNN_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case KILN_RNN_AFFINE: return a->alpha * x + a->beta;
    case KILN_RNN_LEAKY_RELU: return x >= 0.0f ? x : a->alpha * x;
    case KILN_RNN_THRESHOLDED_RELU: return x > a->alpha ? x : 0.0f;
    case KILN_RNN_SCALED_TANH: return a->alpha * tanhf(a->beta * x);
    case KILN_RNN_HARD_SIGMOID: {
        const float v = a->alpha * x + a->beta;
        return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    }
    case KILN_RNN_ELU: return x >= 0.0f ? x : a->alpha * (expf(x) - 1.0f);
    case KILN_RNN_SOFTSIGN: return x / (1.0f + fabsf(x));
    case KILN_RNN_SOFTPLUS: return x > 30.0f ? x : log1pf(expf(x));  /* no overflow in exp */
    }
    return x;
}

void kiln_rnn_act_f32(const kiln_rnn_act *act, float clip, float *x, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        float v = x[i];
        if (clip > 0.0f)
            v = v < -clip ? -clip : v > clip ? clip : v;
        x[i] = rnn_act(act, v);
    }
}

int32_t kiln_rnn_length(const kiln_rnn_params *p, const int32_t *seq_lens, int32_t b)
{
    if (!seq_lens)
        return p->seq_len;
    return seq_lens[b] >= 1 && seq_lens[b] <= p->seq_len ? seq_lens[b] : -1;
}

size_t kiln_rnn_x_at(const kiln_rnn_params *p, int32_t t, int32_t b)
{
    const size_t row = p->layout ? (size_t)b * (size_t)p->seq_len + (size_t)t
                                 : (size_t)t * (size_t)p->batch + (size_t)b;
    return row * (size_t)p->input_size;
}

size_t kiln_rnn_y_at(const kiln_rnn_params *p, int32_t t, int32_t dir, int32_t b)
{
    const size_t nd = (size_t)p->num_dirs;
    const size_t row = p->layout ? ((size_t)b * (size_t)p->seq_len + (size_t)t) * nd + (size_t)dir
                                 : ((size_t)t * nd + (size_t)dir) * (size_t)p->batch + (size_t)b;
    return row * (size_t)p->hidden;
}

size_t kiln_rnn_h_at(const kiln_rnn_params *p, int32_t dir, int32_t b)
{
    const size_t row = p->layout ? (size_t)b * (size_t)p->num_dirs + (size_t)dir
                                 : (size_t)dir * (size_t)p->batch + (size_t)b;
    return row * (size_t)p->hidden;
}

/* Four rows at a time with independent accumulators (each row still sums k in order,
 * so results equal the one-row loop); the compiler can keep them in vector lanes. */
KILN_NO_LOOP_VECTORIZE
void kiln_rnn_matvec_f32(const float *m, const float *v, int32_t rows, int32_t cols, float *acc)
{
    const size_t c = (size_t)cols;
    int32_t j = 0;
    for (; j + 4 <= rows; j += 4) {
        const float *m0 = m + (size_t)j * c, *m1 = m0 + c, *m2 = m1 + c, *m3 = m2 + c;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        for (size_t k = 0; k < c; k++) {
            const float x = v[k];
            s0 += x * m0[k];
            s1 += x * m1[k];
            s2 += x * m2[k];
            s3 += x * m3[k];
        }
        acc[j] += s0;
        acc[j + 1] += s1;
        acc[j + 2] += s2;
        acc[j + 3] += s3;
    }
    for (; j < rows; j++) {
        const float *mr = m + (size_t)j * c;
        float s = 0.0f;
        for (size_t k = 0; k < c; k++)
            s += v[k] * mr[k];
        acc[j] += s;
    }
}
