/* SPDX-License-Identifier: MIT */
/* Unstructured sparsity: Conv and Gemm weights with many zeros are stored as
 * per-output-row index lists (kiln_sparse_f32: uint16 count per row, uint16 position and
 * float value per nonzero) and run by the sparse kernels, when a cost model says that is
 * both smaller in flash and cheaper in instructions than the dense layer (--sparse auto),
 * always (force), or never (off).
 *
 * Cost model (per layer; a Cortex-M-class core without SIMD in mind):
 *   flash:  dense 4 * rows * row_len bytes;  sparse 2 * rows + 6 * nnz bytes;
 *   instructions:  dense 2 per MAC (load, multiply-accumulate; accumulators in registers)
 *     + 1 per output;  sparse Conv 4 per executed MAC (the output is loaded and stored
 *     too) + 12 per stored weight (position decode, window clipping) + 3 per output (clear,
 *     bias); sparse Gemm 4 per executed MAC (position, input and weight loads, MAC) + 6
 *     per output.
 * So float layers go sparse from about 50 % zeros. Executed MACs of a sparse Conv count,
 * per stored weight, the outputs whose input tap lies inside the image.
 * The int8 ops of --quantize int8 (Conv.s8, FullyConnected.s8) have their own encoding
 * (a bitmap) and costs: passes/sparse_s8.c. */
#include "passes.h"
#include "ops.h"

#include <string.h>

#define MAX_ROW_LEN 65535   /* positions and per-row counts are uint16 */

static int is_conv(const Node *n) { return !strcmp(n->op->name, "Conv"); }

/* Row r, position u of the weights in the order the sparse kernel reads them. */
static float weight_at(Node *n, int64_t r, int64_t u, int64_t row_len)
{
    const float *w = n->inputs[1]->data;
    if (is_conv(n))
        return w[r * row_len + u];
    const kiln_gemm_params *p = op_gemm_params(n);
    return p->trans_b ? w[r * row_len + u] : w[u * p->n + r];
}

/* The dense depthwise kernel runs in place with a line buffer and the sparse one cannot, so
 * under auto a depthwise layer goes sparse only when that makes its weights 2.5x smaller. */
static int is_depthwise(Node *n)
{
    if (!is_conv(n))
        return 0;
    const kiln_conv2d_params *k = op_conv_params(n);
    return k->group > 1 && k->group == k->c_in;
}

static int candidate(Node *n, int64_t *rows, int64_t *row_len)
{
    Tensor *w = n->inputs[1];
    if ((!is_conv(n) && strcmp(n->op->name, "Gemm")) || !ir_is_const(w) || w->dtype != DT_F32)
        return 0;
    for (int i = 2; i < n->n_inputs; i++)
        if (n->inputs[i] && !ir_is_const(n->inputs[i]))
            return 0;
    if (is_conv(n)) {
        *rows = w->dims[0];
        *row_len = ir_numel(w) / w->dims[0];
    } else {
        *rows = op_gemm_params(n)->n;
        *row_len = op_gemm_params(n)->k;
    }
    return *row_len <= MAX_ROW_LEN;
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

static SparseInfo cost(Node *n, int64_t rows, int64_t row_len)
{
    SparseInfo s = {.rows = rows, .row_len = row_len, .dense_macs = n->op->macs(n)};
    int64_t outs = ir_numel(n->outputs[0]);
    const kiln_conv2d_params *cp = is_conv(n) ? op_conv_params(n) : NULL;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t u = 0; u < row_len; u++)
            if (weight_at(n, r, u, row_len) != 0.0f) {
                s.nnz++;
                s.macs += cp ? cp->n * tap_reach(cp, u) : op_gemm_params(n)->m;
            }
    s.dense_bytes = 4 * rows * row_len;
    s.bytes = 2 * rows + 6 * s.nnz;
    s.dense_instr = 2 * s.dense_macs + outs;
    s.instr = cp ? 4 * s.macs + 12 * s.nnz + 3 * outs : 4 * s.macs + 6 * outs;
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

static void encode(Graph *g, Node *n, const SparseInfo *s)
{
    Tensor *count = new_const(g, n, "count", DT_U16, s->rows);
    Tensor *idx = new_const(g, n, "idx", DT_U16, s->nnz);
    Tensor *val = new_const(g, n, "val", DT_F32, s->nnz);
    uint16_t *cd = count->data, *id = idx->data;
    float *vd = val->data;
    int64_t k = 0;
    for (int64_t r = 0; r < s->rows; r++)
        for (int64_t u = 0; u < s->row_len; u++) {
            float v = weight_at(n, r, u, s->row_len);
            if (v != 0.0f) {
                cd[r]++;
                id[k] = (uint16_t)u;
                vd[k++] = v;
            }
        }
    op_make_sparse(g, n, count, idx, val, s);
}

int pass_sparse(Graph *g, const PassOptions *o, Diag *d)
{
    if (o->sparse == SPARSE_OFF)
        return 0;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        int64_t rows, row_len;
        if (n->dead)
            continue;
        if (n->op == &op_conv_s8 || n->op == &op_fc_s8) {
            sparse_s8_node(g, n, o->sparse);
            continue;
        }
        if (!candidate(n, &rows, &row_len))
            continue;
        SparseInfo s = cost(n, rows, row_len);
        if (o->sparse == SPARSE_FORCE ||
            (s.bytes < s.dense_bytes && s.instr < s.dense_instr &&
             (!is_depthwise(n) || 5 * s.bytes <= 2 * s.dense_bytes)))
            encode(g, n, &s);
    }
    return 0;
}
