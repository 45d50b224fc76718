/* SPDX-License-Identifier: MIT */
/* Variadic elementwise ops: Sum, Mean, Max, Min (opset 8+ forms: 1 or more inputs, numpy
 * broadcasting). Lowered to a chain of binary kernel calls on the output: step 0 combines
 * inputs 0 and 1 (or input 0 with itself), step i combines the output with input i + 1 in
 * place (the kernels allow y == a when a has the output's shape), and Mean divides by the
 * input count last. f32 uses kiln_binary_f32, other types kiln_binary_typed. */
#include "op_common.h"

#include <string.h>

typedef struct {
    int typed;
    int n_steps;
    kiln_binary_params *steps;      /* f32 */
    kiln_tbinary_params *tsteps;    /* other types */
    double divisor;                 /* Mean: the input count; 0 otherwise */
} VariadicParams;

static kiln_binary_op variadic_kind(const Node *n)
{
    const char *s = n->op->name;
    return !strcmp(s, "Max") ? KILN_BIN_MAX : !strcmp(s, "Min") ? KILN_BIN_MIN : KILN_BIN_ADD;
}

/* Output shape: all inputs broadcast together. */
static int variadic_shape(Node *n, int *rank, int64_t *dims, Diag *d)
{
    Tensor acc = *n->inputs[0];
    for (int i = 1; i < n->n_inputs; i++) {
        Tensor *t = n->inputs[i];
        if (!t || t->dtype != acc.dtype) {
            node_error(d, n, "input %d is missing or its type differs from input 0", i);
            return -1;
        }
        int r;
        int64_t dd[IR_MAX_RANK];
        if (op_broadcast_shape(n, &acc, t, &r, dd, d))
            return -1;
        acc.rank = r;
        memcpy(acc.dims, dd, sizeof dd);
    }
    *rank = acc.rank;
    memcpy(dims, acc.dims, sizeof acc.dims);
    return 0;
}

static void fill_step(kiln_binary_params *k, kiln_binary_op op, const Tensor *a, const Tensor *b,
                      const Tensor *y)
{
    memset(k, 0, sizeof *k);
    k->op = op;
    k->rank = y->rank ? y->rank : 1;
    k->dims[0] = 1;
    for (int i = 0; i < y->rank; i++)
        k->dims[i] = (int32_t)y->dims[i];
    if (y->rank) {
        op_broadcast_strides(a, y->rank, k->a_strides);
        op_broadcast_strides(b, y->rank, k->b_strides);
    }
}

static void to_typed(const kiln_binary_params *k, DType t, kiln_tbinary_params *out)
{
    static const kiln_tbinary_op map[] = {[KILN_BIN_ADD] = KILN_TB_ADD,
                                          [KILN_BIN_DIV] = KILN_TB_DIV,
                                          [KILN_BIN_MAX] = KILN_TB_MAX,
                                          [KILN_BIN_MIN] = KILN_TB_MIN};
    memset(out, 0, sizeof *out);
    out->op = map[k->op];
    out->a_type = out->b_type = out->y_type = op_kiln_dtype(t);
    out->rank = k->rank;
    memcpy(out->dims, k->dims, sizeof k->dims);
    memcpy(out->a_strides, k->a_strides, sizeof k->a_strides);
    memcpy(out->b_strides, k->b_strides, sizeof k->b_strides);
}

static int variadic_infer(Graph *g, Node *n, Diag *d)
{
    DType t = n->inputs[0]->dtype;
    int mean = !strcmp(n->op->name, "Mean");
    if (t == DT_BOOL || (mean && t != DT_F32 && t != DT_F64)) {
        node_error(d, n, "%s does not take %s tensors", n->op->name, dtype_name(t));
        return -1;
    }
    int rank;
    int64_t dims[IR_MAX_RANK];
    if (variadic_shape(n, &rank, dims, d))
        return -1;
    Tensor *y = n->outputs[0];
    ir_set_shape(y, t, rank, dims);
    if (op_fits_i32(n, ir_numel(y), "output size", d))
        return -1;
    VariadicParams *p = arena_alloc(g->arena, sizeof *p);
    kiln_binary_op op = variadic_kind(n);
    int n_in = n->n_inputs;
    p->n_steps = (n_in > 1 ? n_in - 1 : 1) + mean;
    p->steps = arena_array(g->arena, (size_t)p->n_steps, sizeof *p->steps);
    /* one input: x op x is x for Max/Min; Sum/Mean of one input is x + 0 via Max(x, x) */
    fill_step(&p->steps[0], n_in > 1 ? op : KILN_BIN_MAX, n->inputs[0],
              n->inputs[n_in > 1 ? 1 : 0], y);
    for (int i = 2; i < n_in; i++)
        fill_step(&p->steps[i - 1], op, y, n->inputs[i], y);
    if (mean) {
        Tensor one = {.rank = 0};
        fill_step(&p->steps[p->n_steps - 1], KILN_BIN_DIV, y, &one, y);
        p->divisor = n_in;
    }
    p->typed = t != DT_F32;
    if (p->typed) {
        p->tsteps = arena_array(g->arena, (size_t)p->n_steps, sizeof *p->tsteps);
        for (int i = 0; i < p->n_steps; i++)
            to_typed(&p->steps[i], t, &p->tsteps[i]);
    }
    n->params = p;
    return 0;
}

/* Operand b of step i: the next input, or the divisor of Mean. */
static const void *step_b(Node *n, const VariadicParams *p, int i, const void *divisor)
{
    if (p->divisor != 0 && i == p->n_steps - 1)
        return divisor;
    return n->inputs[n->n_inputs > 1 ? i + 1 : 0]->data;
}

static int variadic_eval(Graph *g, Node *n, Diag *d)
{
    VariadicParams *p = n->params;
    op_allocate_outputs(g, n);
    void *y = n->outputs[0]->data;
    float div_f = (float)p->divisor;
    double div_d = p->divisor;
    for (int i = 0; i < p->n_steps; i++) {
        const void *a = i == 0 ? n->inputs[0]->data : y;
        if (p->typed)
            kiln_binary_typed(&p->tsteps[i], a, step_b(n, p, i, &div_d), y);
        else
            kiln_binary_f32(&p->steps[i], a, step_b(n, p, i, &div_f), y);
    }
    return 0;
}

static int variadic_emit(Emit *e, Node *n, Diag *d)
{
    VariadicParams *p = n->params;
    static const char *names[] = {"KILN_BIN_ADD", "KILN_BIN_SUB", "KILN_BIN_MUL", "KILN_BIN_DIV",
                                  "KILN_BIN_MAX", "KILN_BIN_MIN", "KILN_BIN_POW"};
    const char *divisor = NULL;
    if (p->divisor != 0) {
        divisor = cg_new_array(e, p->typed ? "double" : "float", 1);
        cg_decl(e, p->typed ? "{%d.0};\n" : "{%d.0f};\n", (int)p->divisor);
    }
    const char *y = cg_ptr(e, n->outputs[0]);
    for (int i = 0; i < p->n_steps; i++) {
        const char *a = i == 0 ? cg_ptr(e, n->inputs[0]) : y;
        const char *b = p->divisor != 0 && i == p->n_steps - 1
                            ? divisor
                            : cg_ptr(e, n->inputs[n->n_inputs > 1 ? i + 1 : 0]);
        if (p->typed) {
            kiln_tbinary_params *k = &p->tsteps[i];
            const char *tn = op_kiln_dtype_name(n->outputs[0]->dtype);
            static const char *tnames[] = {"KILN_TB_ADD", "KILN_TB_SUB", "KILN_TB_MUL",
                                           "KILN_TB_DIV", "KILN_TB_MOD", "KILN_TB_FMOD",
                                           "KILN_TB_POW", "KILN_TB_MAX", "KILN_TB_MIN"};
            const char *pn = cg_new_params(e, "kiln_tbinary_params");
            cg_decl(e, "{%s, %s, %s, %s, %d, %s, %s, %s};\n", tnames[k->op], tn, tn, tn, k->rank,
                    cg_i32_list(e, k->dims, KILN_MAX_RANK),
                    cg_i32_list(e, k->a_strides, KILN_MAX_RANK),
                    cg_i32_list(e, k->b_strides, KILN_MAX_RANK));
            cg_stmt(e, "kiln_binary_typed(&%s, %s, %s, %s);\n", pn, a, b, y);
            cg_use_kernel(e, "kiln_binary_typed");
        } else {
            kiln_binary_params *k = &p->steps[i];
            const char *pn = cg_new_params(e, "kiln_binary_params");
            cg_decl(e, "{%s, %d, %s, %s, %s, %s};\n", names[k->op], k->rank,
                    cg_i32_list(e, k->dims, KILN_MAX_RANK),
                    cg_i32_list(e, k->a_strides, KILN_MAX_RANK),
                    cg_i32_list(e, k->b_strides, KILN_MAX_RANK), cg_act(e, &k->act));
            cg_stmt(e, "kiln_binary_f32(&%s, %s, %s, %s);\n", pn, a, b, y);
            cg_use_kernel(e, "kiln_binary_f32");
        }
    }
    return 0;
}

#define VARIADIC_OP(id, onnx_name)                                                              \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = 8, .max_opset = 1000,                                  \
        .min_inputs = 1, .max_inputs = 64, .min_outputs = 1, .max_outputs = 1,                 \
        .infer = variadic_infer, .eval = variadic_eval, .emit = variadic_emit,                 \
    };

VARIADIC_OP(max, "Max")
VARIADIC_OP(min, "Min")
VARIADIC_OP(sum, "Sum")
VARIADIC_OP(mean, "Mean")
