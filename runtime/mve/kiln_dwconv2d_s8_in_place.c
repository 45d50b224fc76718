/* SPDX-License-Identifier: MIT */
/* kiln-deps: kiln_dwconv2d_s8 */
/* Depthwise Conv, int8, in place, Helium (MVE): the portable kernel's two schemes and
 * scratch sizes (plane copy; line buffer of output rows until the input under them is
 * dead), the rows computed by the Helium depthwise core kiln_dwconv2d_s8_rows_mve, many
 * rows per call. */
#include "kiln.h"
#include <string.h>

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

/* Channel ch's plane goes to scratch, then its output rows are written over it. */
static void plane_copy(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                       int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *plane)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out;
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        memcpy(plane, xy + (ptrdiff_t)ch * hw_in, (size_t)hw_in);
        kiln_dwconv2d_s8_rows_mve(p, q, plane, w, bias, ch, 0, c->h_out, xy + (ptrdiff_t)ch * hw);
    }
}

/* Bytes of output rows computed by one call of the core: a call fills its band and sets up
 * its loops, which one 5-wide KWS row (two vectors) did not pay for. */
#define BATCH_BYTES 512

/* Ring rows waiting since before row oh that are dead once row next is the next to compute
 * go to the output (yc); returns the new count of rows done. */
static int32_t flush_ring(const kiln_conv2d_params *c, int32_t ch, int32_t done, int32_t oh,
                          int32_t next, const int8_t *ring, int32_t rows, int8_t *yc)
{
    for (; done < oh && row_dead(c, ch, done, next); done++)
        memcpy(yc + (ptrdiff_t)done * c->w_out, ring + (ptrdiff_t)(done % rows) * c->w_out,
               (size_t)c->w_out);
    return done;
}

/* Output rows [oh, oh + n) of channel ch from batch (row pitch w_out), the next row to
 * compute being oh + n: straight to the output when the input under them is dead and every
 * row before is out, else into their ring slots. The rows still waiting are never more
 * than line_rows() - 1 and consecutive, so their slots differ. */
static int32_t place_rows(const kiln_conv2d_params *c, int32_t ch, int32_t done, int32_t oh,
                          int32_t n, const int8_t *batch, int8_t *ring, int32_t rows, int8_t *yc)
{
    for (int32_t j = oh; j < oh + n; j++) {
        const int8_t *src = batch + (ptrdiff_t)(j - oh) * c->w_out;
        if (done == j && row_dead(c, ch, j, oh + n))
            memcpy(yc + (ptrdiff_t)j * c->w_out, src, (size_t)c->w_out), done++;
        else
            memcpy(ring + (ptrdiff_t)(j % rows) * c->w_out, src, (size_t)c->w_out);
    }
    return done;
}

/* Rows wait in a ring of line_rows() rows until the input under them is dead. They are
 * computed up to BATCH_BYTES at a time into a stack buffer (the core copies the input it
 * reads into its band first); rows wider than that one at a time straight into the ring. */
static void line_buffer(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *ring)
{
    const kiln_conv2d_params *c = &p->conv;
    const int32_t rows = line_rows(c), hw_in = c->h_in * c->w_in, hw = c->h_out * c->w_out;
    const int32_t per_batch = c->w_out <= BATCH_BYTES ? BATCH_BYTES / c->w_out : 0;
    int8_t batch[BATCH_BYTES];
    for (int32_t ch = 0; ch < c->c_out; ch++) {
        int8_t *yc = xy + (ptrdiff_t)ch * hw;
        const int8_t *xc = xy + (ptrdiff_t)ch * hw_in;
        int32_t done = 0;
        for (int32_t oh = 0, n; oh < c->h_out; oh += n) {
            n = per_batch == 0 ? 1 : c->h_out - oh < per_batch ? c->h_out - oh : per_batch;
            if (per_batch == 0) {
                kiln_dwconv2d_s8_rows_mve(p, q, xc, w, bias, ch, oh, oh + 1,
                                          ring + (ptrdiff_t)(oh % rows) * c->w_out);
                done = flush_ring(c, ch, done, oh + 1, oh + 1, ring, rows, yc);
                continue;
            }
            kiln_dwconv2d_s8_rows_mve(p, q, xc, w, bias, ch, oh, oh + n, batch);
            done = flush_ring(c, ch, done, oh, oh + n, ring, rows, yc);
            done = place_rows(c, ch, done, oh, n, batch, ring, rows, yc);
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
