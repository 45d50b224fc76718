/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_s8_gemm_dsp */
/* Conv, int8, any geometry, Cortex-M DSP extension: the windows of two output pixels are
 * gathered (im2col, int16, padding as 0) and multiplied by every output channel of their
 * group at once (kiln_s8_gemm_dsp). Same bits as the portable kernel: integer sums in any
 * order are equal, and a padded cell adds 0 there too. */
#include "kiln.h"
#include <string.h>

/* Window of output pixel (oh, ow) in weight order (ic, kh, kw), x + input_offset as int16,
 * padding as 0; rows wholly inside the input take the short loop. */
static void gather(const kiln_conv2d_s8_params *p, const int8_t *xg, int32_t oh, int32_t ow,
                   int16_t *d)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, ih0 = oh * c->stride_h - c->pad_top;
    const int32_t iw0 = ow * c->stride_w - c->pad_left, off = p->io.input_offset;
    const int32_t kw_n = c->k_w, dw = c->dil_w;
    const int row_inside = iw0 >= 0 && iw0 + (kw_n - 1) * dw < c->w_in;
    for (int32_t ic = 0; ic < cin_g; ic++) {
        const int8_t *xc = xg + (ptrdiff_t)ic * c->h_in * c->w_in;
        for (int32_t kh = 0; kh < c->k_h; kh++, d += kw_n) {
            const int32_t ih = ih0 + kh * c->dil_h;
            if (ih < 0 || ih >= c->h_in) {
                memset(d, 0, (size_t)kw_n * sizeof *d);
                continue;
            }
            const int8_t *xr = xc + (ptrdiff_t)ih * c->w_in;
            if (row_inside) {
                for (int32_t kw = 0; kw < kw_n; kw++)
                    d[kw] = (int16_t)(xr[iw0 + kw * dw] + off);
                continue;
            }
            for (int32_t kw = 0; kw < kw_n; kw++) {
                const int32_t iw = iw0 + kw * dw;
                d[kw] = iw >= 0 && iw < c->w_in ? (int16_t)(xr[iw] + off) : 0;
            }
        }
    }
}

/* A gathered window into column j of the kiln_s8_gemm_dsp layout. */
static void arrange(const int16_t *nat, int16_t *cols, int32_t j, int32_t k)
{
    const int32_t k4 = k & ~3;
    int16_t *g = cols + 4 * j;
    for (int32_t i = 0; i < k4; i += 4, g += 8) {
        g[0] = nat[i], g[1] = nat[i + 2], g[2] = nat[i + 1], g[3] = nat[i + 3];
    }
    memcpy(cols + 2 * k4 + j * (k - k4), nat + k4, (size_t)(k - k4) * sizeof *nat);
}

/* Output channel oc at one pixel, for windows too long for the column buffer. */
static int8_t plain(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *xg, const int8_t *w, const int32_t *bias, int32_t oc,
                    int32_t oh, int32_t ow)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, kk = c->k_h * c->k_w;
    const int32_t ih0 = oh * c->stride_h - c->pad_top, iw0 = ow * c->stride_w - c->pad_left;
    int32_t acc = bias ? bias[oc] : 0;
    for (int32_t ic = 0; ic < cin_g; ic++)
        for (int32_t kh = 0; kh < c->k_h; kh++)
            for (int32_t kw = 0; kw < c->k_w; kw++) {
                const int32_t ih = ih0 + kh * c->dil_h, iw = iw0 + kw * c->dil_w;
                if (ih >= 0 && ih < c->h_in && iw >= 0 && iw < c->w_in)
                    acc += w[((ptrdiff_t)oc * cin_g + ic) * kk + kh * c->k_w + kw] *
                           (xg[((ptrdiff_t)ic * c->h_in + ih) * c->w_in + iw] +
                            p->io.input_offset);
            }
    acc = kiln_requantize(acc, q->multiplier[oc], q->shift[oc]);
    return kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
}

void kiln_conv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t cin_g = c->c_in / c->group, cout_g = c->c_out / c->group;
    const int32_t k = cin_g * c->k_h * c->k_w, hw_out = c->h_out * c->w_out;
    int16_t cols[2 * KILN_S8_COL_MAX] __attribute__((aligned(8))); /* LDRD needs words */
    int16_t nat[KILN_S8_COL_MAX];
    for (int32_t n = 0; n < c->n; n++) {
        for (int32_t g = 0; g < c->group; g++) {
            const int8_t *xg = x + ((ptrdiff_t)n * c->c_in + g * cin_g) * c->h_in * c->w_in;
            const int32_t oc0 = g * cout_g;
            int8_t *yg = y + ((ptrdiff_t)n * c->c_out + oc0) * hw_out;
            for (int32_t s = 0; s < hw_out; s += 2) {
                const int32_t n_cols = hw_out - s > 1 ? 2 : 1;
                if (k > KILN_S8_COL_MAX) {
                    for (int32_t j = 0; j < n_cols; j++)
                        for (int32_t oc = oc0; oc < oc0 + cout_g; oc++)
                            yg[(ptrdiff_t)(oc - oc0) * hw_out + s + j] =
                                plain(p, q, xg, w, bias, oc, (s + j) / c->w_out,
                                      (s + j) % c->w_out);
                    continue;
                }
                for (int32_t j = 0; j < n_cols; j++) {
                    gather(p, xg, (s + j) / c->w_out, (s + j) % c->w_out, nat);
                    arrange(nat, cols, j, k);
                }
                kiln_s8_gemm_dsp(w + (ptrdiff_t)oc0 * k, cout_g, k, cols, n_cols,
                                 bias ? bias + oc0 : NULL, q->multiplier + oc0, q->shift + oc0,
                                 &p->io, yg + s, hw_out, 1);
            }
        }
    }
}
