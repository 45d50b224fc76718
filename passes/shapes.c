/* SPDX-License-Identifier: MIT */
/* Shape inference and validation: in node order, check arity, let the op parse its
 * attributes and compute output types and shapes, and reject attributes nobody read.
 * Constants produced on the way (Constant, shape arithmetic) are folded immediately, so
 * ops whose attributes arrive as inputs (Reshape shape, Clip bounds, ...) see values. */
#include "passes.h"
#include "ops.h"

static int check_arity(Node *n, Diag *d)
{
    const OpDef *op = n->op;
    if (n->n_inputs < op->min_inputs || n->n_inputs > op->max_inputs) {
        node_error(d, n, "has %d inputs; %s takes %d to %d", n->n_inputs, op->name,
                   op->min_inputs, op->max_inputs);
        return -1;
    }
    if (n->n_outputs < op->min_outputs || n->n_outputs > op->max_outputs) {
        node_error(d, n, "has %d outputs; %s produces %d to %d", n->n_outputs, op->name,
                   op->min_outputs, op->max_outputs);
        return -1;
    }
    for (int i = 0; i < op->min_inputs; i++) {
        if (!n->inputs[i]) {
            node_error(d, n, "required input %d is missing", i);
            return -1;
        }
    }
    if (!n->outputs[0] && op->min_outputs > 0) {
        node_error(d, n, "output 0 has no name");
        return -1;
    }
    return 0;
}

/* Largest tensor kiln compiles (bytes); bigger ones cannot live in an MCU arena and would
 * overflow the runtime's 32-bit sizes. Checked for every inferred output, so later passes
 * can compute sizes without overflow. */
#define MAX_TENSOR_BYTES ((int64_t)1 << 31)

static int check_output_size(Node *n, const Tensor *t, Diag *d)
{
    int64_t bytes = (int64_t)dtype_size(t->dtype);
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] < 0 || mul_overflow_i64(bytes, t->dims[i], &bytes) ||
            bytes > MAX_TENSOR_BYTES) {
            node_error(d, n, "output '%s' would be too large (dimension %d is %lld; a tensor "
                       "may hold at most 2^31 bytes)", t->name, i, (long long)t->dims[i]);
            return -1;
        }
    }
    return 0;
}

int pass_shapes(Graph *g, const PassOptions *o, Diag *d)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (n->dead)
            continue;
        if (check_arity(n, d))
            return -1;
        for (int j = 0; j < n->n_inputs; j++) {
            if (n->inputs[j] && n->inputs[j]->rank < 0) {
                node_error(d, n, "internal: input '%s' has no shape", n->inputs[j]->name);
                return -1;
            }
        }
        if ((n->op->parse && n->op->parse(g, n, d)) || n->op->infer(g, n, d) ||
            op_check_unused_attrs(n, d))
            return -1;
        for (int j = 0; j < n->n_outputs; j++) {
            Tensor *t = n->outputs[j];
            if (t && j == 0 && t->rank < 0)
                KILN_UNREACHABLE("infer left an output without a shape");
            if (t && t->rank < 0) {
                /* unused optional outputs (e.g. Dropout mask) get an empty shape */
                t->rank = 0;
                t->dtype = n->outputs[0]->dtype;
            }
            if (t && check_output_size(n, t, d))
                return -1;
        }
        if (pass_fold_node(g, n, o, d))
            return -1;
    }
    return 0;
}
