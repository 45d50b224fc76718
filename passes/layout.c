/* SPDX-License-Identifier: MIT */
/* Per-op layout lowering (e.g. Gemm pre-transposes a constant B), through OpDef.lower. */
#include "passes.h"
#include "ops.h"

int pass_layout(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!n->dead && n->op->lower && n->op->lower(g, n, d))
            return -1;
    }
    return 0;
}
