/* SPDX-License-Identifier: MIT */
/* Fully connected, int8, Helium (MVE): VMLADAVA multiplies and sums 16 int8 lanes of one
 * weight row and the raw input row; four output rows share each input load. The input
 * offset is folded into the bias (sum w * (x + off) = sum w * x + off * sum w, exact in
 * integers), the rows' weight sums taken in the same loop (VADDVA); the k % 16 tail is
 * predicated (VCTP). The four outputs are requantized as one vector with their own
 * multipliers and shifts; same bits as the portable kernel. */
#include "kiln.h"
#include <arm_mve.h>

/* kiln_requantize on four lanes, each with its own multiplier and shift, then offset and
 * clamp. VQRDMULH rounds (a * b + 2^30) >> 31, which is kiln_mul_high_s32 for either sign
 * (see kiln_requantize_dsp); subtracting 1 from negative values of lanes that shift right
 * makes VRSHL's ties go away from zero. */
static inline int32x4_t requant4_lanes(int32x4_t acc, int32x4_t m, int32x4_t sh,
                                       const kiln_s8_io *io)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(sh, zero);
    acc = vqshlq_s32(acc, vmaxq_s32(sh, zero));
    acc = vqrdmulhq_s32(acc, m);
    const int32x4_t neg = vandq_s32(vshrq_n_s32(acc, 31), vshrq_n_s32(right, 31));
    acc = vrshlq_s32(vqaddq_s32(acc, neg), right);
    acc = vaddq_n_s32(acc, io->output_offset);
    return vminq_s32(vmaxq_s32(acc, vdupq_n_s32(io->act_min)), vdupq_n_s32(io->act_max));
}

/* Dot products of the input row x with weight rows wa, wb in d[0], d[1], the rows' weight
 * sums in d[2], d[3]. Two rows keep the loop in registers (four spill with GCC 12); the
 * k % 16 tail is one predicated step. */
static void dots_2(const int8_t *x, const int8_t *wa, const int8_t *wb, int32_t k, int32_t d[4])
{
    int32_t a = 0, b = 0, sa = 0, sb = 0;
    for (int32_t n = k >> 4; n > 0; n--) {
        const int8x16_t v = vld1q_s8(x), va = vld1q_s8(wa), vb = vld1q_s8(wb);
        a = vmladavaq_s8(a, va, v), sa = vaddvaq_s8(sa, va);
        b = vmladavaq_s8(b, vb, v), sb = vaddvaq_s8(sb, vb);
        x += 16, wa += 16, wb += 16;
    }
    if (k & 15) {
        const mve_pred16_t p = vctp8q((uint32_t)(k & 15));
        const int8x16_t v = vldrbq_z_s8(x, p), va = vldrbq_z_s8(wa, p), vb = vldrbq_z_s8(wb, p);
        a = vmladavaq_s8(a, va, v), sa = vaddvaq_s8(sa, va);
        b = vmladavaq_s8(b, vb, v), sb = vaddvaq_s8(sb, vb);
    }
    d[0] = a, d[1] = b, d[2] = sa, d[3] = sb;
}

/* Outputs [j, j + cnt) (cnt <= 4) of input row xr into yr[j..]. */
static void outputs_4(const kiln_fully_connected_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *xr, const int8_t *w, const int32_t *bias, int32_t j,
                      int32_t cnt, int8_t *yr)
{
    const int8_t *rows[4];
    for (int32_t r = 0; r < 4; r++) /* missing rows repeat the first: stays in w */
        rows[r] = w + (ptrdiff_t)(j + (r < cnt ? r : 0)) * p->k;
    int32_t d01[4], d23[4];
    dots_2(xr, rows[0], rows[1], p->k, d01);
    dots_2(xr, rows[2], rows[3], p->k, d23);
    const int32_t sum[4] = {d01[0], d01[1], d23[0], d23[1]};
    const int32_t wsum[4] = {d01[2], d01[3], d23[2], d23[3]};
    const mve_pred16_t lanes = vctp32q((uint32_t)cnt);
    int32x4_t acc = vmlaq_n_s32(vld1q_s32(sum), vld1q_s32(wsum), p->io.input_offset);
    if (bias)
        acc = vaddq_s32(acc, vldrwq_z_s32(bias + j, lanes));
    const int32x4_t m = vldrwq_z_s32(q->multiplier + j, lanes);
    const int32x4_t sh = vldrbq_z_s32(q->shift + j, lanes);
    vstrbq_p_s32(yr + j, requant4_lanes(acc, m, sh, &p->io), lanes);
}

void kiln_fully_connected_s8(const kiln_fully_connected_s8_params *p,
                             const kiln_per_channel_quant *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y)
{
    for (int32_t i = 0; i < p->m; i++) {
        const int8_t *xr = x + (ptrdiff_t)i * p->k;
        int8_t *yr = y + (ptrdiff_t)i * p->n;
        for (int32_t j = 0; j < p->n; j += 4)
            outputs_4(p, q, xr, w, bias, j, p->n - j < 4 ? p->n - j : 4, yr);
    }
}
