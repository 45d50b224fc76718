/* SPDX-License-Identifier: MIT */
/* Helium (MVE) build of the int8 matrix core the DSP variants call (same name, signature and
 * column layout, see kiln_s8_gemm_dsp in kiln.h): VMLADAVA multiplies and sums eight int16
 * lanes per instruction. Gather loads put the weights in the columns' (0, 2, 1, 3) order and
 * pick eight column values from two groups of four. */
#include "kiln.h"
#include <arm_mve.h>

static inline int8_t finish(int32_t acc, int32_t multiplier, int32_t shift, const kiln_s8_io *io)
{
    acc = kiln_requantize_dsp(acc, multiplier, shift);
    return kiln_clamp_s8(acc + io->output_offset, io->act_min, io->act_max);
}

static const uint16_t w_order[8] = {0, 2, 1, 3, 4, 6, 5, 7};
static const uint16_t c_order[8] = {0, 1, 2, 3, 8, 9, 10, 11};

/* The last group of four when k4 is not a multiple of eight. */
static int32_t group4(const int8_t *w, const int16_t *c)
{
    return w[0] * c[0] + w[2] * c[1] + w[1] * c[2] + w[3] * c[3];
}

/* Two output channels times two columns: four VMLADAVA (32 MACs) per eight values. */
static void block_2x2(const int8_t *wa, const int8_t *wb, int32_t k4, const int16_t *cols,
                      int32_t acc[4])
{
    const uint16x8_t wo = vld1q_u16(w_order), co = vld1q_u16(c_order);
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    const int32_t k8 = k4 & ~7;
    for (int32_t i = 0; i < k8; i += 8) {
        const int16x8_t x0 = vldrhq_gather_shifted_offset_s16(cols + 2 * i, co);
        const int16x8_t x1 = vldrhq_gather_shifted_offset_s16(cols + 2 * i + 4, co);
        const int16x8_t va = vldrbq_gather_offset_s16(wa + i, wo);
        const int16x8_t vb = vldrbq_gather_offset_s16(wb + i, wo);
        a00 = vmladavaq_s16(a00, va, x0);
        a01 = vmladavaq_s16(a01, va, x1);
        a10 = vmladavaq_s16(a10, vb, x0);
        a11 = vmladavaq_s16(a11, vb, x1);
    }
    if (k8 < k4) {
        const int16_t *c = cols + 2 * k8;
        a00 += group4(wa + k8, c), a01 += group4(wa + k8, c + 4);
        a10 += group4(wb + k8, c), a11 += group4(wb + k8, c + 4);
    }
    acc[0] = a00, acc[1] = a01, acc[2] = a10, acc[3] = a11;
}

/* One output channel, column j. */
static int32_t dot_1(const int8_t *w, int32_t k4, const int16_t *cols, int32_t j, int32_t acc)
{
    const uint16x8_t wo = vld1q_u16(w_order), co = vld1q_u16(c_order);
    const int32_t k8 = k4 & ~7;
    for (int32_t i = 0; i < k8; i += 8)
        acc = vmladavaq_s16(acc, vldrbq_gather_offset_s16(w + i, wo),
                            vldrhq_gather_shifted_offset_s16(cols + 2 * i + 4 * j, co));
    if (k8 < k4)
        acc += group4(w + k8, cols + 2 * k8 + 4 * j);
    return acc;
}

void kiln_s8_gemm_dsp(const int8_t *w, int32_t n_oc, int32_t k, const int16_t *cols,
                      int32_t n_cols, const int32_t *bias, const int32_t *multiplier,
                      const int8_t *shift, const kiln_s8_io *io, int8_t *y, ptrdiff_t oc_stride,
                      ptrdiff_t col_stride)
{
    const int32_t k4 = k & ~3;
    int32_t oc = 0;
    if (n_cols == 2) {
        const int16_t *t0 = cols + 2 * k4, *t1 = t0 + (k - k4);
        for (; oc + 1 < n_oc; oc += 2) {
            const int8_t *wa = w + (ptrdiff_t)oc * k, *wb = wa + k;
            const int32_t b0 = bias ? bias[oc] : 0, b1 = bias ? bias[oc + 1] : 0;
            int32_t acc[4] = {b0, b0, b1, b1};
            block_2x2(wa, wb, k4, cols, acc);
            for (int32_t i = k4; i < k; i++) {
                acc[0] += wa[i] * t0[i - k4];
                acc[1] += wa[i] * t1[i - k4];
                acc[2] += wb[i] * t0[i - k4];
                acc[3] += wb[i] * t1[i - k4];
            }
            int8_t *ya = y + (ptrdiff_t)oc * oc_stride, *yb = ya + oc_stride;
            ya[0] = finish(acc[0], multiplier[oc], shift[oc], io);
            ya[col_stride] = finish(acc[1], multiplier[oc], shift[oc], io);
            yb[0] = finish(acc[2], multiplier[oc + 1], shift[oc + 1], io);
            yb[col_stride] = finish(acc[3], multiplier[oc + 1], shift[oc + 1], io);
        }
    }
    for (; oc < n_oc; oc++) {
        const int8_t *wo = w + (ptrdiff_t)oc * k;
        const int32_t b = bias ? bias[oc] : 0;
        for (int32_t j = 0; j < n_cols; j++) {
            int32_t a = dot_1(wo, k4, cols, j, b);
            const int16_t *tail = cols + 2 * k4 + j * (k - k4);
            for (int32_t i = k4; i < k; i++)
                a += wo[i] * tail[i - k4];
            y[(ptrdiff_t)oc * oc_stride + j * col_stride] = finish(a, multiplier[oc], shift[oc], io);
        }
    }
}
