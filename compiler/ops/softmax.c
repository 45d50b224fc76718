/* SPDX-License-Identifier: MIT */
/* Softmax: opset < 13 coerces the input to 2-D at `axis`; opset >= 13 normalises one axis. */
#include "op_common.h"

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

static int softmax_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_softmax_f32(&((SoftmaxParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int softmax_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_softmax_params *k = &((SoftmaxParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_softmax_params");
    cg_decl(e, "{%d, %d, %d};\n", k->outer, k->len, k->inner);
    cg_stmt(e, "kiln_softmax_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_softmax_f32");
    return 0;
}

const OpDef op_softmax = {
    .name = "Softmax", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = softmax_infer, .eval = softmax_eval, .emit = softmax_emit,
};
