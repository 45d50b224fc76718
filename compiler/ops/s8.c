/* SPDX-License-Identifier: MIT */
/* The int8 ops the quantize pass builds: their code generators and costs. Shapes and
 * params are set by the pass (passes/quantize.c), so there is no parse or infer. */
#include "op_common.h"

static const char *io_init(Emit *e, const kiln_s8_io *io)
{
    return arena_printf(e->g->arena, "{%d, %d, %d, %d}", io->input_offset, io->output_offset,
                        io->act_min, io->act_max);
}

/* "static const kiln_per_channel_quant pN = {mult, shift};" for inputs 3 and 4. */
static const char *per_channel(Emit *e, Node *n)
{
    const char *q = cg_new_params(e, "kiln_per_channel_quant");
    cg_decl(e, "{%s, %s};\n", cg_ptr(e, n->inputs[3]), cg_ptr(e, n->inputs[4]));
    return q;
}

static const char *opt_ptr(Emit *e, Tensor *t) { return t ? cg_ptr(e, t) : "0"; }

/* ---- Conv ---------------------------------------------------------------------------- */

static int conv_s8_emit(Emit *e, Node *n, Diag *d)
{
    const ConvS8Params *p = n->params;
    const kiln_conv2d_params *k = &p->k.conv;
    const char *q = per_channel(e, n);
    const char *pn = cg_new_params(e, "kiln_conv2d_s8_params");
    cg_decl(e, "{%s, %s};\n", cg_conv2d(e, k), io_init(e, &p->k.io));
    cg_stmt(e, "%s(&%s, &%s, %s, %s, %s, %s);\n", p->kernel, pn, q, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), opt_ptr(e, n->inputs[2]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, p->kernel);
    return 0;
}

static int64_t conv_s8_macs(const Node *n)
{
    const kiln_conv2d_params *k = &((const ConvS8Params *)n->params)->k.conv;
    return (int64_t)k->n * k->c_out * k->h_out * k->w_out * (k->c_in / k->group) * k->k_h * k->k_w;
}

const OpDef op_conv_s8 = {
    .name = "Conv.s8", .min_inputs = 5, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .emit = conv_s8_emit, .macs = conv_s8_macs,
};

/* ---- fully connected --------------------------------------------------------------- */

static int fc_s8_emit(Emit *e, Node *n, Diag *d)
{
    const FcS8Params *p = n->params;
    const char *q = per_channel(e, n);
    const char *pn = cg_new_params(e, "kiln_fully_connected_s8_params");
    cg_decl(e, "{%d, %d, %d, %s};\n", p->k.m, p->k.n, p->k.k, io_init(e, &p->k.io));
    cg_stmt(e, "kiln_fully_connected_s8(&%s, &%s, %s, %s, %s, %s);\n", pn, q,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), opt_ptr(e, n->inputs[2]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_fully_connected_s8");
    return 0;
}

static int64_t fc_s8_macs(const Node *n)
{
    const FcS8Params *p = n->params;
    return (int64_t)p->k.m * p->k.n * p->k.k;
}

const OpDef op_fc_s8 = {
    .name = "FullyConnected.s8", .min_inputs = 5, .max_inputs = 5, .min_outputs = 1,
    .max_outputs = 1, .emit = fc_s8_emit, .macs = fc_s8_macs,
};

/* ---- pools --------------------------------------------------------------------------- */

static void pool_params(Emit *e, const kiln_pool2d_params *k)
{
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d};\n", k->n,
            k->c, k->h_in, k->w_in, k->h_out, k->w_out, k->k_h, k->k_w, k->stride_h, k->stride_w,
            k->dil_h, k->dil_w, k->pad_top, k->pad_left, k->pad_bottom, k->pad_right,
            k->count_include_pad);
}

static int maxpool_s8_emit(Emit *e, Node *n, Diag *d)
{
    const PoolS8Params *p = n->params;
    const char *pn = cg_new_params(e, "kiln_pool2d_params");
    pool_params(e, &p->k);
    cg_stmt(e, "kiln_maxpool2d_s8(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_maxpool2d_s8");
    return 0;
}

static int avgpool_s8_emit(Emit *e, Node *n, Diag *d)
{
    const PoolS8Params *p = n->params;
    const char *pn = cg_new_params(e, "kiln_pool2d_params");
    pool_params(e, &p->k);
    cg_stmt(e, "kiln_avgpool2d_s8(&%s, %d, %s, %s);\n", pn, p->zero_point,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_avgpool2d_s8");
    return 0;
}

static int global_avgpool_s8_emit(Emit *e, Node *n, Diag *d)
{
    const PoolS8Params *p = n->params;
    const char *pn = cg_new_params(e, "kiln_global_pool_params");
    cg_decl(e, "{%d, %d};\n", p->global.channels, p->global.size);
    cg_stmt(e, "kiln_global_avgpool_s8(&%s, %d, %s, %s);\n", pn, p->zero_point,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_global_avgpool_s8");
    return 0;
}

const OpDef op_maxpool_s8 = {
    .name = "MaxPool.s8", .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .emit = maxpool_s8_emit,
};
const OpDef op_avgpool_s8 = {
    .name = "AveragePool.s8", .min_inputs = 1, .max_inputs = 1, .min_outputs = 1,
    .max_outputs = 1, .emit = avgpool_s8_emit,
};
const OpDef op_global_avgpool_s8 = {
    .name = "GlobalAveragePool.s8", .min_inputs = 1, .max_inputs = 1, .min_outputs = 1,
    .max_outputs = 1, .emit = global_avgpool_s8_emit,
};

/* ---- Add, Sub, Mul ------------------------------------------------------------------ */

static int binary_s8_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_binary_s8_params *k = &((const BinaryS8Params *)n->params)->k;
    const kiln_binary_params *g = &k->geometry;
    const char *pn = cg_new_params(e, "kiln_binary_s8_params");
    cg_decl(e, "{{KILN_BIN_ADD, %d, %s, %s, %s, {KILN_ACT_NONE, 0.0f, 0.0f}}, "
            "%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d};\n", g->rank,
            cg_i32_list(e, g->dims, g->rank), cg_i32_list(e, g->a_strides, g->rank),
            cg_i32_list(e, g->b_strides, g->rank), k->a_offset, k->b_offset, k->output_offset,
            k->left_shift, k->a_multiplier, k->a_shift, k->b_multiplier, k->b_shift,
            k->output_multiplier, k->output_shift, k->act_min, k->act_max);
    const char *kernel = n->op == &op_mul_s8 ? "kiln_mul_s8" : "kiln_add_s8";
    cg_stmt(e, "%s(&%s, %s, %s, %s);\n", kernel, pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, kernel);
    return 0;
}

const OpDef op_add_s8 = {
    .name = "Add.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = binary_s8_emit,
};
const OpDef op_mul_s8 = {
    .name = "Mul.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = binary_s8_emit,
};

/* ---- lookup tables, softmax -------------------------------------------------------- */

static int lut_s8_emit(Emit *e, Node *n, Diag *d)
{
    cg_stmt(e, "kiln_lut_s8(%lld, %s, %s, %s);\n", (long long)ir_numel(n->outputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_lut_s8");
    return 0;
}

const OpDef op_lut_s8 = {
    .name = "Lut.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = lut_s8_emit,
};

static int softmax_s8_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_softmax_params *k = &((const SoftmaxS8Params *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_softmax_params");
    cg_decl(e, "{%d, %d, %d};\n", k->outer, k->len, k->inner);
    cg_stmt(e, "kiln_softmax_s8(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[1]),
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_softmax_s8");
    return 0;
}

const OpDef op_softmax_s8 = {
    .name = "Softmax.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = softmax_s8_emit,
};

/* ---- boundaries to float ops --------------------------------------------------------- */

static int quant_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_quant_params *k = &((const QuantizeParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_quant_params");
    cg_decl(e, "{%d, %s, %d};\n", k->n, cg_float(e, k->scale), k->zero_point);
    const char *kernel = n->op == &op_quantize_s8 ? "kiln_quantize_f32_s8"
                                                  : "kiln_dequantize_s8_f32";
    cg_stmt(e, "%s(&%s, %s, %s);\n", kernel, pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, kernel);
    return 0;
}

const OpDef op_quantize_s8 = {
    .name = "Quantize.s8", .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .emit = quant_emit,
};
const OpDef op_dequantize_s8 = {
    .name = "Dequantize.s8", .min_inputs = 1, .max_inputs = 1, .min_outputs = 1,
    .max_outputs = 1, .emit = quant_emit,
};
