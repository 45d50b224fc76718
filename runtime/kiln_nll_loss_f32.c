/* SPDX-License-Identifier: MIT */
/* NegativeLogLikelihoodLoss: loss = -x[n][t][i] * w[t] per target t = target[n][i], then
 * none/sum/mean. A target out of range stops the kernel before x is read there. */
#include "kiln.h"

int32_t kiln_loss_class(const kiln_loss_params *p, int64_t t)
{
    if (p->has_ignore && t == p->ignore_index)
        return -1;
    return t >= 0 && t < p->c ? (int32_t)t : -2;
}

void kiln_loss_put(const kiln_loss_params *p, kiln_loss_acc *acc, float *y, ptrdiff_t e,
                   float loss, float weight)
{
    if (p->reduction == KILN_LOSS_NONE) {
        y[e] = loss;
        return;
    }
    acc->sum += loss;
    acc->weight += weight;
}

void kiln_loss_finish(const kiln_loss_params *p, const kiln_loss_acc *acc, float *y)
{
    /* mean over targets that are all ignored is 0 / 0 = NaN, as in the ONNX reference */
    if (p->reduction == KILN_LOSS_SUM)
        y[0] = acc->sum;
    else if (p->reduction == KILN_LOSS_MEAN)
        y[0] = acc->sum / acc->weight;
}

int kiln_nll_loss_f32(const kiln_loss_params *p, const float *x, const int64_t *target,
                      const float *w, float *y)
{
    const int32_t c = p->c, inner = p->inner;
    kiln_loss_acc acc = {0.0f, 0.0f};
    for (int32_t n = 0; n < p->n; n++) {
        for (int32_t i = 0; i < inner; i++) {
            const ptrdiff_t e = (ptrdiff_t)n * inner + i;
            const int32_t cls = kiln_loss_class(p, target[e]);
            if (cls == -2)
                return -1;
            if (cls < 0) {
                kiln_loss_put(p, &acc, y, e, 0.0f, 0.0f);
                continue;
            }
            const float wt = w ? w[cls] : 1.0f;
            const float v = x[((ptrdiff_t)n * c + cls) * inner + i];
            kiln_loss_put(p, &acc, y, e, -v * wt, wt);
        }
    }
    kiln_loss_finish(p, &acc, y);
    return 0;
}
