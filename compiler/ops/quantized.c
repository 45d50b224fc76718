/* SPDX-License-Identifier: MIT */
/* The ONNX quantized operators with their exact reference semantics: QuantizeLinear,
 * DequantizeLinear, DynamicQuantizeLinear, MatMulInteger, QLinearMatMul, ConvInteger,
 * QLinearConv. Scales and zero points may be graph inputs: the kernels read them at run
 * time in float, as ONNX Runtime does (kiln's own int8 pipeline is a separate pass). */
#include "op_common.h"

#include <string.h>

static int qtype_of(DType t)
{
    return t == DT_U8 ? KILN_QT_U8 : t == DT_S8 ? KILN_QT_S8 : t == DT_S32 ? KILN_QT_S32 : -1;
}

static Tensor *opt_in(const Node *n, int i) { return i < n->n_inputs ? n->inputs[i] : NULL; }
static void *data_of(const Tensor *t) { return t ? t->data : NULL; }
static const char *ptr_or_null(Emit *e, Tensor *t) { return t ? cg_ptr(e, t) : "0"; }

/* Input i must be u8 or s8 (or also s32 when allow_s32). */
static int require_q(Node *n, int i, int allow_s32, Diag *d)
{
    Tensor *t = n->inputs[i];
    int q = qtype_of(t->dtype);
    if (q < 0 || (q == KILN_QT_S32 && !allow_s32)) {
        node_error(d, n, "input %d ('%s') has type %s; expected uint8 or int8%s", i, t->name,
                   dtype_name(t->dtype), allow_s32 ? " or int32" : "");
        return -1;
    }
    return 0;
}

/* An optional zero point: same type as `like`, numel 1 or `count` (per axis/row/column).
 * Sets *per to whether it has count entries. */
static int check_zp(Node *n, int i, const Tensor *like, int64_t count, int *per, Diag *d)
{
    Tensor *z = opt_in(n, i);
    if (!z)
        return 0;
    if (z->dtype != like->dtype || (ir_numel(z) != 1 && ir_numel(z) != count) || z->rank > 1) {
        node_error(d, n, "zero point '%s' must be %s with 1 or %lld elements", z->name,
                   dtype_name(like->dtype), (long long)count);
        return -1;
    }
    *per = ir_numel(z) != 1;
    return 0;
}

static int check_scale(Node *n, int i, int64_t count, int *per, Diag *d)
{
    Tensor *s = n->inputs[i];
    if (s->dtype != DT_F32 || (ir_numel(s) != 1 && ir_numel(s) != count) || s->rank > 1) {
        node_error(d, n, "scale '%s' must be f32 with 1 or %lld elements", s->name,
                   (long long)count);
        return -1;
    }
    *per = ir_numel(s) != 1;
    return 0;
}

/* ---- QuantizeLinear / DequantizeLinear ---------------------------------------------- */

typedef struct {
    kiln_qlinear_params k;
} QLinearParams;

static int qlinear_infer(Graph *g, Node *n, int quantize, Diag *d)
{
    Tensor *x = n->inputs[0], *zp = opt_in(n, 2);
    if (quantize ? op_require_float(n, 0, d) : require_q(n, 0, 1, d))
        return -1;
    /* axis matters only for a per-axis scale (opset 13); per tensor, x is one run */
    int64_t raw_axis = n->opset >= 13 ? ir_attr_int(n, "axis", 1) : 1;
    int64_t len = 1, outer = 1, inner = ir_numel(x);
    if (ir_numel(n->inputs[1]) != 1) {
        int axis = n->opset >= 13 ? op_axis(n, raw_axis, x->rank, d) : -1;
        if (axis < 0) {
            if (n->opset < 13)
                node_error(d, n, "a per-axis scale needs opset 13 or newer");
            return -1;
        }
        len = x->dims[axis];
        inner = 1;
        for (int i = 0; i < axis; i++)
            outer *= x->dims[i];
        for (int i = axis + 1; i < x->rank; i++)
            inner *= x->dims[i];
    }
    int per_scale = 0, per_zp = 0;
    if (check_scale(n, 1, len, &per_scale, d))
        return -1;
    if (zp && (quantize ? require_q(n, 2, 0, d) : check_zp(n, 2, x, len, &per_zp, d)))
        return -1;
    if (quantize && check_zp(n, 2, zp ? zp : x, len, &per_zp, d))
        return -1;
    if (zp && per_zp != per_scale) {
        node_error(d, n, "scale and zero point must both be per-tensor or both per-axis");
        return -1;
    }
    if (!quantize && x->dtype == DT_S32 && zp) {
        for (int64_t i = 0; ir_is_const(zp) && i < ir_numel(zp); i++)
            if (ir_const_int(zp, i) != 0) {
                node_error(d, n, "an int32 input takes no zero point other than 0");
                return -1;
            }
    }
    DType out = quantize ? (zp ? zp->dtype : DT_U8) : DT_F32;
    ir_set_shape(n->outputs[0], out, x->rank, x->dims);
    if (op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    QLinearParams *p = arena_alloc(g->arena, sizeof *p);
    p->k = (kiln_qlinear_params){(int32_t)outer, (int32_t)len, (int32_t)inner, per_scale,
                                 qtype_of(quantize ? out : x->dtype)};
    n->params = p;
    return 0;
}

static int quantize_infer(Graph *g, Node *n, Diag *d) { return qlinear_infer(g, n, 1, d); }
static int dequantize_infer(Graph *g, Node *n, Diag *d) { return qlinear_infer(g, n, 0, d); }

static int quantize_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_quantize_linear(&((QLinearParams *)n->params)->k, n->inputs[0]->data,
                         n->inputs[1]->data, data_of(opt_in(n, 2)), n->outputs[0]->data);
    return 0;
}

static int dequantize_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_dequantize_linear(&((QLinearParams *)n->params)->k, n->inputs[0]->data,
                           n->inputs[1]->data, data_of(opt_in(n, 2)), n->outputs[0]->data);
    return 0;
}

static int qlinear_emit(Emit *e, Node *n, const char *fn)
{
    const kiln_qlinear_params *k = &((QLinearParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_qlinear_params");
    cg_decl(e, "{%d, %d, %d, %d, %d};\n", k->outer, k->axis_len, k->inner, k->per_axis, k->type);
    cg_stmt(e, "%s(&%s, %s, %s, %s, %s);\n", fn, pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), ptr_or_null(e, opt_in(n, 2)), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, fn);
    return 0;
}

static int quantize_emit(Emit *e, Node *n, Diag *d) { return qlinear_emit(e, n, "kiln_quantize_linear"); }
static int dequantize_emit(Emit *e, Node *n, Diag *d) { return qlinear_emit(e, n, "kiln_dequantize_linear"); }

const OpDef op_quantize_linear = {
    .name = "QuantizeLinear", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = quantize_infer, .eval = quantize_eval, .emit = quantize_emit,
};

const OpDef op_dequantize_linear = {
    .name = "DequantizeLinear", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = dequantize_infer, .eval = dequantize_eval, .emit = dequantize_emit,
};

/* ---- DynamicQuantizeLinear ---------------------------------------------------------- */

static int dynq_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d) || op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    const int64_t scalar[1] = {1};
    ir_set_shape(n->outputs[0], DT_U8, x->rank, x->dims);
    if (n->n_outputs > 1 && n->outputs[1])
        ir_set_shape(n->outputs[1], DT_F32, 0, scalar);
    if (n->n_outputs > 2 && n->outputs[2])
        ir_set_shape(n->outputs[2], DT_U8, 0, scalar);
    return 0;
}

static Tensor *opt_out(const Node *n, int i) { return i < n->n_outputs ? n->outputs[i] : NULL; }

static int dynq_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_dynamic_quantize_linear((int32_t)ir_numel(n->inputs[0]), n->inputs[0]->data,
                                 n->outputs[0]->data, data_of(opt_out(n, 1)),
                                 data_of(opt_out(n, 2)));
    return 0;
}

static int dynq_emit(Emit *e, Node *n, Diag *d)
{
    cg_stmt(e, "kiln_dynamic_quantize_linear(%lld, %s, %s, %s, %s);\n",
            (long long)ir_numel(n->inputs[0]), cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]),
            ptr_or_null(e, opt_out(n, 1)), ptr_or_null(e, opt_out(n, 2)));
    cg_use_kernel(e, "kiln_dynamic_quantize_linear");
    return 0;
}

const OpDef op_dynamic_quantize_linear = {
    .name = "DynamicQuantizeLinear", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 3,
    .infer = dynq_infer, .eval = dynq_eval, .emit = dynq_emit,
};

/* ---- MatMulInteger / QLinearMatMul -------------------------------------------------- */

/* Shapes of an integer matmul (rank >= 2 operands, numpy batch broadcasting). */
static int mm_shape(Node *n, Tensor *a, Tensor *b, kiln_matmul_integer_params *k, DType out,
                    Diag *d)
{
    if (a->rank < 2 || b->rank < 2) {
        node_error(d, n, "A and B must have rank >= 2 (they have %d and %d)", a->rank, b->rank);
        return -1;
    }
    int64_t m = a->dims[a->rank - 2], kk = a->dims[a->rank - 1];
    int64_t kb = b->dims[b->rank - 2], nn = b->dims[b->rank - 1];
    if (kk != kb) {
        char sa[128], sb[128];
        node_error(d, n, "inner dimensions differ: A is %s, B is %s", ir_shape_str(a, sa, sizeof sa),
                   ir_shape_str(b, sb, sizeof sb));
        return -1;
    }
    Tensor ab = {.rank = a->rank - 2}, bb = {.rank = b->rank - 2};
    memcpy(ab.dims, a->dims, sizeof(int64_t) * (size_t)ab.rank);
    memcpy(bb.dims, b->dims, sizeof(int64_t) * (size_t)bb.rank);
    int br;
    int64_t dims[IR_MAX_RANK];
    if (op_broadcast_shape(n, &ab, &bb, &br, dims, d))
        return -1;
    if (br > 6) {
        node_error(d, n, "more than 6 batch dimensions");
        return -1;
    }
    memset(k, 0, sizeof *k);
    k->m = (int32_t)m;
    k->n = (int32_t)nn;
    k->k = (int32_t)kk;
    k->batch_rank = br;
    op_broadcast_strides(&ab, br, k->a_batch_strides);
    op_broadcast_strides(&bb, br, k->b_batch_strides);
    for (int i = 0; i < br; i++)
        k->batch_dims[i] = (int32_t)dims[i];
    dims[br] = m;
    dims[br + 1] = nn;
    ir_set_shape(n->outputs[0], out, br + 2, dims);
    k->a_type = qtype_of(a->dtype);
    k->b_type = qtype_of(b->dtype);
    return op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
           op_fits_i32(n, ir_numel(a), "A size", d) || op_fits_i32(n, ir_numel(b), "B size", d);
}

typedef struct {
    kiln_matmul_integer_params k;
} MatMulIntegerParams;

static int matmul_integer_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[1];
    MatMulIntegerParams *p = arena_alloc(g->arena, sizeof *p);
    if (require_q(n, 0, 0, d) || require_q(n, 1, 0, d) || mm_shape(n, a, b, &p->k, DT_S32, d) ||
        check_zp(n, 2, a, p->k.m, &p->k.a_zp_per_row, d) ||
        check_zp(n, 3, b, p->k.n, &p->k.b_zp_per_col, d))
        return -1;
    n->params = p;
    return 0;
}

static int matmul_integer_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_matmul_integer(&((MatMulIntegerParams *)n->params)->k, n->inputs[0]->data,
                        n->inputs[1]->data, data_of(opt_in(n, 2)), data_of(opt_in(n, 3)),
                        n->outputs[0]->data);
    return 0;
}

static const char *mm_params(Emit *e, const kiln_matmul_integer_params *k)
{
    return arena_printf(e->g->arena, "{%d, %d, %d, %d, %s, %s, %s, %d, %d, %d, %d}", k->m, k->n,
                        k->k, k->batch_rank, cg_i32_list(e, k->batch_dims, 6),
                        cg_i32_list(e, k->a_batch_strides, 6),
                        cg_i32_list(e, k->b_batch_strides, 6), k->a_type, k->b_type,
                        k->a_zp_per_row, k->b_zp_per_col);
}

static int matmul_integer_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_matmul_integer_params *k = &((MatMulIntegerParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_matmul_integer_params");
    cg_decl(e, "%s;\n", mm_params(e, k));
    cg_stmt(e, "kiln_matmul_integer(&%s, %s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), ptr_or_null(e, opt_in(n, 2)), ptr_or_null(e, opt_in(n, 3)),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_matmul_integer");
    return 0;
}

static int64_t mm_macs(const kiln_matmul_integer_params *k)
{
    int64_t batch = 1;
    for (int i = 0; i < k->batch_rank; i++)
        batch *= k->batch_dims[i];
    return batch * k->m * k->n * k->k;
}

static int64_t matmul_integer_macs(const Node *n)
{
    return mm_macs(&((const MatMulIntegerParams *)n->params)->k);
}

const OpDef op_matmul_integer = {
    .name = "MatMulInteger", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 4, .min_outputs = 1, .max_outputs = 1,
    .infer = matmul_integer_infer, .eval = matmul_integer_eval, .emit = matmul_integer_emit,
    .macs = matmul_integer_macs,
};

typedef struct {
    kiln_qlinear_matmul_params k;
} QLinearMatMulParams;

/* Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point. */
static int qlinear_matmul_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *a = n->inputs[0], *b = n->inputs[3], *yz = n->inputs[7];
    QLinearMatMulParams *p = arena_alloc(g->arena, sizeof *p);
    kiln_matmul_integer_params *mm = &p->k.mm;
    int per_y = 0, per_yz = 0;
    if (require_q(n, 0, 0, d) || require_q(n, 3, 0, d) || require_q(n, 7, 0, d) ||
        mm_shape(n, a, b, mm, yz->dtype, d) ||
        check_zp(n, 2, a, mm->m, &mm->a_zp_per_row, d) ||
        check_zp(n, 5, b, mm->n, &mm->b_zp_per_col, d) ||
        check_scale(n, 1, mm->m, &p->k.a_scale_per_row, d) ||
        check_scale(n, 4, mm->n, &p->k.b_scale_per_col, d) || check_scale(n, 6, 1, &per_y, d) ||
        check_zp(n, 7, yz, 1, &per_yz, d))
        return -1;
    p->k.y_type = qtype_of(yz->dtype);
    n->params = p;
    return 0;
}

static void *qmm_scratch(Graph *g, size_t bytes) { return arena_alloc(g->arena, bytes ? bytes : 1); }

static int qlinear_matmul_eval(Graph *g, Node *n, Diag *d)
{
    const kiln_qlinear_matmul_params *k = &((QLinearMatMulParams *)n->params)->k;
    op_allocate_outputs(g, n);
    Tensor **in = n->inputs;
    kiln_qlinear_matmul(k, in[0]->data, in[1]->data, in[2]->data, in[3]->data, in[4]->data,
                        in[5]->data, in[6]->data, in[7]->data, n->outputs[0]->data,
                        qmm_scratch(g, kiln_qlinear_matmul_scratch_size(k)));
    return 0;
}

static int qlinear_matmul_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_qlinear_matmul_params *k = &((QLinearMatMulParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_qlinear_matmul_params");
    cg_decl(e, "{%s, %d, %d, %d};\n", mm_params(e, &k->mm), k->a_scale_per_row,
            k->b_scale_per_col, k->y_type);
    Tensor **in = n->inputs;
    cg_stmt(e, "kiln_qlinear_matmul(&%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s);\n", pn,
            cg_ptr(e, in[0]), cg_ptr(e, in[1]), cg_ptr(e, in[2]), cg_ptr(e, in[3]),
            cg_ptr(e, in[4]), cg_ptr(e, in[5]), cg_ptr(e, in[6]), cg_ptr(e, in[7]),
            cg_ptr(e, n->outputs[0]), cg_scratch(e, n, "int32_t"));
    cg_use_kernel(e, "kiln_qlinear_matmul");
    return 0;
}

static int64_t qlinear_matmul_macs(const Node *n)
{
    return mm_macs(&((const QLinearMatMulParams *)n->params)->k.mm);
}

static int64_t qlinear_matmul_scratch(const Node *n)
{
    return (int64_t)kiln_qlinear_matmul_scratch_size(&((const QLinearMatMulParams *)n->params)->k);
}

const OpDef op_qlinear_matmul = {
    .name = "QLinearMatMul", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 8, .max_inputs = 8, .min_outputs = 1, .max_outputs = 1,
    .infer = qlinear_matmul_infer, .eval = qlinear_matmul_eval, .emit = qlinear_matmul_emit,
    .macs = qlinear_matmul_macs, .scratch_bytes = qlinear_matmul_scratch,
};

/* ---- ConvInteger / QLinearConv ------------------------------------------------------- */

/* Geometry of an integer conv of x by w (1-D or 2-D), as Conv computes it. */
static int qconv_geometry(Node *n, Tensor *x, Tensor *w, kiln_conv2d_params *k, DType out,
                          Diag *d)
{
    if ((x->rank != 3 && x->rank != 4) || w->rank != x->rank) {
        node_error(d, n, "X and W must both have rank 3 or 4 (1-D or 2-D convolution); they "
                   "have %d and %d", x->rank, w->rank);
        return -1;
    }
    int nsp = x->rank - 2, two = nsp == 2;
    SpatialAttrs s;
    if (op_parse_spatial(n, nsp, &s, d))
        return -1;
    int64_t group = ir_attr_int(n, "group", 1), c_in = x->dims[1], c_out = w->dims[0];
    if (group <= 0 || c_in % group || c_out % group || w->dims[1] * group != c_in) {
        node_error(d, n, "group %lld does not fit %lld input channels, W with %lld outputs of "
                   "%lld channels", (long long)group, (long long)c_in, (long long)c_out,
                   (long long)w->dims[1]);
        return -1;
    }
    for (int i = 0; i < nsp; i++) {
        if (s.has_kernel && s.kernel[i] != w->dims[2 + i]) {
            node_error(d, n, "kernel_shape does not match the shape of W");
            return -1;
        }
        s.kernel[i] = w->dims[2 + i];
    }
    if (op_spatial_output(n, &s, x->dims + 2, 0, d))
        return -1;
    int64_t dims[4] = {x->dims[0], c_out, s.out[0], two ? s.out[1] : 0};
    ir_set_shape(n->outputs[0], out, x->rank, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
        op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    *k = (kiln_conv2d_params){
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
    };
    return 0;
}

static const char *ci_params(Emit *e, const kiln_conv_integer_params *c)
{
    const kiln_conv2d_params *k = &c->g;
    return arena_printf(e->g->arena, "{%s, %d, %d, %d}", cg_conv2d(e, k), c->x_type, c->w_type,
                        c->w_zp_per_channel);
}

static int64_t ci_macs(const kiln_conv2d_params *k)
{
    return (int64_t)k->n * k->c_out * k->h_out * k->w_out * (k->c_in / k->group) * k->k_h * k->k_w;
}

typedef struct {
    kiln_conv_integer_params k;
} ConvIntegerParams;

static int conv_integer_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *w = n->inputs[1];
    ConvIntegerParams *p = arena_alloc(g->arena, sizeof *p);
    int per_x = 0;
    if (require_q(n, 0, 0, d) || require_q(n, 1, 0, d) ||
        qconv_geometry(n, x, w, &p->k.g, DT_S32, d) || check_zp(n, 2, x, 1, &per_x, d) ||
        check_zp(n, 3, w, w->dims[0], &p->k.w_zp_per_channel, d))
        return -1;
    p->k.x_type = qtype_of(x->dtype);
    p->k.w_type = qtype_of(w->dtype);
    n->params = p;
    return 0;
}

static int conv_integer_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_conv_integer(&((ConvIntegerParams *)n->params)->k, n->inputs[0]->data,
                      n->inputs[1]->data, data_of(opt_in(n, 2)), data_of(opt_in(n, 3)),
                      n->outputs[0]->data);
    return 0;
}

static int conv_integer_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_conv_integer_params *k = &((ConvIntegerParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_conv_integer_params");
    cg_decl(e, "%s;\n", ci_params(e, k));
    cg_stmt(e, "kiln_conv_integer(&%s, %s, %s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), ptr_or_null(e, opt_in(n, 2)), ptr_or_null(e, opt_in(n, 3)),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_conv_integer");
    return 0;
}

static int64_t conv_integer_macs(const Node *n)
{
    return ci_macs(&((const ConvIntegerParams *)n->params)->k.g);
}

const OpDef op_conv_integer = {
    .name = "ConvInteger", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 4, .min_outputs = 1, .max_outputs = 1,
    .infer = conv_integer_infer, .eval = conv_integer_eval, .emit = conv_integer_emit,
    .macs = conv_integer_macs,
};

typedef struct {
    kiln_qlinear_conv_params k;
} QLinearConvParams;

/* Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B. */
static int qlinear_conv_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *w = n->inputs[3], *yz = n->inputs[7], *b = opt_in(n, 8);
    QLinearConvParams *p = arena_alloc(g->arena, sizeof *p);
    kiln_conv_integer_params *c = &p->k.c;
    int per = 0;
    if (require_q(n, 0, 0, d) || require_q(n, 3, 0, d) || require_q(n, 7, 0, d) ||
        qconv_geometry(n, x, w, &c->g, yz->dtype, d) || check_scale(n, 1, 1, &per, d) ||
        check_zp(n, 2, x, 1, &per, d) || check_scale(n, 4, w->dims[0], &p->k.w_scale_per_channel, d) ||
        check_zp(n, 5, w, w->dims[0], &c->w_zp_per_channel, d) || check_scale(n, 6, 1, &per, d) ||
        check_zp(n, 7, yz, 1, &per, d))
        return -1;
    if (b && (b->dtype != DT_S32 || b->rank != 1 || b->dims[0] != w->dims[0])) {
        node_error(d, n, "bias B must be int32 with %lld elements", (long long)w->dims[0]);
        return -1;
    }
    c->x_type = qtype_of(x->dtype);
    c->w_type = qtype_of(w->dtype);
    p->k.y_type = qtype_of(yz->dtype);
    n->params = p;
    return 0;
}

static int qlinear_conv_eval(Graph *g, Node *n, Diag *d)
{
    const kiln_qlinear_conv_params *k = &((QLinearConvParams *)n->params)->k;
    op_allocate_outputs(g, n);
    Tensor **in = n->inputs;
    kiln_qlinear_conv(k, in[0]->data, in[1]->data, in[2]->data, in[3]->data, in[4]->data,
                      in[5]->data, in[6]->data, in[7]->data, data_of(opt_in(n, 8)),
                      n->outputs[0]->data, qmm_scratch(g, kiln_qlinear_conv_scratch_size(k)));
    return 0;
}

static int qlinear_conv_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_qlinear_conv_params *k = &((QLinearConvParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_qlinear_conv_params");
    cg_decl(e, "{%s, %d, %d};\n", ci_params(e, &k->c), k->w_scale_per_channel, k->y_type);
    Tensor **in = n->inputs;
    cg_stmt(e, "kiln_qlinear_conv(&%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s);\n", pn,
            cg_ptr(e, in[0]), cg_ptr(e, in[1]), cg_ptr(e, in[2]), cg_ptr(e, in[3]),
            cg_ptr(e, in[4]), cg_ptr(e, in[5]), cg_ptr(e, in[6]), cg_ptr(e, in[7]),
            ptr_or_null(e, opt_in(n, 8)), cg_ptr(e, n->outputs[0]), cg_scratch(e, n, "int32_t"));
    cg_use_kernel(e, "kiln_qlinear_conv");
    return 0;
}

static int64_t qlinear_conv_macs(const Node *n)
{
    return ci_macs(&((const QLinearConvParams *)n->params)->k.c.g);
}

static int64_t qlinear_conv_scratch(const Node *n)
{
    return (int64_t)kiln_qlinear_conv_scratch_size(&((const QLinearConvParams *)n->params)->k);
}

const OpDef op_qlinear_conv = {
    .name = "QLinearConv", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 8, .max_inputs = 9, .min_outputs = 1, .max_outputs = 1,
    .infer = qlinear_conv_infer, .eval = qlinear_conv_eval, .emit = qlinear_conv_emit,
    .macs = qlinear_conv_macs, .scratch_bytes = qlinear_conv_scratch,
};
