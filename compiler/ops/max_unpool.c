/* SPDX-License-Identifier: MIT */
/* MaxUnpool (opset 9+), any spatial rank: output shape from kernel_shape, strides, pads,
 * or from the output_shape input (constant: the unpooled tensor then sits at the start of
 * each axis, as the ONNX reference pads it); indices are read at run time and one out of
 * range makes the generated NAME_run() return 1. */
#include "op_common.h"

#include <string.h>

/* Default output size per spatial axis: (in - 1) * stride - pad_begin - pad_end + kernel. */
static int default_shape(Node *n, const Tensor *x, int64_t *out, Diag *d)
{
    const int s = x->rank - 2;
    int64_t k[IR_MAX_RANK], st[IR_MAX_RANK], pads[2 * IR_MAX_RANK];
    if (ir_attr_ints(n, "kernel_shape", k, IR_MAX_RANK) != s) {
        node_error(d, n, "kernel_shape must have %d values (one per spatial dim)", s);
        return -1;
    }
    int ns = ir_attr_ints(n, "strides", st, IR_MAX_RANK), np = ir_attr_ints(n, "pads", pads, 2 * IR_MAX_RANK);
    if ((ns >= 0 && ns != s) || (np >= 0 && np != 2 * s)) {
        node_error(d, n, "strides must have %d values and pads %d", s, 2 * s);
        return -1;
    }
    out[0] = x->dims[0], out[1] = x->dims[1];
    for (int i = 0; i < s; i++) {
        int64_t stride = ns < 0 ? 1 : st[i], pb = np < 0 ? 0 : pads[i], pe = np < 0 ? 0 : pads[s + i];
        if (k[i] < 1 || k[i] > OP_MAX_WINDOW || stride < 1 || stride > OP_MAX_WINDOW ||
            pb < 0 || pe < 0 || pb > OP_MAX_WINDOW || pe > OP_MAX_WINDOW) {
            node_error(d, n, "kernel_shape and strides must be in [1, 2^24], pads in [0, 2^24]");
            return -1;
        }
        out[2 + i] = (x->dims[2 + i] - 1) * stride - pb - pe + k[i];
        if (out[2 + i] < 0) {
            node_error(d, n, "the output would have a negative size on spatial dim %d", i);
            return -1;
        }
    }
    return 0;
}

/* output_shape (input 2): the whole output shape, N and C as X's. */
static int given_shape(Node *n, const Tensor *x, int64_t *out, Diag *d)
{
    if (op_require_shape_input(n, 2, d))
        return -1;
    const Tensor *s = n->inputs[2];
    if (s->rank != 1 || ir_numel(s) != x->rank) {
        node_error(d, n, "output_shape must hold %d values", x->rank);
        return -1;
    }
    for (int i = 0; i < x->rank; i++) {
        out[i] = ir_const_int(s, i);
        if (out[i] < 0 || out[i] > INT32_MAX || (i < 2 && out[i] != x->dims[i])) {
            node_error(d, n, "output_shape value %d (%lld) is invalid", i, (long long)out[i]);
            return -1;
        }
    }
    return 0;
}

static int max_unpool_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *idx = n->inputs[1];
    if (op_require_float(n, 0, d))
        return -1;
    if (x->rank < 3 || idx->dtype != DT_S64 || !ir_same_shape(x, idx)) {
        node_error(d, n, "needs X of rank >= 3 and int64 indices of X's shape");
        return -1;
    }
    int64_t out[IR_MAX_RANK], defaults[IR_MAX_RANK];
    if (default_shape(n, x, defaults, d))
        return -1;
    int given = n->n_inputs > 2 && n->inputs[2];
    if (given && given_shape(n, x, out, d))
        return -1;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, given ? out : defaults);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
        op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    if (x->rank > KILN_MAX_RANK) {
        node_error(d, n, "rank %d is above %d", x->rank, KILN_MAX_RANK);
        return -1;
    }
    int64_t unpooled = 1;
    kiln_max_unpool_params *p = arena_alloc(g->arena, sizeof *p);
    memset(p, 0, sizeof *p);
    p->n_in = (int32_t)ir_numel(x), p->rank = x->rank;
    for (int i = 0; i < x->rank; i++) {
        unpooled *= defaults[i];
        p->dims[i] = (int32_t)defaults[i];
        p->out_dims[i] = (int32_t)(given ? out[i] : defaults[i]);
    }
    if (op_fits_i32(n, unpooled, "unpooled size", d))
        return -1;
    n->params = p;
    return 0;
}

static int max_unpool_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (kiln_max_unpool_f32(n->params, n->inputs[0]->data, n->inputs[1]->data,
                            n->outputs[0]->data)) {
        node_error(d, n, "an index is out of range");
        return -1;
    }
    return 0;
}

static int max_unpool_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_max_unpool_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0 && p->n_in == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_max_unpool_params");
    cg_decl(e, "{%d, %d, %s, %s};\n", p->n_in, p->rank, cg_i32_list(e, p->dims, KILN_MAX_RANK),
            cg_i32_list(e, p->out_dims, KILN_MAX_RANK));
    cg_stmt(e, "if (kiln_max_unpool_f32(&%s, %s, %s, %s) != 0)\n        return 1;\n", pn,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_max_unpool_f32");
    return 0;
}

const OpDef op_max_unpool = {
    .name = "MaxUnpool", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = max_unpool_infer, .eval = max_unpool_eval, .emit = max_unpool_emit,
};
