/* SPDX-License-Identifier: MIT */
/* Elementwise binary ops with numpy broadcasting: Add Sub Mul Div Pow Max Min.
 * f32 runs the runtime kernel; integer tensors (shape arithmetic) fold at compile time. */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_binary_params k;
} BinaryParams;

static kiln_binary_op binary_kind(const Node *n)
{
    static const struct {
        const char *name;
        kiln_binary_op op;
    } kinds[] = {{"Add", KILN_BIN_ADD}, {"Sub", KILN_BIN_SUB}, {"Mul", KILN_BIN_MUL},
                 {"Div", KILN_BIN_DIV}, {"Pow", KILN_BIN_POW}, {"Max", KILN_BIN_MAX},
                 {"Min", KILN_BIN_MIN}};
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
    int rank;
    int64_t dims[IR_MAX_RANK];
    if (op_broadcast_shape(n, a, b, &rank, dims, d))
        return -1;
    ir_set_shape(n->outputs[0], a->dtype, rank, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    BinaryParams *p = arena_alloc(g->arena, sizeof *p);
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
    n->params = p;
    return 0;
}

static int64_t int_apply(kiln_binary_op op, int64_t x, int64_t y, int *div0)
{
    switch (op) {
    case KILN_BIN_ADD: return (int64_t)((uint64_t)x + (uint64_t)y);
    case KILN_BIN_SUB: return (int64_t)((uint64_t)x - (uint64_t)y);
    case KILN_BIN_MUL: return (int64_t)((uint64_t)x * (uint64_t)y);
    case KILN_BIN_DIV:
        if (y == 0 || (x == INT64_MIN && y == -1)) {
            *div0 = 1;
            return 0;
        }
        return x / y;
    case KILN_BIN_MAX: return x > y ? x : y;
    case KILN_BIN_MIN: return x < y ? x : y;
    default: {
        int64_t r = 1;
        for (int64_t i = 0; i < y && i < 64; i++)
            r = (int64_t)((uint64_t)r * (uint64_t)x);
        return r;
    }
    }
}

static void int_store(Tensor *t, int64_t i, int64_t v)
{
    switch (t->dtype) {
    case DT_S64: ((int64_t *)t->data)[i] = v; break;
    case DT_S32: ((int32_t *)t->data)[i] = (int32_t)v; break;
    case DT_S16: ((int16_t *)t->data)[i] = (int16_t)v; break;
    case DT_S8: ((int8_t *)t->data)[i] = (int8_t)v; break;
    case DT_U8: ((uint8_t *)t->data)[i] = (uint8_t)v; break;
    default: break;
    }
}

static int binary_eval(Graph *g, Node *n, Diag *d)
{
    BinaryParams *p = n->params;
    Tensor *y = n->outputs[0];
    op_allocate_outputs(g, n);
    if (y->dtype == DT_F32 && n->inputs[1]->dtype == DT_F32) {
        kiln_binary_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, y->data);
        return 0;
    }
    if (y->dtype != DT_S64 && y->dtype != DT_S32 && y->dtype != DT_S16 && y->dtype != DT_S8 &&
        y->dtype != DT_U8) {
        node_error(d, n, "cannot fold %s on %s tensors", n->op_type, dtype_name(y->dtype));
        return -1;
    }
    int64_t total = ir_numel(y);
    int div0 = 0;
    for (int64_t i = 0; i < total; i++) {
        int64_t rem = i, ia = 0, ib = 0;
        for (int dd = p->k.rank - 1; dd >= 0; dd--) {
            int64_t idx = rem % p->k.dims[dd];
            rem /= p->k.dims[dd];
            ia += idx * p->k.a_strides[dd];
            ib += idx * p->k.b_strides[dd];
        }
        int_store(y, i, int_apply(p->k.op, ir_const_int(n->inputs[0], ia),
                                  ir_const_int(n->inputs[1], ib), &div0));
    }
    if (div0) {
        node_error(d, n, "integer division by zero while folding constants");
        return -1;
    }
    return 0;
}

static int binary_emit(Emit *e, Node *n, Diag *d)
{
    if (n->outputs[0]->dtype != DT_F32 || n->inputs[1]->dtype != DT_F32) {
        node_error(d, n, "%s on %s tensors is only supported when it can be computed at compile "
                   "time", n->op_type, dtype_name(n->outputs[0]->dtype));
        return -1;
    }
    const kiln_binary_params *k = &((BinaryParams *)n->params)->k;
    static const char *names[] = {"KILN_BIN_ADD", "KILN_BIN_SUB", "KILN_BIN_MUL", "KILN_BIN_DIV",
                                  "KILN_BIN_MAX", "KILN_BIN_MIN", "KILN_BIN_POW"};
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
    return n->outputs[0]->dtype == DT_F32 ? &((BinaryParams *)n->params)->k.act : NULL;
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
BINARY_OP(max, "Max", 8)
BINARY_OP(min, "Min", 8)
