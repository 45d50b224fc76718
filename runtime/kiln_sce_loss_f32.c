/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_nll_loss_f32 */
/* SoftmaxCrossEntropyLoss: NLL of log-softmax(x) over the class axis. The log-softmax is
 * the stable (x - m) - log(sum exp(x - m)) of kiln_log_softmax_f32, computed per [n][.][i]
 * vector, so no scratch is needed when log_prob is not wanted. */
#include <math.h>

#include "kiln.h"

/* log(sum exp(x - m)) and m of the vector at xv (stride inner). */
static float log_sum_exp(const float *xv, int32_t c, int32_t inner, float *m_out)
{
    float m = xv[0];
    for (int32_t j = 1; j < c; j++) {
        const float v = xv[(ptrdiff_t)j * inner];
        m = v > m ? v : m;
    }
    float s = 0.0f;
    for (int32_t j = 0; j < c; j++)
        s += expf(xv[(ptrdiff_t)j * inner] - m);
    *m_out = m;
    return logf(s);
}

int kiln_sce_loss_f32(const kiln_loss_params *p, const float *x, const int64_t *target,
                      const float *w, float *y, float *log_prob)
{
    const int32_t c = p->c, inner = p->inner;
    kiln_loss_acc acc = {0.0f, 0.0f};
    for (int32_t n = 0; n < p->n; n++) {
        for (int32_t i = 0; i < inner; i++) {
            const ptrdiff_t e = (ptrdiff_t)n * inner + i;
            const float *xv = x + (ptrdiff_t)n * c * inner + i;
            float m;
            const float lse = log_sum_exp(xv, c, inner, &m);
            if (log_prob) {
                float *lv = log_prob + (xv - x);
                for (int32_t j = 0; j < c; j++)
                    lv[(ptrdiff_t)j * inner] = (xv[(ptrdiff_t)j * inner] - m) - lse;
            }
            const int32_t cls = kiln_loss_class(p, target[e]);
            if (cls == -2)
                return -1;
            if (cls < 0) {
                kiln_loss_put(p, &acc, y, e, 0.0f, 0.0f);
                continue;
            }
            const float wt = w ? w[cls] : 1.0f;
            const float lp = (xv[(ptrdiff_t)cls * inner] - m) - lse;
            kiln_loss_put(p, &acc, y, e, -lp * wt, wt);
        }
    }
    kiln_loss_finish(p, &acc, y);
    return 0;
}
