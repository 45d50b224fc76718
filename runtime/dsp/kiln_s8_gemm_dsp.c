/* SPDX-License-Identifier: MIT */
/* Cortex-M DSP extension: the int8 matrix core of the Conv and Gemm variants. SMLAD does two
 * 16-bit multiply-accumulates in one instruction; SXTB16 widens weights two at a time. */
#include "kiln.h"
#include <arm_acle.h>
#include <string.h>

static inline int32_t load32(const void *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v); /* one LDR: Cortex-M4 and later load unaligned words */
    return v;
}

/* One output channel's requantization, set up once for all its columns. */
typedef struct {
    int32_t m, shift;
    kiln_requant_right_params right; /* for shift < 0 */
} chan_quant;

static inline chan_quant chan(const int32_t *multiplier, const int8_t *shift, int32_t oc)
{
    const chan_quant q = {multiplier[oc], shift[oc], kiln_requant_right_setup(shift[oc])};
    return q;
}

/* The output offset and clamp, copied out of kiln_s8_io: the int8 stores may alias it, so
 * GCC would reload it for every output. */
typedef struct {
    int32_t offset, lo, hi;
} out_clamp;

static inline int8_t finish(int32_t acc, const chan_quant *q, out_clamp o)
{
    if (__builtin_expect(q->shift >= 0, 0))
        acc = kiln_requantize_dsp(acc, q->m, q->shift);
    else
        acc = kiln_requant_right(acc, q->m, &q->right);
    return kiln_clamp_s8(acc + o.offset, o.lo, o.hi);
}

#if defined(__OPTIMIZE__)
/* One group of four values of both columns times two output channels: 16 MACs in 16
 * instructions. Hand-scheduled because GCC 12 spills a pointer in this loop and does not
 * fold the ROR into SXTB16. */
#define KILN_GROUP_2X2                                  \
    "ldrd   %[x2], %[x3], [%[c], #8]\n\t"               \
    "ldrd   %[x0], %[x1], [%[c]], #16\n\t"              \
    "ldr    %[v], [%[wa]], #4\n\t"                      \
    "sxtb16 %[t], %[v]\n\t"                             \
    "smlad  %[a00], %[t], %[x0], %[a00]\n\t"            \
    "smlad  %[a01], %[t], %[x2], %[a01]\n\t"            \
    "sxtb16 %[t], %[v], ror #8\n\t"                     \
    "smlad  %[a00], %[t], %[x1], %[a00]\n\t"            \
    "smlad  %[a01], %[t], %[x3], %[a01]\n\t"            \
    "ldr    %[v], [%[wb]], #4\n\t"                      \
    "sxtb16 %[t], %[v]\n\t"                             \
    "smlad  %[a10], %[t], %[x0], %[a10]\n\t"            \
    "smlad  %[a11], %[t], %[x2], %[a11]\n\t"            \
    "sxtb16 %[t], %[v], ror #8\n\t"                     \
    "smlad  %[a10], %[t], %[x1], %[a10]\n\t"            \
    "smlad  %[a11], %[t], %[x3], %[a11]\n\t"

/* Two output channels times two columns over the k4 grouped values: one and two groups
 * first as k4 needs, then four groups per loop step (64 MACs in 66 instructions). */
static inline void block_2x2(const int8_t *wa, const int8_t *wb, int32_t k4, const int16_t *c,
                             int32_t acc[4])
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    const int8_t *end = wa + k4;
    int32_t v, t, x0, x1, x2, x3;
    if (k4 & 4)
        __asm__ volatile(KILN_GROUP_2X2
                         : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                           [wa] "+r"(wa), [wb] "+r"(wb), [c] "+r"(c), [v] "=&r"(v),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
                           [x3] "=&r"(x3)
                         :
                         : "memory");
    if (k4 & 8)
        __asm__ volatile(KILN_GROUP_2X2 KILN_GROUP_2X2
                         : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                           [wa] "+r"(wa), [wb] "+r"(wb), [c] "+r"(c), [v] "=&r"(v),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
                           [x3] "=&r"(x3)
                         :
                         : "memory");
    if (wa != end)
        __asm__ volatile("1:\n\t" KILN_GROUP_2X2 KILN_GROUP_2X2 KILN_GROUP_2X2 KILN_GROUP_2X2
                         "cmp    %[wa], %[end]\n\t"
                         "bne    1b\n\t"
                         : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11),
                           [wa] "+r"(wa), [wb] "+r"(wb), [c] "+r"(c), [v] "=&r"(v),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2),
                           [x3] "=&r"(x3)
                         : [end] "r"(end)
                         : "cc", "memory");
    acc[0] = a00, acc[1] = a01, acc[2] = a10, acc[3] = a11;
}

/* Four output channels, one column (a Gemm row): 16 MACs in 23 instructions, the column's
 * words loaded once for all four. Rows wa + k, wa + 2k, wa + 3k are addressed from wa and
 * wb = wa + k with the scaled register offset, so 13 registers suffice. */
static void block_4x1(const int8_t *wa, int32_t k, int32_t k4, const int16_t *c, int32_t acc[4])
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const int8_t *wb = wa + k, *end = wa + k4;
    int32_t v, t, x0, x1;
    if (k4 > 0)
        __asm__ volatile(
            "1:\n\t"
            "ldrd   %[x0], %[x1], [%[c]], #16\n\t"
            "ldr    %[v], [%[wa], %[k], lsl #1]\n\t"
            "sxtb16 %[t], %[v]\n\t"
            "smlad  %[a2], %[t], %[x0], %[a2]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad  %[a2], %[v], %[x1], %[a2]\n\t"
            "ldr    %[v], [%[wb], %[k], lsl #1]\n\t"
            "sxtb16 %[t], %[v]\n\t"
            "smlad  %[a3], %[t], %[x0], %[a3]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad  %[a3], %[v], %[x1], %[a3]\n\t"
            "ldr    %[v], [%[wb]], #4\n\t"
            "sxtb16 %[t], %[v]\n\t"
            "smlad  %[a1], %[t], %[x0], %[a1]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad  %[a1], %[v], %[x1], %[a1]\n\t"
            "ldr    %[v], [%[wa]], #4\n\t"
            "sxtb16 %[t], %[v]\n\t"
            "smlad  %[a0], %[t], %[x0], %[a0]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad  %[a0], %[v], %[x1], %[a0]\n\t"
            "cmp    %[wa], %[end]\n\t"
            "bne    1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [wa] "+r"(wa),
              [wb] "+r"(wb), [c] "+r"(c), [v] "=&r"(v), [t] "=&r"(t), [x0] "=&r"(x0),
              [x1] "=&r"(x1)
            : [end] "r"(end), [k] "r"(k)
            : "cc", "memory");
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}
#else
/* -O0 keeps a frame pointer and cannot give the assembly above its 13-14 registers
 * ("impossible constraints"): the same sums in C, for debug builds. Group k4 holds the
 * column's values in the order k0, k2, k1, k3 (what SXTB16 pairs with SMLAD). */
static int32_t dot_group(const int8_t *w, const int16_t *c)
{
    return w[0] * c[0] + w[2] * c[1] + w[1] * c[2] + w[3] * c[3];
}

static void block_2x2(const int8_t *wa, const int8_t *wb, int32_t k4, const int16_t *c,
                      int32_t acc[4])
{
    for (int32_t i = 0; i < k4; i += 4, c += 8) {
        acc[0] += dot_group(wa + i, c);
        acc[1] += dot_group(wa + i, c + 4);
        acc[2] += dot_group(wb + i, c);
        acc[3] += dot_group(wb + i, c + 4);
    }
}

static void block_4x1(const int8_t *wa, int32_t k, int32_t k4, const int16_t *c, int32_t acc[4])
{
    for (int32_t i = 0; i < k4; i += 4, c += 8)
        for (int32_t r = 0; r < 4; r++)
            acc[r] += dot_group(wa + r * k + i, c);
}
#endif

/* Two output channels, one column (a Gemm row, the last odd pixel): the column's words are
 * loaded once for both channels. */
static void block_2x1(const int8_t *wa, const int8_t *wb, int32_t k4, const int16_t *c,
                      int32_t *acc_a, int32_t *acc_b)
{
    int32_t a = *acc_a, b = *acc_b;
    for (int32_t i = 0; i < k4; i += 4, c += 8) {
        const int32_t va = load32(wa + i), vb = load32(wb + i);
        const int32_t xe = load32(c), xo = load32(c + 2);
        int32_t ao, bo;
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(ao) : "r"(va));
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(bo) : "r"(vb));
        a = __smlad(__sxtb16(va), xe, a);
        a = __smlad(ao, xo, a);
        b = __smlad(__sxtb16(vb), xe, b);
        b = __smlad(bo, xo, b);
    }
    *acc_a = a, *acc_b = b;
}

/* One output channel, one column (j) of the layout. */
static int32_t dot_1(const int8_t *w, int32_t k, const int16_t *cols, int32_t j, int32_t acc)
{
    const int32_t k4 = k & ~3;
    const int16_t *c = cols + 4 * j;
    for (int32_t i = 0; i < k4; i += 4, c += 8) {
        const int32_t v = load32(w + i);
        int32_t odd;
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(v));
        acc = __smlad(__sxtb16(v), load32(c), acc);
        acc = __smlad(odd, load32(c + 2), acc);
    }
    const int16_t *tail = cols + 2 * k4 + j * (k - k4);
    for (int32_t i = k4; i < k; i++)
        acc += w[i] * tail[i - k4];
    return acc;
}

#define RQ_RUN 32 /* channels per pass: 256 bytes of sums on the stack */
/* The requantization pass specialised on a constant flag: GCC 12 would not inline it. */
#define KILN_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Output offset and clamp; full (the clamp is the whole int8 range, e.g. ReLU with a zero
 * point of -128) is a constant in each inlined copy, where one SSAT does the clamp. */
static inline int32_t rq_out(int32_t v, out_clamp o, int full)
{
    v += o.offset;
    if (full) {
        __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(v));
        return v;
    }
    return v < o.lo ? o.lo : v > o.hi ? o.hi : v;
}

/* Sums of channels [0, n) (n even) of both columns, 2x2 blocks: sums[2 c + j] for
 * channel c, column j. */
static void sums_2cols(const int8_t *w, int32_t k, const int16_t *cols, const int32_t *bias,
                       int32_t n, int32_t *sums)
{
    const int32_t k4 = k & ~3;
    const int16_t *t0 = cols + 2 * k4, *t1 = t0 + (k - k4);
    for (int32_t i = 0; i < n; i += 2, w += 2 * k, sums += 4) {
        const int8_t *wb = w + k;
        const int32_t b0 = bias ? bias[i] : 0, b1 = bias ? bias[i + 1] : 0;
        int32_t acc[4] = {b0, b0, b1, b1};
        block_2x2(w, wb, k4, cols, acc);
        for (int32_t j = k4; j < k; j++) {
            acc[0] += w[j] * t0[j - k4];
            acc[1] += w[j] * t1[j - k4];
            acc[2] += wb[j] * t0[j - k4];
            acc[3] += wb[j] * t1[j - k4];
        }
        sums[0] = acc[0], sums[1] = acc[1], sums[2] = acc[2], sums[3] = acc[3];
    }
}

/* The two columns' sums of channels [0, n) requantized into y: a pass of its own, so that
 * the block loop above keeps its registers and each channel's constants are set up once,
 * here (kiln_requant_right_setup without branches: e = 1 sets the low word's top bit and
 * clears the mask; 2^(e-2) is (2 << (e-1)) >> 2). */
KILN_ALWAYS_INLINE void requant_2cols_c(const int32_t *multiplier, const int8_t *shift,
                                         const int32_t *sums, int32_t n, out_clamp o, int full,
                                         int8_t *y, ptrdiff_t oc_stride, ptrdiff_t col_stride)
{
    for (int32_t i = 0; i < n; i++, sums += 2, y += oc_stride) {
        const int32_t s = shift[i], m = multiplier[i];
        int32_t v0, v1;
        if (__builtin_expect(s >= 0, 0)) {
            v0 = kiln_requantize_dsp(sums[0], m, s);
            v1 = kiln_requantize_dsp(sums[1], m, s);
        } else {
            const int32_t e1 = -s - 1;
            const uint32_t one = (uint32_t)(e1 == 0);
            const kiln_requant_right_params r = {0x40000000u | (one << 31), (int32_t)one - 1,
                                                 (int32_t)((2u << e1) >> 2), e1 + 1};
            v0 = kiln_requant_right(sums[0], m, &r);
            v1 = kiln_requant_right(sums[1], m, &r);
        }
        y[0] = (int8_t)rq_out(v0, o, full);
        y[col_stride] = (int8_t)rq_out(v1, o, full);
    }
}

/* Two columns: output channels two at a time, in runs of RQ_RUN; returns the channels done. */
static int32_t gemm_2cols(const int8_t *w, int32_t n_oc, int32_t k, const int16_t *cols,
                          const int32_t *bias, const int32_t *multiplier, const int8_t *shift,
                          const out_clamp *o, int8_t *y, ptrdiff_t oc_stride,
                          ptrdiff_t col_stride)
{
    int32_t sums[2 * RQ_RUN];
    const int full = o->lo == -128 && o->hi == 127;
    const int32_t n2 = n_oc & ~1;
    for (int32_t oc = 0; oc < n2; oc += RQ_RUN) {
        const int32_t n = n2 - oc < RQ_RUN ? n2 - oc : RQ_RUN;
        int8_t *yo = y + (ptrdiff_t)oc * oc_stride;
        sums_2cols(w + (ptrdiff_t)oc * k, k, cols, bias ? bias + oc : NULL, n, sums);
        if (full)
            requant_2cols_c(multiplier + oc, shift + oc, sums, n, *o, 1, yo, oc_stride,
                            col_stride);
        else
            requant_2cols_c(multiplier + oc, shift + oc, sums, n, *o, 0, yo, oc_stride,
                            col_stride);
    }
    return n2;
}

void kiln_s8_gemm_dsp(const int8_t *w, int32_t n_oc, int32_t k, const int16_t *cols,
                      int32_t n_cols, const int32_t *bias, const int32_t *multiplier,
                      const int8_t *shift, const kiln_s8_io *io, int8_t *y, ptrdiff_t oc_stride,
                      ptrdiff_t col_stride)
{
    const int32_t k4 = k & ~3;
    const out_clamp o = {io->output_offset, io->act_min, io->act_max};
    int32_t oc = 0;
    if (n_cols == 2)
        oc = gemm_2cols(w, n_oc, k, cols, bias, multiplier, shift, &o, y, oc_stride, col_stride);
    if (n_cols == 1) {
        const int16_t *tail = cols + 2 * k4;
        for (; oc + 3 < n_oc; oc += 4) {
            const int8_t *wa = w + (ptrdiff_t)oc * k;
            int32_t acc[4];
            for (int32_t r = 0; r < 4; r++)
                acc[r] = bias ? bias[oc + r] : 0;
            block_4x1(wa, k, k4, cols, acc);
            for (int32_t r = 0; r < 4; r++) {
                const int8_t *wr = wa + (ptrdiff_t)r * k;
                for (int32_t i = k4; i < k; i++)
                    acc[r] += wr[i] * tail[i - k4];
                const chan_quant q = chan(multiplier, shift, oc + r);
                y[(ptrdiff_t)(oc + r) * oc_stride] = finish(acc[r], &q, o);
            }
        }
        for (; oc + 1 < n_oc; oc += 2) {
            const int8_t *wa = w + (ptrdiff_t)oc * k, *wb = wa + k;
            int32_t a = bias ? bias[oc] : 0, b = bias ? bias[oc + 1] : 0;
            block_2x1(wa, wb, k4, cols, &a, &b);
            for (int32_t i = k4; i < k; i++) {
                a += wa[i] * tail[i - k4];
                b += wb[i] * tail[i - k4];
            }
            const chan_quant qa = chan(multiplier, shift, oc), qb = chan(multiplier, shift, oc + 1);
            y[(ptrdiff_t)oc * oc_stride] = finish(a, &qa, o);
            y[(ptrdiff_t)(oc + 1) * oc_stride] = finish(b, &qb, o);
        }
    }
    for (; oc < n_oc; oc++) {
        const int8_t *wo = w + (ptrdiff_t)oc * k;
        const int32_t b = bias ? bias[oc] : 0;
        int8_t *yo = y + (ptrdiff_t)oc * oc_stride;
        const chan_quant q = chan(multiplier, shift, oc);
        for (int32_t j = 0; j < n_cols; j++)
            yo[j * col_stride] = finish(dot_1(wo, k, cols, j, b), &q, o);
    }
}
