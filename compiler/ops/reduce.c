/* SPDX-License-Identifier: MIT */
/* Reductions: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare with axes as an
 * attribute (ReduceSum before opset 13, the others before 18) or as a constant input,
 * keepdims and noop_with_empty_axes; ArgMax/ArgMin with keepdims and select_last_index. */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_reduce_params k;
    int noop;    /* noop_with_empty_axes with no axes: a copy */
} ReduceParams;

static kiln_axes_reduce_op reduce_kind(const Node *n)
{
    static const struct {
        const char *name;
        kiln_axes_reduce_op op;
    } kinds[] = {{"ReduceSum", KILN_RED_SUM}, {"ReduceMean", KILN_RED_MEAN},
                 {"ReduceMax", KILN_RED_MAX}, {"ReduceMin", KILN_RED_MIN},
                 {"ReduceProd", KILN_RED_PROD}, {"ReduceL1", KILN_RED_L1},
                 {"ReduceL2", KILN_RED_L2}, {"ReduceLogSum", KILN_RED_LOG_SUM},
                 {"ReduceLogSumExp", KILN_RED_LOG_SUM_EXP},
                 {"ReduceSumSquare", KILN_RED_SUM_SQUARE}};
    for (size_t i = 0; i < KILN_ARRAY_LEN(kinds); i++)
        if (!strcmp(kinds[i].name, n->op->name))
            return kinds[i].op;
    KILN_UNREACHABLE("reduce op without a kind");
}

/* Marks the reduced axes; returns how many were given (0: none), -1 on error. */
static int reduce_axes(Node *n, int rank, unsigned char *reduced, Diag *d)
{
    int64_t axes[IR_MAX_RANK];
    int count;
    int from_input = !strcmp(n->op->name, "ReduceSum") ? n->opset >= 13 : n->opset >= 18;
    if (from_input) {
        Tensor *t = n->n_inputs > 1 ? n->inputs[1] : NULL;
        if (!t)
            count = 0;
        else if (op_require_const(n, 1, d))
            return -1;
        else if (ir_numel(t) > IR_MAX_RANK)
            count = IR_MAX_RANK + 1;
        else
            count = (int)ir_numel(t);
        for (int i = 0; t && i < count && i < IR_MAX_RANK; i++)
            axes[i] = ir_const_int(t, i);
    } else {
        if (n->n_inputs > 1) {
            node_error(d, n, "%s at opset %d takes axes as an attribute, not an input",
                       n->op->name, n->opset);
            return -1;
        }
        count = ir_attr_ints(n, "axes", axes, IR_MAX_RANK);
        if (count < 0)
            count = 0;
    }
    if (count > rank) {
        node_error(d, n, "more axes than the input's rank %d", rank);
        return -1;
    }
    memset(reduced, 0, IR_MAX_RANK);
    for (int i = 0; i < count; i++) {
        int a = op_axis(n, axes[i], rank, d);
        if (a < 0)
            return -1;
        if (reduced[a]) {
            node_error(d, n, "axis %lld is listed twice", (long long)axes[i]);
            return -1;
        }
        reduced[a] = 1;
    }
    return count;
}

void op_reduce_split(const Tensor *x, const unsigned char *reduced, kiln_reduce_params *k)
{
    int32_t strides[IR_MAX_RANK];
    int64_t stride = 1;
    for (int i = x->rank - 1; i >= 0; i--) {
        strides[i] = (int32_t)stride;
        stride *= x->dims[i];
    }
    for (int i = 0; i < x->rank; i++) {
        if (reduced[i]) {
            k->red_dims[k->n_red] = (int32_t)x->dims[i];
            k->red_strides[k->n_red++] = strides[i];
        } else {
            k->keep_dims[k->n_keep] = (int32_t)x->dims[i];
            k->keep_strides[k->n_keep++] = strides[i];
        }
    }
}

const char *op_reduce_params_decl(Emit *e, const kiln_reduce_params *k, const char *op)
{
    const char *pn = cg_new_params(e, "kiln_reduce_params");
    cg_decl(e, "{%s, %d, %d, %s, %s, %s, %s};\n", op, k->n_keep, k->n_red,
            cg_i32_list(e, k->keep_dims, KILN_MAX_RANK),
            cg_i32_list(e, k->keep_strides, KILN_MAX_RANK),
            cg_i32_list(e, k->red_dims, KILN_MAX_RANK),
            cg_i32_list(e, k->red_strides, KILN_MAX_RANK));
    return pn;
}

static int reduce_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (x->dtype != DT_F64 && op_require_float(n, 0, d))
        return -1;
    int keepdims = ir_attr_int(n, "keepdims", 1) != 0;
    int noop_empty = ir_attr_int(n, "noop_with_empty_axes", 0) != 0;
    unsigned char reduced[IR_MAX_RANK];
    int count = reduce_axes(n, x->rank, reduced, d);
    if (count < 0 || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    ReduceParams *p = arena_alloc(g->arena, sizeof *p);
    n->params = p;
    p->k.op = reduce_kind(n);
    if (count == 0 && noop_empty) {
        p->noop = 1;
        ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
        return 0;
    }
    if (count == 0)
        memset(reduced, 1, IR_MAX_RANK);
    op_reduce_split(x, reduced, &p->k);
    int64_t dims[IR_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < x->rank; i++)
        if (!reduced[i] || keepdims)
            dims[rank++] = reduced[i] ? 1 : x->dims[i];
    int64_t reduced_count = 1;
    for (int i = 0; i < p->k.n_red; i++)
        reduced_count *= p->k.red_dims[i];
    if (reduced_count == 0 && ir_numel(x) == 0 && p->k.n_keep >= 0) {
        int64_t kept = 1;
        for (int i = 0; i < p->k.n_keep; i++)
            kept *= p->k.keep_dims[i];
        if (kept > 0) {
            node_error(d, n, "not supported: it reduces over an empty axis (input %s has no "
                       "elements)", x->name);
            return -1;
        }
    }
    /* the kernel walks at least one dim on each side */
    if (p->k.n_keep == 0)
        p->k.keep_dims[p->k.n_keep++] = 1;
    if (p->k.n_red == 0)
        p->k.red_dims[p->k.n_red++] = 1;
    ir_set_shape(n->outputs[0], x->dtype, rank, dims);
    return 0;
}

static int reduce_eval(Graph *g, Node *n, Diag *d)
{
    ReduceParams *p = n->params;
    op_allocate_outputs(g, n);
    if (p->noop)
        memcpy(n->outputs[0]->data, n->inputs[0]->data, (size_t)ir_bytes(n->outputs[0]));
    else if (n->inputs[0]->dtype == DT_F64)
        kiln_reduce_f64(&p->k, n->inputs[0]->data, n->outputs[0]->data);
    else
        kiln_reduce_f32(&p->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int reduce_emit(Emit *e, Node *n, Diag *d)
{
    ReduceParams *p = n->params;
    if (p->noop) {
        cg_stmt(e, "kiln_copy(%s, %s, %lld);\n", cg_ptr(e, n->outputs[0]),
                cg_ptr(e, n->inputs[0]), (long long)ir_bytes(n->outputs[0]));
        cg_use_kernel(e, "kiln_copy");
        return 0;
    }
    static const char *names[] = {"KILN_RED_SUM", "KILN_RED_MEAN", "KILN_RED_MAX",
                                  "KILN_RED_MIN", "KILN_RED_PROD", "KILN_RED_L1",
                                  "KILN_RED_L2", "KILN_RED_LOG_SUM", "KILN_RED_LOG_SUM_EXP",
                                  "KILN_RED_SUM_SQUARE"};
    const char *pn = op_reduce_params_decl(e, &p->k, names[p->k.op]);
    const char *kernel = n->inputs[0]->dtype == DT_F64 ? "kiln_reduce_f64" : "kiln_reduce_f32";
    cg_stmt(e, "%s(&%s, %s, %s);\n", kernel, pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, kernel);
    return 0;
}

#define REDUCE_OP(id, onnx_name)                                                                \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = 1, .max_opset = 1000,                                  \
        .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,                  \
        .infer = reduce_infer, .eval = reduce_eval, .emit = reduce_emit,                       \
    };

REDUCE_OP(reduce_sum, "ReduceSum")
REDUCE_OP(reduce_mean, "ReduceMean")
REDUCE_OP(reduce_max, "ReduceMax")
REDUCE_OP(reduce_min, "ReduceMin")
REDUCE_OP(reduce_prod, "ReduceProd")
REDUCE_OP(reduce_l1, "ReduceL1")
REDUCE_OP(reduce_l2, "ReduceL2")
REDUCE_OP(reduce_log_sum, "ReduceLogSum")
REDUCE_OP(reduce_log_sum_exp, "ReduceLogSumExp")
REDUCE_OP(reduce_sum_square, "ReduceSumSquare")

/* ---- ArgMax / ArgMin ---------------------------------------------------------------- */

typedef struct {
    kiln_argreduce_params k;
} ArgParams;

static int arg_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d) || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int axis = op_axis(n, ir_attr_int(n, "axis", 0), x->rank, d);
    if (axis < 0)
        return -1;
    int keepdims = ir_attr_int(n, "keepdims", 1) != 0;
    ArgParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.is_max = !strcmp(n->op->name, "ArgMax");
    p->k.select_last = n->opset >= 12 && ir_attr_int(n, "select_last_index", 0) != 0;
    int64_t outer = 1, inner = 1, dims[IR_MAX_RANK];
    int rank = 0;
    for (int i = 0; i < x->rank; i++) {
        if (i < axis)
            outer *= x->dims[i];
        else if (i > axis)
            inner *= x->dims[i];
        if (i != axis || keepdims)
            dims[rank++] = i == axis ? 1 : x->dims[i];
    }
    p->k.outer = (int32_t)outer;
    p->k.len = x->rank ? (int32_t)x->dims[axis] : 1;
    p->k.inner = (int32_t)inner;
    n->params = p;
    ir_set_shape(n->outputs[0], DT_S64, rank, dims);
    return 0;
}

static int arg_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_argreduce_f32(&((ArgParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int arg_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_argreduce_params *k = &((ArgParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_argreduce_params");
    cg_decl(e, "{%d, %d, %d, %d, %d};\n", k->outer, k->len, k->inner, k->is_max, k->select_last);
    cg_stmt(e, "kiln_argreduce_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_argreduce_f32");
    return 0;
}

const OpDef op_arg_max = {
    .name = "ArgMax", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = arg_infer, .eval = arg_eval, .emit = arg_emit,
};
const OpDef op_arg_min = {
    .name = "ArgMin", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = arg_infer, .eval = arg_eval, .emit = arg_emit,
};
