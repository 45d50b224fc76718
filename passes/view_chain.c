/* SPDX-License-Identifier: MIT */
/* Reshape chains: a view op (Reshape, Flatten, Squeeze, Unsqueeze, Identity) of another
 * view op's output becomes one Reshape of the first one's input to the final shape (or
 * an Identity when the shapes are equal), so chains of reshapes exported around
 * Linear layers collapse to a single alias. The inner view must feed only the outer one;
 * it is then removed. No data changes. */
#include "passes.h"
#include "ops.h"

#include <string.h>

static int is_chainable(const Node *n)
{
    const char *op = n->op->name;
    return !strcmp(op, "Reshape") || !strcmp(op, "Flatten") || !strcmp(op, "Squeeze") ||
           !strcmp(op, "Unsqueeze") || !strcmp(op, "Identity");
}

/* An int64 constant holding the dims of t (Reshape's shape input). */
static Tensor *shape_const(Graph *g, const Node *n, const Tensor *t)
{
    Tensor *s = ir_tensor_new(g, arena_printf(g->arena, "%s.shape%d", n->name, g->n_tensors));
    int64_t dims[1] = {t->rank};
    ir_set_shape(s, DT_S64, 1, dims);
    int64_t *v = ir_alloc_data(g, s);
    for (int i = 0; i < t->rank; i++)
        v[i] = t->dims[i];
    return s;
}

static int collapse(Graph *g, Node *v2, Diag *d)
{
    Tensor *mid = v2->inputs[0], *y = v2->outputs[0];
    Node *v1 = mid->producer;
    if (!v1 || v1->dead || !is_chainable(v1) || ir_single_consumer(g, mid) != v2 ||
        ir_numel(y) == 0)
        return 0;
    Tensor *x = v1->inputs[0];
    v1->dead = 1;
    Tensor **in = arena_alloc(g->arena, 2 * sizeof *in);
    in[0] = x;
    v2->inputs = in;
    v2->n_attrs = 0;
    if (ir_same_shape(x, y)) {
        v2->op = op_find("Identity");
        v2->op_type = "Identity";
        v2->n_inputs = 1;
    } else {
        v2->op = op_find("Reshape");
        v2->op_type = "Reshape";
        in[1] = shape_const(g, v2, y);
        v2->n_inputs = 2;
        if (v2->opset < 5)
            v2->opset = 5;   /* the shape as an input (opset 5+), not an attribute */
    }
    return (v2->op->parse && v2->op->parse(g, v2, d)) || v2->op->infer(g, v2, d) ? -1 : 1;
}

int pass_view_chain(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!n->dead && is_chainable(n) && collapse(g, n, d) < 0)
            return -1;
    }
    ir_compact(g);
    return 0;
}
