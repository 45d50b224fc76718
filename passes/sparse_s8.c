/* SPDX-License-Identifier: MIT */
/* Unstructured sparsity for the int8 ops (Conv.s8, FullyConnected.s8; run by pass_sparse
 * after quantization): weights with enough zeros become kiln_sparse_s8, a bitmap of the
 * nonzeros (1 bit per weight) plus the nonzero values, with the int8 shift of the dense op
 * and the bias as int16 when it fits. Bitmap over index lists: at int8, a uint8 position per
 * nonzero would cost as much as the value itself, so at 80 % zeros the bitmap is 0.325
 * bytes per weight against 0.4 (uint8) or 0.6 (uint16).
 *
 * Cost model (per layer; a Cortex-M-class core, no SIMD):
 *   flash: dense rows * row_len + rows (shift) + bias + multiplier; sparse
 *     ceil(rows * row_len / 8) + nnz + rows (shift) + bias (2 or 4 per row) + multiplier.
 *   instructions: dense 4 per MAC (two loads, offset add, MLA) + 12 per output
 *     (requantize, clamp, store); sparse Conv 5 per executed MAC (the int32 accumulator
 *     is loaded and stored) + 2 per mask byte + 10 per stored weight (bit decode, window
 *     clipping) per image + 14 per output (accumulator init too); sparse fully connected
 *     8 per MAC (bit decode, value load, input load, MLA) + 2 per mask byte per row of x
 *     + 12 per output.
 * Integer sums are exact, so the choice never changes a result bit. */
#include "passes.h"
#include "ops.h"

#include <string.h>

typedef struct {
    int is_conv;
    int64_t rows, row_len, n_images, outputs;
    const kiln_conv2d_params *conv;
    const int8_t *w;
    Tensor *bias, *shift;
} Layer;

static int layer_of(Node *n, Layer *l)
{
    memset(l, 0, sizeof *l);
    if (n->op == &op_conv_s8) {
        const kiln_conv2d_params *k = &((const ConvS8Params *)n->params)->k.conv;
        l->is_conv = 1, l->conv = k, l->rows = k->c_out, l->n_images = k->n;
        l->row_len = ir_numel(n->inputs[1]) / k->c_out;
    } else if (n->op == &op_fc_s8) {
        const kiln_fully_connected_s8_params *k = &((const FcS8Params *)n->params)->k;
        l->rows = k->n, l->row_len = k->k, l->n_images = k->m;
    } else {
        return 0;
    }
    if (!ir_is_const(n->inputs[1]) || n->inputs[1]->dtype != DT_S8)
        return 0;
    l->w = n->inputs[1]->data;
    l->bias = n->inputs[2];
    l->shift = n->inputs[4];
    l->outputs = ir_numel(n->outputs[0]);
    return l->rows * l->row_len < INT32_MAX;
}

/* Outputs that tap (kh, kw) of a Conv reaches inside the input, per image. */
static int64_t tap_reach(const kiln_conv2d_params *p, int64_t u)
{
    int64_t r = u % (p->k_h * p->k_w);
    int32_t h0, h1, w0, w1;
    kiln_range_inside((int32_t)(r / p->k_w) * p->dil_h - p->pad_top, p->stride_h, p->h_in,
                      p->h_out, &h0, &h1);
    kiln_range_inside((int32_t)(r % p->k_w) * p->dil_w - p->pad_left, p->stride_w, p->w_in,
                      p->w_out, &w0, &w1);
    return (int64_t)(h1 - h0) * (w1 - w0);
}

static int bias_fits_s16(const Layer *l)
{
    if (!l->bias)
        return 0;
    for (int64_t r = 0; r < l->rows; r++) {
        int32_t b = ((const int32_t *)l->bias->data)[r];
        if (b < INT16_MIN || b > INT16_MAX)
            return 0;
    }
    return 1;
}

static SparseInfo cost(Node *n, const Layer *l)
{
    SparseInfo s = {.rows = l->rows, .row_len = l->row_len, .dense_macs = n->op->macs(n)};
    for (int64_t r = 0; r < l->rows; r++)
        for (int64_t u = 0; u < l->row_len; u++)
            if (l->w[r * l->row_len + u]) {
                s.nnz++;
                s.macs += l->is_conv ? l->n_images * tap_reach(l->conv, u) : l->n_images;
            }
    const int64_t mask = (l->rows * l->row_len + 7) / 8;
    const int64_t quant = 4 * l->rows + (l->bias ? 4 * l->rows : 0);   /* multiplier, bias */
    s.dense_bytes = l->rows * l->row_len + l->rows + quant;
    s.bytes = mask + s.nnz + l->rows + quant - (bias_fits_s16(l) ? 2 * l->rows : 0);
    s.dense_instr = 4 * s.dense_macs + 12 * l->outputs;
    s.instr = l->is_conv ? 5 * s.macs + l->n_images * (2 * mask + 10 * s.nnz) + 14 * l->outputs
                         : 8 * s.macs + 2 * l->n_images * mask + 12 * l->outputs;
    return s;
}

static Tensor *new_const(Graph *g, const Node *n, const char *what, DType dt, int64_t len)
{
    Tensor *t = ir_tensor_new(g, arena_printf(g->arena, "%s.sparse_%s", n->name, what));
    int64_t dims[1] = {len > 0 ? len : 1};
    ir_set_shape(t, dt, 1, dims);
    ir_alloc_data(g, t);
    return t;
}

static void encode(Graph *g, Node *n, const Layer *l, const SparseInfo *s)
{
    Tensor *mask = new_const(g, n, "mask", DT_U8, (l->rows * l->row_len + 7) / 8);
    Tensor *val = new_const(g, n, "val", DT_S8, s->nnz);
    uint8_t *md = mask->data;
    int8_t *vd = val->data;
    int64_t k = 0;
    for (int64_t i = 0; i < l->rows * l->row_len; i++)
        if (l->w[i]) {
            md[i / 8] = (uint8_t)(md[i / 8] | 1u << (i % 8));
            vd[k++] = l->w[i];
        }
    Tensor *bias = l->bias;
    if (bias_fits_s16(l)) {
        bias = new_const(g, n, "bias", DT_S16, l->rows);
        for (int64_t r = 0; r < l->rows; r++)
            ((int16_t *)bias->data)[r] = (int16_t)((const int32_t *)l->bias->data)[r];
    }
    op_make_sparse_s8(g, n, mask, val, l->shift, bias, s);
}

void sparse_s8_node(Graph *g, Node *n, SparseMode mode)
{
    Layer l;
    if (mode == SPARSE_OFF || !layer_of(n, &l))
        return;
    SparseInfo s = cost(n, &l);
    if (mode == SPARSE_FORCE || (s.bytes < s.dense_bytes && s.instr < s.dense_instr))
        encode(g, n, &l, &s);
}
