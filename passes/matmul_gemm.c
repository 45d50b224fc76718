/* SPDX-License-Identifier: MIT */
/* MatMul -> Gemm: a 2-D MatMul with a constant 2-D B becomes a Gemm, and a following Add
 * of a constant that broadcasts to the product ([N], [1,N], [M,N], scalar) becomes its C.
 * Gemm then takes part in what MatMul does not: BatchNormalization folding (PyTorch
 * leaves Linear + BatchNorm1d as MatMul/Gemm + BN), bias/activation fusion, pruning,
 * sparse kernels, Gemm's pre-transposed B. Both compute sum(A * B) in the same order from
 * 0.0f and then add C (beta 1: 1 * c == c), so results do not change. */
#include "passes.h"
#include "ops.h"

#include <string.h>

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

static int convertible(const Node *n)
{
    const Tensor *a = n->inputs[0], *b = n->inputs[1];
    return is_op(n, "MatMul") && a->rank == 2 && b->rank == 2 && ir_is_const(b) &&
           a->dtype == DT_F32 && b->dtype == DT_F32;
}

/* The Add after y = MatMul(..) whose other input is a constant bias for y, or NULL. */
static Node *bias_add(const Graph *g, const Tensor *y, Tensor **bias)
{
    Node *add = ir_single_consumer(g, y);
    if (!add || !is_op(add, "Add") || add->n_inputs != 2)
        return NULL;
    Tensor *c = add->inputs[0] == y ? add->inputs[1] : add->inputs[0];
    if (c == y || !ir_is_const(c) || c->dtype != DT_F32 || c->rank > 2 ||
        !ir_same_shape(add->outputs[0], y))
        return NULL;
    *bias = c;
    return add;
}

static int to_gemm(Graph *g, Node *n, Diag *d)
{
    Tensor *bias = NULL;
    Node *add = bias_add(g, n->outputs[0], &bias);
    Tensor **in = arena_alloc(g->arena, 3 * sizeof *in);
    in[0] = n->inputs[0];
    in[1] = n->inputs[1];
    in[2] = bias;
    n->inputs = in;
    n->n_inputs = bias ? 3 : 2;
    n->op = op_find("Gemm");
    n->op_type = "Gemm";
    if (n->opset < n->op->min_opset)
        n->opset = n->op->min_opset;   /* Gemm's defaults are the same in every opset */
    if (add) {
        n->outputs[0] = add->outputs[0];
        add->outputs[0]->producer = n;
        add->dead = 1;
    }
    return (n->op->parse && n->op->parse(g, n, d)) || n->op->infer(g, n, d) ? -1 : 0;
}

int pass_matmul_gemm(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!n->dead && convertible(n) && to_gemm(g, n, d))
            return -1;
    }
    ir_compact(g);
    return 0;
}
