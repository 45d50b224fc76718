/* SPDX-License-Identifier: MIT */
/* Pad folded into the Conv or pool that reads it: the consumer's own pads grow by the
 * Pad's spatial pads, so the padded copy is never written. Exact where the consumer's
 * padding means the same value: Conv pads with 0 (Pad value 0); AveragePool with
 * count_include_pad averages padded zeros (Pad value 0, and the pool either already
 * counts its pads or has none, then it is told to count them); MaxPool ignores its pads
 * (Pad value -inf). Only non-negative pads on the spatial axes, the Pad's output read by
 * the consumer alone, and consumers with explicit pads (auto_pad NOTSET). */
#include "passes.h"
#include "ops.h"

#include <math.h>
#include <string.h>

#define KILN_FOLD_PAD_MAX_SPATIAL 2   /* 1-D and 2-D Conv/pools */

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

/* Spatial begins and ends of a Pad, into pads[2 * nsp] (ONNX order); 0 if it pads the
 * batch or channel axis, crops, or has a rank the consumer cannot take. */
static int spatial_pads(const Node *pad, int64_t *pads, int *nsp)
{
    const kiln_pad_params *k = op_pad_params(pad);
    if (k->rank != 3 && k->rank != 4)
        return 0;
    *nsp = k->rank - 2;
    for (int i = 0; i < k->rank; i++) {
        int32_t begin = k->pad_begin[i], end = k->out_dims[i] - k->in_dims[i] - begin;
        if (begin < 0 || end < 0 || (i < 2 && (begin || end)))
            return 0;
        if (i >= 2) {
            pads[i - 2] = begin;
            pads[i - 2 + *nsp] = end;
        }
    }
    return 1;
}

static float pad_value(const Node *pad)
{
    float v;
    memcpy(&v, op_pad_params(pad)->value, sizeof v);
    return v;
}

/* Whether consumer c may take the Pad's padding as its own. */
static int compatible(Node *c, const Node *pad)
{
    if (strcmp(ir_attr_str(c, "auto_pad", "NOTSET"), "NOTSET"))
        return 0;
    float v = pad_value(pad);
    if (is_op(c, "Conv"))
        return v == 0.0f;
    /* Indices are positions in the padded tensor: the Pad must stay */
    if (is_op(c, "MaxPool"))
        return isinf(v) && v < 0.0f && !(c->n_outputs > 1 && c->outputs[1]);
    if (is_op(c, "AveragePool")) {
        int64_t own[2 * KILN_FOLD_PAD_MAX_SPATIAL];
        int n = ir_attr_ints(c, "pads", own, 2 * KILN_FOLD_PAD_MAX_SPATIAL), any = 0;
        for (int i = 0; i < n; i++)
            any |= own[i] != 0;
        return v == 0.0f && (ir_attr_int(c, "count_include_pad", 0) || !any);
    }
    return 0;
}

static int fold(Graph *g, Node *pad, Diag *d)
{
    Tensor *y = pad->outputs[0];
    Node *c = ir_single_consumer(g, y);
    int64_t add[2 * KILN_FOLD_PAD_MAX_SPATIAL], own[2 * KILN_FOLD_PAD_MAX_SPATIAL] = {0};
    int nsp;
    if (!c || c->inputs[0] != y || y->dtype != DT_F32 || !spatial_pads(pad, add, &nsp) ||
        !compatible(c, pad))
        return 0;
    int n_own = ir_attr_ints(c, "pads", own, 2 * KILN_FOLD_PAD_MAX_SPATIAL);
    if (n_own >= 0 && n_own != 2 * nsp)
        return 0;   /* malformed pads: leave it to the consumer's own error */
    for (int i = 0; i < 2 * nsp; i++)
        own[i] += add[i];
    ir_set_attr_ints(g, c, "pads", own, 2 * nsp);
    if (is_op(c, "AveragePool"))
        ir_set_attr_int(g, c, "count_include_pad", 1);
    c->inputs[0] = pad->inputs[0];
    pad->dead = 1;
    return (c->op->parse && c->op->parse(g, c, d)) || c->op->infer(g, c, d) ? -1 : 1;
}

int pass_fold_pad(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!n->dead && !strcmp(n->op->name, "Pad") && fold(g, n, d) < 0)
            return -1;
    }
    ir_compact(g);
    return 0;
}
