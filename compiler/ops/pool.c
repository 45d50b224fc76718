/* SPDX-License-Identifier: MIT */
/* MaxPool, AveragePool (pads, auto_pad, strides, dilations, ceil_mode, count_include_pad),
 * GlobalAveragePool, GlobalMaxPool. 1-D pools run as 2-D with height 1; 3-D pools have
 * their own kernels so the 2-D ones keep their loops. MaxPool also takes int8/uint8
 * tensors and gives the Indices output (float, 1-D and 2-D). */
#include "op_common.h"

#include <string.h>

typedef struct {
    kiln_pool2d_params k;    /* first: the int8 lowering (passes/quantize.c) copies it */
    kiln_pool3d_params k3;   /* rank-5 input */
    int three_d;
    int is_max;
    DType dtype;
    int with_indices;     /* MaxPool's second output */
    int storage_order;    /* of the indices: a KILN_INDICES_* layout */
} PoolParams;

/* MaxPool takes f32, int8 and uint8 tensors (a max needs no arithmetic); AveragePool f32. */
static int pool_type(Node *n, int is_max, Diag *d)
{
    DType t = n->inputs[0]->dtype;
    if (is_max && (t == DT_S8 || t == DT_U8))
        return 0;
    return op_require_float(n, 0, d);
}

static void pool3d_params(kiln_pool3d_params *k, const Tensor *x, const SpatialAttrs *s,
                          int count_include_pad)
{
    k->n = (int32_t)x->dims[0];
    k->c = (int32_t)x->dims[1];
    for (int i = 0; i < 3; i++) {
        k->in[i] = (int32_t)x->dims[2 + i];
        k->out[i] = (int32_t)s->out[i];
        k->k[i] = (int32_t)s->kernel[i];
        k->stride[i] = (int32_t)s->strides[i];
        k->dil[i] = (int32_t)s->dilations[i];
        k->pad[i] = (int32_t)s->pads[i];
        k->pad_end[i] = (int32_t)s->pads[3 + i];
    }
    k->count_include_pad = count_include_pad;
}

static int pool_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int is_max = strcmp(n->op->name, "MaxPool") == 0;
    if (!x || pool_type(n, is_max, d))
        return -1;
    if (x->rank < 3 || x->rank > 5) {
        node_error(d, n, "input has rank %d; kiln supports 1-D, 2-D and 3-D pooling", x->rank);
        return -1;
    }
    int with_indices = n->n_outputs > 1 && n->outputs[1];
    if (with_indices && (x->dtype != DT_F32 || x->rank == 5)) {
        node_error(d, n, "the Indices output is supported for 1-D and 2-D float input only "
                   "(input is %s of rank %d)", dtype_name(x->dtype), x->rank);
        return -1;
    }
    if (x->rank == 5 && x->dtype != DT_F32) {
        node_error(d, n, "3-D pooling is supported for float input only (input is %s)",
                   dtype_name(x->dtype));
        return -1;
    }
    int nsp = x->rank - 2;
    SpatialAttrs s;
    if (op_parse_spatial(n, nsp, &s, d))
        return -1;
    if (!s.has_kernel) {
        node_error(d, n, "attribute kernel_shape is required");
        return -1;
    }
    int ceil_mode = (int)ir_attr_int(n, "ceil_mode", 0);
    int count_include_pad = is_max ? 0 : (int)ir_attr_int(n, "count_include_pad", 0);
    int64_t storage_order = is_max ? ir_attr_int(n, "storage_order", 0) : 0;
    if (storage_order != 0 && storage_order != 1) {
        node_error(d, n, "storage_order must be 0 or 1, not %lld", (long long)storage_order);
        return -1;
    }
    if (op_spatial_output(n, &s, x->dims + 2, ceil_mode, d))
        return -1;
    int64_t out[5] = {x->dims[0], x->dims[1], s.out[0], s.out[1], s.out[2]};
    ir_set_shape(n->outputs[0], x->dtype, x->rank, out);
    if (with_indices)
        ir_set_shape(n->outputs[1], DT_S64, x->rank, out);
    if (op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    PoolParams *p = arena_alloc(g->arena, sizeof *p);
    int two = nsp == 2, w = two ? 1 : 0;
    p->is_max = is_max;
    p->dtype = x->dtype;
    p->with_indices = with_indices;
    /* ONNX Runtime's 1-D Indices have no row: see KILN_INDICES_1D */
    p->storage_order = nsp == 1 ? KILN_INDICES_1D : (int)storage_order;
    n->params = p;
    if (nsp == 3) {
        if (!is_max && (s.dilations[0] != 1 || s.dilations[1] != 1 || s.dilations[2] != 1)) {
            node_error(d, n, "AveragePool with dilations is not supported");
            return -1;
        }
        pool3d_params(&p->k3, x, &s, count_include_pad);
        p->three_d = 1;
        return 0;
    }
    p->k = (kiln_pool2d_params){
        .n = (int32_t)x->dims[0], .c = (int32_t)x->dims[1],
        .h_in = two ? (int32_t)x->dims[2] : 1, .w_in = (int32_t)x->dims[2 + w],
        .h_out = two ? (int32_t)s.out[0] : 1, .w_out = (int32_t)s.out[w],
        .k_h = two ? (int32_t)s.kernel[0] : 1, .k_w = (int32_t)s.kernel[w],
        .stride_h = two ? (int32_t)s.strides[0] : 1, .stride_w = (int32_t)s.strides[w],
        .dil_h = two ? (int32_t)s.dilations[0] : 1, .dil_w = (int32_t)s.dilations[w],
        .pad_top = two ? (int32_t)s.pads[0] : 0, .pad_left = (int32_t)s.pads[w],
        .pad_bottom = two ? (int32_t)s.pads[nsp] : 0, .pad_right = (int32_t)s.pads[nsp + w],
        .count_include_pad = count_include_pad,
    };
    if (!is_max && (p->k.dil_h != 1 || p->k.dil_w != 1)) {
        node_error(d, n, "AveragePool with dilations is not supported");
        return -1;
    }
    return 0;
}

static const char *pool_kernel(const PoolParams *p)
{
    if (p->three_d)
        return p->is_max ? "kiln_maxpool3d_f32" : "kiln_avgpool3d_f32";
    if (!p->is_max)
        return "kiln_avgpool2d_f32";
    if (p->with_indices)
        return "kiln_maxpool2d_argmax_f32";
    return p->dtype == DT_S8 ? "kiln_maxpool2d_s8"
         : p->dtype == DT_U8 ? "kiln_maxpool2d_u8" : "kiln_maxpool2d_f32";
}

static int pool_eval(Graph *g, Node *n, Diag *d)
{
    PoolParams *p = n->params;
    op_allocate_outputs(g, n);
    const void *x = n->inputs[0]->data;
    void *y = n->outputs[0]->data;
    if (p->three_d)
        (p->is_max ? kiln_maxpool3d_f32 : kiln_avgpool3d_f32)(&p->k3, x, y);
    else if (!p->is_max)
        kiln_avgpool2d_f32(&p->k, x, y);
    else if (p->with_indices)
        kiln_maxpool2d_argmax_f32(&p->k, p->storage_order, x, y, n->outputs[1]->data);
    else if (p->dtype == DT_S8)
        kiln_maxpool2d_s8(&p->k, x, y);
    else if (p->dtype == DT_U8)
        kiln_maxpool2d_u8(&p->k, x, y);
    else
        kiln_maxpool2d_f32(&p->k, x, y);
    return 0;
}

static int pool3d_emit(Emit *e, Node *n, const PoolParams *p)
{
    const kiln_pool3d_params *k = &p->k3;
    const char *pn = cg_new_params(e, "kiln_pool3d_params");
    cg_decl(e, "{%d, %d, %s, %s, %s, %s, %s, %s, %s, %d};\n", k->n, k->c,
            cg_i32_list(e, k->in, 3), cg_i32_list(e, k->out, 3), cg_i32_list(e, k->k, 3),
            cg_i32_list(e, k->stride, 3), cg_i32_list(e, k->dil, 3), cg_i32_list(e, k->pad, 3),
            cg_i32_list(e, k->pad_end, 3), k->count_include_pad);
    cg_stmt(e, "%s(&%s, %s, %s);\n", pool_kernel(p), pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, pool_kernel(p));
    return 0;
}

static int pool_emit(Emit *e, Node *n, Diag *d)
{
    const PoolParams *p = n->params;
    if (p->three_d)
        return pool3d_emit(e, n, p);
    const kiln_pool2d_params *k = &p->k;
    const char *pn = cg_new_params(e, "kiln_pool2d_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d};\n", k->n,
            k->c, k->h_in, k->w_in, k->h_out, k->w_out, k->k_h, k->k_w, k->stride_h, k->stride_w,
            k->dil_h, k->dil_w, k->pad_top, k->pad_left, k->pad_bottom, k->pad_right,
            k->count_include_pad);
    if (p->with_indices)
        cg_stmt(e, "%s(&%s, %d, %s, %s, %s);\n", pool_kernel(p), pn, p->storage_order,
                cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]), cg_ptr(e, n->outputs[1]));
    else
        cg_stmt(e, "%s(&%s, %s, %s);\n", pool_kernel(p), pn, cg_ptr(e, n->inputs[0]),
                cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, pool_kernel(p));
    return 0;
}

const OpDef op_max_pool = {
    .name = "MaxPool", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 2,
    .infer = pool_infer, .eval = pool_eval, .emit = pool_emit,
};

const OpDef op_average_pool = {
    .name = "AveragePool", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = pool_infer, .eval = pool_eval, .emit = pool_emit,
};

/* ---- global pools ----------------------------------------------------------------- */

typedef struct {
    kiln_global_pool_params k;
    int is_max;
} GlobalPoolParams;

static int global_pool_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (!x || op_require_float(n, 0, d))
        return -1;
    if (x->rank < 3) {
        node_error(d, n, "input has rank %d; expected N x C x spatial...", x->rank);
        return -1;
    }
    int64_t out[IR_MAX_RANK], size = 1;
    for (int i = 0; i < x->rank; i++) {
        out[i] = i < 2 ? x->dims[i] : 1;
        if (i >= 2)
            size *= x->dims[i];
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, out);
    if (op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    GlobalPoolParams *p = arena_alloc(g->arena, sizeof *p);
    p->is_max = strcmp(n->op->name, "GlobalMaxPool") == 0;
    p->k.channels = (int32_t)(x->dims[0] * x->dims[1]);
    p->k.size = (int32_t)size;
    n->params = p;
    return 0;
}

static const char *global_pool_kernel(const GlobalPoolParams *p)
{
    return p->is_max ? "kiln_global_maxpool_f32" : "kiln_global_avgpool_f32";
}

static int global_pool_eval(Graph *g, Node *n, Diag *d)
{
    GlobalPoolParams *p = n->params;
    op_allocate_outputs(g, n);
    (p->is_max ? kiln_global_maxpool_f32 : kiln_global_avgpool_f32)(&p->k, n->inputs[0]->data,
                                                                    n->outputs[0]->data);
    return 0;
}

static int global_pool_emit(Emit *e, Node *n, Diag *d)
{
    const GlobalPoolParams *p = n->params;
    const char *pn = cg_new_params(e, "kiln_global_pool_params");
    cg_decl(e, "{%d, %d};\n", p->k.channels, p->k.size);
    cg_stmt(e, "%s(&%s, %s, %s);\n", global_pool_kernel(p), pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, global_pool_kernel(p));
    return 0;
}

const OpDef op_global_average_pool = {
    .name = "GlobalAveragePool", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = global_pool_infer, .eval = global_pool_eval, .emit = global_pool_emit,
};

const OpDef op_global_max_pool = {
    .name = "GlobalMaxPool", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = global_pool_infer, .eval = global_pool_eval, .emit = global_pool_emit,
};
