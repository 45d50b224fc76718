/* SPDX-License-Identifier: MIT */
/* Pooling test cases and params shared by the MaxPool and AveragePool tests. */
#ifndef RUNTIME_POOL2D_COMMON_H
#define RUNTIME_POOL2D_COMMON_H

#include "kiln.h"

typedef struct {
    int32_t n, c, h_in, w_in, k_h, k_w, stride_h, stride_w, dil_h, dil_w;
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t ceil_mode;
} pool_case;

/* Output size as ONNX computes it (floor or ceil mode; with ceil mode the last window
 * must start inside the input or the left/top padding). */
static inline int32_t pool_out(int32_t in, int32_t k, int32_t s, int32_t d, int32_t p0,
                               int32_t p1, int32_t ceil_mode)
{
    const int32_t span = in + p0 + p1 - d * (k - 1) - 1;
    int32_t out = (ceil_mode ? span + s - 1 : span) / s + 1;
    if (ceil_mode && (out - 1) * s >= in + p0)
        out--;
    return out;
}

static inline kiln_pool2d_params pool_params(const pool_case *c, int32_t count_include_pad)
{
    kiln_pool2d_params p;
    p.n = c->n, p.c = c->c, p.h_in = c->h_in, p.w_in = c->w_in;
    p.k_h = c->k_h, p.k_w = c->k_w, p.stride_h = c->stride_h, p.stride_w = c->stride_w;
    p.dil_h = c->dil_h, p.dil_w = c->dil_w;
    p.pad_top = c->pad_top, p.pad_left = c->pad_left;
    p.pad_bottom = c->pad_bottom, p.pad_right = c->pad_right;
    p.count_include_pad = count_include_pad;
    p.h_out = pool_out(c->h_in, c->k_h, c->stride_h, c->dil_h, c->pad_top, c->pad_bottom,
                       c->ceil_mode);
    p.w_out = pool_out(c->w_in, c->k_w, c->stride_w, c->dil_w, c->pad_left, c->pad_right,
                       c->ceil_mode);
    return p;
}

#endif
