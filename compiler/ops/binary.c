/* SPDX-License-Identifier: MIT */
/* Elementwise binary ops with numpy broadcasting: Add Sub Mul Div Pow PRelu (Max and Min, which
 * take any number of inputs, are in variadic.c).
 * f32 runs the fast f32 kernel; other types (and Pow with mixed types) the typed kernel. */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_binary_params k;
    int typed;                 /* not f32 op f32: kiln_binary_typed with t */
    kiln_tbinary_params t;
} BinaryParams;

static kiln_binary_op binary_kind(const Node *n)
{
    static const struct {
        const char *name;
        kiln_binary_op op;
    } kinds[] = {{"Add", KILN_BIN_ADD}, {"Sub", KILN_BIN_SUB}, {"Mul", KILN_BIN_MUL},
                 {"Div", KILN_BIN_DIV}, {"Pow", KILN_BIN_POW}, {"PRelu", KILN_BIN_PRELU}};
    for (size_t i = 0; i < KILN_ARRAY_LEN(kinds); i++)
        if (strcmp(kinds[i].name, n->op->name) == 0)
            return kinds[i].op;
    KILN_UNREACHABLE("binary op without a kind");
}

static int binary_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[1];
    if (!a || !b) {
        node_error(d, n, "needs two inputs");
        return -1;
    }
    kiln_binary_op op = binary_kind(n);
    if (a->dtype != b->dtype && op != KILN_BIN_POW) {
        node_error(d, n, "input types differ (%s and %s)", dtype_name(a->dtype),
                   dtype_name(b->dtype));
        return -1;
    }
    if (a->dtype == DT_BOOL || b->dtype == DT_BOOL) {
        node_error(d, n, "%s does not take bool tensors", n->op->name);
        return -1;
    }
    if (op == KILN_BIN_PRELU && (op_require_float(n, 0, d) || op_require_float(n, 1, d)))
        return -1;
    BinaryParams *p = arena_alloc(g->arena, sizeof *p);
    n->params = p;
    if (a->dtype != DT_F32 || b->dtype != DT_F32) {
        static const kiln_tbinary_op typed[] = {
            [KILN_BIN_ADD] = KILN_TB_ADD, [KILN_BIN_SUB] = KILN_TB_SUB,
            [KILN_BIN_MUL] = KILN_TB_MUL, [KILN_BIN_DIV] = KILN_TB_DIV,
            [KILN_BIN_MAX] = KILN_TB_MAX, [KILN_BIN_MIN] = KILN_TB_MIN,
            [KILN_BIN_POW] = KILN_TB_POW};
        p->typed = 1;
        return op_tbinary_setup(n, typed[op], a->dtype, &p->t, d);
    }
    int rank;
    int64_t dims[IR_MAX_RANK];
    if (op_broadcast_shape(n, a, b, &rank, dims, d))
        return -1;
    ir_set_shape(n->outputs[0], a->dtype, rank, dims);
    if (op == KILN_BIN_PRELU && !ir_same_shape(n->outputs[0], a)) {
        char sa[128], sb[128];
        node_error(d, n, "slope %s does not broadcast to X %s (PRelu broadcasts one way)",
                   ir_shape_str(b, sb, sizeof sb), ir_shape_str(a, sa, sizeof sa));
        return -1;
    }
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    p->k.op = op;
    /* the runtime iterates at least one dim */
    p->k.rank = rank ? rank : 1;
    if (rank == 0) {
        p->k.dims[0] = 1;
    } else {
        for (int i = 0; i < rank; i++)
            p->k.dims[i] = (int32_t)dims[i];
        op_broadcast_strides(a, rank, p->k.a_strides);
        op_broadcast_strides(b, rank, p->k.b_strides);
    }
    return 0;
}

static int binary_eval(Graph *g, Node *n, Diag *d)
{
    BinaryParams *p = n->params;
    if (p->typed) {
        op_tbinary_eval(g, n, &p->t);
        return 0;
    }
    op_allocate_outputs(g, n);
    kiln_binary_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, n->outputs[0]->data);
    return 0;
}

static int binary_emit(Emit *e, Node *n, Diag *d)
{
    if (((BinaryParams *)n->params)->typed) {
        op_tbinary_emit(e, n, &((BinaryParams *)n->params)->t);
        return 0;
    }
    const kiln_binary_params *k = &((BinaryParams *)n->params)->k;
    static const char *names[] = {"KILN_BIN_ADD", "KILN_BIN_SUB", "KILN_BIN_MUL", "KILN_BIN_DIV",
                                  "KILN_BIN_MAX", "KILN_BIN_MIN", "KILN_BIN_POW",
                                  "KILN_BIN_PRELU"};
    const char *pn = cg_new_params(e, "kiln_binary_params");
    cg_decl(e, "{%s, %d, %s, %s, %s, %s};\n", names[k->op], k->rank,
            cg_i32_list(e, k->dims, KILN_MAX_RANK), cg_i32_list(e, k->a_strides, KILN_MAX_RANK),
            cg_i32_list(e, k->b_strides, KILN_MAX_RANK), cg_act(e, &k->act));
    cg_stmt(e, "kiln_binary_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_binary_f32");
    return 0;
}

static kiln_act *binary_act(Node *n)
{
    BinaryParams *p = n->params;
    return p->typed ? NULL : &p->k.act;
}

/* An input with the output's shape and type may share its storage (the kernel reads
 * element i of it just before writing element i). */
static unsigned binary_in_place(const Node *n)
{
    unsigned mask = 0;
    for (int i = 0; i < 2; i++)
        if (ir_same_shape(n->inputs[i], n->outputs[0]) &&
            n->inputs[i]->dtype == n->outputs[0]->dtype)
            mask |= 1u << i;
    return mask;
}

#define BINARY_OP(id, onnx_name, min_ops)                                                       \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = min_ops, .max_opset = 1000,                            \
        .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,                  \
        .infer = binary_infer, .eval = binary_eval, .emit = binary_emit, .act_slot = binary_act, \
        .in_place_inputs = binary_in_place, \
    };

BINARY_OP(add, "Add", 7)
BINARY_OP(sub, "Sub", 7)
BINARY_OP(mul, "Mul", 7)
BINARY_OP(div, "Div", 7)
BINARY_OP(pow, "Pow", 7)
/* slope broadcasts to x (unidirectional from opset 7; numpy rules accept that case) */
BINARY_OP(prelu, "PRelu", 7)
