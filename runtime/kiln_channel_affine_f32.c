/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_act_f32 */
/* Per-channel affine map (an unfolded BatchNormalization): y = act(x * scale[c] + shift[c]). */
#include "kiln.h"

/* One contiguous run of `inner` elements per (n, c), the channel's scale and shift held
 * in registers. y may alias x. */
void kiln_channel_affine_f32(const kiln_channel_affine_params *p, const float *x,
                             const float *scale, const float *shift, float *y)
{
    const int32_t inner = p->inner;
    for (int32_t n = 0; n < p->n; n++) {
        for (int32_t c = 0; c < p->c; c++) {
            const ptrdiff_t off = ((ptrdiff_t)n * p->c + c) * inner;
            const float *xr = x + off;
            float *yr = y + off;
            const float s = scale[c], t = shift[c];
            for (int32_t i = 0; i < inner; i++)
                yr[i] = xr[i] * s + t;
            kiln_act_f32(&p->act, yr, (size_t)inner);
        }
    }
}
