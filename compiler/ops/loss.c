/* SPDX-License-Identifier: MIT */
/* NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opset 12/13): x N x C x d1..dk,
 * int64 targets N x d1..dk, optional weight [C]; reduction none/sum/mean; ignore_index.
 * A target outside [0, C) that is not ignore_index makes NAME_run() return 1 (and
 * constant folding fail); the kernels never read x there. */
#include "op_common.h"

#include <string.h>

static int loss_reduction(Node *n, kiln_loss_reduction *r, Diag *d)
{
    const char *s = ir_attr_str(n, "reduction", "mean");
    *r = !strcmp(s, "none") ? KILN_LOSS_NONE : !strcmp(s, "sum") ? KILN_LOSS_SUM
       : !strcmp(s, "mean") ? KILN_LOSS_MEAN : (kiln_loss_reduction)-1;
    if ((int)*r < 0) {
        node_error(d, n, "reduction '%s' is not one of none, sum, mean", s);
        return -1;
    }
    return 0;
}

/* Checks the target (input 1) is int64 N x d1..dk of x's N x C x d1..dk. */
static int loss_target(Node *n, const Tensor *x, Diag *d)
{
    const Tensor *t = n->inputs[1];
    if (t->dtype != DT_S64) {
        node_error(d, n, "target ('%s') is %s; expected int64", t->name, dtype_name(t->dtype));
        return -1;
    }
    int match = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
    for (int i = 1; match && i < t->rank; i++)
        match = t->dims[i] == x->dims[i + 1];
    if (!match) {
        char xs[64], ts[64];
        node_error(d, n, "target shape %s does not match input shape %s without its class "
                   "axis", ir_shape_str(t, ts, sizeof ts), ir_shape_str(x, xs, sizeof xs));
        return -1;
    }
    return 0;
}

static int loss_weight(Node *n, const Tensor *x, Diag *d)
{
    const Tensor *w = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (!w)
        return 0;
    if (op_require_float(n, 2, d))
        return -1;
    if (w->rank != 1 || w->dims[0] != x->dims[1]) {
        char ws[64];
        node_error(d, n, "weight has shape %s; expected [%lld] (one per class)",
                   ir_shape_str(w, ws, sizeof ws), (long long)x->dims[1]);
        return -1;
    }
    return 0;
}

static int loss_ignore_index(Node *n, kiln_loss_params *k, Diag *d)
{
    const Attr *a = ir_attr(n, "ignore_index");
    if (a && a->type != ATTR_INT) {
        node_error(d, n, "attribute 'ignore_index' is %s; expected INT", ir_attr_type_name(a->type));
        return -1;
    }
    k->has_ignore = a != NULL;
    k->ignore_index = a ? a->i : 0;
    return 0;
}

static int loss_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d))
        return -1;
    if (x->rank < 2) {
        node_error(d, n, "input has rank %d; expected N x C x d1..dk", x->rank);
        return -1;
    }
    if (x->dims[1] == 0) {
        node_error(d, n, "input has no classes (C = 0)");
        return -1;
    }
    kiln_loss_params *k = arena_alloc(g->arena, sizeof *k);
    if (loss_reduction(n, &k->reduction, d) || loss_target(n, x, d) || loss_weight(n, x, d) ||
        op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    if (loss_ignore_index(n, k, d))
        return -1;
    k->n = (int32_t)x->dims[0];
    k->c = (int32_t)x->dims[1];
    int64_t inner = 1;
    for (int i = 2; i < x->rank; i++)
        inner *= x->dims[i];
    k->inner = (int32_t)inner;
    const Tensor *t = n->inputs[1];
    if (k->reduction == KILN_LOSS_NONE)
        ir_set_shape(n->outputs[0], DT_F32, t->rank, t->dims);
    else
        ir_set_shape(n->outputs[0], DT_F32, 0, NULL);
    if (n->n_outputs > 1 && n->outputs[1])
        ir_set_shape(n->outputs[1], DT_F32, x->rank, x->dims);
    n->params = k;
    return 0;
}

static int is_sce(const Node *n) { return !strcmp(n->op->name, "SoftmaxCrossEntropyLoss"); }

static Tensor *loss_log_prob(const Node *n)
{
    return n->n_outputs > 1 ? n->outputs[1] : NULL;
}

static int loss_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    const kiln_loss_params *k = n->params;
    const Tensor *w = n->n_inputs > 2 ? n->inputs[2] : NULL;
    const float *wd = w ? w->data : NULL;
    Tensor *lp = loss_log_prob(n);
    int rc = is_sce(n) ? kiln_sce_loss_f32(k, n->inputs[0]->data, n->inputs[1]->data, wd,
                                           n->outputs[0]->data, lp ? lp->data : NULL)
                       : kiln_nll_loss_f32(k, n->inputs[0]->data, n->inputs[1]->data, wd,
                                           n->outputs[0]->data);
    if (rc)
        node_error(d, n, "a target is outside [0, %d) and is not ignore_index", k->c);
    return rc ? -1 : 0;
}

static const char *int64_literal(Emit *e, int64_t v)
{
    if (v == INT64_MIN)
        return "INT64_MIN";
    return arena_printf(e->g->arena, "%lldLL", (long long)v);
}

static int loss_emit(Emit *e, Node *n, Diag *d)
{
    static const char *const reductions[] = {"KILN_LOSS_NONE", "KILN_LOSS_SUM",
                                             "KILN_LOSS_MEAN"};
    const kiln_loss_params *k = n->params;
    const char *pn = cg_new_params(e, "kiln_loss_params");
    cg_decl(e, "{%d, %d, %d, %s, %d, %s};\n", k->n, k->c, k->inner, reductions[k->reduction],
            k->has_ignore, int64_literal(e, k->ignore_index));
    const char *stem = is_sce(n) ? "kiln_sce_loss_f32" : "kiln_nll_loss_f32";
    Tensor *w = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor *lp = loss_log_prob(n);
    cg_stmt(e, "if (%s(&%s, %s, %s, %s, %s%s%s) != 0)\n        return 1;\n", stem, pn,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), w ? cg_ptr(e, w) : "0",
            cg_ptr(e, n->outputs[0]), is_sce(n) ? ", " : "",
            !is_sce(n) ? "" : lp ? cg_ptr(e, lp) : "0");
    cg_use_kernel(e, stem);
    return 0;
}

const OpDef op_negative_log_likelihood_loss = {
    .name = "NegativeLogLikelihoodLoss", .min_opset = 12, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = loss_infer, .eval = loss_eval, .emit = loss_emit,
};
const OpDef op_softmax_cross_entropy_loss = {
    .name = "SoftmaxCrossEntropyLoss", .min_opset = 12, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 2,
    .infer = loss_infer, .eval = loss_eval, .emit = loss_emit,
};
