/* SPDX-License-Identifier: MIT */
/* Sparse int8 Conv and fully connected: internal ops made by pass_sparse (sparse_s8.c)
 * from Conv.s8 / FullyConnected.s8 whose weights it encodes as kiln_sparse_s8 (bitmap of
 * the nonzeros + their values). Inputs: X, mask u8, values s8, shift s8 per row, bias
 * (s16 or s32, or none) and multiplier s32 per row; params are the dense node's. */
#include "op_common.h"

typedef struct {
    kiln_conv2d_s8_params conv;       /* SparseConv.s8 */
    kiln_fully_connected_s8_params fc; /* SparseFC.s8 */
    SparseInfo info;
} SparseS8Params;

static const char *io_init(Emit *e, const kiln_s8_io *io)
{
    return arena_printf(e->g->arena, "{%d, %d, %d, %d}", io->input_offset, io->output_offset,
                        io->act_min, io->act_max);
}

/* "static const kiln_sparse_s8 pN = {mask, val, bias32, bias16, multiplier, shift};" */
static const char *sparse_struct(Emit *e, Node *n)
{
    Tensor *b = n->inputs[4];
    const char *pn = cg_new_params(e, "kiln_sparse_s8");
    cg_decl(e, "{%s, %s, %s, %s, %s, %s};\n", cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]),
            b && b->dtype == DT_S32 ? cg_ptr(e, b) : "0",
            b && b->dtype == DT_S16 ? cg_ptr(e, b) : "0", cg_ptr(e, n->inputs[5]),
            cg_ptr(e, n->inputs[3]));
    return pn;
}

static int sparse_conv_s8_emit(Emit *e, Node *n, Diag *d)
{
    const SparseS8Params *p = n->params;
    const char *sn = sparse_struct(e, n);
    const char *pn = cg_new_params(e, "kiln_conv2d_s8_params");
    cg_decl(e, "{%s, %s};\n", cg_conv2d(e, &p->conv.conv), io_init(e, &p->conv.io));
    cg_stmt(e, "kiln_conv2d_sparse_s8(&%s, %s, &%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]), sn,
            cg_scratch(e, n, "int32_t"), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_conv2d_sparse_s8");
    return 0;
}

static int sparse_fc_s8_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_fully_connected_s8_params *k = &((const SparseS8Params *)n->params)->fc;
    const char *sn = sparse_struct(e, n);
    const char *pn = cg_new_params(e, "kiln_fully_connected_s8_params");
    cg_decl(e, "{%d, %d, %d, %s};\n", k->m, k->n, k->k, io_init(e, &k->io));
    cg_stmt(e, "kiln_fully_connected_sparse_s8(&%s, %s, &%s, %s);\n", pn,
            cg_ptr(e, n->inputs[0]), sn, cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_fully_connected_sparse_s8");
    return 0;
}

static int64_t sparse_s8_macs(const Node *n)
{
    return ((const SparseS8Params *)n->params)->info.macs;
}

static int64_t sparse_conv_s8_scratch(const Node *n)
{
    return (int64_t)kiln_conv2d_sparse_s8_scratch(&((const SparseS8Params *)n->params)->conv.conv);
}

const OpDef op_sparse_conv_s8 = {
    .name = "SparseConv.s8", .min_inputs = 6, .max_inputs = 6, .min_outputs = 1,
    .max_outputs = 1, .emit = sparse_conv_s8_emit, .macs = sparse_s8_macs,
    .scratch_bytes = sparse_conv_s8_scratch,
};

const OpDef op_sparse_fc_s8 = {
    .name = "SparseFC.s8", .min_inputs = 6, .max_inputs = 6, .min_outputs = 1,
    .max_outputs = 1, .emit = sparse_fc_s8_emit, .macs = sparse_s8_macs,
};

const SparseInfo *op_sparse_s8_info(const Node *n)
{
    return n->op == &op_sparse_conv_s8 || n->op == &op_sparse_fc_s8
               ? &((const SparseS8Params *)n->params)->info : NULL;
}

void op_make_sparse_s8(Graph *g, Node *n, Tensor *mask, Tensor *val, Tensor *shift,
                       Tensor *bias, const SparseInfo *info)
{
    SparseS8Params *p = arena_alloc(g->arena, sizeof *p);
    const int is_conv = n->op == &op_conv_s8;
    if (is_conv)
        p->conv = ((const ConvS8Params *)n->params)->k;
    else
        p->fc = ((const FcS8Params *)n->params)->k;
    p->info = *info;
    Tensor **in = arena_alloc(g->arena, 6 * sizeof *in);
    in[0] = n->inputs[0];
    in[1] = mask;
    in[2] = val;
    in[3] = shift;
    in[4] = bias;
    in[5] = n->inputs[3];   /* multiplier */
    n->inputs = in;
    n->n_inputs = 6;
    n->op = is_conv ? &op_sparse_conv_s8 : &op_sparse_fc_s8;
    n->params = p;
}
