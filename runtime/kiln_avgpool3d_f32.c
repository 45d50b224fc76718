/* SPDX-License-Identifier: MIT */
/* ONNX AveragePool, 3-D NCDHW, with pads, count_include_pad and ceil-mode overhang. */
#include "kiln.h"

/* As kiln_avgpool2d_f32: the sum runs over the cells inside the input; the divisor counts
 * those, or with count_include_pad the cells inside the explicitly padded input (never a
 * ceil_mode overhang). */
static int32_t clipped_len(int32_t start, int32_t k, int32_t lo, int32_t hi)
{
    int32_t a = start < lo ? lo : start;
    int32_t b = start + k > hi ? hi : start + k;
    return b > a ? b - a : 0;
}

/* Cells of the window starting at s on axis a that the divisor counts; [*lo, *hi) gets the
 * kernel offsets inside the input. */
static int32_t axis_window(const kiln_pool3d_params *p, int a, int32_t s, int32_t *lo,
                           int32_t *hi)
{
    kiln_range_inside(s, 1, p->in[a], p->k[a], lo, hi);
    return p->count_include_pad ? clipped_len(s, p->k[a], -p->pad[a], p->in[a] + p->pad_end[a])
                                : *hi - *lo;
}

void kiln_avgpool3d_f32(const kiln_pool3d_params *p, const float *x, float *y)
{
    const int32_t h_in = p->in[1], w_in = p->in[2];
    const ptrdiff_t plane_in = (ptrdiff_t)p->in[0] * h_in * w_in;
    const ptrdiff_t plane_out = (ptrdiff_t)p->out[0] * p->out[1] * p->out[2];
    for (int32_t nc = 0; nc < p->n * p->c; nc++) {
        const float *xc = x + nc * plane_in;
        float *yc = y + nc * plane_out;
        for (int32_t od = 0; od < p->out[0]; od++) {
            const int32_t id0 = od * p->stride[0] - p->pad[0];
            int32_t kd_lo, kd_hi;
            const int32_t deep = axis_window(p, 0, id0, &kd_lo, &kd_hi);
            for (int32_t oh = 0; oh < p->out[1]; oh++) {
                const int32_t ih0 = oh * p->stride[1] - p->pad[1];
                int32_t kh_lo, kh_hi;
                const int32_t rows = axis_window(p, 1, ih0, &kh_lo, &kh_hi);
                for (int32_t ow = 0; ow < p->out[2]; ow++) {
                    const int32_t iw0 = ow * p->stride[2] - p->pad[2];
                    int32_t kw_lo, kw_hi;
                    const int32_t cols = axis_window(p, 2, iw0, &kw_lo, &kw_hi);
                    float s = 0.0f;
                    for (int32_t kd = kd_lo; kd < kd_hi; kd++)
                        for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
                            const float *xr =
                                xc + ((ptrdiff_t)(id0 + kd) * h_in + ih0 + kh) * w_in + iw0;
                            for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                                s += xr[kw];
                        }
                    /* in double: kernels of 2048^3 (pads < kernel) overflow int32 */
                    const double count = (double)deep * (double)rows * (double)cols;
                    *yc++ = count > 0 ? s / (float)count : 0.0f;
                }
            }
        }
    }
}
