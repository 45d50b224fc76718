/* SPDX-License-Identifier: MIT */
/* ConvTranspose, 1-D to 3-D: groups, strides, dilations, pads, output_padding,
 * output_shape and auto_pad. Output size per spatial dim:
 *   full = stride * (in - 1) + output_padding + dilation * (k - 1) + 1
 *   out  = full - pad_begin - pad_end, or output_shape (then total pad = full - out,
 *          split as ONNX Runtime does: begin = total / 2 for NOTSET and SAME_UPPER,
 *          total - total / 2 for SAME_LOWER; a negative total extends the end). */
#include "op_common.h"

#include <string.h>

#define CT_MAX_SPATIAL 3

/* Reads an INTS attribute of exactly n values (or leaves the defaults). */
static int spatial_ints(Node *n, const char *name, int count, int64_t *v, Diag *d)
{
    int64_t tmp[2 * CT_MAX_SPATIAL];
    int c = ir_attr_ints(n, name, tmp, 2 * CT_MAX_SPATIAL);
    if (c < 0)
        return 0;
    if (c != count) {
        node_error(d, n, "attribute %s has %d values, expected %d", name, c, count);
        return -1;
    }
    memcpy(v, tmp, sizeof(int64_t) * (size_t)c);
    return 0;
}

static int conv_transpose_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *w = n->inputs[1], *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && op_require_float(n, i, d))
            return -1;
    int ns = x->rank - 2;
    if (ns < 1 || ns > CT_MAX_SPATIAL || w->rank != x->rank) {
        node_error(d, n, "X and W need rank 3 to 5 (1-D to 3-D), got %d and %d", x->rank, w->rank);
        return -1;
    }
    int64_t group = ir_attr_int(n, "group", 1), c_in = x->dims[1];
    if (group <= 0 || c_in % group || w->dims[0] != c_in) {
        node_error(d, n, "W must be [C_in, C_out/group, k...] with group dividing C_in");
        return -1;
    }
    int64_t c_out = w->dims[1] * group;
    if (b && ir_numel(b) != c_out) {
        node_error(d, n, "B must have %lld elements", (long long)c_out);
        return -1;
    }
    int64_t k[CT_MAX_SPATIAL], st[CT_MAX_SPATIAL], dil[CT_MAX_SPATIAL], opad[CT_MAX_SPATIAL];
    int64_t oshape[CT_MAX_SPATIAL], pads[2 * CT_MAX_SPATIAL] = {0};
    for (int i = 0; i < ns; i++) {
        k[i] = w->dims[2 + i];
        st[i] = dil[i] = 1;
        opad[i] = 0;
        oshape[i] = -1;
    }
    int64_t kattr[CT_MAX_SPATIAL];
    memcpy(kattr, k, sizeof kattr);
    if (spatial_ints(n, "kernel_shape", ns, kattr, d) || spatial_ints(n, "strides", ns, st, d) ||
        spatial_ints(n, "dilations", ns, dil, d) ||
        spatial_ints(n, "output_padding", ns, opad, d) ||
        spatial_ints(n, "output_shape", ns, oshape, d) || spatial_ints(n, "pads", 2 * ns, pads, d))
        return -1;
    const char *ap = ir_attr_str(n, "auto_pad", "NOTSET");
    int same = !strcmp(ap, "SAME_UPPER") ? 1 : !strcmp(ap, "SAME_LOWER") ? 2 : 0;
    if (!same && strcmp(ap, "NOTSET") && strcmp(ap, "VALID")) {
        node_error(d, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", ap);
        return -1;
    }
    int64_t out[IR_MAX_RANK] = {x->dims[0], c_out};
    kiln_conv_transpose_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_conv_transpose_params){(int32_t)x->dims[0], (int32_t)c_in, (int32_t)c_out,
                                      (int32_t)group, {1, 1, 1}, {1, 1, 1}, {1, 1, 1},
                                      {1, 1, 1}, {1, 1, 1}, {0, 0, 0}};
    for (int i = 0; i < ns; i++) {
        if (kattr[i] != k[i] || st[i] <= 0 || dil[i] <= 0 || opad[i] < 0 || pads[i] < 0 ||
            pads[ns + i] < 0) {
            node_error(d, n, "kernel_shape must match W; strides and dilations must be positive, "
                       "pads and output_padding non-negative");
            return -1;
        }
        int64_t in = x->dims[2 + i];
        /* below 2^31 each, the size arithmetic below cannot overflow int64 */
        if (st[i] > INT32_MAX || dil[i] > INT32_MAX || opad[i] > INT32_MAX ||
            pads[i] > INT32_MAX || pads[ns + i] > INT32_MAX || oshape[i] > INT32_MAX ||
            in > INT32_MAX || k[i] > INT32_MAX) {
            node_error(d, n, "spatial %d: strides, dilations, pads, output_padding, output_shape "
                       "and sizes must be below 2^31", i);
            return -1;
        }
        int64_t full = st[i] * (in - 1) + opad[i] + dil[i] * (k[i] - 1) + 1;
        int64_t begin = pads[i], o = full - pads[i] - pads[ns + i];
        if (!strcmp(ap, "VALID"))
            begin = 0, o = full;
        if (oshape[i] >= 0 || same) {
            o = oshape[i] >= 0 ? oshape[i] : in * st[i];
            int64_t total = full - o;
            begin = same == 2 ? total - total / 2 : total / 2;
        }
        if (o <= 0 || o > INT32_MAX || begin > INT32_MAX || begin < INT32_MIN / 2) {
            node_error(d, n, "spatial output %d would have size %lld", i, (long long)o);
            return -1;
        }
        out[2 + i] = o;
        /* 1-D and 2-D fill the trailing dims of the kernel's D x H x W */
        int j = CT_MAX_SPATIAL - ns + i;
        p->in[j] = (int32_t)in;
        p->out[j] = (int32_t)o;
        p->k[j] = (int32_t)k[i];
        p->stride[j] = (int32_t)st[i];
        p->dil[j] = (int32_t)dil[i];
        p->pad[j] = (int32_t)begin;
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, out);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
        op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    n->params = p;
    return 0;
}

static int conv_transpose_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    Tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    kiln_conv_transpose_f32(n->params, n->inputs[0]->data, n->inputs[1]->data,
                            b ? b->data : NULL, n->outputs[0]->data);
    return 0;
}

static int conv_transpose_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_conv_transpose_params *p = n->params;
    Tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    const char *pn = cg_new_params(e, "kiln_conv_transpose_params");
    cg_decl(e, "{%d, %d, %d, %d, %s, %s, %s, %s, %s, %s};\n", p->n, p->c_in, p->c_out, p->group,
            cg_i32_list(e, p->in, 3), cg_i32_list(e, p->out, 3), cg_i32_list(e, p->k, 3),
            cg_i32_list(e, p->stride, 3), cg_i32_list(e, p->dil, 3), cg_i32_list(e, p->pad, 3));
    cg_stmt(e, "kiln_conv_transpose_f32(&%s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), b ? cg_ptr(e, b) : "0", cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_conv_transpose_f32");
    return 0;
}

static int64_t conv_transpose_macs(const Node *n)
{
    return ir_numel(n->inputs[0]) * ir_numel(n->inputs[1]) / n->inputs[1]->dims[0];
}

const OpDef op_conv_transpose = {
    .name = "ConvTranspose", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = conv_transpose_infer, .eval = conv_transpose_eval, .emit = conv_transpose_emit,
    .macs = conv_transpose_macs,
};
