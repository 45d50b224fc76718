/* SPDX-License-Identifier: MIT */
/* ONNX QuantizeLinear (and the rounding/saturation every quantized op shares):
 * y = saturate(round_half_to_even(x / scale) + zp), per tensor or per axis. */
#include "kiln.h"

#include <math.h>

/* Round half to even without depending on the floating-point environment. */
static float round_half_even(float v)
{
    float r = floorf(v);
    const float diff = v - r;   /* exact: r and v are within 1 of each other */
    if (diff > 0.5f || (diff == 0.5f && fmodf(r, 2.0f) != 0.0f))
        r += 1.0f;
    return r;
}

void kiln_q_store(void *y, size_t i, float v, int32_t zp, int32_t type)
{
    const float lo = type == KILN_QT_U8 ? 0.0f : -128.0f;
    const float hi = type == KILN_QT_U8 ? 255.0f : 127.0f;
    float q = v != v ? (float)zp : round_half_even(v) + (float)zp;
    q = q < lo ? lo : q > hi ? hi : q;
    if (type == KILN_QT_U8)
        ((uint8_t *)y)[i] = (uint8_t)q;
    else
        ((int8_t *)y)[i] = (int8_t)q;
}

void kiln_quantize_linear(const kiln_qlinear_params *p, const float *x, const float *scale,
                          const void *zp, void *y)
{
    size_t i = 0;
    for (int32_t o = 0; o < p->outer; o++)
        for (int32_t a = 0; a < p->axis_len; a++) {
            const size_t c = p->per_axis ? (size_t)a : 0;
            const int32_t z = zp ? kiln_q_load(zp, c, p->type) : 0;
            for (int32_t k = 0; k < p->inner; k++, i++)
                kiln_q_store(y, i, x[i] / scale[c], z, p->type);
        }
}
