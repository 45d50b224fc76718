/* SPDX-License-Identifier: MIT */
/* DFT and STFT by direct summation in double: O(n^2) per transform but any length and no
 * tables (double is software on most MCUs: correct first, not fast). */
#include "kiln.h"

#include <math.h>

/* One transform: n_in points of x (stride xs elements, complex if cx), optionally
 * multiplied by w, into n_out bins of y (stride ys, re/im pairs). The angle uses
 * (k * n) mod n_fft so it stays exact for long transforms. */
typedef struct {
    const float *x;
    ptrdiff_t xs;
    int32_t cx, n_in;
    const float *w;
    int32_t n_fft, n_out, inverse;
    float *y;
    ptrdiff_t ys;
} dft_line;

static void transform(const dft_line *l)
{
    const int32_t n_use = l->n_in < l->n_fft ? l->n_in : l->n_fft;
    const double step = (l->inverse ? 2.0 : -2.0) * 3.14159265358979323846 / (double)l->n_fft;
    const double scale = l->inverse ? 1.0 / (double)l->n_fft : 1.0;
    for (int32_t k = 0; k < l->n_out; k++) {
        /* double twiddles and sums: float ones leave ~1e-5 of noise in bins that are 0 */
        double re = 0.0, im = 0.0;
        for (int32_t n = 0; n < n_use; n++) {
            const int64_t r = (int64_t)k * n % l->n_fft;
            const double c = cos(step * (double)r), s = sin(step * (double)r);
            const float *v = l->x + (ptrdiff_t)n * l->xs;
            const double g = l->w ? (double)l->w[n] : 1.0;
            const double a = (double)v[0] * g, b = l->cx ? (double)v[1] * g : 0.0;
            re += a * c - b * s;
            im += a * s + b * c;
        }
        l->y[(ptrdiff_t)k * l->ys] = (float)(re * scale);
        l->y[(ptrdiff_t)k * l->ys + 1] = (float)(im * scale);
    }
}

void kiln_dft_f32(const kiln_dft_params *p, const float *x, float *y)
{
    const int32_t c = p->complex_in ? 2 : 1;
    for (int32_t o = 0; o < p->outer; o++)
        for (int32_t i = 0; i < p->inner; i++) {
            const dft_line l = {x + (((ptrdiff_t)o * p->n_in) * p->inner + i) * c,
                                (ptrdiff_t)p->inner * c, p->complex_in, p->n_in, NULL, p->n_fft,
                                p->n_out, p->inverse,
                                y + (((ptrdiff_t)o * p->n_out) * p->inner + i) * 2,
                                (ptrdiff_t)p->inner * 2};
            transform(&l);
        }
}

void kiln_stft_f32(const kiln_stft_params *p, const float *signal, const float *window, float *y)
{
    const int32_t c = p->complex_in ? 2 : 1;
    for (int32_t b = 0; b < p->batch; b++)
        for (int32_t f = 0; f < p->frames; f++) {
            const dft_line l = {signal + ((ptrdiff_t)b * p->len + (ptrdiff_t)f * p->step) * c, c,
                                p->complex_in, p->frame_len, window, p->frame_len, p->n_out, 0,
                                y + (((ptrdiff_t)b * p->frames + f) * p->n_out) * 2, 2};
            transform(&l);
        }
}
