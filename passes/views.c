/* SPDX-License-Identifier: MIT */
/* View ops (Reshape, Flatten, Squeeze, ...) become aliases: the output shares the input's
 * storage and no code runs. Graph outputs need their own buffer, so:
 *  - a view output whose storage is an ordinary intermediate adopts that intermediate
 *    (the producer writes straight into the caller's output buffer);
 *  - otherwise (storage is a graph input, a constant or another output) the view stays a
 *    copy, emitted by codegen as kiln_copy. */
#include "passes.h"
#include "ops.h"

static int can_adopt(const Tensor *root)
{
    return !root->is_input && !root->is_output && !root->data && !root->output_home;
}

int pass_views(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (n->dead || !(n->op->flags & OPF_VIEW))
            continue;
        Tensor *x = n->inputs[0], *y = n->outputs[0];
        Tensor *root = ir_storage(x);
        if (!y->is_output) {
            y->alias_of = x;
        } else if (can_adopt(root)) {
            root->output_home = y;
            y->alias_of = x;
        }
    }
    return 0;
}
