/* SPDX-License-Identifier: MIT */
/* Dead-code removal: walking backwards, a node none of whose outputs is used dies. */
#include "passes.h"

int pass_dce(Graph *g, const PassOptions *o, Diag *d)
{
    int *uses = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(int));
    for (int i = 0; i < g->n_outputs; i++)
        uses[g->outputs[i]->id]++;
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++)
            if (!g->nodes[i]->dead && g->nodes[i]->inputs[j])
                uses[g->nodes[i]->inputs[j]->id]++;
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        Node *n = g->nodes[i];
        if (n->dead)
            continue;
        int used = 0;
        for (int j = 0; j < n->n_outputs; j++)
            used |= n->outputs[j] && uses[n->outputs[j]->id] > 0;
        if (used)
            continue;
        n->dead = 1;
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j])
                uses[n->inputs[j]->id]--;
    }
    ir_compact(g);
    return 0;
}
