/* SPDX-License-Identifier: MIT */
/* Add, int8, Cortex-M DSP extension. Each input's rescale to the common scale depends on
 * its int8 value alone, so for tensors long enough it is tabulated once per call (256
 * values per input, the portable kernel's arithmetic) and every element then costs one
 * requantization instead of three; that one takes the one-SMLAL right-shift path of
 * kiln_requant_right. Same bits as the portable kernel. */
#include "kiln.h"

/* Below this many elements the 512 table entries cost more than they save. */
#define ADD_TABLE_MIN 256

typedef struct {
    int32_t m, shift;
    kiln_requant_right_params right; /* for shift < 0 */
} add_quant;

static add_quant quant(int32_t m, int32_t shift)
{
    const add_quant q = {m, shift, kiln_requant_right_setup(shift)};
    return q;
}

static inline int32_t requant(int32_t v, const add_quant *q)
{
    if (__builtin_expect(q->shift >= 0, 0))
        return kiln_requantize_dsp(v, q->m, q->shift);
    return kiln_requant_right(v, q->m, &q->right);
}

/* An input value rescaled to the common scale, as the portable kernel computes it. */
static inline int32_t rescale(int32_t x, int32_t offset, int32_t left_shift, const add_quant *q)
{
    return requant((x + offset) * (1 << left_shift), q);
}

static void fill_table(int32_t *t, int32_t offset, int32_t left_shift, const add_quant *q)
{
    for (int32_t x = -128; x < 128; x++)
        t[x + 128] = rescale(x, offset, left_shift, q);
}

static inline int8_t output(int32_t sum, const add_quant *q, const kiln_binary_s8_params *p)
{
    return kiln_clamp_s8(requant(sum, q) + p->output_offset, p->act_min, p->act_max);
}

/* Both inputs have the output's shape: one flat pass (y may alias either input; element i
 * is read before it is written). */
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

/* Broadcasting: the output walked as an odometer, as the portable kernel does. */
static void add_broadcast(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b,
                          int8_t *y, ptrdiff_t total)
{
    const kiln_binary_params *g = &p->geometry;
    const add_quant qa = quant(p->a_multiplier, p->a_shift);
    const add_quant qb = quant(p->b_multiplier, p->b_shift);
    const add_quant qo = quant(p->output_multiplier, p->output_shift);
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ia = 0, ib = 0;
    for (ptrdiff_t i = 0; i < total; i++) {
        const int32_t sa = rescale(a[ia], p->a_offset, p->left_shift, &qa);
        const int32_t sb = rescale(b[ib], p->b_offset, p->left_shift, &qb);
        y[i] = output(sa + sb, &qo, p);
        kiln_broadcast_next(g, idx, &ia, &ib);
    }
}

/* Same shapes, few elements: three requantizations each. */
static void add_flat(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y,
                     ptrdiff_t total)
{
    const add_quant qa = quant(p->a_multiplier, p->a_shift);
    const add_quant qb = quant(p->b_multiplier, p->b_shift);
    const add_quant qo = quant(p->output_multiplier, p->output_shift);
    for (ptrdiff_t i = 0; i < total; i++)
        y[i] = output(rescale(a[i], p->a_offset, p->left_shift, &qa) +
                          rescale(b[i], p->b_offset, p->left_shift, &qb),
                      &qo, p);
}

/* Same shapes, many elements: both rescales looked up. */
static void add_tabled(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b,
                       int8_t *y, ptrdiff_t total)
{
    int32_t ta[256], tb[256];
    const add_quant qa = quant(p->a_multiplier, p->a_shift);
    const add_quant qb = quant(p->b_multiplier, p->b_shift);
    const add_quant qo = quant(p->output_multiplier, p->output_shift);
    fill_table(ta, p->a_offset, p->left_shift, &qa);
    fill_table(tb, p->b_offset, p->left_shift, &qb);
    for (ptrdiff_t i = 0; i < total; i++)
        y[i] = output(ta[a[i] + 128] + tb[b[i] + 128], &qo, p);
}

void kiln_add_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y)
{
    const kiln_binary_params *g = &p->geometry;
    ptrdiff_t total = 1;
    for (int32_t d = 0; d < g->rank; d++)
        total *= g->dims[d];
    if (!same_shape(g))
        add_broadcast(p, a, b, y, total);
    else if (total < ADD_TABLE_MIN)
        add_flat(p, a, b, y, total);
    else
        add_tabled(p, a, b, y, total);
}
