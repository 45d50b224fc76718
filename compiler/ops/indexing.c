/* SPDX-License-Identifier: MIT */
/* Ops driven by index tensors known only at run time: GatherElements, GatherND,
 * ScatterElements (and the older Scatter), ScatterND, OneHot. Kernels take int64 indices;
 * constant indices of another integer type are converted at compile time. An index out of
 * range at run time makes the generated NAME_run() return 1. */
#include "op_common.h"

#include <string.h>

/* Makes input i an int64 index tensor: constants are converted, run-time indices must
 * already be int64. */
static int index_input(Graph *g, Node *n, int i, Diag *d)
{
    Tensor *t = n->inputs[i];
    if (t->dtype == DT_S64)
        return 0;
    if (t->dtype != DT_S32 || !ir_is_const(t)) {
        node_error(d, n, "input %d ('%s') is %s: indices must be int64 (or constant int32)", i,
                   t->name, dtype_name(t->dtype));
        return -1;
    }
    Tensor *c = ir_tensor_new(g, arena_printf(g->arena, "%s.indices%d", n->name, i));
    ir_set_shape(c, DT_S64, t->rank, t->dims);
    int64_t *v = ir_alloc_data(g, c);
    for (int64_t k = 0; k < ir_numel(t); k++)
        v[k] = ir_const_int(t, k);
    n->inputs[i] = c;
    return 0;
}

static kiln_elem_type elem_type(DType t)
{
    return t == DT_F32 ? KILN_TYPE_F32 : t == DT_S32 ? KILN_TYPE_S32
         : t == DT_S64 ? KILN_TYPE_S64 : KILN_TYPE_OTHER;
}

/* The reduction attribute of ScatterElements/ScatterND (opset 16; max/min from 18). */
static int parse_reduction(Node *n, DType t, kiln_reduce_op *op, Diag *d)
{
    const char *r = ir_attr_str(n, "reduction", "none");
    *op = !strcmp(r, "none") ? KILN_REDUCE_NONE : !strcmp(r, "add") ? KILN_REDUCE_ADD
        : !strcmp(r, "mul") ? KILN_REDUCE_MUL : !strcmp(r, "max") ? KILN_REDUCE_MAX
        : !strcmp(r, "min") ? KILN_REDUCE_MIN : (kiln_reduce_op)-1;
    if ((int)*op < 0) {
        node_error(d, n, "reduction '%s' is not one of none, add, mul, max, min", r);
        return -1;
    }
    if (*op != KILN_REDUCE_NONE && elem_type(t) == KILN_TYPE_OTHER) {
        node_error(d, n, "not supported: reduction '%s' on %s data (f32, int32, int64 only)", r,
                   dtype_name(t));
        return -1;
    }
    return 0;
}

static void row_major(const Tensor *t, int32_t *strides)
{
    int64_t s = 1;
    for (int i = t->rank - 1; i >= 0; i--) {
        strides[i] = (int32_t)s;
        s *= t->dims[i];
    }
}

static int sizes_fit(Node *n, Diag *d)
{
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && op_fits_i32(n, ir_numel(n->inputs[i]), "input size", d))
            return -1;
    return op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d);
}

/* Emits `if (KERNEL(&params, inputs..., y) != 0) return 1;` */
static void emit_checked(Emit *e, Node *n, const char *kernel, const char *pn)
{
    Buf args = {0};
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i])
            buf_printf(&args, ", %s", cg_ptr(e, n->inputs[i]));
    cg_stmt(e, "if (%s(&%s%s, %s) != 0)\n        return 1;\n", kernel, pn, args.data,
            cg_ptr(e, n->outputs[0]));
    buf_free(&args);
    cg_use_kernel(e, kernel);
}

static int index_error(Node *n, int rc, Diag *d)
{
    if (rc)
        node_error(d, n, "an index is out of range");
    return rc ? -1 : 0;
}

/* ---- GatherElements ------------------------------------------------------------------ */

/* Shared by GatherElements and ScatterElements: indices (input 1) pick along axis. */
static int elements_params(Graph *g, Node *n, kiln_gather_elements_params *k, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (index_input(g, n, 1, d))
        return -1;
    Tensor *idx = n->inputs[1];
    int axis = op_axis(n, ir_attr_int(n, "axis", 0), x->rank, d);
    if (axis < 0)
        return -1;
    if (idx->rank != x->rank || x->rank == 0) {
        node_error(d, n, "indices must have the data's rank (%d)", x->rank);
        return -1;
    }
    for (int i = 0; i < x->rank; i++) {
        if (i != axis && idx->dims[i] > x->dims[i]) {
            node_error(d, n, "indices dim %d (%lld) exceeds the data's (%lld)", i,
                       (long long)idx->dims[i], (long long)x->dims[i]);
            return -1;
        }
    }
    memset(k, 0, sizeof *k);
    k->elem_size = (int32_t)dtype_size(x->dtype);
    k->rank = x->rank;
    for (int i = 0; i < x->rank; i++)
        k->dims[i] = (int32_t)idx->dims[i];
    row_major(x, k->data_strides);
    k->axis = axis;
    k->axis_len = (int32_t)x->dims[axis];
    return 0;
}

static int gather_elements_infer(Graph *g, Node *n, Diag *d)
{
    kiln_gather_elements_params *k = arena_alloc(g->arena, sizeof *k);
    if (elements_params(g, n, k, d))
        return -1;
    ir_set_shape(n->outputs[0], n->inputs[0]->dtype, n->inputs[1]->rank, n->inputs[1]->dims);
    n->params = k;
    return sizes_fit(n, d);
}

static int gather_elements_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    return index_error(n, kiln_gather_elements(n->params, n->inputs[0]->data, n->inputs[1]->data,
                                               n->outputs[0]->data), d);
}

static const char *elements_decl(Emit *e, const kiln_gather_elements_params *k)
{
    return arena_printf(e->g->arena, "{%d, %d, %s, %s, %d, %d}", k->elem_size, k->rank,
                        cg_i32_list(e, k->dims, KILN_MAX_RANK),
                        cg_i32_list(e, k->data_strides, KILN_MAX_RANK), k->axis, k->axis_len);
}

static int gather_elements_emit(Emit *e, Node *n, Diag *d)
{
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_gather_elements_params");
    cg_decl(e, "%s;\n", elements_decl(e, n->params));
    emit_checked(e, n, "kiln_gather_elements", pn);
    return 0;
}

const OpDef op_gather_elements = {
    .name = "GatherElements", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = gather_elements_infer, .eval = gather_elements_eval, .emit = gather_elements_emit,
};

/* ---- ScatterElements / Scatter -------------------------------------------------------- */

static int scatter_elements_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *upd = n->inputs[2];
    kiln_scatter_elements_params *k = arena_alloc(g->arena, sizeof *k);
    if (elements_params(g, n, &k->g, d) || parse_reduction(n, x->dtype, &k->reduction, d))
        return -1;
    if (!ir_same_shape(upd, n->inputs[1]) || upd->dtype != x->dtype) {
        node_error(d, n, "updates must have the indices' shape and the data's type");
        return -1;
    }
    k->data_numel = (int32_t)ir_numel(x);
    k->type = elem_type(x->dtype);
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    n->params = k;
    return sizes_fit(n, d);
}

static int scatter_elements_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    return index_error(n, kiln_scatter_elements(n->params, n->inputs[0]->data,
                                                n->inputs[1]->data, n->inputs[2]->data,
                                                n->outputs[0]->data), d);
}

static int scatter_elements_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_scatter_elements_params *k = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_scatter_elements_params");
    cg_decl(e, "{%s, %d, (kiln_reduce_op)%d, (kiln_elem_type)%d};\n", elements_decl(e, &k->g),
            k->data_numel, (int)k->reduction, (int)k->type);
    emit_checked(e, n, "kiln_scatter_elements", pn);
    return 0;
}

const OpDef op_scatter_elements = {
    .name = "ScatterElements", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = scatter_elements_infer, .eval = scatter_elements_eval, .emit = scatter_elements_emit,
};

const OpDef op_scatter = {
    .name = "Scatter", .min_opset = 9, .max_opset = 10,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = scatter_elements_infer, .eval = scatter_elements_eval, .emit = scatter_elements_emit,
};

/* ---- GatherND / ScatterND ------------------------------------------------------------- */

/* data [batch dims][k indexed dims][slice dims], indices [batch dims][tuples][k]. */
static int nd_params(Graph *g, Node *n, int batch_dims, kiln_gather_nd_params *k, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (index_input(g, n, 1, d))
        return -1;
    Tensor *idx = n->inputs[1];
    int q = idx->rank, r = x->rank;
    int64_t kk = q > 0 ? idx->dims[q - 1] : 0;
    if (q < 1 || r < 1 || batch_dims < 0 || batch_dims >= q || batch_dims >= r || kk < 1 ||
        kk > r - batch_dims) {
        node_error(d, n, "indices [..., %lld] cannot index data of rank %d with batch_dims %d",
                   (long long)kk, r, batch_dims);
        return -1;
    }
    memset(k, 0, sizeof *k);
    int64_t batch = 1, tuples = 1, slice = 1;
    for (int i = 0; i < batch_dims; i++) {
        if (idx->dims[i] != x->dims[i]) {
            node_error(d, n, "batch dim %d differs between data and indices", i);
            return -1;
        }
        batch *= x->dims[i];
    }
    for (int i = batch_dims; i < q - 1; i++)
        tuples *= idx->dims[i];
    for (int i = batch_dims + (int)kk; i < r; i++)
        slice *= x->dims[i];
    int64_t stride = slice;
    for (int j = (int)kk - 1; j >= 0; j--) {
        k->data_dims[j] = (int32_t)x->dims[batch_dims + j];
        k->data_strides[j] = (int32_t)stride;
        stride *= x->dims[batch_dims + j];
    }
    k->batch = (int32_t)batch;
    k->n_tuples = (int32_t)tuples;
    k->k = (int32_t)kk;
    k->slice = (int32_t)slice;
    k->data_batch = (int32_t)stride;
    k->elem_size = (int32_t)dtype_size(x->dtype);
    return 0;
}

static const char *nd_decl(Emit *e, const kiln_gather_nd_params *k)
{
    return arena_printf(e->g->arena, "{%d, %d, %d, %s, %s, %d, %d, %d}", k->batch, k->n_tuples,
                        k->k, cg_i32_list(e, k->data_dims, KILN_MAX_RANK),
                        cg_i32_list(e, k->data_strides, KILN_MAX_RANK), k->slice, k->data_batch,
                        k->elem_size);
}

static int gather_nd_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int b = (int)ir_attr_int(n, "batch_dims", 0);
    kiln_gather_nd_params *k = arena_alloc(g->arena, sizeof *k);
    if (nd_params(g, n, b, k, d))
        return -1;
    Tensor *idx = n->inputs[1];
    int64_t dims[2 * IR_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < idx->rank - 1; i++)
        dims[rank++] = idx->dims[i];
    for (int i = b + k->k; i < x->rank; i++)
        dims[rank++] = x->dims[i];
    if (rank > IR_MAX_RANK) {
        node_error(d, n, "the output would have rank %d (max %d)", rank, IR_MAX_RANK);
        return -1;
    }
    ir_set_shape(n->outputs[0], x->dtype, rank, dims);
    n->params = k;
    return sizes_fit(n, d);
}

static int gather_nd_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    return index_error(n, kiln_gather_nd(n->params, n->inputs[0]->data, n->inputs[1]->data,
                                         n->outputs[0]->data), d);
}

static int gather_nd_emit(Emit *e, Node *n, Diag *d)
{
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_gather_nd_params");
    cg_decl(e, "%s;\n", nd_decl(e, n->params));
    emit_checked(e, n, "kiln_gather_nd", pn);
    return 0;
}

const OpDef op_gather_nd = {
    .name = "GatherND", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = gather_nd_infer, .eval = gather_nd_eval, .emit = gather_nd_emit,
};

static int scatter_nd_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *upd = n->inputs[2];
    kiln_scatter_nd_params *k = arena_alloc(g->arena, sizeof *k);
    if (nd_params(g, n, 0, &k->g, d) || parse_reduction(n, x->dtype, &k->reduction, d))
        return -1;
    Tensor *idx = n->inputs[1];
    /* updates: indices.shape[:-1] + data.shape[k:] */
    int ok = upd->dtype == x->dtype && upd->rank == idx->rank - 1 + x->rank - k->g.k;
    for (int i = 0; ok && i < idx->rank - 1; i++)
        ok = upd->dims[i] == idx->dims[i];
    for (int i = k->g.k; ok && i < x->rank; i++)
        ok = upd->dims[idx->rank - 1 + i - k->g.k] == x->dims[i];
    if (!ok) {
        node_error(d, n, "updates must be indices.shape[:-1] + data.shape[k:] of the data's type");
        return -1;
    }
    k->data_numel = (int32_t)ir_numel(x);
    k->type = elem_type(x->dtype);
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    n->params = k;
    return sizes_fit(n, d);
}

static int scatter_nd_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    return index_error(n, kiln_scatter_nd(n->params, n->inputs[0]->data, n->inputs[1]->data,
                                          n->inputs[2]->data, n->outputs[0]->data), d);
}

static int scatter_nd_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_scatter_nd_params *k = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_scatter_nd_params");
    cg_decl(e, "{%s, %d, (kiln_reduce_op)%d, (kiln_elem_type)%d};\n", nd_decl(e, &k->g),
            k->data_numel, (int)k->reduction, (int)k->type);
    emit_checked(e, n, "kiln_scatter_nd", pn);
    return 0;
}

const OpDef op_scatter_nd = {
    .name = "ScatterND", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = scatter_nd_infer, .eval = scatter_nd_eval, .emit = scatter_nd_emit,
};

/* ---- OneHot --------------------------------------------------------------------------- */

static int one_hot_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *idx = n->inputs[0], *depth = n->inputs[1], *values = n->inputs[2];
    if (op_require_shape_input(n, 1, d))
        return -1;
    kiln_elem_type it = elem_type(idx->dtype);
    if (it == KILN_TYPE_OTHER) {
        node_error(d, n, "not supported: %s indices (int64, int32, float32)", dtype_name(idx->dtype));
        return -1;
    }
    double dv = depth->dtype == DT_F32 || depth->dtype == DT_F64 ? ir_const_float(depth, 0)
                                                                 : (double)ir_const_int(depth, 0);
    if (ir_numel(depth) != 1 || !(dv >= 1 && dv <= INT32_MAX) || ir_numel(values) != 2) {
        node_error(d, n, "depth must be a positive scalar and values hold 2 elements");
        return -1;
    }
    int rank = idx->rank + 1;
    if (rank > IR_MAX_RANK) {
        node_error(d, n, "the output would have rank %d (max %d)", rank, IR_MAX_RANK);
        return -1;
    }
    int axis = op_axis(n, ir_attr_int(n, "axis", -1), rank, d);
    if (axis < 0)
        return -1;
    int64_t dims[IR_MAX_RANK], outer = 1, inner = 1;
    for (int i = 0, k = 0; i < rank; i++)
        dims[i] = i == axis ? (int64_t)dv : idx->dims[k++];
    for (int i = 0; i < axis; i++)
        outer *= idx->dims[i];
    for (int i = axis; i < idx->rank; i++)
        inner *= idx->dims[i];
    ir_set_shape(n->outputs[0], values->dtype, rank, dims);
    kiln_one_hot_params *k = arena_alloc(g->arena, sizeof *k);
    *k = (kiln_one_hot_params){(int32_t)dtype_size(values->dtype), (int32_t)outer, (int32_t)dv,
                               (int32_t)inner, it};
    n->params = k;
    return sizes_fit(n, d);
}

static int one_hot_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_one_hot(n->params, n->inputs[0]->data, n->inputs[2]->data, n->outputs[0]->data);
    return 0;
}

static int one_hot_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_one_hot_params *k = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_one_hot_params");
    cg_decl(e, "{%d, %d, %d, %d, (kiln_elem_type)%d};\n", k->elem_size, k->outer, k->depth,
            k->inner, (int)k->index_type);
    cg_stmt(e, "kiln_one_hot(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[2]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_one_hot");
    return 0;
}

const OpDef op_one_hot = {
    .name = "OneHot", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = one_hot_infer, .eval = one_hot_eval, .emit = one_hot_emit,
};
