/* SPDX-License-Identifier: MIT */
/* Conv, int8, 1x1 in place, Helium (MVE): the portable kernel's blocks and scratch, but the
 * block is copied pixel-major (each pixel's c_in values side by side), so VMLADAVA sums 16
 * channels of one pixel per instruction. Two output channels times three pixels share their
 * loads; the input offset is folded into the bias (sum w * (x + off) = sum w * x + off *
 * sum w, exact in integers; the weight sums once per call up to 256 channels); a channel's
 * sums over the block are requantized together, four lanes at a time (same bits as
 * kiln_requantize), and are adjacent in the output. */
#include "kiln.h"
#include <arm_mve.h>

#define MAX_BLOCK 32 /* pixels per block */
#define OC_MAX 256 /* output channels whose bias + off * sum w are kept for the whole call */

/* Pixels per block: 32, or 8 when the planner asks for the least scratch (as the portable
 * kernel: the planner sizes the scratch with its function). */
static int32_t block_pixels(const kiln_conv2d_params *c)
{
    const int32_t hw = c->h_in * c->w_in;
    const int32_t want = c->in_place == KILN_CONV_IN_PLACE_SMALL ? 8 : MAX_BLOCK;
    return hw < want ? hw : want;
}

size_t kiln_conv2d_s8_1x1_in_place_scratch_size(const kiln_conv2d_s8_params *p)
{
    return (size_t)p->conv.c_in * (size_t)block_pixels(&p->conv);
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
 * Six sums and five pointers fill the registers (VMLADAVA accumulates into even registers
 * only); not inlined, or the caller's values spill inside the loop. The c_in % 16 tail is
 * one predicated step. */
static __attribute__((noinline)) void dots_2x3(const int8_t *wa, const int8_t *wb,
                                               const int8_t *x0, const int8_t *x1,
                                               const int8_t *x2, int32_t c_in, int32_t a[3],
                                               int32_t b[3])
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
    a[0] = a0, a[1] = a1, a[2] = a2;
    b[0] = b0, b[1] = b1, b[2] = b2;
}

/* The n sums of channel oc requantized (base = bias + off * sum w added) into dst[0, n):
 * the shifts' vectors are set once, so the loop has no branch (a left shift of 0 and a
 * right shift of 0 change nothing, the rounding correction is masked off unless the shift
 * is right). */
static void requant_row(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        int32_t oc, int32_t base, const int32_t *sums, int8_t *dst, int32_t n)
{
    const int32_t sh = q->shift[oc], m = q->multiplier[oc];
    const int32x4_t left = vdupq_n_s32(sh > 0 ? sh : 0), right = vdupq_n_s32(sh < 0 ? sh : 0);
    const int32x4_t round = vdupq_n_s32(sh < 0 ? -1 : 0);
    const int32x4_t lo = vdupq_n_s32(p->io.act_min), hi = vdupq_n_s32(p->io.act_max);
    const int32_t off = p->io.output_offset;
    for (int32_t t = 0; t < n; t += 4) { /* sums has room for the whole last vector */
        int32x4_t a = vqrdmulhq_n_s32(vqshlq_s32(vaddq_n_s32(vld1q_s32(sums + t), base), left), m);
        a = vrshlq_s32(vqaddq_s32(a, vandq_s32(vshrq_n_s32(a, 31), round)), right);
        a = vminq_s32(vmaxq_s32(vaddq_n_s32(a, off), lo), hi);
        if (t + 4 <= n)
            vstrbq_s32(dst + t, a);
        else
            vstrbq_p_s32(dst + t, a, vctp32q((uint32_t)(n - t)));
    }
}

/* bias + off * sum w of channel oc. */
static int32_t channel_base(const kiln_conv2d_s8_params *p, const int8_t *w, const int32_t *bias,
                            int32_t oc)
{
    const int32_t c_in = p->conv.c_in;
    return (bias ? bias[oc] : 0) + p->io.input_offset * weight_sum(w + (ptrdiff_t)oc * c_in, c_in);
}

/* Every output channel of pixels [s0, s0 + tw), the block in blk: two channels at a time
 * over the block's pixels in threes. base holds every channel's bias + off * sum w, or is
 * NULL (too many channels for the caller's buffer): then they are computed here. */
static void block_outputs(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                          int8_t *xy, const int8_t *w, const int32_t *bias, const int32_t *base,
                          const int8_t *blk, int32_t s0, int32_t tw)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw = c->h_in * c->w_in, c_in = c->c_in;
    for (int32_t oc = 0; oc < c->c_out; oc += 2) {
        const int two = oc + 1 < c->c_out;
        const int8_t *wa = w + (ptrdiff_t)oc * c_in, *wb = two ? wa + c_in : wa;
        const int32_t base_a = base ? base[oc] : channel_base(p, w, bias, oc);
        const int32_t base_b = !two ? 0 : base ? base[oc + 1] : channel_base(p, w, bias, oc + 1);
        int8_t *dst = xy + (ptrdiff_t)oc * hw + s0;
        int32_t sa[MAX_BLOCK + 4], sb[MAX_BLOCK + 4]; /* whole last vector; lanes past tw unused */
        for (int32_t t = 0; t < tw; t += 3) {
            const int32_t n = tw - t < 3 ? tw - t : 3;
            const int8_t *x0 = blk + (ptrdiff_t)t * c_in; /* missing pixels repeat x0 */
            const int8_t *x1 = n > 1 ? x0 + c_in : x0, *x2 = n > 2 ? x1 + c_in : x0;
            dots_2x3(wa, wb, x0, x1, x2, c_in, sa + t, sb + t);
        }
        requant_row(p, q, oc, base_a, sa, dst, tw);
        if (two)
            requant_row(p, q, oc + 1, base_b, sb, dst + hw, tw);
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
    int32_t base_buf[OC_MAX];
    const int32_t *base = c->c_out <= OC_MAX ? base_buf : 0;
    for (int32_t oc = 0; base && oc < c->c_out; oc++)
        base_buf[oc] = channel_base(p, w, bias, oc);
    for (int32_t s0 = 0; s0 < hw; s0 += block) {
        const int32_t tw = hw - s0 < block ? hw - s0 : block;
        copy_block(xy, hw, c->c_in, s0, tw, blk);
        block_outputs(p, q, xy, w, bias, base, blk, s0, tw);
    }
}
