/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_rnn_common_f32 */
/* ONNX GRU: gates z, r, h; linear_before_reset, clip, sequence lengths. Like the LSTM
 * kernel, each (direction, batch entry) runs its whole sequence on its own. */
#include "kiln.h"

size_t kiln_gru_f32_scratch_size(const kiln_rnn_params *p)
{
    return (size_t)5 * (size_t)p->hidden * sizeof(float);
}

/* One time step of one entry: h is updated in place. */
static void gru_step(const kiln_rnn_params *p, int32_t dir, const float *xt, const float *w,
                     const float *r, const float *b, float *gates, float *tmp, float *h)
{
    const int32_t hs = p->hidden;
    const float clip = p->has_clip ? p->clip : 0.0f;
    const kiln_rnn_act *f = &p->acts[2 * dir], *g = f + 1;
    float *gz = gates, *gr = gates + hs, *gh = gates + 2 * hs;
    const float *rh = r + (size_t)2 * (size_t)hs * (size_t)hs;   /* R rows of gate h */
    for (int32_t j = 0; j < 3 * hs; j++)
        gates[j] = !b ? 0.0f : j < 2 * hs ? b[j] + b[3 * hs + j] : b[j];
    kiln_rnn_matvec_f32(w, xt, 3 * hs, p->input_size, gates);
    kiln_rnn_matvec_f32(r, h, 2 * hs, hs, gates);
    kiln_rnn_act_f32(f, clip, gates, 2 * hs);
    if (p->linear_before_reset) {
        for (int32_t j = 0; j < hs; j++)
            tmp[j] = b ? b[5 * hs + j] : 0.0f;
        kiln_rnn_matvec_f32(rh, h, hs, hs, tmp);
        for (int32_t j = 0; j < hs; j++)
            gh[j] += gr[j] * tmp[j];
    } else {
        for (int32_t j = 0; j < hs; j++) {
            tmp[j] = gr[j] * h[j];
            gh[j] += b ? b[5 * hs + j] : 0.0f;
        }
        kiln_rnn_matvec_f32(rh, tmp, hs, hs, gh);
    }
    kiln_rnn_act_f32(g, clip, gh, hs);
    for (int32_t j = 0; j < hs; j++)
        h[j] = (1.0f - gz[j]) * gh[j] + gz[j] * h[j];
}

int kiln_gru_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq_lens, const float *h0, float *y,
                 float *y_h, float *scratch)
{
    const int32_t hs = p->hidden;
    float *gates = scratch, *tmp = scratch + 3 * hs, *h = scratch + 4 * hs;
    for (int32_t d = 0; d < p->num_dirs; d++) {
        const int reverse = p->num_dirs == 2 ? d == 1 : p->reverse != 0;
        const float *wd = w + (size_t)d * 3u * (size_t)hs * (size_t)p->input_size;
        const float *rd = r + (size_t)d * 3u * (size_t)hs * (size_t)hs;
        const float *bd = b ? b + (size_t)d * 6u * (size_t)hs : 0;
        for (int32_t bi = 0; bi < p->batch; bi++) {
            const int32_t len = kiln_rnn_length(p, seq_lens, bi);
            if (len < 0)
                return -1;
            const size_t hat = kiln_rnn_h_at(p, d, bi);
            for (int32_t j = 0; j < hs; j++)
                h[j] = h0 ? h0[hat + (size_t)j] : 0.0f;
            for (int32_t s = 0; s < len; s++) {
                const int32_t t = reverse ? len - 1 - s : s;
                gru_step(p, d, x + kiln_rnn_x_at(p, t, bi), wd, rd, bd, gates, tmp, h);
                for (int32_t j = 0; y && j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = h[j];
            }
            for (int32_t t = len; y && t < p->seq_len; t++)
                for (int32_t j = 0; j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = 0.0f;
            for (int32_t j = 0; y_h && j < hs; j++)
                y_h[hat + (size_t)j] = h[j];
        }
    }
    return 0;
}
