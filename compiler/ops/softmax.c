/* SPDX-License-Identifier: MIT */
/* Softmax, LogSoftmax, Hardmax: opset < 13 coerces the input to 2-D at `axis`; opset >= 13
 * normalises one axis. */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_softmax_params k;
} SoftmaxParams;

static int softmax_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (!x || op_require_float(n, 0, d))
        return -1;
    int legacy = n->opset < 13;
    int axis = op_axis(n, ir_attr_int(n, "axis", legacy ? 1 : -1), x->rank, d);
    if (axis < 0)
        return -1;
    int64_t outer = 1, len = 1, inner = 1;
    for (int i = 0; i < x->rank; i++) {
        if (i < axis)
            outer *= x->dims[i];
        else if (i == axis || legacy)
            len *= x->dims[i];
        else
            inner *= x->dims[i];
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    SoftmaxParams *p = arena_alloc(g->arena, sizeof *p);
    p->k = (kiln_softmax_params){(int32_t)outer, (int32_t)len, (int32_t)inner};
    n->params = p;
    return 0;
}

typedef void (*softmax_kernel)(const kiln_softmax_params *, const float *, float *);

/* The kernel of the node and its runtime file stem. */
static softmax_kernel softmax_kind(const Node *n, const char **stem)
{
    if (!strcmp(n->op->name, "LogSoftmax")) {
        *stem = "kiln_log_softmax_f32";
        return kiln_log_softmax_f32;
    }
    if (!strcmp(n->op->name, "Hardmax")) {
        *stem = "kiln_hardmax_f32";
        return kiln_hardmax_f32;
    }
    *stem = "kiln_softmax_f32";
    return kiln_softmax_f32;
}

static int softmax_eval(Graph *g, Node *n, Diag *d)
{
    const char *stem;
    op_allocate_outputs(g, n);
    softmax_kind(n, &stem)(&((SoftmaxParams *)n->params)->k, n->inputs[0]->data,
                           n->outputs[0]->data);
    return 0;
}

static int softmax_emit(Emit *e, Node *n, Diag *d)
{
    const char *stem;
    softmax_kind(n, &stem);
    const kiln_softmax_params *k = &((SoftmaxParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_softmax_params");
    cg_decl(e, "{%d, %d, %d};\n", k->outer, k->len, k->inner);
    cg_stmt(e, "%s(&%s, %s, %s);\n", stem, pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, stem);
    return 0;
}

const OpDef op_softmax = {
    .name = "Softmax", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = softmax_infer, .eval = softmax_eval, .emit = softmax_emit,
};
const OpDef op_log_softmax = {
    .name = "LogSoftmax", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = softmax_infer, .eval = softmax_eval, .emit = softmax_emit,
};
const OpDef op_hardmax = {
    .name = "Hardmax", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = softmax_infer, .eval = softmax_eval, .emit = softmax_emit,
};
