/* SPDX-License-Identifier: MIT */
/* The int8 ops the quantize pass builds: their code generators and costs. Shapes and
 * params are set by the pass (passes/quantize.c), so there is no parse or infer. */
#include <string.h>
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

/* The kernel that writes over its input, or NULL: batch-1 1x1 convs, and depthwise convs
 * with one output channel per input channel that do not grow the plane. */
static const char *conv_s8_in_place_kernel(const ConvS8Params *p)
{
    const kiln_conv2d_params *k = &p->k.conv;
    if (k->n != 1)
        return NULL;
    if (!strcmp(p->kernel, "kiln_conv2d_s8_1x1"))
        return "kiln_conv2d_s8_1x1_in_place";
    if (!strcmp(p->kernel, "kiln_dwconv2d_s8") && k->c_out == k->c_in &&
        k->h_out * k->w_out <= k->h_in * k->w_in)
        return "kiln_dwconv2d_s8_in_place";
    return NULL;
}

static int conv_s8_emit(Emit *e, Node *n, Diag *d)
{
    const ConvS8Params *p = n->params;
    const kiln_conv2d_params *k = &p->k.conv;
    const char *q = per_channel(e, n);
    const char *pn = cg_new_params(e, "kiln_conv2d_s8_params");
    cg_decl(e, "{%s, %s};\n", cg_conv2d(e, k), io_init(e, &p->k.io));
    if (k->in_place != KILN_CONV_SEPARATE) {   /* the output starts at the input */
        const char *kernel = conv_s8_in_place_kernel(p);
        cg_stmt(e, "%s(&%s, &%s, %s, %s, %s, %s);\n", kernel, pn, q, cg_ptr(e, n->outputs[0]),
                cg_ptr(e, n->inputs[1]), opt_ptr(e, n->inputs[2]), cg_scratch(e, n, "int8_t"));
        cg_use_kernel(e, kernel);
        return 0;
    }
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

static int64_t conv_s8_scratch(const Node *n)
{
    const ConvS8Params *p = n->params;
    if (p->k.conv.in_place == KILN_CONV_SEPARATE)
        return 0;
    return (int64_t)(!strcmp(p->kernel, "kiln_conv2d_s8_1x1")
                         ? kiln_conv2d_s8_1x1_in_place_scratch_size(&p->k)
                         : kiln_dwconv2d_s8_in_place_scratch_size(&p->k));
}

static unsigned conv_s8_in_place(const Node *n)
{
    return conv_s8_in_place_kernel(n->params) ? 1u : 0u;
}

static int conv_s8_set_in_place(Node *n, int mode)
{
    ConvS8Params *p = n->params;
    if (mode != KILN_CONV_SEPARATE && !conv_s8_in_place_kernel(p))
        return -1;
    p->k.conv.in_place = mode;
    return 0;
}

static int conv_s8_in_place_mode(const Node *n)
{
    return ((const ConvS8Params *)n->params)->k.conv.in_place;
}

const OpDef op_conv_s8 = {
    .name = "Conv.s8", .min_inputs = 5, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .emit = conv_s8_emit, .macs = conv_s8_macs, .scratch_bytes = conv_s8_scratch,
    .in_place_inputs = conv_s8_in_place, .set_in_place = conv_s8_set_in_place,
    .in_place_mode = conv_s8_in_place_mode,
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

/* An input with the output's shape and type may share its storage: the kernels read
 * element i of it just before writing element i. */
static unsigned binary_s8_in_place(const Node *n)
{
    unsigned mask = 0;
    for (int i = 0; i < 2; i++)
        if (ir_same_shape(n->inputs[i], n->outputs[0]) &&
            n->inputs[i]->dtype == n->outputs[0]->dtype)
            mask |= 1u << i;
    return mask;
}

const OpDef op_add_s8 = {
    .name = "Add.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = binary_s8_emit, .in_place_inputs = binary_s8_in_place,
};
const OpDef op_mul_s8 = {
    .name = "Mul.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = binary_s8_emit, .in_place_inputs = binary_s8_in_place,
};

/* ---- lookup tables, softmax -------------------------------------------------------- */

static int lut_s8_emit(Emit *e, Node *n, Diag *d)
{
    cg_stmt(e, "kiln_lut_s8(%lld, %s, %s, %s);\n", (long long)ir_numel(n->outputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_lut_s8");
    return 0;
}

/* kiln_lut_s8 reads x[i] just before writing y[i] (input 1 is the table). */
static unsigned lut_s8_in_place(const Node *n)
{
    return n->inputs[0]->dtype == n->outputs[0]->dtype ? 1u : 0u;
}

const OpDef op_lut_s8 = {
    .name = "Lut.s8", .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .emit = lut_s8_emit, .in_place_inputs = lut_s8_in_place,
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
