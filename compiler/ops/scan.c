/* SPDX-License-Identifier: MIT */
/* Ops along one axis with a constant parameter input: CumSum (axis input; exclusive,
 * reverse) and TopK (k as an attribute before opset 10, a constant input after; axis,
 * largest, sorted). */
#include "op_common.h"

#include <string.h>

/* outer/len/inner of x around axis. */
static void split_axis(const Tensor *x, int axis, int32_t *outer, int32_t *len, int32_t *inner)
{
    int64_t o = 1, in = 1;
    for (int i = 0; i < x->rank; i++) {
        if (i < axis)
            o *= x->dims[i];
        else if (i > axis)
            in *= x->dims[i];
    }
    *outer = (int32_t)o;
    *len = x->rank ? (int32_t)x->dims[axis] : 1;
    *inner = (int32_t)in;
}

typedef struct {
    kiln_cumsum_params k;
} CumSumParams;

static int cumsum_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    DType t = x->dtype;
    if (t != DT_F32 && t != DT_F64 && t != DT_S32 && t != DT_S64 && t != DT_U32 && t != DT_U64) {
        node_error(d, n, "CumSum takes f32, f64, s32, s64, u32 or u64 tensors (got %s)",
                   dtype_name(t));
        return -1;
    }
    if (op_require_const(n, 1, d) || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    if (ir_numel(n->inputs[1]) != 1) {
        node_error(d, n, "axis must hold one value");
        return -1;
    }
    int axis = op_axis(n, ir_const_int(n->inputs[1], 0), x->rank, d);
    if (axis < 0)
        return -1;
    CumSumParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.type = op_kiln_dtype(t);
    split_axis(x, axis, &p->k.outer, &p->k.len, &p->k.inner);
    p->k.exclusive = ir_attr_int(n, "exclusive", 0) != 0;
    p->k.reverse = ir_attr_int(n, "reverse", 0) != 0;
    n->params = p;
    ir_set_shape(n->outputs[0], t, x->rank, x->dims);
    return 0;
}

static int cumsum_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_cumsum(&((CumSumParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int cumsum_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_cumsum_params *k = &((CumSumParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_cumsum_params");
    cg_decl(e, "{%s, %d, %d, %d, %d, %d};\n", op_kiln_dtype_name(n->inputs[0]->dtype), k->outer,
            k->len, k->inner, k->exclusive, k->reverse);
    cg_stmt(e, "kiln_cumsum(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_cumsum");
    return 0;
}

const OpDef op_cum_sum = {
    .name = "CumSum", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = cumsum_infer, .eval = cumsum_eval, .emit = cumsum_emit,
};

/* ---- TopK ----------------------------------------------------------------------------- */

typedef struct {
    kiln_topk_params k;
} TopKParams;

static int topk_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d) || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int64_t k;
    if (n->opset < 10) {
        k = ir_attr_int(n, "k", -1);
    } else {
        if (n->n_inputs < 2 || op_require_const(n, 1, d))
            return -1;
        if (ir_numel(n->inputs[1]) != 1) {
            node_error(d, n, "K must hold one value");
            return -1;
        }
        k = ir_const_int(n->inputs[1], 0);
    }
    int axis = op_axis(n, ir_attr_int(n, "axis", -1), x->rank, d);
    if (axis < 0)
        return -1;
    TopKParams *p = arena_alloc(g->arena, sizeof *p);
    split_axis(x, axis, &p->k.outer, &p->k.len, &p->k.inner);
    if (k < 0 || k > p->k.len) {
        node_error(d, n, "k = %lld is outside [0, %d] (the axis length)", (long long)k, p->k.len);
        return -1;
    }
    p->k.k = (int32_t)k;
    p->k.largest = n->opset < 11 || ir_attr_int(n, "largest", 1) != 0;
    if (n->opset >= 11)
        (void)ir_attr_int(n, "sorted", 1);   /* kiln always sorts, which sorted=0 allows */
    n->params = p;
    int64_t dims[IR_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    dims[axis] = k;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, dims);
    if (n->n_outputs > 1 && n->outputs[1])
        ir_set_shape(n->outputs[1], DT_S64, x->rank, dims);
    return 0;
}

static int topk_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (n->n_outputs < 2 || !n->outputs[1]) {
        node_error(d, n, "TopK without an Indices output cannot be folded");
        return -1;
    }
    kiln_topk_f32(&((TopKParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data,
                  n->outputs[1]->data);
    return 0;
}

static int topk_emit(Emit *e, Node *n, Diag *d)
{
    if (n->n_outputs < 2 || !n->outputs[1]) {
        node_error(d, n, "TopK needs its Indices output");
        return -1;
    }
    const kiln_topk_params *k = &((TopKParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_topk_params");
    cg_decl(e, "{%d, %d, %d, %d, %d};\n", k->outer, k->len, k->inner, k->k, k->largest);
    cg_stmt(e, "kiln_topk_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]), cg_ptr(e, n->outputs[1]));
    cg_use_kernel(e, "kiln_topk_f32");
    return 0;
}

const OpDef op_top_k = {
    .name = "TopK", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 2, .max_outputs = 2,
    .infer = topk_infer, .eval = topk_eval, .emit = topk_emit,
};
