/* SPDX-License-Identifier: MIT */
/* Conv, int8, 1x1 in place, Helium (MVE): the portable kernel's blocks and scratch, but the
 * block is copied pixel-major (each pixel's c_in values side by side), so VMLADAVA sums 16
 * channels of one pixel per instruction. Two output channels times three pixels share their
 * loads; the input offset is folded into the bias (sum w * (x + off) = sum w * x + off *
 * sum w, exact in integers; the weight sums taken once per block); the three pixels of a
 * channel are requantized as one vector and are adjacent in the output. */
#include "kiln.h"
#include <arm_mve.h>

/* Pixels per block: 32, or 8 when the planner asks for the least scratch (as the portable
 * kernel: the planner sizes the scratch with its function). */
static int32_t block_pixels(const kiln_conv2d_params *c)
{
    const int32_t hw = c->h_in * c->w_in;
    const int32_t want = c->in_place == KILN_CONV_IN_PLACE_SMALL ? 8 : 32;
    return hw < want ? hw : want;
}

size_t kiln_conv2d_s8_1x1_in_place_scratch_size(const kiln_conv2d_s8_params *p)
{
    return (size_t)p->conv.c_in * (size_t)block_pixels(&p->conv);
}

/* kiln_requantize on four lanes, then offset and clamp. VQRDMULH rounds (a * b + 2^30) >>
 * 31, which is kiln_mul_high_s32 for either sign (see kiln_requantize_dsp); subtracting 1
 * from negative values before the rounding shift makes its ties go away from zero. */
static inline int32x4_t requant4(int32x4_t acc, int32_t m, int32_t sh, const kiln_s8_io *io)
{
    if (sh > 0)
        acc = vqshlq_r_s32(acc, sh);
    acc = vqrdmulhq_n_s32(acc, m);
    if (sh < 0) {
        const int32x4_t neg = vshrq_n_s32(acc, 31);
        acc = vrshlq_n_s32(vqaddq_s32(acc, neg), sh);
    }
    acc = vaddq_n_s32(acc, io->output_offset);
    return vminq_s32(vmaxq_s32(acc, vdupq_n_s32(io->act_min)), vdupq_n_s32(io->act_max));
}

/* Pixels [s0, s0 + tw) of every channel into blk[t * c_in + ic]. */
static void copy_block(const int8_t *xy, int32_t hw, int32_t c_in, int32_t s0, int32_t tw,
                       int8_t *blk)
{
    if ((int64_t)c_in * 7 > 0xffff) { /* the scatter's 16-bit offsets would not reach */
        for (int32_t ic = 0; ic < c_in; ic++)
            for (int32_t t = 0; t < tw; t++)
                blk[t * c_in + ic] = xy[(ptrdiff_t)ic * hw + s0 + t];
        return;
    }
    const uint16x8_t offs = vmulq_n_u16(vidupq_n_u16(0, 1), (uint16_t)c_in);
    for (int32_t ic = 0; ic < c_in; ic++) {
        const int8_t *src = xy + (ptrdiff_t)ic * hw + s0;
        for (int32_t t = 0; t < tw; t += 8) {
            const mve_pred16_t p = vctp16q((uint32_t)(tw - t));
            vstrbq_scatter_offset_p_s16(blk + t * c_in + ic, offs, vldrbq_z_s16(src + t, p), p);
        }
    }
}

/* Sum of the c_in weights of a row. */
static int32_t weight_sum(const int8_t *w, int32_t c_in)
{
    int32_t s = 0;
    for (int32_t i = 0; i < c_in; i += 16)
        s = vaddvaq_s8(s, vldrbq_z_s8(w + i, vctp8q((uint32_t)(c_in - i))));
    return s;
}

/* Dot products of weight rows wa, wb with pixels x0, x1, x2 (c_in values each): a[j], b[j].
 * Six sums keep the loop in registers (VMLADAVA accumulates into even registers only); the
 * c_in % 16 tail is one predicated step. */
static __attribute__((noinline)) void dots_2x3(const int8_t *wa, const int8_t *wb, const int8_t *x0, const int8_t *x1,
                     const int8_t *x2, int32_t c_in, int32_t a[4], int32_t b[4])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0;
    for (int32_t n = c_in >> 4; n > 0; n--) {
        const int8x16_t va = vld1q_s8(wa), vb = vld1q_s8(wb);
        int8x16_t v = vld1q_s8(x0);
        a0 = vmladavaq_s8(a0, va, v), b0 = vmladavaq_s8(b0, vb, v);
        v = vld1q_s8(x1);
        a1 = vmladavaq_s8(a1, va, v), b1 = vmladavaq_s8(b1, vb, v);
        v = vld1q_s8(x2);
        a2 = vmladavaq_s8(a2, va, v), b2 = vmladavaq_s8(b2, vb, v);
        wa += 16, wb += 16, x0 += 16, x1 += 16, x2 += 16;
    }
    if (c_in & 15) {
        const mve_pred16_t p = vctp8q((uint32_t)(c_in & 15));
        const int8x16_t va = vldrbq_z_s8(wa, p), vb = vldrbq_z_s8(wb, p);
        int8x16_t v = vldrbq_z_s8(x0, p);
        a0 = vmladavaq_s8(a0, va, v), b0 = vmladavaq_s8(b0, vb, v);
        v = vldrbq_z_s8(x1, p);
        a1 = vmladavaq_s8(a1, va, v), b1 = vmladavaq_s8(b1, vb, v);
        v = vldrbq_z_s8(x2, p);
        a2 = vmladavaq_s8(a2, va, v), b2 = vmladavaq_s8(b2, vb, v);
    }
    a[0] = a0, a[1] = a1, a[2] = a2, a[3] = 0;
    b[0] = b0, b[1] = b1, b[2] = b2, b[3] = 0;
}

/* n <= 3 adjacent outputs of channel oc from their sums and base = bias + off * sum w. */
static void store3(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q, int32_t oc,
                   int32_t base, const int32_t sums[4], int8_t *dst, int32_t n)
{
    const int32_t sh = q->shift[oc]; /* widened once: the field may become int8_t */
    const int32x4_t acc = vaddq_n_s32(vld1q_s32(sums), base);
    vstrbq_p_s32(dst, requant4(acc, q->multiplier[oc], sh, &p->io), vctp32q((uint32_t)n));
}

/* Every output channel of pixels [s0, s0 + tw), the block in blk: two channels at a time
 * over the block's pixels in threes. */
static void block_outputs(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          int8_t *xy, const int8_t *w, const int32_t *bias, const int8_t *blk,
                          int32_t s0, int32_t tw)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, c_in = c->c_in, off = p->io.input_offset;
    for (int32_t oc = 0; oc < c->c_out; oc += 2) {
        const int two = oc + 1 < c->c_out;
        const int8_t *wa = w + (ptrdiff_t)oc * c_in, *wb = two ? wa + c_in : wa;
        const int32_t base_a = (bias ? bias[oc] : 0) + off * weight_sum(wa, c_in);
        const int32_t base_b = two ? (bias ? bias[oc + 1] : 0) + off * weight_sum(wb, c_in) : 0;
        int8_t *dst = xy + (ptrdiff_t)oc * hw + s0;
        for (int32_t t = 0; t < tw; t += 3) {
            const int32_t n = tw - t < 3 ? tw - t : 3;
            const int8_t *x0 = blk + (ptrdiff_t)t * c_in; /* missing pixels repeat x0 */
            const int8_t *x1 = n > 1 ? x0 + c_in : x0, *x2 = n > 2 ? x1 + c_in : x0;
            int32_t a[4], b[4];
            dots_2x3(wa, wb, x0, x1, x2, c_in, a, b);
            store3(p, q, oc, base_a, a, dst + t, n);
            if (two)
                store3(p, q, oc + 1, base_b, b, dst + hw + t, n);
        }
    }
}

/* A block of pixels (every input channel) is copied to scratch, then their outputs are
 * written; output (oc, s) lands on input (oc, s), which belongs to the block just copied
 * or lies past the input. */
void kiln_conv2d_s8_1x1_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                                 int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *blk)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, block = block_pixels(c);
    for (int32_t s0 = 0; s0 < hw; s0 += block) {
        const int32_t tw = hw - s0 < block ? hw - s0 : block;
        copy_block(xy, hw, c->c_in, s0, tw, blk);
        block_outputs(p, q, xy, w, bias, blk, s0, tw);
    }
}
