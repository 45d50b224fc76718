/* SPDX-License-Identifier: MIT */
/* Elementwise unary ops and activations (Relu, LeakyRelu, Sigmoid, Tanh, HardSigmoid,
 * HardSwish, Clip in its attribute and input forms, Neg, Abs, Exp, Log, Sqrt, ...).
 * Clip on other numeric types runs on kiln_unary_typed. */
#include "op_common.h"

#include <math.h>
#include <string.h>

typedef struct {
    kiln_unary_params k;
} UnaryParams;

static const struct {
    const char *name;
    kiln_unary_op op;
    const char *c_name;
} unary_kinds[] = {
    {"Relu", KILN_UN_RELU, "KILN_UN_RELU"},
    {"LeakyRelu", KILN_UN_LEAKY_RELU, "KILN_UN_LEAKY_RELU"},
    {"Sigmoid", KILN_UN_SIGMOID, "KILN_UN_SIGMOID"},
    {"Tanh", KILN_UN_TANH, "KILN_UN_TANH"},
    {"HardSigmoid", KILN_UN_HARD_SIGMOID, "KILN_UN_HARD_SIGMOID"},
    {"HardSwish", KILN_UN_HARD_SWISH, "KILN_UN_HARD_SWISH"},
    {"Clip", KILN_UN_CLIP, "KILN_UN_CLIP"},
    {"Neg", KILN_UN_NEG, "KILN_UN_NEG"},
    {"Abs", KILN_UN_ABS, "KILN_UN_ABS"},
    {"Exp", KILN_UN_EXP, "KILN_UN_EXP"},
    {"Log", KILN_UN_LOG, "KILN_UN_LOG"},
    {"Sqrt", KILN_UN_SQRT, "KILN_UN_SQRT"},
    {"Reciprocal", KILN_UN_RECIPROCAL, "KILN_UN_RECIPROCAL"},
    {"Floor", KILN_UN_FLOOR, "KILN_UN_FLOOR"},
    {"Ceil", KILN_UN_CEIL, "KILN_UN_CEIL"},
    {"Erf", KILN_UN_ERF, "KILN_UN_ERF"},
};

static int unary_index(const Node *n)
{
    for (int i = 0; i < (int)KILN_ARRAY_LEN(unary_kinds); i++)
        if (strcmp(unary_kinds[i].name, n->op->name) == 0)
            return i;
    KILN_UNREACHABLE("unary op without a kind");
}

/* Clip bounds: attributes before opset 11, optional constant inputs after. */
static int clip_bounds(Node *n, float *lo, float *hi, Diag *d)
{
    *lo = -HUGE_VALF;
    *hi = HUGE_VALF;
    if (n->opset < 11) {
        *lo = ir_attr_float(n, "min", -HUGE_VALF);
        *hi = ir_attr_float(n, "max", HUGE_VALF);
        return 0;
    }
    for (int i = 1; i < n->n_inputs && i < 3; i++) {
        Tensor *t = n->inputs[i];
        if (!t)
            continue;
        if (!ir_is_const(t) || ir_numel(t) != 1) {
            node_error(d, n, "Clip's %s bound ('%s') must be a constant scalar",
                       i == 1 ? "min" : "max", t->name);
            return -1;
        }
        *(i == 1 ? lo : hi) = ir_const_float(t, 0);
    }
    return 0;
}

/* Clip on integers and doubles: kiln_unary_typed with exact bounds from constant inputs
 * (opset >= 11; before that Clip is float-only). */
static int clip_typed_infer(Graph *g, Node *n, Diag *d)
{
    int flags = 0;
    double bound[2] = {0.0, 0.0};
    for (int i = 1; i < n->n_inputs && i < 3; i++) {
        Tensor *t = n->inputs[i];
        if (!t)
            continue;
        if (!ir_is_const(t) || ir_numel(t) != 1 || t->dtype != n->inputs[0]->dtype) {
            node_error(d, n, "Clip's %s bound ('%s') must be a constant scalar of the input's type",
                       i == 1 ? "min" : "max", t->name);
            return -1;
        }
        if (t->dtype == DT_F64) {
            bound[i - 1] = ((const double *)t->data)[0];
        } else {
            int64_t v = ir_const_int(t, 0);
            if (v > (1LL << 53) || v < -(1LL << 53)) {
                node_error(d, n, "Clip bound %lld is beyond 2^53 (not supported)", (long long)v);
                return -1;
            }
            bound[i - 1] = (double)v;
        }
        flags |= i;
    }
    if (op_tunary_setup(g, n, KILN_TU_CLIP, n->inputs[0]->dtype, flags, d))
        return -1;
    op_tunary_params(n)->lo = bound[0];
    op_tunary_params(n)->hi = bound[1];
    return 0;
}

/* Neg and Abs on integers and doubles: kiln_unary_typed (wrapping, as two's complement does
 * for the most negative value). Neg is signed-only in ONNX. */
static int sign_ops_typed_infer(Graph *g, Node *n, Diag *d)
{
    DType t = n->inputs[0]->dtype;
    int is_neg = !strcmp(n->op->name, "Neg");
    int is_unsigned = t == DT_U8 || t == DT_U16 || t == DT_U32 || t == DT_U64;
    if (t == DT_BOOL || (is_neg && is_unsigned)) {
        node_error(d, n, "input 0 ('%s') has type %s; %s needs a %snumeric type",
                   n->inputs[0]->name, dtype_name(t), n->op->name, is_neg ? "signed " : "");
        return -1;
    }
    return op_tunary_setup(g, n, is_neg ? KILN_TU_NEG : KILN_TU_ABS, t, 0, d);
}

/* Clip from opset 11 with a bound that is not constant (a graph input, say). */
static int clip_has_run_time_bound(const Node *n)
{
    if (strcmp(n->op->name, "Clip") || n->opset < 11)
        return 0;
    for (int i = 1; i < n->n_inputs && i < 3; i++)
        if (n->inputs[i] && !ir_is_const(n->inputs[i]))
            return 1;
    return 0;
}

static int unary_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (x && clip_has_run_time_bound(n)) {
        n->op = &op_clip_rt;
        return n->op->infer(g, n, d);
    }
    if (x && x->dtype != DT_F32 && x->dtype != DT_BOOL && n->opset >= 11 &&
        !strcmp(n->op->name, "Clip"))
        return clip_typed_infer(g, n, d);
    if (x && x->dtype != DT_F32 && (!strcmp(n->op->name, "Neg") || !strcmp(n->op->name, "Abs")))
        return sign_ops_typed_infer(g, n, d);
    if (!x || op_require_float(n, 0, d))
        return -1;
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    UnaryParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.op = unary_kinds[unary_index(n)].op;
    p->k.n = (int32_t)ir_numel(x);
    switch (p->k.op) {
    case KILN_UN_LEAKY_RELU:
        p->k.a = ir_attr_float(n, "alpha", 0.01f);
        break;
    case KILN_UN_HARD_SIGMOID:
        p->k.a = ir_attr_float(n, "alpha", 0.2f);
        p->k.b = ir_attr_float(n, "beta", 0.5f);
        break;
    case KILN_UN_CLIP:
        if (clip_bounds(n, &p->k.a, &p->k.b, d))
            return -1;
        break;
    default:
        break;
    }
    n->params = p;
    return 0;
}

static int unary_eval(Graph *g, Node *n, Diag *d)
{
    if (n->inputs[0]->dtype != DT_F32)
        return op_tunary_eval(g, n, d);
    op_allocate_outputs(g, n);
    kiln_unary_f32(&((UnaryParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int unary_emit(Emit *e, Node *n, Diag *d)
{
    if (n->inputs[0]->dtype != DT_F32)
        return op_tunary_emit(e, n, d);
    const kiln_unary_params *k = &((UnaryParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_unary_params");
    cg_decl(e, "{%s, %d, %s, %s};\n", unary_kinds[unary_index(n)].c_name, k->n,
            cg_float(e, k->a), cg_float(e, k->b));
    cg_stmt(e, "kiln_unary_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_unary_f32");
    return 0;
}

/* The activation ops fold into their producer as a kiln_act. */
static int unary_to_act(const Node *n, kiln_act *act)
{
    if (n->inputs[0]->dtype != DT_F32)
        return 0;
    const kiln_unary_params *k = &((const UnaryParams *)n->params)->k;
    static const struct {
        kiln_unary_op un;
        kiln_act_kind act;
    } map[] = {{KILN_UN_RELU, KILN_ACT_RELU}, {KILN_UN_LEAKY_RELU, KILN_ACT_LEAKY_RELU},
               {KILN_UN_SIGMOID, KILN_ACT_SIGMOID}, {KILN_UN_TANH, KILN_ACT_TANH},
               {KILN_UN_HARD_SIGMOID, KILN_ACT_HARD_SIGMOID},
               {KILN_UN_HARD_SWISH, KILN_ACT_HARD_SWISH}, {KILN_UN_CLIP, KILN_ACT_CLIP}};
    for (size_t i = 0; i < KILN_ARRAY_LEN(map); i++) {
        if (map[i].un == k->op) {
            act->kind = map[i].act;
            act->a = k->a;
            act->b = k->b;
            return 1;
        }
    }
    return 0;
}

/* The kernel writes y[i] right after reading x[i], so y may start at x. */
static unsigned unary_in_place(const Node *n) { return 1u; }

#define UNARY_OP(id, onnx_name, min_ops, max_in, flags_)                                        \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = min_ops, .max_opset = 1000,                            \
        .min_inputs = 1, .max_inputs = max_in, .min_outputs = 1, .max_outputs = 1,             \
        .flags = flags_, .infer = unary_infer, .eval = unary_eval, .emit = unary_emit,         \
        .to_act = unary_to_act, .in_place_inputs = unary_in_place,                             \
    };

UNARY_OP(relu, "Relu", 6, 1, OPF_ACTIVATION)
UNARY_OP(leaky_relu, "LeakyRelu", 6, 1, OPF_ACTIVATION)
UNARY_OP(sigmoid, "Sigmoid", 6, 1, OPF_ACTIVATION)
UNARY_OP(tanh, "Tanh", 6, 1, OPF_ACTIVATION)
UNARY_OP(hard_sigmoid, "HardSigmoid", 6, 1, OPF_ACTIVATION)
UNARY_OP(hard_swish, "HardSwish", 14, 1, OPF_ACTIVATION)
UNARY_OP(clip, "Clip", 6, 3, OPF_ACTIVATION)
UNARY_OP(neg, "Neg", 6, 1, 0)
UNARY_OP(abs, "Abs", 6, 1, 0)
UNARY_OP(exp, "Exp", 6, 1, 0)
UNARY_OP(log, "Log", 6, 1, 0)
UNARY_OP(sqrt, "Sqrt", 6, 1, 0)
UNARY_OP(reciprocal, "Reciprocal", 6, 1, 0)
UNARY_OP(floor, "Floor", 6, 1, 0)
UNARY_OP(ceil, "Ceil", 6, 1, 0)
UNARY_OP(erf, "Erf", 9, 1, 0)
