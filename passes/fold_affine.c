/* SPDX-License-Identifier: MIT */
/* Constant per-channel Mul/Add/Sub/Div folded into the neighbouring Conv or Gemm, so a
 * normalisation prefix ((x - mean) / std), a scale layer or a separate bias costs no pass
 * over memory.
 *
 *  - after the producer (y = op(conv(x), c), c constant per output channel or scalar):
 *    Mul/Div scale the weight rows and bias, Add/Sub shift the bias (Gemm: B's columns
 *    and C, which becomes [M, N] with beta 1);
 *  - before the consumer (conv(op(x, c)), c per input channel or scalar, the op's output
 *    read only by the Conv/Gemm): Mul/Div scale the weights' input columns, exact with
 *    zero padding too (0 * s = 0); Add/Sub add sum_k W[o][c][k] * a[c] to the bias, only
 *    where no output sees padding (a padded border would see 0, not a) — otherwise the
 *    node stays.
 * Results change by rounding only (the constant is applied to the weights instead of the
 * data). The producer/consumer must have constant weights and no fused activation yet
 * (the pass runs before fuse-act); new constants are made, shared weights never change. */
#include "passes.h"
#include "ops.h"

#include <string.h>

typedef enum { K_MUL, K_DIV, K_ADD, K_SUB } Kind;

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

static int weighted(Node *n)
{
    if (!(is_op(n, "Conv") || (is_op(n, "Gemm") && !op_gemm_params(n)->trans_a)))
        return 0;
    for (int i = 1; i < n->n_inputs; i++)
        if (n->inputs[i] && (!ir_is_const(n->inputs[i]) || n->inputs[i]->dtype != DT_F32))
            return 0;
    kiln_act *act = n->op->act_slot(n);
    return act->kind == KILN_ACT_NONE;
}

/* Values of constant c per channel (axis 1) of a tensor shaped like t, into v[t->dims[1]];
 * 0 if c varies along any other axis or is longer than t's rank. */
static int per_channel(const Tensor *c, const Tensor *t, float *v)
{
    if (!ir_is_const(c) || c->dtype != DT_F32 || c->rank > t->rank || t->rank < 2)
        return 0;
    int64_t ch = t->dims[1];
    int off = t->rank - c->rank;
    int64_t along = 1;
    for (int i = 0; i < c->rank; i++) {
        int axis = i + off;
        if (c->dims[i] != 1 && !(axis == 1 && c->dims[i] == ch))
            return 0;
        if (axis == 1)
            along = c->dims[i];
    }
    for (int64_t k = 0; k < ch; k++)
        v[k] = ((const float *)c->data)[along == 1 ? 0 : k];
    return 1;
}

static int kind_of(const Node *n, Kind *k)
{
    if (n->n_inputs != 2)
        return 0;
    if (is_op(n, "Mul"))
        *k = K_MUL;
    else if (is_op(n, "Div"))
        *k = K_DIV;
    else if (is_op(n, "Add"))
        *k = K_ADD;
    else if (is_op(n, "Sub"))
        *k = K_SUB;
    else
        return 0;
    return 1;
}

static Tensor *new_const(Graph *g, const Node *n, const char *what, int rank, const int64_t *dims)
{
    Tensor *t = ir_tensor_new(g, arena_printf(g->arena, "%s.%s%d", n->name, what, g->n_tensors));
    ir_set_shape(t, DT_F32, rank, dims);
    ir_alloc_data(g, t);
    return t;
}

static void set_inputs3(Graph *g, Node *n)
{
    if (n->n_inputs >= 3)
        return;
    Tensor **in = arena_alloc(g->arena, 3 * sizeof *in);
    in[0] = n->inputs[0];
    in[1] = n->inputs[1];
    n->inputs = in;
    n->n_inputs = 3;
}

/* ---- after the producer: y' = y * scale[o] + shift[o] ------------------------------- */

static void conv_out_affine(Graph *g, Node *n, const float *scale, const float *shift)
{
    Tensor *w = n->inputs[1], *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    int64_t c_out = w->dims[0], per = ir_numel(w) / c_out, dims[1] = {c_out};
    Tensor *w2 = new_const(g, n, "W", w->rank, w->dims), *b2 = new_const(g, n, "B", 1, dims);
    float *wd = w2->data, *bd = b2->data;
    for (int64_t o = 0; o < c_out; o++) {
        for (int64_t k = 0; k < per; k++)
            wd[o * per + k] = ((const float *)w->data)[o * per + k] * scale[o];
        bd[o] = (b ? ((const float *)b->data)[o] : 0.0f) * scale[o] + shift[o];
    }
    set_inputs3(g, n);
    n->inputs[1] = w2;
    n->inputs[2] = b2;
}

static void gemm_beta_one(Node *n)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, "beta"))
            n->attrs[i].f = 1.0f;
}

static void gemm_out_affine(Graph *g, Node *n, const float *scale, const float *shift)
{
    kiln_gemm_params *p = op_gemm_params(n);
    Tensor *b = n->inputs[1], *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor *b2 = new_const(g, n, "B", 2, b->dims);
    int64_t dims[2] = {p->m, p->n};
    Tensor *c2 = new_const(g, n, "C", 2, dims);
    const float *bs = b->data;
    float *bd = b2->data, *cd = c2->data;
    for (int64_t i = 0; i < b->dims[0]; i++)
        for (int64_t j = 0; j < b->dims[1]; j++)
            bd[i * b->dims[1] + j] = bs[i * b->dims[1] + j] * scale[p->trans_b ? i : j];
    for (int64_t i = 0; i < p->m; i++)
        for (int64_t j = 0; j < p->n; j++) {
            float cv = c ? p->beta * ((const float *)c->data)[i * p->c_stride_m +
                                                              j * p->c_stride_n] : 0.0f;
            cd[i * p->n + j] = cv * scale[j] + shift[j];
        }
    set_inputs3(g, n);
    n->inputs[1] = b2;
    n->inputs[2] = c2;
    gemm_beta_one(n);
}

/* The producer absorbs op n; its output becomes n's output. */
static int fold_after(Graph *g, Node *n, Diag *d)
{
    Kind k;
    if (!kind_of(n, &k))
        return 0;
    for (int side = 0; side < 2; side++) {
        Tensor *y = n->inputs[side], *c = n->inputs[1 - side];
        Node *p = y->producer;
        if (!p || p->dead || p->outputs[0] != y || !weighted(p) || ir_single_consumer(g, y) != n ||
            !ir_same_shape(y, n->outputs[0]) || (side == 1 && (k == K_DIV || k == K_SUB)))
            continue;
        int64_t ch = y->dims[1];
        float *v = arena_alloc(g->arena, (size_t)ch * sizeof *v);
        float *scale = arena_alloc(g->arena, (size_t)ch * sizeof *v);
        float *shift = arena_alloc(g->arena, (size_t)ch * sizeof *v);
        if (!per_channel(c, y, v))
            continue;
        for (int64_t o = 0; o < ch; o++) {
            scale[o] = k == K_MUL ? v[o] : k == K_DIV ? 1.0f / v[o] : 1.0f;
            shift[o] = k == K_ADD ? v[o] : k == K_SUB ? -v[o] : 0.0f;
        }
        if (is_op(p, "Conv"))
            conv_out_affine(g, p, scale, shift);
        else
            gemm_out_affine(g, p, scale, shift);
        p->outputs[0] = n->outputs[0];
        n->outputs[0]->producer = p;
        n->dead = 1;
        return (p->op->parse && p->op->parse(g, p, d)) || p->op->infer(g, p, d) ? -1 : 1;
    }
    return 0;
}

/* ---- before the consumer: conv(x * s[c]) or conv(x + a[c]) ------------------------- */

static int unpadded(Node *n)
{
    if (is_op(n, "Gemm"))
        return 1;
    const kiln_conv2d_params *k = op_conv_params(n);
    return k->pad_top == 0 && k->pad_left == 0 &&
           (k->h_out - 1) * k->stride_h + (k->k_h - 1) * k->dil_h + 1 <= k->h_in &&
           (k->w_out - 1) * k->stride_w + (k->k_w - 1) * k->dil_w + 1 <= k->w_in;
}

/* Weight element (o, input channel c, tap k) of Conv or Gemm, as index into W's data;
 * for Gemm o is the output column, c the row p of op(B), k 0. */
static int64_t w_index(Node *n, int64_t o, int64_t c, int64_t k)
{
    const Tensor *w = n->inputs[1];
    if (is_op(n, "Conv")) {
        int64_t cin_g = w->dims[1], taps = ir_numel(w) / (w->dims[0] * cin_g);
        return (o * cin_g + c % cin_g) * taps + k;
    }
    const kiln_gemm_params *p = op_gemm_params(n);
    return p->trans_b ? o * p->k + c : c * p->n + o;
}

/* Input channel of Conv weight row o's column j, over groups. */
static int64_t conv_in_channel(Node *n, int64_t o, int64_t j)
{
    const Tensor *w = n->inputs[1];
    int64_t cin_g = w->dims[1], group = n->inputs[0]->dims[1] / cin_g;
    return (o / (w->dims[0] / group)) * cin_g + j;
}

/* conv(x + sign * a): b'[o] = b[o] + sign * sum_j,t W[o][j][t] * a[c(o, j)]; Gemm:
 * C'[i][j] = beta * C(i, j) + alpha * sign * sum_p a[p] * op(B)[p][j]. */
static void shift_bias(Graph *g, Node *q, const float *a, float sign, int64_t rows,
                       int64_t cols, int64_t taps)
{
    int is_conv = is_op(q, "Conv");
    const float *ws = q->inputs[1]->data;
    Tensor *b = q->n_inputs > 2 ? q->inputs[2] : NULL;
    float *sum = arena_alloc(g->arena, (size_t)rows * sizeof *sum);
    for (int64_t o = 0; o < rows; o++)
        for (int64_t j = 0; j < cols; j++) {
            int64_t cc = is_conv ? conv_in_channel(q, o, j) : j;
            for (int64_t t = 0; t < taps; t++)
                sum[o] += ws[w_index(q, o, is_conv ? cc : j, t)] * a[cc];
        }
    Tensor *b2;
    if (is_conv) {
        int64_t dims[1] = {rows};
        b2 = new_const(g, q, "B", 1, dims);
        for (int64_t o = 0; o < rows; o++)
            ((float *)b2->data)[o] = (b ? ((const float *)b->data)[o] : 0.0f) + sign * sum[o];
    } else {
        kiln_gemm_params *p = op_gemm_params(q);
        int64_t dims[2] = {p->m, p->n};
        b2 = new_const(g, q, "C", 2, dims);
        for (int64_t i = 0; i < p->m; i++)
            for (int64_t j = 0; j < p->n; j++) {
                float cv = b ? p->beta * ((const float *)b->data)[i * p->c_stride_m +
                                                                  j * p->c_stride_n] : 0.0f;
                ((float *)b2->data)[i * p->n + j] = cv + p->alpha * sign * sum[j];
            }
        gemm_beta_one(q);
    }
    set_inputs3(g, q);
    q->inputs[2] = b2;
}

static int fold_before(Graph *g, Node *n, Diag *d)
{
    Kind k;
    if (!kind_of(n, &k))
        return 0;
    Node *q = ir_single_consumer(g, n->outputs[0]);
    if (!q || q->inputs[0] != n->outputs[0] || !weighted(q))
        return 0;
    for (int side = 0; side < 2; side++) {
        Tensor *x = n->inputs[side], *c = n->inputs[1 - side];
        int64_t ch = x->rank >= 2 ? x->dims[1] : 0;
        if (ch <= 0 || !ir_same_shape(x, n->outputs[0]) || ir_is_const(x) ||
            (side == 1 && (k == K_DIV || k == K_SUB)))
            continue;
        float *v = arena_alloc(g->arena, (size_t)ch * sizeof *v);
        if (!per_channel(c, x, v) || ((k == K_ADD || k == K_SUB) && !unpadded(q)))
            continue;
        Tensor *w = q->inputs[1];
        Tensor *w2 = new_const(g, q, "W", w->rank, w->dims);
        memcpy(w2->data, w->data, (size_t)ir_bytes(w));
        float *wd = w2->data;
        const float *ws = w->data;
        int is_conv = is_op(q, "Conv");
        int64_t rows = is_conv ? w->dims[0] : op_gemm_params(q)->n;
        int64_t cols = is_conv ? w->dims[1] : op_gemm_params(q)->k;
        int64_t taps = is_conv ? ir_numel(w) / (w->dims[0] * w->dims[1]) : 1;
        if (k == K_MUL || k == K_DIV) {
            for (int64_t o = 0; o < rows; o++)
                for (int64_t j = 0; j < cols; j++) {
                    int64_t cc = is_conv ? conv_in_channel(q, o, j) : j;
                    for (int64_t t = 0; t < taps; t++) {
                        int64_t at = w_index(q, o, is_conv ? cc : j, t);
                        wd[at] = k == K_MUL ? ws[at] * v[cc] : ws[at] / v[cc];
                    }
                }
            q->inputs[1] = w2;
        } else {
            float sign = k == K_SUB ? -1.0f : 1.0f;
            shift_bias(g, q, v, sign, rows, cols, taps);
        }
        q->inputs[0] = x;
        n->dead = 1;
        return (q->op->parse && q->op->parse(g, q, d)) || q->op->infer(g, q, d) ? -1 : 1;
    }
    return 0;
}

int pass_fold_affine(Graph *g, const PassOptions *o, Diag *d)
{
    int changed = 1;
    while (changed) {   /* (x - m) / s: the Div folds first, then the Sub meets the Conv */
        changed = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            Node *n = g->nodes[i];
            if (n->dead)
                continue;
            int r = fold_after(g, n, d);
            if (r == 0)
                r = fold_before(g, n, d);
            if (r < 0)
                return -1;
            changed |= r;
        }
        ir_compact(g);
    }
    return 0;
}
