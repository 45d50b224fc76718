/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_rnn_common_f32 */
/* ONNX LSTM: gates i, o, f, c; optional peepholes, input_forget, clip, sequence lengths.
 * Each (direction, batch entry) runs its whole sequence on its own, so entries of
 * different lengths need no masking; scratch holds one entry's gates and state. */
#include "kiln.h"

size_t kiln_lstm_f32_scratch_size(const kiln_rnn_params *p)
{
    return (size_t)6 * (size_t)p->hidden * sizeof(float);
}

/* One time step of one entry: h and c are updated in place. */
static void lstm_step(const kiln_rnn_params *p, int32_t dir, const float *xt, const float *w,
                      const float *r, const float *b, const float *peep, float *gates,
                      float *h, float *c)
{
    const int32_t hs = p->hidden;
    const float clip = p->has_clip ? p->clip : 0.0f;
    const kiln_rnn_act *f = &p->acts[3 * dir], *g = f + 1, *hact = f + 2;
    float *gi = gates, *go = gates + hs, *gf = gates + 2 * hs, *gc = gates + 3 * hs;
    for (int32_t j = 0; j < 4 * hs; j++)
        gates[j] = b ? b[j] + b[4 * hs + j] : 0.0f;
    kiln_rnn_matvec_f32(w, xt, 4 * hs, p->input_size, gates);
    kiln_rnn_matvec_f32(r, h, 4 * hs, hs, gates);
    if (peep)
        for (int32_t j = 0; j < hs; j++) {
            gi[j] += peep[j] * c[j];
            gf[j] += peep[2 * hs + j] * c[j];
        }
    kiln_rnn_act_f32(f, clip, gi, hs);
    if (p->input_forget)
        for (int32_t j = 0; j < hs; j++)
            gf[j] = 1.0f - gi[j];
    else
        kiln_rnn_act_f32(f, clip, gf, hs);
    kiln_rnn_act_f32(g, clip, gc, hs);
    for (int32_t j = 0; j < hs; j++)
        c[j] = gf[j] * c[j] + gi[j] * gc[j];
    if (peep)
        for (int32_t j = 0; j < hs; j++)
            go[j] += peep[hs + j] * c[j];
    kiln_rnn_act_f32(f, clip, go, hs);
    for (int32_t j = 0; j < hs; j++)
        h[j] = c[j];
    kiln_rnn_act_f32(hact, 0.0f, h, hs);   /* clip bounds gate inputs, not the cell state */
    for (int32_t j = 0; j < hs; j++)
        h[j] *= go[j];
}

int kiln_lstm_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                  const float *b, const int32_t *seq_lens, const float *h0, const float *c0,
                  const float *peep, float *y, float *y_h, float *y_c, float *scratch)
{
    const int32_t hs = p->hidden;
    float *gates = scratch, *h = scratch + 4 * hs, *c = scratch + 5 * hs;
    for (int32_t d = 0; d < p->num_dirs; d++) {
        const int reverse = p->num_dirs == 2 ? d == 1 : p->reverse != 0;
        const float *wd = w + (size_t)d * 4u * (size_t)hs * (size_t)p->input_size;
        const float *rd = r + (size_t)d * 4u * (size_t)hs * (size_t)hs;
        const float *bd = b ? b + (size_t)d * 8u * (size_t)hs : 0;
        const float *pd = peep ? peep + (size_t)d * 3u * (size_t)hs : 0;
        for (int32_t bi = 0; bi < p->batch; bi++) {
            const int32_t len = kiln_rnn_length(p, seq_lens, bi);
            if (len < 0)
                return -1;
            const size_t hat = kiln_rnn_h_at(p, d, bi);
            for (int32_t j = 0; j < hs; j++) {
                h[j] = h0 ? h0[hat + (size_t)j] : 0.0f;
                c[j] = c0 ? c0[hat + (size_t)j] : 0.0f;
            }
            for (int32_t s = 0; s < len; s++) {
                const int32_t t = reverse ? len - 1 - s : s;
                lstm_step(p, d, x + kiln_rnn_x_at(p, t, bi), wd, rd, bd, pd, gates, h, c);
                for (int32_t j = 0; y && j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = h[j];
            }
            for (int32_t t = len; y && t < p->seq_len; t++)
                for (int32_t j = 0; j < hs; j++)
                    y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = 0.0f;
            for (int32_t j = 0; j < hs; j++) {
                if (y_h)
                    y_h[hat + (size_t)j] = h[j];
                if (y_c)
                    y_c[hat + (size_t)j] = c[j];
            }
        }
    }
    return 0;
}
