/* SPDX-License-Identifier: MIT */
/* Activation fusion: an activation (Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid,
 * HardSwish) whose input comes only from an op with a fused-activation slot (Conv, Gemm,
 * MatMul, Add..., BatchNormalization) is applied by that op as it writes its output,
 * saving a pass over memory. */
#include "passes.h"
#include "ops.h"

int pass_fuse_act(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *a = g->nodes[i];
        if (a->dead || !(a->op->flags & OPF_ACTIVATION))
            continue;
        Tensor *x = a->inputs[0];
        Node *p = x->producer;
        kiln_act act, *slot;
        if (!p || p->dead || p->outputs[0] != x || ir_single_consumer(g, x) != a ||
            !p->op->act_slot || !(slot = p->op->act_slot(p)) || slot->kind != KILN_ACT_NONE ||
            !a->op->to_act(a, &act))
            continue;
        *slot = act;
        p->outputs[0] = a->outputs[0];
        a->outputs[0]->producer = p;
        a->dead = 1;
    }
    ir_compact(g);
    return 0;
}
