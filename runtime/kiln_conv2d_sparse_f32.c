/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_act_f32 */
/* 2-D float convolution with sparse weights (per-output-channel index lists). */
#include "kiln.h"

/* Output-stationary per channel, weight-stationary per tap: for each output channel the
 * plane is cleared, then every nonzero tap (c, kh, kw), in increasing position, adds
 * w * x over the output positions whose input is inside the image (an axpy over rows;
 * clipped with kiln_range_inside, so padding costs nothing). Each output thus sums the
 * same nonzero products in the same order as the dense kernel, then adds the bias and
 * applies the activation. A 1x1, stride-1, unpadded conv is one contiguous axpy per tap. */

/* y[oh][ow] += wv * x[oh * sh + bh][ow * sw + bw] over the positions inside the input. */
static void tap_axpy(const kiln_conv2d_params *p, const float *restrict xc, float wv,
                     int32_t bh, int32_t bw, float *restrict yo)
{
    int32_t oh0, oh1, ow0, ow1;
    kiln_range_inside(bh, p->stride_h, p->h_in, p->h_out, &oh0, &oh1);
    kiln_range_inside(bw, p->stride_w, p->w_in, p->w_out, &ow0, &ow1);
    const int32_t sw = p->stride_w;
    for (int32_t oh = oh0; oh < oh1; oh++) {
        const float *xr = xc + (ptrdiff_t)(oh * p->stride_h + bh) * p->w_in + bw;
        float *yr = yo + (ptrdiff_t)oh * p->w_out;
        if (sw == 1) {
            for (int32_t ow = ow0; ow < ow1; ow++)
                yr[ow] += wv * xr[ow];
        } else {
            for (int32_t ow = ow0; ow < ow1; ow++)
                yr[ow] += wv * xr[(ptrdiff_t)ow * sw];
        }
    }
}

static int contiguous_1x1(const kiln_conv2d_params *p)
{
    return p->k_h == 1 && p->k_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
           p->pad_top == 0 && p->pad_left == 0 && p->h_out == p->h_in && p->w_out == p->w_in;
}

void kiln_conv2d_sparse_f32(const kiln_conv2d_params *p, const float *x,
                            const kiln_sparse_f32 *w, const float *b, float *y)
{
    const int32_t hw_in = p->h_in * p->w_in, hw_out = p->h_out * p->w_out;
    const int32_t kk = p->k_h * p->k_w;
    const int32_t cin_g = p->c_in / p->group, cout_g = p->c_out / p->group;
    const int pointwise = contiguous_1x1(p);
    for (int32_t n = 0; n < p->n; n++) {
        const uint16_t *idx = w->idx;
        const float *val = w->val;
        for (int32_t o = 0; o < p->c_out; o++) {
            float *restrict yo = y + ((ptrdiff_t)n * p->c_out + o) * hw_out;
            const float *xg = x + ((ptrdiff_t)n * p->c_in + (ptrdiff_t)(o / cout_g) * cin_g) * hw_in;
            for (int32_t i = 0; i < hw_out; i++)
                yo[i] = 0.0f;
            const int32_t cnt = w->count[o];
            for (int32_t t = 0; t < cnt; t++) {
                const int32_t u = idx[t], c = u / kk, r = u % kk;
                const float wv = val[t];
                const float *restrict xc = xg + (ptrdiff_t)c * hw_in;
                if (pointwise) {
                    for (int32_t i = 0; i < hw_out; i++)
                        yo[i] += wv * xc[i];
                } else {
                    tap_axpy(p, xc, wv, (r / p->k_w) * p->dil_h - p->pad_top,
                             (r % p->k_w) * p->dil_w - p->pad_left, yo);
                }
            }
            idx += cnt;
            val += cnt;
            if (b) {
                const float bo = b[o];
                for (int32_t i = 0; i < hw_out; i++)
                    yo[i] = yo[i] + bo;
            }
            kiln_act_f32(&p->act, yo, (size_t)hw_out);
        }
    }
}
