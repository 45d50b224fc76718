/* SPDX-License-Identifier: MIT */
/* Add, int8, Helium (MVE). Inputs of the output's shape: each input's rescale to the common
 * scale depends on its int8 value alone, so both are tabulated once per call (2 x 256
 * entries, four lanes at a time with the portable arithmetic); then four elements per step:
 * widening loads, two gather loads from the tables, the sum requantized as one vector.
 * Broadcasting and short tensors: the portable walk. Same bits as the portable kernel. */
#include "kiln.h"
#include <arm_mve.h>

/* Below this many elements the two tables cost more than they save. */
#define ADD_TABLE_MIN 64

/* kiln_requantize's (multiplier, shift) as vectors set once: a left shift of 0 and a right
 * shift of 0 change nothing, and the rounding correction is masked off unless the shift is
 * right, so applying it needs no branch. */
typedef struct {
    int32x4_t left, right, round;
    int32_t m;
} requant_vec;

static requant_vec requant_setup(int32_t m, int32_t sh)
{
    const requant_vec q = {vdupq_n_s32(sh > 0 ? sh : 0), vdupq_n_s32(sh < 0 ? sh : 0),
                           vdupq_n_s32(sh < 0 ? -1 : 0), m};
    return q;
}

/* kiln_requantize on four lanes. VQRDMULH rounds (a * b + 2^30) >> 31, which is
 * kiln_mul_high_s32 for either sign (see kiln_requantize_dsp); subtracting 1 from negative
 * values before VRSHL makes its ties go away from zero. */
static inline int32x4_t requant_apply(int32x4_t v, const requant_vec *q)
{
    v = vqrdmulhq_n_s32(vqshlq_s32(v, q->left), q->m);
    return vrshlq_s32(vqaddq_s32(v, vandq_s32(vshrq_n_s32(v, 31), q->round)), q->right);
}

/* t[x + 128] = the input value x rescaled to the common scale, for every int8 x. */
static void fill_table(int32_t *t, int32_t offset, int32_t left_shift, int32_t m, int32_t sh)
{
    const requant_vec q = requant_setup(m, sh);
    const int32x4_t lanes = vreinterpretq_s32_u32(vidupq_n_u32(0, 1));
    for (int32_t x = -128; x < 128; x += 4) {
        const int32x4_t v = vmulq_n_s32(vaddq_n_s32(lanes, x + offset), 1 << left_shift);
        vst1q_s32(t + x + 128, requant_apply(v, &q));
    }
}

/* Four elements (the lanes of p) from a, b into y. */
static inline void add4(const int32_t *ta, const int32_t *tb, const int8_t *a, const int8_t *b,
                        const requant_vec *qo, const kiln_binary_s8_params *p, int8_t *y,
                        mve_pred16_t lanes)
{
    const uint32x4_t ia = vreinterpretq_u32_s32(vaddq_n_s32(vldrbq_z_s32(a, lanes), 128));
    const uint32x4_t ib = vreinterpretq_u32_s32(vaddq_n_s32(vldrbq_z_s32(b, lanes), 128));
    const int32x4_t sum = vaddq_s32(vldrwq_gather_shifted_offset_z_s32(ta, ia, lanes),
                                    vldrwq_gather_shifted_offset_z_s32(tb, ib, lanes));
    int32x4_t o = vaddq_n_s32(requant_apply(sum, qo), p->output_offset);
    o = vminq_s32(vmaxq_s32(o, vdupq_n_s32(p->act_min)), vdupq_n_s32(p->act_max));
    vstrbq_p_s32(y, o, lanes);
}

/* Same shapes, many elements: both rescales looked up (y may alias either input: elements
 * are read before they are written). */
static void add_tabled(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b,
                       int8_t *y, ptrdiff_t total)
{
    int32_t ta[256], tb[256];
    fill_table(ta, p->a_offset, p->left_shift, p->a_multiplier, p->a_shift);
    fill_table(tb, p->b_offset, p->left_shift, p->b_multiplier, p->b_shift);
    const requant_vec qo = requant_setup(p->output_multiplier, p->output_shift);
    const mve_pred16_t all = vctp32q(4);
    ptrdiff_t i = 0;
    for (; i + 4 <= total; i += 4)
        add4(ta, tb, a + i, b + i, &qo, p, y + i, all);
    if (i < total)
        add4(ta, tb, a + i, b + i, &qo, p, y + i, vctp32q((uint32_t)(total - i)));
}

/* Both inputs have the output's shape. */
static int same_shape(const kiln_binary_params *g)
{
    int32_t stride = 1;
    for (int32_t d = g->rank - 1; d >= 0; d--) {
        if (g->dims[d] > 1 && (g->a_strides[d] != stride || g->b_strides[d] != stride))
            return 0;
        stride *= g->dims[d];
    }
    return 1;
}

/* The portable kernel's walk: broadcasting, or too few elements for the tables. */
static void add_walk(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y,
                     ptrdiff_t total)
{
    const kiln_binary_params *g = &p->geometry;
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ia = 0, ib = 0;
    for (ptrdiff_t i = 0; i < total; i++) {
        const int32_t va = (a[ia] + p->a_offset) * (1 << p->left_shift);
        const int32_t vb = (b[ib] + p->b_offset) * (1 << p->left_shift);
        const int32_t sa = kiln_requantize(va, p->a_multiplier, p->a_shift);
        const int32_t sb = kiln_requantize(vb, p->b_multiplier, p->b_shift);
        const int32_t out = kiln_requantize(sa + sb, p->output_multiplier, p->output_shift);
        y[i] = kiln_clamp_s8(out + p->output_offset, p->act_min, p->act_max);
        kiln_broadcast_next(g, idx, &ia, &ib);
    }
}

void kiln_add_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const kiln_binary_params *g = &p->geometry;
    ptrdiff_t total = 1;
    for (int32_t d = 0; d < g->rank; d++)
        total *= g->dims[d];
    if (same_shape(g) && total >= ADD_TABLE_MIN)
        add_tabled(p, a, b, y, total);
    else
        add_walk(p, a, b, y, total);
}
