/* SPDX-License-Identifier: MIT */
/* Shape and Constant (folded at compile time) and Cast. */
#include "op_common.h"

#include <string.h>

/* ---- Shape: the input's dims as int64 (opset 15 start/end slicing included) ----------- */

typedef struct {
    int start, end;
} ShapeParams;

static int shape_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t start = ir_attr_int(n, "start", 0), end = ir_attr_int(n, "end", x->rank);
    if (start < 0)
        start += x->rank;
    if (end < 0)
        end += x->rank;
    start = start < 0 ? 0 : start > x->rank ? x->rank : start;
    end = end < start ? start : end > x->rank ? x->rank : end;
    ShapeParams *p = arena_alloc(g->arena, sizeof *p);
    p->start = (int)start;
    p->end = (int)end;
    int64_t dims[1] = {end - start};
    ir_set_shape(n->outputs[0], DT_S64, 1, dims);
    n->params = p;
    return 0;
}

static int shape_eval(Graph *g, Node *n, Diag *d)
{
    ShapeParams *p = n->params;
    int64_t *out = ir_alloc_data(g, n->outputs[0]);
    for (int i = p->start; i < p->end; i++)
        out[i - p->start] = n->inputs[0]->dims[i];
    return 0;
}

const OpDef op_shape = {
    .name = "Shape", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .flags = OPF_SHAPE_ONLY, .infer = shape_infer, .eval = shape_eval,
};

/* ---- Constant ------------------------------------------------------------------------- */

static int constant_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *y = n->outputs[0];
    Attr *a;
    if ((a = ir_attr(n, "value")) && a->type == ATTR_TENSOR) {
        ir_set_shape(y, a->t->dtype, a->t->rank, a->t->dims);
        n->params = a->t->data;
    } else if ((a = ir_attr(n, "value_float")) && a->type == ATTR_FLOAT) {
        ir_set_shape(y, DT_F32, 0, NULL);
        n->params = &a->f;
    } else if ((a = ir_attr(n, "value_int")) && a->type == ATTR_INT) {
        ir_set_shape(y, DT_S64, 0, NULL);
        n->params = &a->i;
    } else if ((a = ir_attr(n, "value_floats")) && a->type == ATTR_FLOATS) {
        int64_t dims[1] = {a->n};
        ir_set_shape(y, DT_F32, 1, dims);
        n->params = a->floats;
    } else if ((a = ir_attr(n, "value_ints")) && a->type == ATTR_INTS) {
        int64_t dims[1] = {a->n};
        ir_set_shape(y, DT_S64, 1, dims);
        n->params = a->ints;
    } else {
        node_error(d, n, "needs one of the attributes value, value_float(s), value_int(s) "
                   "(sparse and string constants are not supported)");
        return -1;
    }
    return 0;
}

static int constant_eval(Graph *g, Node *n, Diag *d)
{
    void *dst = ir_alloc_data(g, n->outputs[0]);
    memcpy(dst, n->params, (size_t)ir_bytes(n->outputs[0]));
    return 0;
}

const OpDef op_constant = {
    .name = "Constant", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 0, .max_inputs = 0, .min_outputs = 1, .max_outputs = 1,
    .infer = constant_infer, .eval = constant_eval,
};

/* ---- Cast: between all numeric types and bool (kiln_unary_typed, folded or at run time) - */

static int cast_infer(Graph *g, Node *n, Diag *d)
{
    static const int onnx_to_dtype[] = {0, DT_F32, DT_U8, DT_S8, DT_U16, DT_S16, DT_S32, DT_S64,
                                        0, DT_BOOL, 0, DT_F64, DT_U32, DT_U64};
    int64_t to = ir_attr_int(n, "to", 0);
    DType dt = to > 0 && to < (int64_t)KILN_ARRAY_LEN(onnx_to_dtype) ? (DType)onnx_to_dtype[to]
                                                                     : DT_UNDEF;
    if (dt == DT_UNDEF) {
        node_error(d, n, "cast to ONNX type %lld is not supported (kiln has no string, float16 "
                   "or bfloat16 tensors)", (long long)to);
        return -1;
    }
    return op_tunary_setup(g, n, KILN_TU_CAST, dt, 0, d);
}

const OpDef op_cast = {
    .name = "Cast", .min_opset = 6, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = cast_infer, .eval = op_tunary_eval, .emit = op_tunary_emit,
};

/* CastLike (opset 15): Cast to the element type of input 1. */
static int cast_like_infer(Graph *g, Node *n, Diag *d)
{
    return op_tunary_setup(g, n, KILN_TU_CAST, n->inputs[1]->dtype, 0, d);
}

const OpDef op_cast_like = {
    .name = "CastLike", .min_opset = 15, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = cast_like_infer, .eval = op_tunary_eval, .emit = op_tunary_emit,
};
