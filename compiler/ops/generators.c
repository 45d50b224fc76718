/* SPDX-License-Identifier: MIT */
/* Ops whose output follows from shapes and constant inputs alone, so they are always
 * folded at compile time: ConstantOfShape, Size, Range, EyeLike. */
#include "op_common.h"

#include <math.h>
#include <string.h>

/* ---- ConstantOfShape: a tensor of the given shape filled with `value` ------------------ */

static int constant_of_shape_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *s = n->inputs[0];
    if (op_require_shape_input(n, 0, d))
        return -1;
    if (s->rank != 1 || ir_numel(s) > IR_MAX_RANK) {
        node_error(d, n, "the shape input must be 1-D with at most %d values", IR_MAX_RANK);
        return -1;
    }
    int64_t dims[IR_MAX_RANK];
    for (int i = 0; i < (int)ir_numel(s); i++) {
        dims[i] = ir_const_int(s, i);
        if (dims[i] < 0) {
            node_error(d, n, "shape[%d] = %lld is negative", i, (long long)dims[i]);
            return -1;
        }
    }
    Attr *a = ir_attr(n, "value");
    if (a && (a->type != ATTR_TENSOR || ir_numel(a->t) != 1)) {
        node_error(d, n, "value must be a one-element tensor");
        return -1;
    }
    ir_set_shape(n->outputs[0], a ? a->t->dtype : DT_F32, (int)ir_numel(s), dims);
    n->params = a ? a->t : NULL;
    return 0;
}

static int constant_of_shape_eval(Graph *g, Node *n, Diag *d)
{
    Tensor *y = n->outputs[0];
    const Tensor *value = n->params;
    unsigned char *out = ir_alloc_data(g, y);
    size_t es = dtype_size(y->dtype);
    for (int64_t i = 0; value && i < ir_numel(y); i++)
        memcpy(out + (size_t)i * es, value->data, es);   /* else zeros */
    return 0;
}

const OpDef op_constant_of_shape = {
    .name = "ConstantOfShape", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = constant_of_shape_infer, .eval = constant_of_shape_eval,
};

/* ---- Size: the element count as an int64 scalar --------------------------------------- */

static int size_infer(Graph *g, Node *n, Diag *d)
{
    ir_set_shape(n->outputs[0], DT_S64, 0, NULL);
    return 0;
}

static int size_eval(Graph *g, Node *n, Diag *d)
{
    int64_t *out = ir_alloc_data(g, n->outputs[0]);
    out[0] = ir_numel(n->inputs[0]);
    return 0;
}

const OpDef op_size = {
    .name = "Size", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .flags = OPF_SHAPE_ONLY, .infer = size_infer, .eval = size_eval,
};

/* ---- Range: start + i * delta for i < max(ceil((limit - start) / delta), 0) ------------ */

static int range_infer(Graph *g, Node *n, Diag *d)
{
    for (int i = 0; i < 3; i++) {
        if (op_require_shape_input(n, i, d))
            return -1;
        if (ir_numel(n->inputs[i]) != 1 || n->inputs[i]->dtype != n->inputs[0]->dtype) {
            node_error(d, n, "start, limit and delta must be scalars of one type");
            return -1;
        }
    }
    DType dt = n->inputs[0]->dtype;
    int is_float = dt == DT_F32 || dt == DT_F64;
    double start = is_float ? ir_const_float(n->inputs[0], 0) : (double)ir_const_int(n->inputs[0], 0);
    double limit = is_float ? ir_const_float(n->inputs[1], 0) : (double)ir_const_int(n->inputs[1], 0);
    double delta = is_float ? ir_const_float(n->inputs[2], 0) : (double)ir_const_int(n->inputs[2], 0);
    if (delta == 0 || !isfinite(start) || !isfinite(limit) || !isfinite(delta)) {
        node_error(d, n, "delta must be non-zero and all values finite");
        return -1;
    }
    double count = ceil((limit - start) / delta);
    if (count > (double)INT32_MAX) {
        node_error(d, n, "the range has %.0f elements (too many)", count);
        return -1;
    }
    int64_t dims[1] = {count > 0 ? (int64_t)count : 0};
    ir_set_shape(n->outputs[0], dt, 1, dims);
    return 0;
}

static int range_eval(Graph *g, Node *n, Diag *d)
{
    Tensor *y = n->outputs[0];
    ir_alloc_data(g, y);
    if (y->dtype == DT_F32) {
        /* in float arithmetic, as the runtimes compute it */
        float start = ((const float *)n->inputs[0]->data)[0];
        float delta = ((const float *)n->inputs[2]->data)[0];
        for (int64_t i = 0; i < ir_numel(y); i++)
            ((float *)y->data)[i] = start + (float)i * delta;
    } else if (y->dtype == DT_F64) {
        double start = ((const double *)n->inputs[0]->data)[0];
        double delta = ((const double *)n->inputs[2]->data)[0];
        for (int64_t i = 0; i < ir_numel(y); i++)
            ((double *)y->data)[i] = start + (double)i * delta;
    } else {
        int64_t start = ir_const_int(n->inputs[0], 0), delta = ir_const_int(n->inputs[2], 0);
        for (int64_t i = 0; i < ir_numel(y); i++) {
            if (y->dtype == DT_S64)
                ((int64_t *)y->data)[i] = start + i * delta;
            else
                op_store_double(y, i, (double)(start + i * delta));
        }
    }
    return 0;
}

const OpDef op_range = {
    .name = "Range", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = range_infer, .eval = range_eval,
};

/* ---- EyeLike: ones on diagonal k of a 2-D tensor shaped like the input ----------------- */

static int eye_like_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    Attr *a = ir_attr(n, "dtype");
    DType dt = a ? op_dtype_from_onnx(a->i) : x->dtype;
    if (x->rank != 2 || dt == DT_UNDEF) {
        node_error(d, n, "needs a 2-D input and a numeric dtype");
        return -1;
    }
    ir_attr_int(n, "k", 0);
    ir_set_shape(n->outputs[0], dt, 2, x->dims);
    return 0;
}

static int eye_like_eval(Graph *g, Node *n, Diag *d)
{
    Tensor *y = n->outputs[0];
    ir_alloc_data(g, y);
    int64_t k = ir_attr_int(n, "k", 0), rows = y->dims[0], cols = y->dims[1];
    for (int64_t i = 0; i < rows; i++)
        if (i + k >= 0 && i + k < cols)
            op_store_double(y, i * cols + i + k, 1.0);
    return 0;
}

const OpDef op_eye_like = {
    .name = "EyeLike", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .flags = OPF_SHAPE_ONLY, .infer = eye_like_infer, .eval = eye_like_eval,
};
