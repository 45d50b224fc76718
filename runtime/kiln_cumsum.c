/* SPDX-License-Identifier: MIT */
/* CumSum along one axis (exclusive, reverse), summed in the element type itself. */
#include "kiln.h"

#define CUMSUM(T)                                                                      \
    do {                                                                               \
        const T *xs = (const T *)x;                                                    \
        T *ys = (T *)y;                                                                \
        for (int32_t o = 0; o < p->outer; o++) {                                       \
            for (int32_t in = 0; in < p->inner; in++) {                                \
                const ptrdiff_t base = (ptrdiff_t)o * p->len * p->inner + in;          \
                T acc = 0;                                                             \
                for (int32_t j = 0; j < p->len; j++) {                                 \
                    const int32_t at = p->reverse ? p->len - 1 - j : j;                \
                    const ptrdiff_t i = base + (ptrdiff_t)at * p->inner;               \
                    if (p->exclusive) {                                                \
                        ys[i] = acc;                                                   \
                        acc = (T)(acc + xs[i]);                                        \
                    } else {                                                           \
                        acc = (T)(acc + xs[i]);                                        \
                        ys[i] = acc;                                                   \
                    }                                                                  \
                }                                                                      \
            }                                                                          \
        }                                                                              \
    } while (0)

void kiln_cumsum(const kiln_cumsum_params *p, const void *x, void *y)
{
    switch (p->type) {
    case KILN_F64: CUMSUM(double); break;
    case KILN_S32: CUMSUM(uint32_t); break;   /* two's complement: wraps without UB */
    case KILN_U32: CUMSUM(uint32_t); break;
    case KILN_S64: CUMSUM(uint64_t); break;
    case KILN_U64: CUMSUM(uint64_t); break;
    default: CUMSUM(float); break;
    }
}
