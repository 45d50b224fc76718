/* SPDX-License-Identifier: MIT */
/* Det (opset 11+): determinants of the trailing m x m matrices of an f32 tensor. */
#include "op_common.h"

static int det_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d))
        return -1;
    if (x->rank < 2 || x->dims[x->rank - 1] != x->dims[x->rank - 2]) {
        node_error(d, n, "needs square matrices in the last two dims (shape [*, M, M])");
        return -1;
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank - 2, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    kiln_det_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_det_params){(int32_t)ir_numel(n->outputs[0]), (int32_t)x->dims[x->rank - 1]};
    n->params = p;
    return 0;
}

static int64_t det_scratch(const Node *n)
{
    const kiln_det_params *p = n->params;
    return (int64_t)p->m * p->m * (int64_t)sizeof(float);
}

static int det_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    float *s = arena_alloc(g->arena, (size_t)det_scratch(n) + sizeof(float));
    kiln_det_f32(n->params, n->inputs[0]->data, n->outputs[0]->data, s);
    return 0;
}

static int det_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_det_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_det_params");
    cg_decl(e, "{%d, %d};\n", p->batch, p->m);
    cg_stmt(e, "kiln_det_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]), p->m > 0 ? cg_scratch(e, n, "float") : "NULL");
    cg_use_kernel(e, "kiln_det_f32");
    return 0;
}

const OpDef op_det = {
    .name = "Det", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = det_infer, .eval = det_eval, .emit = det_emit, .scratch_bytes = det_scratch,
};
