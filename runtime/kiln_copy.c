/* SPDX-License-Identifier: MIT */
/* Byte copy, so generated code and the data-movement kernels need no <string.h>. */
#include "kiln.h"

/* dst and src must not overlap. A plain byte loop: compilers turn it into their best
 * memcpy, and it never reads an object through a mistyped pointer. */
void kiln_copy(void *dst, const void *src, size_t n)
{
    unsigned char *restrict d = dst;
    const unsigned char *restrict s = src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}
