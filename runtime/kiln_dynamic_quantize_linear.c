/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_quantize_linear */
/* ONNX DynamicQuantizeLinear (u8): the range [min(x, 0), max(x, 0)] maps onto [0, 255]. */
#include "kiln.h"

void kiln_dynamic_quantize_linear(int32_t n, const float *x, uint8_t *y, float *y_scale,
                                  uint8_t *y_zp)
{
    float lo = 0.0f, hi = 0.0f;
    for (int32_t i = 0; i < n; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    /* an all-zero input gives scale 1 (as ONNX Runtime), so no division by zero */
    const float scale = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    uint8_t zp;
    kiln_q_store(&zp, 0, 0.0f - lo / scale, 0, KILN_QT_U8);
    for (int32_t i = 0; i < n; i++)
        kiln_q_store(y, (size_t)i, x[i] / scale, zp, KILN_QT_U8);
    if (y_scale)
        *y_scale = scale;
    if (y_zp)
        *y_zp = zp;
}
