/* SPDX-License-Identifier: MIT */
/* MeanVarianceNormalization (opset 9+): axes attribute (default [0, 2, 3]), normalised by
 * kiln_mvn_f32 over the kept/reduced split that the reductions use. */
#include "op_common.h"

#include <string.h>

static int mvn_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d) || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int64_t axes[IR_MAX_RANK + 1] = {0, 2, 3};
    int count = ir_attr_ints(n, "axes", axes, IR_MAX_RANK + 1);
    if (count < 0)
        count = 3;
    if (count == 0) {   /* ONNX Runtime rejects it too; the function body would reduce all */
        node_error(d, n, "axes is empty (list the axes to normalise over)");
        return -1;
    }
    if (count > x->rank) {
        node_error(d, n, "more axes than the input's rank %d", x->rank);
        return -1;
    }
    unsigned char reduced[IR_MAX_RANK] = {0};
    for (int i = 0; i < count; i++) {
        int a = op_axis(n, axes[i], x->rank, d);
        if (a < 0)
            return -1;
        if (reduced[a]) {
            node_error(d, n, "axis %lld is listed twice", (long long)axes[i]);
            return -1;
        }
        reduced[a] = 1;
    }
    kiln_reduce_params *p = arena_alloc(g->arena, sizeof *p);
    memset(p, 0, sizeof *p);
    op_reduce_split(x, reduced, p);
    p->op = KILN_RED_MEAN;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    n->params = p;
    return 0;
}

static int mvn_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_mvn_f32(n->params, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int mvn_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_reduce_params *k = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = op_reduce_params_decl(e, k, "KILN_RED_MEAN");
    cg_stmt(e, "kiln_mvn_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_mvn_f32");
    return 0;
}

const OpDef op_mean_variance_normalization = {
    .name = "MeanVarianceNormalization", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = mvn_infer, .eval = mvn_eval, .emit = mvn_emit,
};
