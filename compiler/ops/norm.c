/* SPDX-License-Identifier: MIT */
/* LayerNormalization (opset 17; Mean and InvStdDev outputs) and InstanceNormalization,
 * both row normalisations run by kiln_layer_norm_f32; LRN across channels. */
#include "op_common.h"

static int float_inputs(Node *n, Diag *d)
{
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && op_require_float(n, i, d))
            return -1;
    return 0;
}

static int layer_norm_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *scale = n->inputs[1];
    Tensor *bias = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (float_inputs(n, d))
        return -1;
    int axis = op_axis(n, ir_attr_int(n, "axis", -1), x->rank, d);
    if (axis < 0)
        return -1;
    if (ir_attr_int(n, "stash_type", 1) != 1) {
        node_error(d, n, "not supported: stash_type other than 1 (float)");
        return -1;
    }
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < x->rank; i++)
        *(i < axis ? &outer : &inner) *= x->dims[i];
    if (ir_numel(scale) != inner || (bias && ir_numel(bias) != inner)) {
        node_error(d, n, "not supported: Scale and B must have the normalised shape (%lld "
                   "elements; broadcasting them is not supported)", (long long)inner);
        return -1;
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    int64_t stat[IR_MAX_RANK];
    for (int i = 0; i < x->rank; i++)
        stat[i] = i < axis ? x->dims[i] : 1;
    for (int i = 1; i < n->n_outputs; i++)
        if (n->outputs[i])
            ir_set_shape(n->outputs[i], DT_F32, x->rank, stat);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    kiln_layer_norm_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_layer_norm_params){(int32_t)outer, (int32_t)inner, 1, 0,
                                  ir_attr_float(n, "epsilon", 1e-5f)};
    n->params = p;
    return 0;
}

static int instance_norm_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (float_inputs(n, d))
        return -1;
    if (x->rank < 3) {
        node_error(d, n, "needs an input of rank >= 3 (N, C, spatial...)");
        return -1;
    }
    int64_t c = x->dims[1];
    if (ir_numel(n->inputs[1]) != c || ir_numel(n->inputs[2]) != c) {
        node_error(d, n, "scale and B must have %lld elements (the channels)", (long long)c);
        return -1;
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int64_t rows = x->dims[0] * c;
    kiln_layer_norm_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_layer_norm_params){(int32_t)rows, (int32_t)(ir_numel(x) / (rows ? rows : 1)),
                                  (int32_t)c, 1, ir_attr_float(n, "epsilon", 1e-5f)};
    n->params = p;
    return 0;
}

static void *data_or_null(Node *n, int i, int output)
{
    Tensor *t = output ? (i < n->n_outputs ? n->outputs[i] : NULL)
                       : (i < n->n_inputs ? n->inputs[i] : NULL);
    return t ? t->data : NULL;
}

static int norm_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_layer_norm_f32(n->params, n->inputs[0]->data, n->inputs[1]->data, data_or_null(n, 2, 0),
                        n->outputs[0]->data, data_or_null(n, 1, 1), data_or_null(n, 2, 1));
    return 0;
}

static const char *ptr_or_null(Emit *e, Node *n, int i, int output)
{
    Tensor *t = output ? (i < n->n_outputs ? n->outputs[i] : NULL)
                       : (i < n->n_inputs ? n->inputs[i] : NULL);
    /* unused optional outputs have no storage */
    if (!t || (output && !t->is_output && ir_count_uses(e->g, t) == 0))
        return "0";
    return cg_ptr(e, t);
}

static int norm_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_layer_norm_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_layer_norm_params");
    cg_decl(e, "{%d, %d, %d, %d, %s};\n", p->outer, p->inner, p->channels, p->per_channel,
            cg_float(e, p->epsilon));
    cg_stmt(e, "kiln_layer_norm_f32(&%s, %s, %s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), ptr_or_null(e, n, 2, 0), cg_ptr(e, n->outputs[0]),
            ptr_or_null(e, n, 1, 1), ptr_or_null(e, n, 2, 1));
    cg_use_kernel(e, "kiln_layer_norm_f32");
    return 0;
}

const OpDef op_layer_normalization = {
    .name = "LayerNormalization", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 3,
    .infer = layer_norm_infer, .eval = norm_eval, .emit = norm_emit,
};

const OpDef op_instance_normalization = {
    .name = "InstanceNormalization", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = instance_norm_infer, .eval = norm_eval, .emit = norm_emit,
};

/* ---- LRN ------------------------------------------------------------------------------ */

static int lrn_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d))
        return -1;
    Attr *size = ir_attr(n, "size");
    if (x->rank < 3 || !size || size->type != ATTR_INT || size->i <= 0 || size->i > INT32_MAX) {
        node_error(d, n, "needs an input of rank >= 3 and a positive size attribute");
        return -1;
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    int64_t rows = x->dims[0] * x->dims[1], inner = rows > 0 ? ir_numel(x) / rows : 0;
    kiln_lrn_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_lrn_params){(int32_t)x->dims[0], (int32_t)x->dims[1], (int32_t)inner,
                           (int32_t)size->i, ir_attr_float(n, "alpha", 1e-4f),
                           ir_attr_float(n, "beta", 0.75f), ir_attr_float(n, "bias", 1.0f)};
    n->params = p;
    return 0;
}

static int lrn_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_lrn_f32(n->params, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int lrn_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_lrn_params *p = n->params;
    const char *pn = cg_new_params(e, "kiln_lrn_params");
    cg_decl(e, "{%d, %d, %d, %d, %s, %s, %s};\n", p->n, p->c, p->inner, p->size,
            cg_float(e, p->alpha), cg_float(e, p->beta), cg_float(e, p->bias));
    cg_stmt(e, "kiln_lrn_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_lrn_f32");
    return 0;
}

const OpDef op_lrn = {
    .name = "LRN", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = lrn_infer, .eval = lrn_eval, .emit = lrn_emit,
};
