/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_act_f32 */
/* Elementwise binary float ops with numpy broadcasting through per-dimension strides. */
#include <math.h>

#include "kiln.h"

/* The output is walked as an odometer over all dims but the last; the last dim is one
 * tight loop whose A and B strides are each 1 (same shape) or 0 (broadcast), so every
 * common pattern becomes a run of stride-1 / stride-0 operands:
 *   same shape:  one run over everything (dims are merged first, see below);
 *   scalar:      one run, the scalar side at stride 0;
 *   per channel: [N,C,H,W] op [C,1,1] merges to [N*C][H*W] with runs of H*W over a
 *                fixed b element.
 * Adjacent dims merge when both operands step through them contiguously (or both not
 * at all), so a same-shape op is one flat run whatever its rank. Max and Min are
 * plain comparisons (a NaN in A yields B). */

#define RUN(EXPR)                                                        \
    do {                                                                 \
        if (sa == 1 && sb == 1)                                          \
            for (int32_t i = 0; i < len; i++) {                          \
                const float x = a[i], z = b[i];                          \
                y[i] = (EXPR);                                           \
            }                                                            \
        else if (sa == 1 && sb == 0)                                     \
            for (int32_t i = 0; i < len; i++) {                          \
                const float x = a[i], z = b[0];                          \
                y[i] = (EXPR);                                           \
            }                                                            \
        else if (sa == 0 && sb == 1)                                     \
            for (int32_t i = 0; i < len; i++) {                          \
                const float x = a[0], z = b[i];                          \
                y[i] = (EXPR);                                           \
            }                                                            \
        else                                                             \
            for (int32_t i = 0; i < len; i++) {                          \
                const float x = a[(ptrdiff_t)i * sa], z = b[(ptrdiff_t)i * sb]; \
                y[i] = (EXPR);                                           \
            }                                                            \
    } while (0)

/* y[i] = a[i*sa] op b[i*sb] for i < len. y may equal a or b (then its stride is 1),
 * so no restrict here. */
static void run(kiln_binary_op op, int32_t len, const float *a, int32_t sa, const float *b,
                int32_t sb, float *y)
{
    switch (op) {
    case KILN_BIN_ADD: RUN(x + z); break;
    case KILN_BIN_SUB: RUN(x - z); break;
    case KILN_BIN_MUL: RUN(x * z); break;
    case KILN_BIN_DIV: RUN(x / z); break;
    case KILN_BIN_MAX: RUN(x > z ? x : z); break;
    case KILN_BIN_MIN: RUN(x < z ? x : z); break;
    case KILN_BIN_POW: RUN(powf(x, z)); break;
    case KILN_BIN_PRELU: RUN(x < 0.0f ? x * z : x); break;
    }
}

void kiln_binary_f32(const kiln_binary_params *p, const float *a, const float *b, float *y)
{
    /* Merge dims from the innermost outwards: dim d folds into d+1 (already merged
     * into "inner") when, for each operand, stride[d] == stride[inner] * dims[inner]. */
    int32_t dims[KILN_MAX_RANK], as[KILN_MAX_RANK], bs[KILN_MAX_RANK];
    int32_t r = 0; /* merged dims, stored innermost first */
    for (int32_t d = p->rank - 1; d >= 0; d--) {
        const int32_t n = p->dims[d], sa = p->a_strides[d], sb = p->b_strides[d];
        if (n == 1)
            continue;
        if (r > 0 && sa == as[r - 1] * dims[r - 1] && sb == bs[r - 1] * dims[r - 1]) {
            dims[r - 1] *= n;
            continue;
        }
        dims[r] = n;
        as[r] = sa;
        bs[r] = sb;
        r++;
    }
    if (r == 0) { /* all dims are 1: one element */
        dims[0] = 1;
        as[0] = bs[0] = 0;
        r = 1;
    }

    const int32_t len = dims[0], sa = as[0], sb = bs[0];
    int32_t idx[KILN_MAX_RANK] = {0};
    ptrdiff_t ao = 0, bo = 0;
    float *yo = y;
    for (;;) {
        run(p->op, len, a + ao, sa, b + bo, sb, yo);
        yo += len;
        int32_t d = 1;
        for (; d < r; d++) {
            ao += as[d];
            bo += bs[d];
            if (++idx[d] < dims[d])
                break;
            ao -= (ptrdiff_t)as[d] * dims[d];
            bo -= (ptrdiff_t)bs[d] * dims[d];
            idx[d] = 0;
        }
        if (d >= r)
            break;
    }
    kiln_act_f32(&p->act, y, (size_t)(yo - y));
}
