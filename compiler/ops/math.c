/* SPDX-License-Identifier: MIT */
/* Elementwise float math through kiln_math_f32: Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh
 * Acosh Atanh Round Sign Softplus Softsign Mish Elu Selu Celu ThresholdedRelu Shrink. */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_math_params k;
} MathParams;

static const struct {
    const char *name;
    kiln_math_op op;
    const char *c_name;
} math_kinds[] = {
    {"Sin", KILN_MATH_SIN, "KILN_MATH_SIN"}, {"Cos", KILN_MATH_COS, "KILN_MATH_COS"},
    {"Tan", KILN_MATH_TAN, "KILN_MATH_TAN"}, {"Asin", KILN_MATH_ASIN, "KILN_MATH_ASIN"},
    {"Acos", KILN_MATH_ACOS, "KILN_MATH_ACOS"}, {"Atan", KILN_MATH_ATAN, "KILN_MATH_ATAN"},
    {"Sinh", KILN_MATH_SINH, "KILN_MATH_SINH"}, {"Cosh", KILN_MATH_COSH, "KILN_MATH_COSH"},
    {"Asinh", KILN_MATH_ASINH, "KILN_MATH_ASINH"}, {"Acosh", KILN_MATH_ACOSH, "KILN_MATH_ACOSH"},
    {"Atanh", KILN_MATH_ATANH, "KILN_MATH_ATANH"}, {"Round", KILN_MATH_ROUND, "KILN_MATH_ROUND"},
    {"Sign", KILN_MATH_SIGN, "KILN_MATH_SIGN"},
    {"Softplus", KILN_MATH_SOFTPLUS, "KILN_MATH_SOFTPLUS"},
    {"Softsign", KILN_MATH_SOFTSIGN, "KILN_MATH_SOFTSIGN"},
    {"Mish", KILN_MATH_MISH, "KILN_MATH_MISH"}, {"Elu", KILN_MATH_ELU, "KILN_MATH_ELU"},
    {"Selu", KILN_MATH_SELU, "KILN_MATH_SELU"}, {"Celu", KILN_MATH_CELU, "KILN_MATH_CELU"},
    {"ThresholdedRelu", KILN_MATH_THRESHOLDED_RELU, "KILN_MATH_THRESHOLDED_RELU"},
    {"Shrink", KILN_MATH_SHRINK, "KILN_MATH_SHRINK"},
};

static int math_index(const Node *n)
{
    for (int i = 0; i < (int)KILN_ARRAY_LEN(math_kinds); i++)
        if (!strcmp(math_kinds[i].name, n->op->name))
            return i;
    KILN_UNREACHABLE("math op without a kind");
}

static int math_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    /* Sign is defined on every numeric type; kiln_unary_typed computes it exactly. */
    if (x->dtype != DT_F32 && x->dtype != DT_BOOL && !strcmp(n->op->name, "Sign"))
        return op_tunary_setup(g, n, KILN_TU_SIGN, x->dtype, 0, d);
    if (op_require_float(n, 0, d) || op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, x->dims);
    MathParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.op = math_kinds[math_index(n)].op;
    p->k.n = (int32_t)ir_numel(x);
    switch (p->k.op) {
    case KILN_MATH_ELU: case KILN_MATH_CELU: case KILN_MATH_THRESHOLDED_RELU:
        p->k.a = ir_attr_float(n, "alpha", 1.0f);
        break;
    case KILN_MATH_SELU:
        p->k.a = ir_attr_float(n, "alpha", 1.67326319217681884765625f);
        p->k.b = ir_attr_float(n, "gamma", 1.05070102214813232421875f);
        break;
    case KILN_MATH_SHRINK:
        p->k.a = ir_attr_float(n, "lambd", 0.5f);
        p->k.b = ir_attr_float(n, "bias", 0.0f);
        break;
    default:
        break;
    }
    if (p->k.op == KILN_MATH_CELU && p->k.a == 0.0f) {
        node_error(d, n, "Celu's alpha must not be 0");
        return -1;
    }
    n->params = p;
    return 0;
}

static int math_eval(Graph *g, Node *n, Diag *d)
{
    if (n->inputs[0]->dtype != DT_F32)
        return op_tunary_eval(g, n, d);
    op_allocate_outputs(g, n);
    kiln_math_f32(&((MathParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int math_emit(Emit *e, Node *n, Diag *d)
{
    if (n->inputs[0]->dtype != DT_F32)
        return op_tunary_emit(e, n, d);
    const kiln_math_params *k = &((MathParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_math_params");
    cg_decl(e, "{%s, %d, %s, %s};\n", math_kinds[math_index(n)].c_name, k->n, cg_float(e, k->a),
            cg_float(e, k->b));
    cg_stmt(e, "kiln_math_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_math_f32");
    return 0;
}

#define MATH_OP(id, onnx_name, min_ops)                                                         \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = min_ops, .max_opset = 1000,                            \
        .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,                  \
        .infer = math_infer, .eval = math_eval, .emit = math_emit,                             \
    };

MATH_OP(sin, "Sin", 7)
MATH_OP(cos, "Cos", 7)
MATH_OP(tan, "Tan", 7)
MATH_OP(asin, "Asin", 7)
MATH_OP(acos, "Acos", 7)
MATH_OP(atan, "Atan", 7)
MATH_OP(sinh, "Sinh", 9)
MATH_OP(cosh, "Cosh", 9)
MATH_OP(asinh, "Asinh", 9)
MATH_OP(acosh, "Acosh", 9)
MATH_OP(atanh, "Atanh", 9)
MATH_OP(round, "Round", 11)
MATH_OP(sign, "Sign", 9)
MATH_OP(softplus, "Softplus", 1)
MATH_OP(softsign, "Softsign", 1)
MATH_OP(mish, "Mish", 18)
MATH_OP(elu, "Elu", 6)
MATH_OP(selu, "Selu", 6)
MATH_OP(celu, "Celu", 12)
MATH_OP(thresholded_relu, "ThresholdedRelu", 10)
MATH_OP(shrink, "Shrink", 9)
