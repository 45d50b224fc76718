/* SPDX-License-Identifier: MIT */
/* Gemm (alpha, beta, transA/B, broadcast C) and MatMul (numpy semantics, batch broadcast). */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_gemm_params k;
} GemmParams;

static int gemm_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[1], *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (!a || !b || op_require_float(n, 0, d) || op_require_float(n, 1, d))
        return -1;
    if (a->rank != 2 || b->rank != 2) {
        node_error(d, n, "inputs A and B must be 2-D (they are %d-D and %d-D)", a->rank, b->rank);
        return -1;
    }
    int64_t ta = ir_attr_int(n, "transA", 0), tb = ir_attr_int(n, "transB", 0);
    float alpha = ir_attr_float(n, "alpha", 1.0f), beta = ir_attr_float(n, "beta", 1.0f);
    int64_t m = ta ? a->dims[1] : a->dims[0], k = ta ? a->dims[0] : a->dims[1];
    int64_t kb = tb ? b->dims[1] : b->dims[0], nn = tb ? b->dims[0] : b->dims[1];
    if (k != kb) {
        node_error(d, n, "inner dimensions differ: op(A) is %lldx%lld, op(B) is %lldx%lld",
                   (long long)m, (long long)k, (long long)kb, (long long)nn);
        return -1;
    }
    GemmParams *p = arena_alloc(g->arena, sizeof *p);
    p->k = (kiln_gemm_params){.m = (int32_t)m, .n = (int32_t)nn, .k = (int32_t)k,
                              .trans_a = (int32_t)!!ta, .trans_b = (int32_t)!!tb,
                              .alpha = alpha, .beta = beta};
    if (c) {
        if (op_require_float(n, 2, d))
            return -1;
        Tensor y = {.rank = 2, .dims = {m, nn}};
        int r;
        int64_t dims[IR_MAX_RANK];
        if (c->rank > 2 || op_broadcast_shape(n, &y, c, &r, dims, d) || dims[0] != m ||
            dims[1] != nn) {
            node_error(d, n, "C cannot be broadcast to the output shape %lldx%lld", (long long)m,
                       (long long)nn);
            return -1;
        }
        int32_t strides[2];
        op_broadcast_strides(c, 2, strides);
        p->k.c_stride_m = strides[0];
        p->k.c_stride_n = strides[1];
    }
    int64_t out[2] = {m, nn};
    ir_set_shape(n->outputs[0], DT_F32, 2, out);
    if (op_fits_i32(n, m * nn, "output size", d) || op_fits_i32(n, m * k, "A size", d) ||
        op_fits_i32(n, k * nn, "B size", d))
        return -1;
    n->params = p;
    return 0;
}

kiln_gemm_params *op_gemm_params(Node *n) { return &((GemmParams *)n->params)->k; }

/* A constant B stored [n][k] is transposed once at compile time: the kernel's row-major
 * [k][n] loop streams it contiguously. */
static int gemm_lower(Graph *g, Node *n, Diag *d)
{
    GemmParams *p = n->params;
    Tensor *b = n->inputs[1];
    if (!p->k.trans_b || !ir_is_const(b))
        return 0;
    Tensor *bt = ir_tensor_new(g, arena_printf(g->arena, "%s.T", b->name));
    int64_t dims[2] = {b->dims[1], b->dims[0]};
    ir_set_shape(bt, DT_F32, 2, dims);
    float *dst = ir_alloc_data(g, bt);
    const float *src = b->data;
    for (int64_t i = 0; i < b->dims[0]; i++)
        for (int64_t j = 0; j < b->dims[1]; j++)
            dst[j * b->dims[0] + i] = src[i * b->dims[1] + j];
    n->inputs[1] = bt;
    p->k.trans_b = 0;
    return 0;
}

static int gemm_eval(Graph *g, Node *n, Diag *d)
{
    GemmParams *p = n->params;
    op_allocate_outputs(g, n);
    Tensor *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    kiln_gemm_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, c ? c->data : NULL,
                  n->outputs[0]->data);
    return 0;
}

static int gemm_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_gemm_params *k = &((GemmParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_gemm_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %s, %s, %d, %d, %s};\n", k->m, k->n, k->k, k->trans_a,
            k->trans_b, cg_float(e, k->alpha), cg_float(e, k->beta), k->c_stride_m,
            k->c_stride_n, cg_act(e, &k->act));
    Tensor *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    cg_stmt(e, "kiln_gemm_f32(&%s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), c ? cg_ptr(e, c) : "0", cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_gemm_f32");
    return 0;
}

static int64_t gemm_macs(const Node *n)
{
    const kiln_gemm_params *k = &((const GemmParams *)n->params)->k;
    return (int64_t)k->m * k->n * k->k;
}

static kiln_act *gemm_act(Node *n) { return &((GemmParams *)n->params)->k.act; }

const OpDef op_gemm = {
    .name = "Gemm", .min_opset = 7, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = gemm_infer, .eval = gemm_eval, .emit = gemm_emit, .macs = gemm_macs,
    .act_slot = gemm_act, .lower = gemm_lower,
};

/* ---- MatMul ---------------------------------------------------------------------- */

typedef struct {
    kiln_matmul_params k;
    int64_t batch;
} MatMulParams;

static int matmul_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[1];
    if (!a || !b || op_require_float(n, 0, d) || op_require_float(n, 1, d))
        return -1;
    if (a->rank < 1 || b->rank < 1) {
        node_error(d, n, "inputs must have rank >= 1");
        return -1;
    }
    /* promote 1-D operands as numpy does, remembering which dims to drop */
    Tensor a2 = *a, b2 = *b;
    if (a->rank == 1) {
        a2.rank = 2;
        a2.dims[0] = 1;
        a2.dims[1] = a->dims[0];
    }
    if (b->rank == 1) {
        b2.rank = 2;
        b2.dims[0] = b->dims[0];
        b2.dims[1] = 1;
    }
    int64_t m = a2.dims[a2.rank - 2], k = a2.dims[a2.rank - 1];
    int64_t kb = b2.dims[b2.rank - 2], nn = b2.dims[b2.rank - 1];
    if (k != kb) {
        char sa[128], sb[128];
        node_error(d, n, "inner dimensions differ: A is %s, B is %s", ir_shape_str(a, sa, sizeof sa),
                   ir_shape_str(b, sb, sizeof sb));
        return -1;
    }
    Tensor ab = {.rank = a2.rank - 2}, bb = {.rank = b2.rank - 2};
    memcpy(ab.dims, a2.dims, sizeof(int64_t) * (size_t)ab.rank);
    memcpy(bb.dims, b2.dims, sizeof(int64_t) * (size_t)bb.rank);
    int br;
    int64_t bdims[IR_MAX_RANK];
    if (op_broadcast_shape(n, &ab, &bb, &br, bdims, d))
        return -1;
    if (br > 6) {
        node_error(d, n, "more than 6 batch dimensions");
        return -1;
    }
    MatMulParams *p = arena_alloc(g->arena, sizeof *p);
    p->k.m = (int32_t)m;
    p->k.n = (int32_t)nn;
    p->k.k = (int32_t)k;
    p->k.batch_rank = br;
    p->batch = 1;
    op_broadcast_strides(&ab, br, p->k.a_batch_strides);
    op_broadcast_strides(&bb, br, p->k.b_batch_strides);
    for (int i = 0; i < br; i++) {
        p->k.batch_dims[i] = (int32_t)bdims[i];
        p->batch *= bdims[i];
    }
    int64_t out[IR_MAX_RANK];
    int r = 0;
    for (int i = 0; i < br; i++)
        out[r++] = bdims[i];
    if (a->rank != 1)
        out[r++] = m;
    if (b->rank != 1)
        out[r++] = nn;
    if (r > IR_MAX_RANK) {
        node_error(d, n, "output rank too large");
        return -1;
    }
    ir_set_shape(n->outputs[0], DT_F32, r, out);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
        op_fits_i32(n, ir_numel(a), "A size", d) || op_fits_i32(n, ir_numel(b), "B size", d))
        return -1;
    n->params = p;
    return 0;
}

static int matmul_eval(Graph *g, Node *n, Diag *d)
{
    MatMulParams *p = n->params;
    op_allocate_outputs(g, n);
    kiln_matmul_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, n->outputs[0]->data);
    return 0;
}

static int matmul_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_matmul_params *k = &((MatMulParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_matmul_params");
    cg_decl(e, "{%d, %d, %d, %d, %s, %s, %s, %s};\n", k->m, k->n, k->k, k->batch_rank,
            cg_i32_list(e, k->batch_dims, 6), cg_i32_list(e, k->a_batch_strides, 6),
            cg_i32_list(e, k->b_batch_strides, 6), cg_act(e, &k->act));
    cg_stmt(e, "kiln_matmul_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_matmul_f32");
    return 0;
}

static int64_t matmul_macs(const Node *n)
{
    const MatMulParams *p = n->params;
    return p->batch * p->k.m * p->k.n * p->k.k;
}

static kiln_act *matmul_act(Node *n) { return &((MatMulParams *)n->params)->k.act; }

const OpDef op_matmul = {
    .name = "MatMul", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = matmul_infer, .eval = matmul_eval, .emit = matmul_emit, .macs = matmul_macs,
    .act_slot = matmul_act,
};
