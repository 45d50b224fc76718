/* SPDX-License-Identifier: MIT */
/* Type-agnostic data movement: Transpose, Concat, Pad, Gather. */
#include "op_common.h"

#include <string.h>

/* ---- Transpose -------------------------------------------------------------------- */

typedef struct {
    kiln_transpose_params k;
} TransposeParams;

static int transpose_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t perm[IR_MAX_RANK];
    int count = ir_attr_ints(n, "perm", perm, IR_MAX_RANK);
    if (count < 0) {
        count = x->rank;
        for (int i = 0; i < x->rank; i++)
            perm[i] = x->rank - 1 - i;
    }
    if (count != x->rank) {
        node_error(d, n, "perm has %d entries but the input has rank %d", count, x->rank);
        return -1;
    }
    int seen[IR_MAX_RANK] = {0};
    int64_t in_strides[IR_MAX_RANK], out[IR_MAX_RANK], stride = 1;
    for (int i = x->rank - 1; i >= 0; i--) {
        in_strides[i] = stride;
        stride *= x->dims[i];
    }
    TransposeParams *p = arena_alloc(g->arena, sizeof *p);
    for (int i = 0; i < count; i++) {
        if (perm[i] < 0 || perm[i] >= x->rank || seen[perm[i]]++) {
            node_error(d, n, "perm is not a permutation of 0..%d", x->rank - 1);
            return -1;
        }
        out[i] = x->dims[perm[i]];
        p->k.out_dims[i] = (int32_t)out[i];
        p->k.in_strides[i] = (int32_t)in_strides[perm[i]];
    }
    p->k.elem_size = (int32_t)dtype_size(x->dtype);
    p->k.rank = x->rank ? x->rank : 1;
    if (x->rank == 0)
        p->k.out_dims[0] = 1;
    ir_set_shape(n->outputs[0], x->dtype, x->rank, out);
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    n->params = p;
    return 0;
}

static int transpose_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_transpose(&((TransposeParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int transpose_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_transpose_params *k = &((TransposeParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_transpose_params");
    cg_decl(e, "{%d, %d, %s, %s};\n", k->elem_size, k->rank,
            cg_i32_list(e, k->out_dims, KILN_MAX_RANK), cg_i32_list(e, k->in_strides, KILN_MAX_RANK));
    cg_stmt(e, "kiln_transpose(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_transpose");
    return 0;
}

const OpDef op_transpose = {
    .name = "Transpose", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = transpose_infer, .eval = transpose_eval, .emit = transpose_emit,
};

/* ---- Concat ----------------------------------------------------------------------- */

typedef struct {
    kiln_concat_params k;
    int32_t *chunks;
} ConcatParams;

static int concat_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x0 = n->inputs[0];
    for (int i = 0; i < n->n_inputs; i++) {
        if (!n->inputs[i]) {
            node_error(d, n, "input %d is missing", i);
            return -1;
        }
    }
    Attr *axis_attr = ir_attr(n, "axis");
    if (!axis_attr && n->opset >= 4) {
        node_error(d, n, "attribute axis is required");
        return -1;
    }
    int axis = op_axis(n, axis_attr ? axis_attr->i : 1, x0->rank, d);
    if (axis < 0)
        return -1;
    int64_t out[IR_MAX_RANK];
    memcpy(out, x0->dims, sizeof out);
    out[axis] = 0;
    ConcatParams *p = arena_alloc(g->arena, sizeof *p);
    p->chunks = arena_array(g->arena, (size_t)n->n_inputs, sizeof(int32_t));
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= x0->dims[i];
    for (int i = axis + 1; i < x0->rank; i++)
        inner *= x0->dims[i];
    for (int i = 0; i < n->n_inputs; i++) {
        Tensor *t = n->inputs[i];
        int ok = t->rank == x0->rank && t->dtype == x0->dtype;
        for (int k = 0; ok && k < t->rank; k++)
            ok = k == axis || t->dims[k] == x0->dims[k];
        if (!ok) {
            char s0[128], si[128];
            node_error(d, n, "input %d ('%s', %s %s) does not match input 0 (%s %s) outside axis %d",
                       i, t->name, dtype_name(t->dtype), ir_shape_str(t, si, sizeof si),
                       dtype_name(x0->dtype), ir_shape_str(x0, s0, sizeof s0), axis);
            return -1;
        }
        out[axis] += t->dims[axis];
        p->chunks[i] = (int32_t)(t->dims[axis] * inner);
    }
    ir_set_shape(n->outputs[0], x0->dtype, x0->rank, out);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    p->k.elem_size = (int32_t)dtype_size(x0->dtype);
    p->k.outer = (int32_t)outer;
    p->k.n_inputs = n->n_inputs;
    p->k.chunk = p->chunks;
    n->params = p;
    return 0;
}

static int concat_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    const void **ins = arena_array(g->arena, (size_t)n->n_inputs, sizeof(void *));
    for (int i = 0; i < n->n_inputs; i++)
        ins[i] = n->inputs[i]->data;
    kiln_concat(&((ConcatParams *)n->params)->k, ins, n->outputs[0]->data);
    return 0;
}

/* With nothing outside the axis but size-1 dims, every input is one contiguous run. */
static int64_t concat_input_slice(const Node *n, int input)
{
    const ConcatParams *p = n->params;
    if (p->k.outer != 1)
        return -1;
    int64_t off = 0;
    for (int i = 0; i < input; i++)
        off += (int64_t)p->chunks[i] * p->k.elem_size;
    return off;
}

static int concat_emit(Emit *e, Node *n, Diag *d)
{
    const ConcatParams *p = n->params;
    int in_place = 1;
    for (int i = 0; i < n->n_inputs; i++)
        in_place &= n->inputs[i]->slice_of == n->outputs[0];
    if (in_place) {
        cg_stmt(e, "/* in place: the producers wrote their slices */\n");
        return 0;
    }
    const char *chunks = cg_new_array(e, "int32_t", n->n_inputs);
    cg_decl(e, "%s;\n", cg_i32_list(e, p->chunks, n->n_inputs));
    const char *pn = cg_new_params(e, "kiln_concat_params");
    cg_decl(e, "{%d, %d, %d, %s};\n", p->k.elem_size, p->k.outer, p->k.n_inputs, chunks);
    Buf ins = {0};
    for (int i = 0; i < n->n_inputs; i++)
        buf_printf(&ins, "%s%s", i ? ", " : "", cg_ptr(e, n->inputs[i]));
    cg_stmt(e, "{\n        const void *const ins[%d] = {%s};\n        kiln_concat(&%s, ins, %s);\n    }\n",
            n->n_inputs, ins.data, pn, cg_ptr(e, n->outputs[0]));
    buf_free(&ins);
    cg_use_kernel(e, "kiln_concat");
    return 0;
}

const OpDef op_concat = {
    .name = "Concat", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1024, .min_outputs = 1, .max_outputs = 1,
    .infer = concat_infer, .eval = concat_eval, .emit = concat_emit,
    .input_slice = concat_input_slice,
};

/* ---- Pad (constant mode) ----------------------------------------------------------- */

typedef struct {
    kiln_pad_params k;
} PadParams;

static int pad_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    const char *mode = ir_attr_str(n, "mode", "constant");
    int32_t kmode = !strcmp(mode, "constant") ? KILN_PAD_CONSTANT
                  : !strcmp(mode, "reflect") ? KILN_PAD_REFLECT
                  : !strcmp(mode, "edge") ? KILN_PAD_EDGE : -1;
    if (kmode < 0) {
        node_error(d, n, "mode '%s' is not supported (constant, reflect, edge)", mode);
        return -1;
    }
    int64_t pads[2 * IR_MAX_RANK];
    int count;
    double value = 0;
    if (n->opset < 11) {
        count = ir_attr_ints(n, "pads", pads, 2 * IR_MAX_RANK);
        if (count < 0)
            count = ir_attr_ints(n, "paddings", pads, 2 * IR_MAX_RANK);
        value = ir_attr_float(n, "value", 0.0f);
    } else {
        if (n->n_inputs < 2 || op_require_shape_input(n, 1, d))
            return -1;
        count = (int)ir_numel(n->inputs[1]);
        if (count > 2 * IR_MAX_RANK)
            count = 2 * IR_MAX_RANK + 1;
        for (int i = 0; i < count && i < 2 * IR_MAX_RANK; i++)
            pads[i] = ir_const_int(n->inputs[1], i);
        if (n->n_inputs > 2 && n->inputs[2]) {
            if (op_require_const(n, 2, d))
                return -1;
            value = ir_const_float(n->inputs[2], 0);
        }
        if (n->n_inputs > 3 && n->inputs[3]) {
            node_error(d, n, "the axes input (opset 18) is not supported");
            return -1;
        }
    }
    if (count != 2 * x->rank) {
        node_error(d, n, "pads has %d values; expected %d (2 x rank)", count, 2 * x->rank);
        return -1;
    }
    PadParams *p = arena_alloc(g->arena, sizeof *p);
    int64_t out[IR_MAX_RANK];
    for (int i = 0; i < x->rank; i++) {
        int64_t lo = pads[i], hi = pads[x->rank + i];
        /* range-check before adding: hostile pads must not overflow the sum */
        if (lo < -x->dims[i] || hi < -x->dims[i] || lo > INT32_MAX / 2 || hi > INT32_MAX / 2 ||
            (out[i] = x->dims[i] + lo + hi) < 0) {
            node_error(d, n, "pads make dimension %d negative or too large", i);
            return -1;
        }
        /* reflect mirrors inside the input, so it needs pads below the dim, and every
         * mode but constant needs a non-empty input to copy from */
        int64_t reach = kmode == KILN_PAD_REFLECT ? x->dims[i] - 1 : x->dims[i];
        if (kmode != KILN_PAD_CONSTANT && out[i] > 0 &&
            (pads[i] > reach || pads[x->rank + i] > reach || x->dims[i] == 0)) {
            node_error(d, n, "%s padding of %lld/%lld needs dimension %d (size %lld) to be "
                       "larger", mode, (long long)pads[i], (long long)pads[x->rank + i], i,
                       (long long)x->dims[i]);
            return -1;
        }
        p->k.in_dims[i] = (int32_t)x->dims[i];
        p->k.out_dims[i] = (int32_t)out[i];
        p->k.pad_begin[i] = (int32_t)pads[i];
    }
    p->k.elem_size = (int32_t)dtype_size(x->dtype);
    p->k.rank = x->rank;
    p->k.mode = kmode;
    /* the pad value as one element of x's type */
    if (x->dtype == DT_F32) {
        float f = (float)value;
        memcpy(p->k.value, &f, sizeof f);
    } else if (x->dtype == DT_F64) {
        memcpy(p->k.value, &value, sizeof value);
    } else {
        int64_t iv = (int64_t)value;
        memcpy(p->k.value, &iv, dtype_size(x->dtype)); /* little-endian hosts only */
    }
    ir_set_shape(n->outputs[0], x->dtype, x->rank, out);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    n->params = p;
    return 0;
}

const kiln_pad_params *op_pad_params(const Node *n) { return &((const PadParams *)n->params)->k; }

static int pad_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_pad(&((PadParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int pad_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_pad_params *k = &((PadParams *)n->params)->k;
    const char *pn = cg_new_params(e, "kiln_pad_params");
    cg_decl(e, "{%d, %d, %s, %s, %s, {%u, %u, %u, %u, %u, %u, %u, %u}, %d};\n", k->elem_size,
            k->rank, cg_i32_list(e, k->in_dims, KILN_MAX_RANK),
            cg_i32_list(e, k->out_dims, KILN_MAX_RANK), cg_i32_list(e, k->pad_begin, KILN_MAX_RANK),
            k->value[0], k->value[1], k->value[2], k->value[3], k->value[4], k->value[5],
            k->value[6], k->value[7], k->mode);
    cg_stmt(e, "kiln_pad(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_pad");
    return 0;
}

const OpDef op_pad = {
    .name = "Pad", .min_opset = 2, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 4, .min_outputs = 1, .max_outputs = 1,
    .infer = pad_infer, .eval = pad_eval, .emit = pad_emit,
};

/* ---- Gather ----------------------------------------------------------------------- */

typedef struct {
    kiln_gather_params k;
    Tensor *indices64;   /* constant indices as int64, range-checked */
    int run_time;        /* indices known only at run time (int64): the kernel checks them */
} GatherParams;

static int gather_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *idx = n->inputs[1];
    if (!idx || (idx->dtype != DT_S64 && idx->dtype != DT_S32)) {
        node_error(d, n, "indices must be int32 or int64");
        return -1;
    }
    if (!ir_is_const(idx) && idx->dtype != DT_S64) {
        node_error(d, n, "not supported: run-time indices of type %s (int64 only)",
                   dtype_name(idx->dtype));
        return -1;
    }
    int axis = op_axis(n, ir_attr_int(n, "axis", 0), x->rank, d);
    if (axis < 0)
        return -1;
    int rank = x->rank - 1 + idx->rank;
    if (rank > IR_MAX_RANK) {
        node_error(d, n, "the output would have rank %d (max %d)", rank, IR_MAX_RANK);
        return -1;
    }
    GatherParams *p = arena_alloc(g->arena, sizeof *p);
    int64_t len = x->dims[axis];
    p->run_time = !ir_is_const(idx);
    p->indices64 = idx;
    int64_t *iv = NULL;
    if (!p->run_time) {
        p->indices64 = ir_tensor_new(g, arena_printf(g->arena, "%s.indices", n->name));
        ir_set_shape(p->indices64, DT_S64, idx->rank, idx->dims);
        iv = ir_alloc_data(g, p->indices64);
    }
    for (int64_t i = 0; iv && i < ir_numel(idx); i++) {
        iv[i] = ir_const_int(idx, i);
        if (iv[i] < -len || iv[i] >= len) {
            node_error(d, n, "index %lld is out of range for axis %d of size %lld",
                       (long long)iv[i], axis, (long long)len);
            return -1;
        }
        if (iv[i] < 0)
            iv[i] += len;
    }
    int64_t out[IR_MAX_RANK], outer = 1, inner = 1;
    int r = 0;
    for (int i = 0; i < axis; i++) {
        out[r++] = x->dims[i];
        outer *= x->dims[i];
    }
    for (int i = 0; i < idx->rank; i++)
        out[r++] = idx->dims[i];
    for (int i = axis + 1; i < x->rank; i++) {
        out[r++] = x->dims[i];
        inner *= x->dims[i];
    }
    ir_set_shape(n->outputs[0], x->dtype, rank, out);
    if (op_fits_i32(n, ir_numel(x), "input size", d) ||
        op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    p->k = (kiln_gather_params){(int32_t)dtype_size(x->dtype), (int32_t)outer, (int32_t)len,
                                (int32_t)inner, (int32_t)ir_numel(idx)};
    n->inputs[1] = p->indices64;   /* the kernel reads normalised int64 indices */
    n->params = p;
    return 0;
}

static int gather_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (kiln_gather(&((GatherParams *)n->params)->k, n->inputs[0]->data, n->inputs[1]->data,
                    n->outputs[0]->data)) {
        node_error(d, n, "index out of range");
        return -1;
    }
    return 0;
}

static int gather_emit(Emit *e, Node *n, Diag *d)
{
    const GatherParams *p = n->params;
    const kiln_gather_params *k = &p->k;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_gather_params");
    cg_decl(e, "{%d, %d, %d, %d, %d};\n", k->elem_size, k->outer, k->axis_len, k->inner,
            k->n_indices);
    if (p->run_time)   /* an index out of range makes the run function fail */
        cg_stmt(e, "if (kiln_gather(&%s, %s, %s, %s) != 0)\n        return 1;\n", pn,
                cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    else   /* range-checked at compile time: the status cannot be non-zero */
        cg_stmt(e, "(void)kiln_gather(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
                cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_gather");
    return 0;
}

const OpDef op_gather = {
    .name = "Gather", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = gather_infer, .eval = gather_eval, .emit = gather_emit,
};
