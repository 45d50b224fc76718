/* SPDX-License-Identifier: MIT */
/* Sparse Conv and Gemm: internal ops made by pass_sparse from a Conv/Gemm whose weights
 * it encodes as per-output-row index lists (kiln_sparse_f32). They never come from a
 * model file (their opset range is empty). Inputs: X, count, idx, val, and the bias (Conv
 * B or Gemm C) when there is one; the kernel params are the dense node's, activation
 * included. */
#include "op_common.h"

typedef struct {
    kiln_conv2d_params conv;   /* SparseConv */
    kiln_gemm_params gemm;     /* SparseGemm */
    SparseInfo info;
} SparseParams;

static int sparse_infer(Graph *g, Node *n, Diag *d)
{
    KILN_UNREACHABLE("sparse ops are made by pass_sparse after shape inference");
}

static const char *sparse_struct(Emit *e, Node *n)
{
    const char *pn = cg_new_params(e, "kiln_sparse_f32");
    cg_decl(e, "{%s, %s, %s};\n", cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]),
            cg_ptr(e, n->inputs[3]));
    return pn;
}

static int sparse_conv_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_conv2d_params *k = &((SparseParams *)n->params)->conv;
    const char *pn = cg_new_params(e, "kiln_conv2d_params");
    cg_decl(e, "%s;\n", cg_conv2d(e, k));
    const char *sn = sparse_struct(e, n);
    Tensor *b = n->n_inputs > 4 ? n->inputs[4] : NULL;
    cg_stmt(e, "kiln_conv2d_sparse_f32(&%s, %s, &%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            sn, b ? cg_ptr(e, b) : "0", cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_conv2d_sparse_f32");
    return 0;
}

static int sparse_gemm_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_gemm_params *k = &((SparseParams *)n->params)->gemm;
    const char *pn = cg_new_params(e, "kiln_gemm_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %s, %s, %d, %d, %s};\n", k->m, k->n, k->k, k->trans_a,
            k->trans_b, cg_float(e, k->alpha), cg_float(e, k->beta), k->c_stride_m,
            k->c_stride_n, cg_act(e, &k->act));
    const char *sn = sparse_struct(e, n);
    Tensor *c = n->n_inputs > 4 ? n->inputs[4] : NULL;
    cg_stmt(e, "kiln_gemm_sparse_f32(&%s, %s, &%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            sn, c ? cg_ptr(e, c) : "0", cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_gemm_sparse_f32");
    return 0;
}

static int sparse_conv_eval(Graph *g, Node *n, Diag *d)
{
    SparseParams *p = n->params;
    op_allocate_outputs(g, n);
    kiln_sparse_f32 w = {n->inputs[1]->data, n->inputs[2]->data, n->inputs[3]->data};
    Tensor *b = n->n_inputs > 4 ? n->inputs[4] : NULL;
    kiln_conv2d_sparse_f32(&p->conv, n->inputs[0]->data, &w, b ? b->data : NULL,
                           n->outputs[0]->data);
    return 0;
}

static int sparse_gemm_eval(Graph *g, Node *n, Diag *d)
{
    SparseParams *p = n->params;
    op_allocate_outputs(g, n);
    kiln_sparse_f32 w = {n->inputs[1]->data, n->inputs[2]->data, n->inputs[3]->data};
    Tensor *c = n->n_inputs > 4 ? n->inputs[4] : NULL;
    kiln_gemm_sparse_f32(&p->gemm, n->inputs[0]->data, &w, c ? c->data : NULL,
                         n->outputs[0]->data);
    return 0;
}

/* MACs executed: one per stored weight and output position it reaches (padding taps
 * included, as the dense count does). */
static int64_t sparse_macs(const Node *n) { return ((const SparseParams *)n->params)->info.macs; }

static kiln_act *sparse_conv_act(Node *n) { return &((SparseParams *)n->params)->conv.act; }
static kiln_act *sparse_gemm_act(Node *n) { return &((SparseParams *)n->params)->gemm.act; }

const SparseInfo *op_sparse_info(const Node *n)
{
    if (n->op == &op_sparse_conv || n->op == &op_sparse_gemm)
        return &((const SparseParams *)n->params)->info;
    return op_sparse_s8_info(n);
}

void op_make_sparse(Graph *g, Node *n, Tensor *count, Tensor *idx, Tensor *val,
                    const SparseInfo *info)
{
    SparseParams *p = arena_alloc(g->arena, sizeof *p);
    int is_conv = n->op == &op_conv;
    if (is_conv)
        p->conv = *op_conv_params(n);
    else
        p->gemm = *op_gemm_params(n);
    p->info = *info;
    Tensor *bias = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor **in = arena_alloc(g->arena, 5 * sizeof *in);
    in[0] = n->inputs[0];
    in[1] = count;
    in[2] = idx;
    in[3] = val;
    in[4] = bias;
    n->inputs = in;
    n->n_inputs = bias ? 5 : 4;
    n->op = is_conv ? &op_sparse_conv : &op_sparse_gemm;
    n->params = p;
}

const OpDef op_sparse_conv = {
    .name = "SparseConv", .min_opset = 1, .max_opset = 0,
    .min_inputs = 4, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .infer = sparse_infer, .eval = sparse_conv_eval, .emit = sparse_conv_emit,
    .macs = sparse_macs, .act_slot = sparse_conv_act,
};

const OpDef op_sparse_gemm = {
    .name = "SparseGemm", .min_opset = 1, .max_opset = 0,
    .min_inputs = 4, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .infer = sparse_infer, .eval = sparse_gemm_eval, .emit = sparse_gemm_emit,
    .macs = sparse_macs, .act_slot = sparse_gemm_act,
};
