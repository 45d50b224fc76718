/* SPDX-License-Identifier: MIT */
/* ONNX DequantizeLinear: y = (x - zp) * scale, per tensor or per axis; x u8, s8 or s32. */
#include "kiln.h"

void kiln_dequantize_linear(const kiln_qlinear_params *p, const void *x, const float *scale,
                            const void *zp, float *y)
{
    size_t i = 0;
    for (int32_t o = 0; o < p->outer; o++)
        for (int32_t a = 0; a < p->axis_len; a++) {
            const size_t c = p->per_axis ? (size_t)a : 0;
            const int32_t z = zp ? kiln_q_load(zp, c, p->type) : 0;
            for (int32_t k = 0; k < p->inner; k++, i++)
                y[i] = (float)(kiln_q_load(x, i, p->type) - z) * scale[c];
        }
}
