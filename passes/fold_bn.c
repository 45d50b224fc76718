/* SPDX-License-Identifier: MIT */
/* BatchNormalization folding: Conv → BN becomes Conv with W' = W * scale[o] and
 * b' = b * scale[o] + shift[o]; Gemm → BN scales B's output columns and adds shift through
 * C. BN reads (X, scale, shift) after shape inference. The producer's output must feed
 * only the BN, and its weights must be constant; new constants are made, so weights
 * shared with other nodes are never changed. */
#include "passes.h"
#include "ops.h"

#include <string.h>

static Tensor *new_const_like(Graph *g, const Tensor *like, const char *suffix)
{
    Tensor *t = ir_tensor_new(g, arena_printf(g->arena, "%s%s", like->name, suffix));
    ir_set_shape(t, like->dtype, like->rank, like->dims);
    ir_alloc_data(g, t);
    return t;
}

static void fold_into_conv(Graph *g, Node *conv, const float *scale, const float *shift)
{
    Tensor *w = conv->inputs[1], *b = conv->n_inputs > 2 ? conv->inputs[2] : NULL;
    int64_t c_out = w->dims[0], per = ir_numel(w) / c_out;
    Tensor *w2 = new_const_like(g, w, ".bn");
    const float *ws = w->data;
    float *wd = w2->data;
    for (int64_t o = 0; o < c_out; o++)
        for (int64_t k = 0; k < per; k++)
            wd[o * per + k] = ws[o * per + k] * scale[o];
    int64_t dims[1] = {c_out};
    Tensor *b2 = ir_tensor_new(g, arena_printf(g->arena, "%s.bn_bias", conv->name));
    ir_set_shape(b2, DT_F32, 1, dims);
    float *bd = ir_alloc_data(g, b2);
    for (int64_t o = 0; o < c_out; o++)
        bd[o] = (b ? ((const float *)b->data)[o] : 0.0f) * scale[o] + shift[o];
    conv->inputs[1] = w2;
    conv->inputs[2] = b2;
    conv->n_inputs = 3;
}

static void fold_into_gemm(Graph *g, Node *gemm, const float *scale, const float *shift)
{
    kiln_gemm_params *p = op_gemm_params(gemm);
    Tensor *b = gemm->inputs[1], *c = gemm->n_inputs > 2 ? gemm->inputs[2] : NULL;
    Tensor *b2 = new_const_like(g, b, ".bn");
    const float *bs = b->data;
    float *bd = b2->data;
    for (int64_t i = 0; i < b->dims[0]; i++)
        for (int64_t j = 0; j < b->dims[1]; j++)
            bd[i * b->dims[1] + j] = bs[i * b->dims[1] + j] * scale[p->trans_b ? i : j];
    /* the new C is full [m, n]: C' = (beta * C * scale + shift) with beta folded to 1 */
    int64_t dims[2] = {p->m, p->n};
    Tensor *c2 = ir_tensor_new(g, arena_printf(g->arena, "%s.bn_c", gemm->name));
    ir_set_shape(c2, DT_F32, 2, dims);
    float *cd = ir_alloc_data(g, c2);
    for (int64_t i = 0; i < p->m; i++) {
        for (int64_t j = 0; j < p->n; j++) {
            float cv = c ? p->beta * ((const float *)c->data)[i * p->c_stride_m + j * p->c_stride_n]
                         : 0.0f;
            cd[i * p->n + j] = cv * scale[j] + shift[j];
        }
    }
    gemm->inputs[1] = b2;
    gemm->inputs[2] = c2;
    gemm->n_inputs = 3;
    p->beta = 1.0f;
    for (int i = 0; i < gemm->n_attrs; i++)   /* so a later re-inference agrees */
        if (!strcmp(gemm->attrs[i].name, "beta"))
            gemm->attrs[i].f = 1.0f;
    p->c_stride_m = p->n;
    p->c_stride_n = 1;
}

static int can_fold(const Graph *g, const Node *bn, Node **producer)
{
    Tensor *x = bn->inputs[0];
    Node *p = x->producer;
    /* a training-mode BN keeps its 5 run-time inputs: batch statistics do not fold */
    if (bn->n_inputs != 3)
        return 0;
    if (!p || p->dead || p->outputs[0] != x || ir_single_consumer(g, x) != bn)
        return 0;
    kiln_act *act = p->op->act_slot ? p->op->act_slot(p) : NULL;
    if (act && act->kind != KILN_ACT_NONE)
        return 0;
    if (!strcmp(p->op->name, "Conv")) {
        Tensor *b = p->n_inputs > 2 ? p->inputs[2] : NULL;
        if (!ir_is_const(p->inputs[1]) || (b && !ir_is_const(b)))
            return 0;
    } else if (!strcmp(p->op->name, "Gemm")) {
        Tensor *c = p->n_inputs > 2 ? p->inputs[2] : NULL;
        if (!ir_is_const(p->inputs[1]) || (c && !ir_is_const(c)) || bn->inputs[0]->rank != 2)
            return 0;
    } else {
        return 0;
    }
    *producer = p;
    return 1;
}

int pass_fold_bn(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *bn = g->nodes[i], *p;
        if (bn->dead || strcmp(bn->op->name, "BatchNormalization") || !can_fold(g, bn, &p))
            continue;
        const float *scale = bn->inputs[1]->data, *shift = bn->inputs[2]->data;
        if (!strcmp(p->op->name, "Conv"))
            fold_into_conv(g, p, scale, shift);
        else
            fold_into_gemm(g, p, scale, shift);
        /* the producer now writes the BN's output directly */
        Tensor *y = bn->outputs[0];
        p->outputs[0] = y;
        y->producer = p;
        bn->dead = 1;
    }
    ir_compact(g);
    return 0;
}
