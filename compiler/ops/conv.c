/* SPDX-License-Identifier: MIT */
/* Conv (1-D and 2-D, groups, depthwise, pads, auto_pad, strides, dilations). */
#include "op_common.h"

typedef struct {
    kiln_conv2d_params k;
} ConvParams;

static int conv_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *w = n->inputs[1], *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (!x || !w) {
        node_error(d, n, "needs inputs X and W");
        return -1;
    }
    if (op_require_float(n, 0, d) || op_require_float(n, 1, d))
        return -1;
    if (x->rank != 3 && x->rank != 4) {
        node_error(d, n, "input X has rank %d; kiln supports 1-D and 2-D convolutions (rank 3 "
                   "or 4)", x->rank);
        return -1;
    }
    if (w->rank != x->rank) {
        node_error(d, n, "input W has rank %d, expected %d like X", w->rank, x->rank);
        return -1;
    }
    int nsp = x->rank - 2;
    SpatialAttrs s;
    if (op_parse_spatial(n, nsp, &s, d))
        return -1;
    int64_t group = ir_attr_int(n, "group", 1);
    int64_t c_in = x->dims[1], c_out = w->dims[0];
    if (group <= 0 || c_in % group || c_out % group) {
        node_error(d, n, "group %lld must be positive and divide the input channels (%lld) and "
                   "output channels (%lld)", (long long)group, (long long)c_in, (long long)c_out);
        return -1;
    }
    if (w->dims[1] * group != c_in) {
        node_error(d, n, "W has %lld input channels per group, but X has %lld channels in %lld "
                   "groups", (long long)w->dims[1], (long long)c_in, (long long)group);
        return -1;
    }
    for (int i = 0; i < nsp; i++) {
        if (s.has_kernel && s.kernel[i] != w->dims[2 + i]) {
            node_error(d, n, "kernel_shape does not match the shape of W");
            return -1;
        }
        s.kernel[i] = w->dims[2 + i];
    }
    if (b && (b->rank != 1 || b->dims[0] != c_out || op_require_float(n, 2, d))) {
        node_error(d, n, "bias B must be a 1-D f32 tensor of %lld elements", (long long)c_out);
        return -1;
    }
    if (op_spatial_output(n, &s, x->dims + 2, 0, d))
        return -1;
    int64_t out[4] = {x->dims[0], c_out, s.out[0], nsp == 2 ? s.out[1] : 0};
    ir_set_shape(n->outputs[0], DT_F32, x->rank, out);
    int64_t numel = ir_numel(n->outputs[0]);
    if (op_fits_i32(n, numel, "output size", d) || op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;

    ConvParams *p = arena_alloc(g->arena, sizeof *p);
    int two = nsp == 2;   /* 1-D runs as 2-D with height 1 */
    p->k = (kiln_conv2d_params){
        .n = (int32_t)x->dims[0], .c_in = (int32_t)c_in,
        .h_in = two ? (int32_t)x->dims[2] : 1, .w_in = (int32_t)x->dims[two ? 3 : 2],
        .c_out = (int32_t)c_out,
        .h_out = two ? (int32_t)s.out[0] : 1, .w_out = (int32_t)s.out[two ? 1 : 0],
        .k_h = two ? (int32_t)s.kernel[0] : 1, .k_w = (int32_t)s.kernel[two ? 1 : 0],
        .stride_h = two ? (int32_t)s.strides[0] : 1, .stride_w = (int32_t)s.strides[two ? 1 : 0],
        .dil_h = two ? (int32_t)s.dilations[0] : 1, .dil_w = (int32_t)s.dilations[two ? 1 : 0],
        .pad_top = two ? (int32_t)s.pads[0] : 0, .pad_left = (int32_t)s.pads[two ? 1 : 0],
        .group = (int32_t)group,
        .act = {KILN_ACT_NONE, 0.0f, 0.0f},
        .in_place = KILN_CONV_SEPARATE,
    };
    n->params = p;
    return 0;
}

kiln_conv2d_params *op_conv_params(Node *n) { return &((ConvParams *)n->params)->k; }

static int conv_eval(Graph *g, Node *n, Diag *d)
{
    ConvParams *p = n->params;
    op_allocate_outputs(g, n);
    size_t scratch = kiln_conv2d_f32_scratch_size(&p->k);
    float *tmp = scratch ? arena_alloc(g->arena, scratch) : NULL;
    Tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    kiln_conv2d_f32(&p->k, n->inputs[0]->data, n->inputs[1]->data, b ? b->data : NULL,
                    n->outputs[0]->data, tmp);
    return 0;
}

static int conv_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_conv2d_params *k = &((ConvParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_conv2d_params");
    cg_decl(e, "%s;\n", cg_conv2d(e, k));
    Tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    cg_stmt(e, "kiln_conv2d_f32(&%s, %s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), b ? cg_ptr(e, b) : "0", cg_ptr(e, n->outputs[0]),
            kiln_conv2d_f32_scratch_size(k) ? cg_scratch(e, n, "float") : "0");
    cg_use_kernel(e, "kiln_conv2d_f32");
    return 0;
}

static int64_t conv_macs(const Node *n)
{
    const kiln_conv2d_params *k = &((const ConvParams *)n->params)->k;
    return (int64_t)k->n * k->c_out * k->h_out * k->w_out * (k->c_in / k->group) * k->k_h * k->k_w;
}

static int64_t conv_scratch(const Node *n)
{
    return (int64_t)kiln_conv2d_f32_scratch_size(&((const ConvParams *)n->params)->k);
}

/* Batch-1 1x1 stride-1 group-1 convs and depthwise convs that do not grow the plane
 * can overwrite their input (see KILN_CONV_IN_PLACE in kiln.h). */
static unsigned conv_in_place(const Node *n)
{
    const kiln_conv2d_params *k = &((const ConvParams *)n->params)->k;
    const int hw_ok = k->h_out * k->w_out <= k->h_in * k->w_in;
    const int pw = k->k_h == 1 && k->k_w == 1 && k->stride_h == 1 && k->stride_w == 1 &&
                   k->pad_top == 0 && k->pad_left == 0 && k->h_out == k->h_in &&
                   k->w_out == k->w_in && k->group == 1;
    const int dw = k->group == k->c_in && k->c_out == k->c_in && k->group > 1 && hw_ok;
    return k->n == 1 && (pw || dw) ? 1u : 0u;
}

static int conv_set_in_place(Node *n, int mode)
{
    ((ConvParams *)n->params)->k.in_place = mode;
    return 0;
}

static int conv_in_place_mode(const Node *n)
{
    return ((const ConvParams *)n->params)->k.in_place;
}

static kiln_act *conv_act(Node *n) { return &((ConvParams *)n->params)->k.act; }

const OpDef op_conv = {
    .name = "Conv", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = conv_infer, .eval = conv_eval, .emit = conv_emit, .macs = conv_macs,
    .scratch_bytes = conv_scratch, .act_slot = conv_act,
    .in_place_inputs = conv_in_place, .set_in_place = conv_set_in_place,
    .in_place_mode = conv_in_place_mode,
};
