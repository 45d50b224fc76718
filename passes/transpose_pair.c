/* SPDX-License-Identifier: MIT */
/* Transpose pairs: Transpose(p2) of Transpose(p1) is one Transpose with perm
 * q[i] = p1[p2[i]], and nothing at all (an Identity view) when q is the identity, as in
 * the NHWC<->NCHW round trips converters leave behind. The first Transpose must feed only
 * the second; it is then removed by dce. Data movement only, so results are unchanged. */
#include "passes.h"
#include "ops.h"

#include <string.h>

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

static void perm_of(Node *n, int rank, int64_t *perm)
{
    if (ir_attr_ints(n, "perm", perm, IR_MAX_RANK) != rank)
        for (int i = 0; i < rank; i++)
            perm[i] = rank - 1 - i;   /* ONNX default: reverse the axes */
}

static int compose(Graph *g, Node *t2, Diag *d)
{
    Tensor *mid = t2->inputs[0];
    Node *t1 = mid->producer;
    if (!t1 || t1->dead || !is_op(t1, "Transpose") || ir_single_consumer(g, mid) != t2)
        return 0;
    int rank = mid->rank, identity = 1;
    int64_t p1[IR_MAX_RANK], p2[IR_MAX_RANK], q[IR_MAX_RANK];
    perm_of(t1, rank, p1);
    perm_of(t2, rank, p2);
    for (int i = 0; i < rank; i++) {
        q[i] = p1[p2[i]];
        identity &= q[i] == i;
    }
    t2->inputs[0] = t1->inputs[0];
    t1->dead = 1;
    if (identity) {
        t2->op = op_find("Identity");
        t2->op_type = "Identity";
        t2->n_attrs = 0;
    } else {
        ir_set_attr_ints(g, t2, "perm", q, rank);
    }
    return (t2->op->parse && t2->op->parse(g, t2, d)) || t2->op->infer(g, t2, d) ? -1 : 1;
}

int pass_transpose_pair(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!n->dead && is_op(n, "Transpose") && compose(g, n, d) < 0)
            return -1;
    }
    ir_compact(g);
    return 0;
}
