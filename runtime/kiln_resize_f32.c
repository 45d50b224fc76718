/* SPDX-License-Identifier: MIT */
/* Resize from precomputed per-axis taps: an odometer over the output, and for each
 * element a second odometer over the tap combinations (at most 4^rank, 4 for cubic). */
#include "kiln.h"

void kiln_resize_f32(const kiln_resize_params *p, const float *x, float *y)
{
    const int32_t r = p->rank;
    int32_t base[KILN_MAX_RANK], out_base[KILN_MAX_RANK];   /* table starts per axis */
    ptrdiff_t in_stride[KILN_MAX_RANK];
    int32_t tb = 0, ob = 0;
    ptrdiff_t s = 1;
    for (int32_t a = r - 1; a >= 0; a--) {
        in_stride[a] = s;
        s *= p->in_dims[a];
    }
    for (int32_t a = 0; a < r; a++) {
        base[a] = tb;
        out_base[a] = ob;
        tb += p->out_dims[a] * p->taps[a];
        ob += p->out_dims[a];
    }
    int32_t o[KILN_MAX_RANK] = {0};
    ptrdiff_t n = 1;
    for (int32_t a = 0; a < r; a++)
        n *= p->out_dims[a];
    for (ptrdiff_t e = 0; e < n; e++) {
        int outside = 0;
        for (int32_t a = 0; p->outside && a < r; a++)
            outside |= p->outside[out_base[a] + o[a]];
        float acc = 0.0f;
        if (outside) {
            acc = p->extrapolation;
        } else {
            int32_t t[KILN_MAX_RANK] = {0};
            for (;;) {
                float w = 1.0f;
                ptrdiff_t off = 0;
                for (int32_t a = 0; a < r; a++) {
                    const int32_t k = base[a] + o[a] * p->taps[a] + t[a];
                    w *= p->weight[k];
                    off += (ptrdiff_t)p->index[k] * in_stride[a];
                }
                acc += w * x[off];
                int32_t a = r - 1;
                for (; a >= 0; a--) {
                    if (++t[a] < p->taps[a])
                        break;
                    t[a] = 0;
                }
                if (a < 0)
                    break;
            }
        }
        y[e] = acc;
        for (int32_t a = r - 1; a >= 0; a--) {
            if (++o[a] < p->out_dims[a])
                break;
            o[a] = 0;
        }
    }
}
