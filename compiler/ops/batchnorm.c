/* SPDX-License-Identifier: MIT */
/* BatchNormalization (inference): folded into the preceding Conv/Gemm by pass_fold_bn;
 * otherwise run as a per-channel affine y = x * scale[c] + shift[c] computed here.
 * training_mode=1 (opset 14+) normalises by the batch statistics at run time
 * (kiln_batchnorm_train_f32), with the optional running_mean/running_var outputs. */
#include "op_common.h"

#include <math.h>

typedef struct {
    kiln_channel_affine_params k;
    int training;
    kiln_batchnorm_train_params t;   /* training only */
} BatchNormParams;

/* scale = gamma / sqrt(var + eps), shift = beta - mean * scale, as new constants. */
static int batchnorm_affine(Graph *g, Node *n, Tensor **scale, Tensor **shift, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t c = x->rank >= 2 ? x->dims[1] : 1;
    for (int i = 1; i < 5; i++) {
        if (op_require_const(n, i, d) || op_require_float(n, i, d))
            return -1;
        if (n->inputs[i]->rank != 1 || n->inputs[i]->dims[0] != c) {
            node_error(d, n, "input %d ('%s') must have %lld elements (the channel count)", i,
                       n->inputs[i]->name, (long long)c);
            return -1;
        }
    }
    float eps = ir_attr_float(n, "epsilon", 1e-5f);
    const float *gamma = n->inputs[1]->data, *beta = n->inputs[2]->data;
    const float *mean = n->inputs[3]->data, *var = n->inputs[4]->data;
    int64_t dims[1] = {c};
    *scale = ir_tensor_new(g, arena_printf(g->arena, "%s.scale", n->name));
    *shift = ir_tensor_new(g, arena_printf(g->arena, "%s.shift", n->name));
    ir_set_shape(*scale, DT_F32, 1, dims);
    ir_set_shape(*shift, DT_F32, 1, dims);
    float *s = ir_alloc_data(g, *scale), *t = ir_alloc_data(g, *shift);
    for (int64_t i = 0; i < c; i++) {
        s[i] = gamma[i] / sqrtf(var[i] + eps);
        t[i] = beta[i] - mean[i] * s[i];
    }
    return 0;
}

/* Training mode: all five inputs are read at run time; Y, then running_mean and
 * running_var (each optional) of shape [C]. */
static int batchnorm_train_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t c = x->dims[1], inner = 1;
    for (int i = 1; i < 5; i++) {
        if (op_require_float(n, i, d))
            return -1;
        if (n->inputs[i]->rank != 1 || n->inputs[i]->dims[0] != c) {
            node_error(d, n, "input %d ('%s') must have %lld elements (the channel count)", i,
                       n->inputs[i]->name, (long long)c);
            return -1;
        }
    }
    if (n->n_outputs > 3) {
        node_error(d, n, "training mode at opset %d has at most 3 outputs (Y, running_mean, "
                   "running_var)", n->opset);
        return -1;
    }
    for (int i = 2; i < x->rank; i++)
        inner *= x->dims[i];
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    for (int i = 1; i < n->n_outputs; i++)
        if (n->outputs[i])
            ir_set_shape(n->outputs[i], DT_F32, 1, &c);
    BatchNormParams *p = arena_alloc(g->arena, sizeof *p);
    p->training = 1;
    p->t = (kiln_batchnorm_train_params){(int32_t)x->dims[0], (int32_t)c, (int32_t)inner,
                                         ir_attr_float(n, "epsilon", 1e-5f),
                                         ir_attr_float(n, "momentum", 0.9f)};
    n->params = p;
    return 0;
}

static int batchnorm_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (n->n_inputs != 5 || !x) {
        node_error(d, n, "needs 5 inputs (X, scale, B, mean, var)");
        return -1;
    }
    if (op_require_float(n, 0, d))
        return -1;
    if (ir_attr_int(n, "spatial", 1) != 1) {
        node_error(d, n, "only spatial=1 is supported");
        return -1;
    }
    int64_t training = ir_attr_int(n, "training_mode", 0);
    if (training != 0 && training != 1) {
        node_error(d, n, "training_mode must be 0 or 1, not %lld", (long long)training);
        return -1;
    }
    if (training && x->rank < 2) {
        node_error(d, n, "input has rank %d; expected N x C x ...", x->rank);
        return -1;
    }
    if (training)
        return batchnorm_train_infer(g, n, d);
    ir_attr(n, "momentum");   /* training-only; ignored in inference */
    ir_attr(n, "is_test");
    for (int i = 1; i < n->n_outputs; i++) {
        if (n->outputs[i] && ir_count_uses(g, n->outputs[i])) {
            node_error(d, n, "training outputs (running mean/var) are not supported");
            return -1;
        }
    }
    if (x->rank < 2) {
        node_error(d, n, "input has rank %d; expected N x C x ...", x->rank);
        return -1;
    }
    BatchNormParams *p = arena_alloc(g->arena, sizeof *p);
    Tensor *scale, *shift;
    if (batchnorm_affine(g, n, &scale, &shift, d))
        return -1;
    /* from here on the node reads (X, scale, shift): what pass_fold_bn and the kernel need */
    n->inputs[1] = scale;
    n->inputs[2] = shift;
    n->n_inputs = 3;
    int64_t inner = 1;
    for (int i = 2; i < x->rank; i++)
        inner *= x->dims[i];
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    p->k.n = (int32_t)x->dims[0];
    p->k.c = (int32_t)x->dims[1];
    p->k.inner = (int32_t)inner;
    n->params = p;
    return 0;
}

static void *output_or_null(Node *n, int i)
{
    return i < n->n_outputs && n->outputs[i] ? n->outputs[i]->data : NULL;
}

static int batchnorm_eval(Graph *g, Node *n, Diag *d)
{
    BatchNormParams *p = n->params;
    op_allocate_outputs(g, n);
    if (p->training) {
        kiln_batchnorm_train_f32(&p->t, n->inputs[0]->data, n->inputs[1]->data,
                                 n->inputs[2]->data, n->inputs[3]->data, n->inputs[4]->data,
                                 n->outputs[0]->data, output_or_null(n, 1),
                                 output_or_null(n, 2));
        return 0;
    }
    kiln_channel_affine_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, n->inputs[2]->data,
                            n->outputs[0]->data);
    return 0;
}

/* Unused optional outputs have no storage. */
static const char *output_ptr(Emit *e, Node *n, int i)
{
    Tensor *t = i < n->n_outputs ? n->outputs[i] : NULL;
    if (!t || (!t->is_output && ir_count_uses(e->g, t) == 0))
        return "0";
    return cg_ptr(e, t);
}

static int batchnorm_train_emit(Emit *e, Node *n)
{
    const kiln_batchnorm_train_params *t = &((BatchNormParams *)n->params)->t;
    /* an empty batch still writes running_mean/var (NaN statistics, as ONNX Runtime) */
    if (t->c == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_batchnorm_train_params");
    cg_decl(e, "{%d, %d, %d, %s, %s};\n", t->n, t->c, t->inner, cg_float(e, t->epsilon),
            cg_float(e, t->momentum));
    cg_stmt(e, "kiln_batchnorm_train_f32(&%s, %s, %s, %s, %s, %s, %s, %s, %s);\n", pn,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]),
            cg_ptr(e, n->inputs[3]), cg_ptr(e, n->inputs[4]), cg_ptr(e, n->outputs[0]),
            output_ptr(e, n, 1), output_ptr(e, n, 2));
    cg_use_kernel(e, "kiln_batchnorm_train_f32");
    return 0;
}

static int batchnorm_emit(Emit *e, Node *n, Diag *d)
{
    BatchNormParams *p = n->params;
    if (p->training)
        return batchnorm_train_emit(e, n);
    const char *pn = cg_new_params(e, "kiln_channel_affine_params");
    cg_decl(e, "{%d, %d, %d, %s};\n", p->k.n, p->k.c, p->k.inner, cg_act(e, &p->k.act));
    cg_stmt(e, "kiln_channel_affine_f32(&%s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_channel_affine_f32");
    return 0;
}

/* Training mode applies no fused activation. */
static kiln_act *batchnorm_act(Node *n)
{
    BatchNormParams *p = n->params;
    return p->training ? NULL : &p->k.act;
}

const OpDef op_batch_normalization = {
    .name = "BatchNormalization", .min_opset = 6, .max_opset = 1000,
    .min_inputs = 5, .max_inputs = 5, .min_outputs = 1, .max_outputs = 5,
    .infer = batchnorm_infer, .eval = batchnorm_eval, .emit = batchnorm_emit,
    .act_slot = batchnorm_act,
};
