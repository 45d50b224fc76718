/* SPDX-License-Identifier: MIT */
/* Elementwise ops on any element type through the typed kernels: the typed forms of the
 * arithmetic binaries (shared with binary.c), Mod, BitShift, the comparisons, And/Or/Xor,
 * Not, IsNaN, IsInf and Where. */
#include "op_common.h"

#include <string.h>

static const char *const tb_names[] = {
    "KILN_TB_ADD", "KILN_TB_SUB", "KILN_TB_MUL", "KILN_TB_DIV", "KILN_TB_MOD", "KILN_TB_FMOD",
    "KILN_TB_POW", "KILN_TB_MAX", "KILN_TB_MIN", "KILN_TB_EQ", "KILN_TB_GT", "KILN_TB_LT",
    "KILN_TB_GE", "KILN_TB_LE", "KILN_TB_AND", "KILN_TB_OR", "KILN_TB_XOR", "KILN_TB_SHL",
    "KILN_TB_SHR"};
static const char *const tu_names[] = {"KILN_TU_CAST", "KILN_TU_NOT", "KILN_TU_ISNAN",
                                       "KILN_TU_ISINF", "KILN_TU_NEG", "KILN_TU_ABS",
                                       "KILN_TU_SIGN", "KILN_TU_CLIP"};

kiln_dtype op_kiln_dtype(DType t)
{
    return (kiln_dtype)(t - 1);
}

const char *op_kiln_dtype_name(DType t)
{
    static const char *const names[] = {"KILN_F32", "KILN_F64", "KILN_S8", "KILN_U8",
                                        "KILN_S16", "KILN_U16", "KILN_S32", "KILN_U32",
                                        "KILN_S64", "KILN_U64", "KILN_BOOL"};
    return names[op_kiln_dtype(t)];
}

int op_tbinary_setup(Node *n, kiln_tbinary_op op, DType y_type, kiln_tbinary_params *p, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[1];
    int rank;
    int64_t dims[IR_MAX_RANK];
    if (op_broadcast_shape(n, a, b, &rank, dims, d))
        return -1;
    ir_set_shape(n->outputs[0], y_type, rank, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    memset(p, 0, sizeof *p);
    p->op = op;
    p->a_type = op_kiln_dtype(a->dtype);
    p->b_type = op_kiln_dtype(b->dtype);
    p->y_type = op_kiln_dtype(y_type);
    p->rank = rank ? rank : 1;
    p->dims[0] = 1;
    for (int i = 0; i < rank; i++)
        p->dims[i] = (int32_t)dims[i];
    if (rank) {
        op_broadcast_strides(a, rank, p->a_strides);
        op_broadcast_strides(b, rank, p->b_strides);
    }
    return 0;
}

void op_tbinary_eval(Graph *g, Node *n, const kiln_tbinary_params *p)
{
    op_allocate_outputs(g, n);
    kiln_binary_typed(p, n->inputs[0]->data, n->inputs[1]->data, n->outputs[0]->data);
}

void op_tbinary_emit(Emit *e, Node *n, const kiln_tbinary_params *p)
{
    const char *pn = cg_new_params(e, "kiln_tbinary_params");
    cg_decl(e, "{%s, %s, %s, %s, %d, %s, %s, %s};\n", tb_names[p->op],
            op_kiln_dtype_name(n->inputs[0]->dtype), op_kiln_dtype_name(n->inputs[1]->dtype),
            op_kiln_dtype_name(n->outputs[0]->dtype), p->rank,
            cg_i32_list(e, p->dims, KILN_MAX_RANK), cg_i32_list(e, p->a_strides, KILN_MAX_RANK),
            cg_i32_list(e, p->b_strides, KILN_MAX_RANK));
    cg_stmt(e, "kiln_binary_typed(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_binary_typed");
}

/* ---- Mod, BitShift, comparisons, And/Or/Xor ------------------------------------------ */

typedef struct {
    kiln_tbinary_params k;
} TBinaryParams;

static int is_float_type(DType t)
{
    return t == DT_F32 || t == DT_F64;
}

static int is_unsigned_type(DType t)
{
    return t == DT_U8 || t == DT_U16 || t == DT_U32 || t == DT_U64;
}

/* The kernel op of the node, after checking its operand types and attributes. */
static int logic_kind(Node *n, kiln_tbinary_op *op, DType *y_type, Diag *d)
{
    static const struct {
        const char *name;
        kiln_tbinary_op op;
    } kinds[] = {{"Equal", KILN_TB_EQ}, {"Greater", KILN_TB_GT}, {"Less", KILN_TB_LT},
                 {"GreaterOrEqual", KILN_TB_GE}, {"LessOrEqual", KILN_TB_LE},
                 {"And", KILN_TB_AND}, {"Or", KILN_TB_OR}, {"Xor", KILN_TB_XOR}};
    DType t = n->inputs[0]->dtype;
    if (n->inputs[1]->dtype != t) {
        node_error(d, n, "input types differ (%s and %s)", dtype_name(t),
                   dtype_name(n->inputs[1]->dtype));
        return -1;
    }
    const char *name = n->op->name;
    *y_type = DT_BOOL;
    if (!strcmp(name, "Mod")) {
        int fmod = (int)ir_attr_int(n, "fmod", 0);
        if (is_float_type(t) && !fmod) {
            node_error(d, n, "Mod on %s needs fmod=1 (ONNX defines integer modulo only)",
                       dtype_name(t));
            return -1;
        }
        *op = fmod ? KILN_TB_FMOD : KILN_TB_MOD;
        *y_type = t;
        return 0;
    }
    if (!strcmp(name, "BitShift")) {
        const char *dir = ir_attr_str(n, "direction", "");
        if (strcmp(dir, "LEFT") && strcmp(dir, "RIGHT")) {
            node_error(d, n, "direction must be LEFT or RIGHT (got '%s')", dir);
            return -1;
        }
        if (!is_unsigned_type(t)) {
            node_error(d, n, "BitShift needs unsigned integers (got %s)", dtype_name(t));
            return -1;
        }
        *op = dir[0] == 'L' ? KILN_TB_SHL : KILN_TB_SHR;
        *y_type = t;
        return 0;
    }
    for (size_t i = 0; i < KILN_ARRAY_LEN(kinds); i++) {
        if (strcmp(kinds[i].name, name))
            continue;
        *op = kinds[i].op;
        if (*op >= KILN_TB_AND && t != DT_BOOL) {
            node_error(d, n, "%s needs bool inputs (got %s)", name, dtype_name(t));
            return -1;
        }
        return 0;
    }
    KILN_UNREACHABLE("logic op without a kind");
}

static int logic_infer(Graph *g, Node *n, Diag *d)
{
    kiln_tbinary_op op;
    DType y_type;
    if (logic_kind(n, &op, &y_type, d))
        return -1;
    TBinaryParams *p = arena_alloc(g->arena, sizeof *p);
    n->params = p;
    return op_tbinary_setup(n, op, y_type, &p->k, d);
}

static int logic_eval(Graph *g, Node *n, Diag *d)
{
    op_tbinary_eval(g, n, &((TBinaryParams *)n->params)->k);
    return 0;
}

static int logic_emit(Emit *e, Node *n, Diag *d)
{
    op_tbinary_emit(e, n, &((TBinaryParams *)n->params)->k);
    return 0;
}

#define LOGIC_OP(id, onnx_name, min_ops)                                                        \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = min_ops, .max_opset = 1000,                            \
        .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,                  \
        .infer = logic_infer, .eval = logic_eval, .emit = logic_emit,                          \
    };

LOGIC_OP(mod, "Mod", 10)
LOGIC_OP(bit_shift, "BitShift", 11)
LOGIC_OP(equal, "Equal", 7)
LOGIC_OP(greater, "Greater", 7)
LOGIC_OP(less, "Less", 7)
LOGIC_OP(greater_or_equal, "GreaterOrEqual", 12)
LOGIC_OP(less_or_equal, "LessOrEqual", 12)
LOGIC_OP(and, "And", 7)
LOGIC_OP(or, "Or", 7)
LOGIC_OP(xor, "Xor", 7)

/* ---- Not, IsNaN, IsInf, and the run-time Cast ----------------------------------------- */

typedef struct {
    kiln_tunary_params k;
} TUnaryParams;

int op_tunary_setup(Graph *g, Node *n, kiln_tunary_op op, DType y_type, int flags, Diag *d)
{
    Tensor *x = n->inputs[0];
    ir_set_shape(n->outputs[0], y_type, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    TUnaryParams *p = arena_alloc(g->arena, sizeof *p);
    p->k = (kiln_tunary_params){op, op_kiln_dtype(x->dtype), op_kiln_dtype(y_type),
                                (int32_t)ir_numel(x), flags, 0.0, 0.0};
    n->params = p;
    return 0;
}

kiln_tunary_params *op_tunary_params(Node *n)
{
    return &((TUnaryParams *)n->params)->k;
}

/* Exact decimal for a double that holds an integer or a float bound. */
static const char *double_literal(Emit *e, double v)
{
    if (v != v)
        return "(0.0 / 0.0)";
    if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
        return v < 0 ? "-HUGE_VAL" : "HUGE_VAL";
    return arena_printf(e->g->arena, "%.17g", v);
}

int op_tunary_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_unary_typed(&((TUnaryParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

int op_tunary_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_tunary_params *k = &((TUnaryParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_tunary_params");
    cg_decl(e, "{%s, %s, %s, %d, %d, %s, %s};\n", tu_names[k->op],
            op_kiln_dtype_name(n->inputs[0]->dtype), op_kiln_dtype_name(n->outputs[0]->dtype), k->n,
            k->flags, double_literal(e, k->lo), double_literal(e, k->hi));
    cg_stmt(e, "kiln_unary_typed(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_unary_typed");
    return 0;
}

static int not_infer(Graph *g, Node *n, Diag *d)
{
    if (n->inputs[0]->dtype != DT_BOOL) {
        node_error(d, n, "Not needs a bool input (got %s)", dtype_name(n->inputs[0]->dtype));
        return -1;
    }
    return op_tunary_setup(g, n, KILN_TU_NOT, DT_BOOL, 0, d);
}

static int float_test_infer(Graph *g, Node *n, Diag *d)
{
    if (!is_float_type(n->inputs[0]->dtype)) {
        node_error(d, n, "%s needs a floating-point input (got %s)", n->op->name,
                   dtype_name(n->inputs[0]->dtype));
        return -1;
    }
    if (!strcmp(n->op->name, "IsNaN"))
        return op_tunary_setup(g, n, KILN_TU_ISNAN, DT_BOOL, 0, d);
    int pos = ir_attr_int(n, "detect_positive", 1) != 0;
    int neg = ir_attr_int(n, "detect_negative", 1) != 0;
    return op_tunary_setup(g, n, KILN_TU_ISINF, DT_BOOL, pos | neg << 1, d);
}

const OpDef op_not = {
    .name = "Not", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = not_infer, .eval = op_tunary_eval, .emit = op_tunary_emit,
};
const OpDef op_is_nan = {
    .name = "IsNaN", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = float_test_infer, .eval = op_tunary_eval, .emit = op_tunary_emit,
};
const OpDef op_is_inf = {
    .name = "IsInf", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = float_test_infer, .eval = op_tunary_eval, .emit = op_tunary_emit,
};

/* ---- Where ----------------------------------------------------------------------------- */

typedef struct {
    kiln_where_params k;
} WhereParams;

static int where_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *c = n->inputs[0], *x = n->inputs[1], *y = n->inputs[2];
    if (c->dtype != DT_BOOL || x->dtype != y->dtype) {
        node_error(d, n, "Where needs a bool condition and X, Y of one type (got %s, %s, %s)",
                   dtype_name(c->dtype), dtype_name(x->dtype), dtype_name(y->dtype));
        return -1;
    }
    int r1, rank;
    int64_t d1[IR_MAX_RANK], dims[IR_MAX_RANK];
    if (op_broadcast_shape(n, x, y, &r1, d1, d))
        return -1;
    Tensor tmp = *x;
    tmp.rank = r1;
    memcpy(tmp.dims, d1, sizeof d1);
    if (op_broadcast_shape(n, c, &tmp, &rank, dims, d))
        return -1;
    ir_set_shape(n->outputs[0], x->dtype, rank, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    WhereParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.elem_size = (int32_t)dtype_size(x->dtype);
    p->k.rank = rank ? rank : 1;
    p->k.dims[0] = 1;
    for (int i = 0; i < rank; i++)
        p->k.dims[i] = (int32_t)dims[i];
    if (rank) {
        op_broadcast_strides(c, rank, p->k.c_strides);
        op_broadcast_strides(x, rank, p->k.x_strides);
        op_broadcast_strides(y, rank, p->k.y_strides);
    }
    n->params = p;
    return 0;
}

static int where_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_where(&((WhereParams *)n->params)->k, n->inputs[0]->data, n->inputs[1]->data,
               n->inputs[2]->data, n->outputs[0]->data);
    return 0;
}

static int where_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_where_params *k = &((WhereParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_where_params");
    cg_decl(e, "{%d, %d, %s, %s, %s, %s};\n", k->elem_size, k->rank,
            cg_i32_list(e, k->dims, KILN_MAX_RANK), cg_i32_list(e, k->c_strides, KILN_MAX_RANK),
            cg_i32_list(e, k->x_strides, KILN_MAX_RANK),
            cg_i32_list(e, k->y_strides, KILN_MAX_RANK));
    cg_stmt(e, "kiln_where(&%s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_where");
    return 0;
}

const OpDef op_where = {
    .name = "Where", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = where_infer, .eval = where_eval, .emit = where_emit,
};
