/* SPDX-License-Identifier: MIT */
/* Trilu: upper or lower triangle of the last two dims; any element type. */
#include "op_common.h"

static int trilu_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (x->rank < 2) {
        node_error(d, n, "needs an input of rank >= 2");
        return -1;
    }
    int64_t k = 0;
    if (n->n_inputs > 1 && n->inputs[1]) {
        if (op_require_const(n, 1, d))
            return -1;
        if (ir_numel(n->inputs[1]) != 1) {
            node_error(d, n, "k must be a scalar");
            return -1;
        }
        k = ir_const_int(n->inputs[1], 0);
    }
    int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    /* beyond the matrix every k acts like +-(rows + cols) */
    int64_t lim = rows + cols;
    k = k < -lim ? -lim : k > lim ? lim : k;
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int64_t matrix = rows * cols;
    kiln_trilu_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_trilu_params){(int32_t)dtype_size(x->dtype),
                             (int32_t)(matrix > 0 ? ir_numel(x) / matrix : 0), (int32_t)rows,
                             (int32_t)cols, (int32_t)k, ir_attr_int(n, "upper", 1) != 0};
    n->params = p;
    return 0;
}

static int trilu_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_trilu(n->params, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int trilu_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_trilu_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_trilu_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d};\n", p->elem_size, p->batch, p->rows, p->cols, p->k,
            p->upper);
    cg_stmt(e, "kiln_trilu(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_trilu");
    return 0;
}

const OpDef op_trilu = {
    .name = "Trilu", .min_opset = 14, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = trilu_infer, .eval = trilu_eval, .emit = trilu_emit,
};
