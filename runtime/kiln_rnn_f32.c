/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_rnn_common_f32 */
/* ONNX RNN (simple recurrent layer): H = f(X W^T + H R^T + Wb + Rb), clip, sequence
 * lengths; each (direction, batch entry) runs its whole sequence on its own. */
#include "kiln.h"

size_t kiln_rnn_f32_scratch_size(const kiln_rnn_params *p)
{
    return (size_t)2 * (size_t)p->hidden * sizeof(float);
}

int kiln_rnn_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq_lens, const float *h0, float *y,
                 float *y_h, float *scratch)
{
    const int32_t hs = p->hidden;
    float *acc = scratch, *h = scratch + hs;
    for (int32_t d = 0; d < p->num_dirs; d++) {
        const int reverse = p->num_dirs == 2 ? d == 1 : p->reverse != 0;
        const float *wd = w + (size_t)d * (size_t)hs * (size_t)p->input_size;
        const float *rd = r + (size_t)d * (size_t)hs * (size_t)hs;
        const float *bd = b ? b + (size_t)d * 2u * (size_t)hs : 0;
        for (int32_t bi = 0; bi < p->batch; bi++) {
            const int32_t len = kiln_rnn_length(p, seq_lens, bi);
            if (len < 0)
                return -1;
            const size_t hat = kiln_rnn_h_at(p, d, bi);
            for (int32_t j = 0; j < hs; j++)
                h[j] = h0 ? h0[hat + (size_t)j] : 0.0f;
            for (int32_t s = 0; s < len; s++) {
                const int32_t t = reverse ? len - 1 - s : s;
                for (int32_t j = 0; j < hs; j++)
                    acc[j] = bd ? bd[j] + bd[hs + j] : 0.0f;
                kiln_rnn_matvec_f32(wd, x + kiln_rnn_x_at(p, t, bi), hs, p->input_size, acc);
                kiln_rnn_matvec_f32(rd, h, hs, hs, acc);
                kiln_rnn_act_f32(&p->acts[d], p->has_clip ? p->clip : 0.0f, acc, hs);
                for (int32_t j = 0; j < hs; j++) {
                    h[j] = acc[j];
                    if (y)
                        y[kiln_rnn_y_at(p, t, d, bi) + (size_t)j] = h[j];
                }
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
