/* SPDX-License-Identifier: MIT */
/* Depthwise Conv, int8 (as kiln_dwconv2d_s8, multiplier 1) with the output written over the
 * input: KILN_CONV_IN_PLACE copies each channel's plane to scratch first;
 * KILN_CONV_IN_PLACE_SMALL keeps output rows in a line buffer until the input rows they
 * overwrite are dead (as TinyEngine does). */
#include "kiln.h"

/* Flat index from which the input is still needed once output row oh of channel c is
 * next: row oh * stride - pad_top of channel c on; past the channel when oh == h_out. */
static int32_t frontier(const kiln_conv2d_params *c, int32_t ch, int32_t oh)
{
    if (oh >= c->h_out)
        return (ch + 1) * c->h_in * c->w_in;
    int32_t r = oh * c->stride_h - c->pad_top;
    r = r < 0 ? 0 : r > c->h_in ? c->h_in : r;
    return ch * c->h_in * c->w_in + r * c->w_in;
}

/* Output row j of channel ch may be written once output row next is the next to compute. */
static int row_dead(const kiln_conv2d_params *c, int32_t ch, int32_t j, int32_t next)
{
    return ch * c->h_out * c->w_out + (j + 1) * c->w_out <= frontier(c, ch, next);
}

/* Most output rows that wait at once (the line buffer's height), by simulation. */
static int32_t line_rows(const kiln_conv2d_params *c)
{
    int32_t most = 1;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        int32_t done = 0;
        for (int32_t oh = 0; oh < c->h_out; oh++) {
            most = oh + 1 - done > most ? oh + 1 - done : most;
            while (done <= oh && row_dead(c, ch, done, oh + 1))
                done++;
        }
    }
    return most;
}

size_t kiln_dwconv2d_s8_in_place_scratch_size(const kiln_conv2d_s8_params *p)
{
    const kiln_conv2d_params *c = &p->conv;
    if (c->in_place == KILN_CONV_IN_PLACE_SMALL)
        return (size_t)line_rows(c) * (size_t)c->w_out;
    return (size_t)c->h_in * (size_t)c->w_in;
}

/* Output row oh of channel ch from its input plane xc, as kiln_dwconv2d_s8 computes it. */
static void dw_row(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                   const int8_t *xc, const int8_t *wc, int32_t b, int32_t ch, int32_t oh,
                   int8_t *row)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t in_off = p->io.input_offset, m = q->multiplier[ch], sh = q->shift[ch];
    const int32_t ih0 = oh * c->stride_h - c->pad_top;
    int32_t kh_lo, kh_hi;
    kiln_range_inside(ih0, c->dil_h, c->h_in, c->k_h, &kh_lo, &kh_hi);
    for (int32_t ow = 0; ow < c->w_out; ow++) {
        const int32_t iw0 = ow * c->stride_w - c->pad_left;
        int32_t kw_lo, kw_hi;
        kiln_range_inside(iw0, c->dil_w, c->w_in, c->k_w, &kw_lo, &kw_hi);
        int32_t acc = b;
        for (int32_t kh = kh_lo; kh < kh_hi; kh++) {
            const int8_t *xr = xc + (ptrdiff_t)(ih0 + kh * c->dil_h) * c->w_in + iw0;
            for (int32_t kw = kw_lo; kw < kw_hi; kw++)
                acc += wc[kh * c->k_w + kw] * (xr[kw * c->dil_w] + in_off);
        }
        acc = kiln_requantize(acc, m, sh);
        row[ow] = kiln_clamp_s8(acc + p->io.output_offset, p->io.act_min, p->io.act_max);
    }
}

/* Channel ch's plane goes to scratch, then its output rows are written over it. */
static void plane_copy(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                       int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *plane)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out, kk = c->k_h * c->k_w;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        for (int32_t i = 0; i < hw_in; i++)
            plane[i] = xy[(ptrdiff_t)ch * hw_in + i];
        for (int32_t oh = 0; oh < c->h_out; oh++)
            dw_row(p, q, plane, w + (ptrdiff_t)ch * kk, bias ? bias[ch] : 0, ch, oh,
                   xy + (ptrdiff_t)ch * hw + (ptrdiff_t)oh * c->w_out);
    }
}

/* Rows wait in a ring of line_rows() rows until the input under them is dead. */
static void line_buffer(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *ring)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t rows = line_rows(c), hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out;
    const int32_t kk = c->k_h * c->k_w;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        int8_t *yc = xy + (ptrdiff_t)ch * hw;
        int32_t done = 0;
        for (int32_t oh = 0; oh < c->h_out; oh++) {
            dw_row(p, q, xy + (ptrdiff_t)ch * hw_in, w + (ptrdiff_t)ch * kk,
                   bias ? bias[ch] : 0, ch, oh, ring + (ptrdiff_t)(oh % rows) * c->w_out);
            for (; done <= oh && row_dead(c, ch, done, oh + 1); done++) {
                const int8_t *r = ring + (ptrdiff_t)(done % rows) * c->w_out;
                for (int32_t i = 0; i < c->w_out; i++)
                    yc[(ptrdiff_t)done * c->w_out + i] = r[i];
            }
        }
    }
}

void kiln_dwconv2d_s8_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                               int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *scratch)
{
    if (p->conv.in_place == KILN_CONV_IN_PLACE_SMALL)
        line_buffer(p, q, xy, w, bias, scratch);
    else
        plane_copy(p, q, xy, w, bias, scratch);
}
