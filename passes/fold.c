/* SPDX-License-Identifier: MIT */
/* Constant folding: a node whose inputs are all constant (or that needs only shapes,
 * like Shape) is evaluated with the runtime kernels and replaced by its outputs' values.
 * Folding is bounded by max_fold_bytes, per node and for the whole model, so a hostile
 * model cannot exhaust memory. */
#include "passes.h"
#include "ops.h"

static int foldable(const Node *n)
{
    if (!n->op->eval || n->dead)
        return 0;
    if (n->op->flags & OPF_SHAPE_ONLY)
        return 1;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && !ir_is_const(n->inputs[i]))
            return 0;
    return 1;
}

/* Multiply-accumulates one folded node may cost (seconds of compile time at most): a
 * small constant Conv with huge padding must not keep the compiler busy for hours. */
#define MAX_FOLD_MACS ((int64_t)1 << 31)

int pass_fold_node(Graph *g, Node *n, const PassOptions *o, Diag *d)
{
    if (!foldable(n))
        return 0;
    int64_t bytes = 0;
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i])
            bytes += ir_bytes(n->outputs[i]);
    if (bytes > o->max_fold_bytes) {
        node_error(d, n, "folding this constant would take %lld bytes (limit %lld)",
                   (long long)bytes, (long long)o->max_fold_bytes);
        return -1;
    }
    /* the budget is for the whole model: many folds must not add up to an absurd total */
    if (g->folded_bytes + bytes > o->max_fold_bytes) {
        node_error(d, n, "folding this constant would bring the model's folded constants to "
                   "%lld bytes (limit %lld)", (long long)(g->folded_bytes + bytes),
                   (long long)o->max_fold_bytes);
        return -1;
    }
    int64_t macs = n->op->macs ? n->op->macs(n) : 0;
    if (macs > MAX_FOLD_MACS) {
        node_error(d, n, "folding this constant would take %lld multiply-accumulates (limit "
                   "%lld)", (long long)macs, (long long)MAX_FOLD_MACS);
        return -1;
    }
    g->folded_bytes += bytes;
    if (ir_outputs_empty(n)) {   /* nothing to compute; kernels assume non-empty shapes */
        for (int i = 0; i < n->n_outputs; i++)
            if (n->outputs[i])
                ir_alloc_data(g, n->outputs[i]);
    } else if (n->op->eval(g, n, d)) {
        return -1;
    }
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i])
            n->outputs[i]->producer = NULL;
    n->dead = 1;
    return 0;
}

int pass_fold(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (pass_fold_node(g, g->nodes[i], o, d))
            return -1;
    ir_compact(g);
    return 0;
}
