/* SPDX-License-Identifier: MIT */
/* Helpers shared by op entries: input checks, broadcasting, axes, spatial attributes. */
#include "op_common.h"

#include <string.h>

/* Marks the graph inputs that t is computed from as needing a compile-time value and
 * lists them in names. Shape chains are short; depth bounds the walk on odd graphs. */
static void mark_const_sources(Tensor *t, const char *why, Buf *names, int depth)
{
    if (!t || t->data || depth > 32)
        return;
    if (t->is_input) {
        if (!t->needs_const)
            buf_printf(names, "%s'%s'", names->len ? ", " : "", t->name);
        t->needs_const = why;
        return;
    }
    if (t->producer)
        for (int i = 0; i < t->producer->n_inputs; i++)
            mark_const_sources(t->producer->inputs[i], why, names, depth + 1);
}

static int require_known(Node *n, int input, const char *why, Diag *d)
{
    Tensor *t = input < n->n_inputs ? n->inputs[input] : NULL;
    if (t && ir_is_const(t))
        return 0;
    Buf names = {0};
    mark_const_sources(t, why, &names, 0);
    if (t && t->is_input)
        node_error(d, n, "input %d ('%s') %s, so kiln needs its value at compile time, but it "
                   "is a graph input: give it with --const %s=FILE.pb (or .npy)", input, t->name,
                   why, t->name);
    else if (names.len)
        node_error(d, n, "input %d ('%s') %s, so kiln needs its value at compile time; it is "
                   "computed from graph input(s) %s: give them with --const NAME=FILE.pb (or "
                   ".npy)", input, t->name, why, names.data);
    else
        node_error(d, n, "input %d ('%s') must be a constant (an initializer or computable at "
                   "compile time)", input, t ? t->name : "");
    buf_free(&names);
    return -1;
}

int op_require_const(Node *n, int input, Diag *d)
{
    return require_known(n, input, "is folded into the generated code", d);
}

int op_require_shape_input(Node *n, int input, Diag *d)
{
    return require_known(n, input, "decides a shape", d);
}

int op_require_float(Node *n, int input, Diag *d)
{
    Tensor *t = n->inputs[input];
    if (t->dtype == DT_F32)
        return 0;
    node_error(d, n, "input %d ('%s') has type %s; this op supports f32 here", input, t->name,
               dtype_name(t->dtype));
    return -1;
}

int op_allocate_outputs(Graph *g, Node *n)
{
    for (int i = 0; i < n->n_outputs; i++)
        if (n->outputs[i])
            ir_alloc_data(g, n->outputs[i]);
    return 0;
}

int op_broadcast_shape(Node *n, const Tensor *a, const Tensor *b, int *rank, int64_t *dims,
                       Diag *d)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char sa[128], sb[128];
            node_error(d, n, "shapes %s ('%s') and %s ('%s') cannot be broadcast together",
                       ir_shape_str(a, sa, sizeof sa), a->name, ir_shape_str(b, sb, sizeof sb),
                       b->name);
            return -1;
        }
        dims[i] = da == 1 ? db : da;
    }
    *rank = r;
    return 0;
}

void op_broadcast_strides(const Tensor *t, int rank, int32_t *strides)
{
    int64_t stride = 1;
    for (int i = rank - 1; i >= 0; i--) {
        int it = i - (rank - t->rank);
        int64_t dt = it >= 0 ? t->dims[it] : 1;
        strides[i] = dt == 1 ? 0 : (int32_t)stride;
        stride *= dt;
    }
}

int op_axis(Node *n, int64_t axis, int rank, Diag *d)
{
    if (axis < -rank || axis >= (rank > 0 ? rank : 1)) {
        node_error(d, n, "axis %lld is out of range for rank %d", (long long)axis, rank);
        return -1;
    }
    return (int)(axis < 0 ? axis + rank : axis);
}

int op_fits_i32(Node *n, int64_t v, const char *what, Diag *d)
{
    if (v >= 0 && v <= INT32_MAX)
        return 0;
    node_error(d, n, "%s (%lld) does not fit the runtime's 32-bit sizes", what, (long long)v);
    return -1;
}

int op_check_unused_attrs(Node *n, Diag *d)
{
    for (int i = 0; i < n->n_attrs; i++) {
        const Attr *a = &n->attrs[i];
        if (!a->used && a->mistyped) {
            node_error(d, n, "attribute '%s' has type %s; %s expects %s", a->name,
                       ir_attr_type_name(a->type), n->op_type, ir_attr_type_name(a->wanted));
            return -1;
        }
        if (!a->used) {
            node_error(d, n, "unknown or unsupported attribute '%s'", a->name);
            return -1;
        }
    }
    return 0;
}

int op_parse_spatial(Node *n, int n_spatial, SpatialAttrs *s, Diag *d)
{
    memset(s, 0, sizeof *s);
    s->n = n_spatial;
    const char *ap = ir_attr_str(n, "auto_pad", "NOTSET");
    if (!strcmp(ap, "NOTSET"))
        s->auto_pad = AUTO_PAD_NOTSET;
    else if (!strcmp(ap, "SAME_UPPER"))
        s->auto_pad = AUTO_PAD_SAME_UPPER;
    else if (!strcmp(ap, "SAME_LOWER"))
        s->auto_pad = AUTO_PAD_SAME_LOWER;
    else if (!strcmp(ap, "VALID"))
        s->auto_pad = AUTO_PAD_VALID;
    else {
        node_error(d, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", ap);
        return -1;
    }
    int64_t tmp[2 * OP_MAX_SPATIAL];
    for (int i = 0; i < n_spatial; i++)
        s->strides[i] = s->dilations[i] = 1;
    int c = ir_attr_ints(n, "strides", tmp, OP_MAX_SPATIAL);
    if (c >= 0) {
        if (c != n_spatial)
            goto count;
        memcpy(s->strides, tmp, sizeof(int64_t) * (size_t)c);
    }
    c = ir_attr_ints(n, "dilations", tmp, OP_MAX_SPATIAL);
    if (c >= 0) {
        if (c != n_spatial)
            goto count;
        memcpy(s->dilations, tmp, sizeof(int64_t) * (size_t)c);
    }
    c = ir_attr_ints(n, "pads", tmp, 2 * OP_MAX_SPATIAL);
    if (c >= 0) {
        if (c != 2 * n_spatial)
            goto count;
        for (int i = 0; i < n_spatial; i++) {
            s->pads[i] = tmp[i];
            s->pads[n_spatial + i] = tmp[n_spatial + i];
        }
        s->has_pads = 1;
    }
    c = ir_attr_ints(n, "kernel_shape", tmp, OP_MAX_SPATIAL);
    if (c >= 0) {
        if (c != n_spatial)
            goto count;
        memcpy(s->kernel, tmp, sizeof(int64_t) * (size_t)c);
        s->has_kernel = 1;
    }
    for (int i = 0; i < n_spatial; i++) {
        if (s->strides[i] <= 0 || s->dilations[i] <= 0 || s->pads[i] < 0 ||
            s->pads[n_spatial + i] < 0 || (s->has_kernel && s->kernel[i] <= 0)) {
            node_error(d, n, "strides, dilations and kernel_shape must be positive and pads "
                       "non-negative");
            return -1;
        }
        /* bounded so that output-size arithmetic cannot overflow 64 bits */
        if (s->strides[i] > OP_MAX_WINDOW || s->dilations[i] > OP_MAX_WINDOW ||
            s->pads[i] > OP_MAX_WINDOW || s->pads[n_spatial + i] > OP_MAX_WINDOW ||
            s->kernel[i] > OP_MAX_WINDOW) {
            node_error(d, n, "strides, dilations, pads and kernel_shape must be at most %d",
                       OP_MAX_WINDOW);
            return -1;
        }
    }
    return 0;
count:
    node_error(d, n, "strides/dilations/kernel_shape need %d values and pads %d (the input has %d "
               "spatial dimensions)", n_spatial, 2 * n_spatial, n_spatial);
    return -1;
}

int op_spatial_output(Node *n, SpatialAttrs *s, const int64_t *in, int ceil_mode, Diag *d)
{
    for (int i = 0; i < s->n; i++) {
        int64_t k = s->kernel[i], st = s->strides[i];
        int64_t eff = s->dilations[i] * (k - 1) + 1;
        int64_t out;
        if (s->auto_pad == AUTO_PAD_SAME_UPPER || s->auto_pad == AUTO_PAD_SAME_LOWER) {
            out = (in[i] + st - 1) / st;
            int64_t total = (out - 1) * st + eff - in[i];
            if (total < 0)
                total = 0;
            s->pads[i] = s->auto_pad == AUTO_PAD_SAME_UPPER ? total / 2 : total - total / 2;
            s->pads[s->n + i] = total - s->pads[i];
        } else {
            if (s->auto_pad == AUTO_PAD_VALID)
                s->pads[i] = s->pads[s->n + i] = 0;
            int64_t span = in[i] + s->pads[i] + s->pads[s->n + i] - eff;
            if (span < 0) {
                node_error(d, n, "the kernel (%lld with dilation %lld) is larger than the padded "
                           "input (%lld)", (long long)k, (long long)s->dilations[i],
                           (long long)(in[i] + s->pads[i] + s->pads[s->n + i]));
                return -1;
            }
            out = (ceil_mode ? (span + st - 1) / st : span / st) + 1;
            /* the last window must start inside the input or its leading padding */
            if (ceil_mode && (out - 1) * st >= in[i] + s->pads[i])
                out--;
        }
        if (out <= 0) {
            node_error(d, n, "output spatial size would be %lld", (long long)out);
            return -1;
        }
        s->out[i] = out;
    }
    return 0;
}

static const DType onnx_dtypes[] = {DT_UNDEF, DT_F32, DT_U8, DT_S8, DT_U16, DT_S16, DT_S32,
                                    DT_S64, DT_UNDEF, DT_BOOL, DT_UNDEF, DT_F64, DT_U32, DT_U64};

/* ONNX TensorProto.DataType code to DType; DT_UNDEF if kiln has no such type. */
DType op_dtype_from_onnx(int64_t code)
{
    return code > 0 && code < (int64_t)KILN_ARRAY_LEN(onnx_dtypes) ? onnx_dtypes[code] : DT_UNDEF;
}

/* Stores v into element i of t, converted to t's type. */
void op_store_double(Tensor *t, int64_t i, double v)
{
    void *p = t->data;
    switch (t->dtype) {
    case DT_F32: ((float *)p)[i] = (float)v; break;
    case DT_F64: ((double *)p)[i] = v; break;
    case DT_S8: ((int8_t *)p)[i] = (int8_t)v; break;
    case DT_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case DT_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case DT_S16: ((int16_t *)p)[i] = (int16_t)v; break;
    case DT_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case DT_S32: ((int32_t *)p)[i] = (int32_t)v; break;
    case DT_U32: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case DT_S64: ((int64_t *)p)[i] = (int64_t)v; break;
    case DT_U64: ((uint64_t *)p)[i] = (uint64_t)v; break;
    default: break;
    }
}
