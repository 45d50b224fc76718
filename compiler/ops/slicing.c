/* SPDX-License-Identifier: MIT */
/* Ops whose output is a strided walk over their input: Slice, Split, Expand, Tile,
 * DepthToSpace, SpaceToDepth. Each output is described as dims plus signed input strides
 * (0 repeats, negative walks backwards) from a start element, and copied by the
 * element-size generic kiln_transpose kernel, so every dtype works. */
#include "op_common.h"

#include <string.h>

/* One output: walk of the input from element `start`. */
typedef struct {
    kiln_transpose_params k;
    int64_t start;
} Walk;

typedef struct {
    int n;          /* one walk per output */
    Walk *walks;
} WalkParams;

/* Fills w from a walk of up to 2 * IR_MAX_RANK dims; size-1 dims are dropped and
 * contiguous neighbours merged so it fits the kernel's KILN_MAX_RANK. */
static int walk_make(Node *n, const Tensor *x, int rank, const int64_t *dims,
                     const int64_t *strides, int64_t start, Walk *w, Diag *d)
{
    int64_t od[2 * IR_MAX_RANK], os[2 * IR_MAX_RANK];
    int r = 0;
    for (int i = 0; i < rank; i++) {
        if (dims[i] == 1)
            continue;
        int64_t span, merged;   /* hostile shapes: merge only what does not overflow */
        if (r > 0 && dims[i] != 0 && od[r - 1] != 0 &&
            !__builtin_mul_overflow(strides[i], dims[i], &span) && os[r - 1] == span &&
            !__builtin_mul_overflow(od[r - 1], dims[i], &merged)) {
            od[r - 1] = merged;
            os[r - 1] = strides[i];
            continue;
        }
        od[r] = dims[i];
        os[r++] = strides[i];
    }
    if (r > KILN_MAX_RANK) {
        node_error(d, n, "the copy needs %d dimensions after merging (max %d)", r, KILN_MAX_RANK);
        return -1;
    }
    memset(w, 0, sizeof *w);
    w->start = start;
    w->k.elem_size = (int32_t)dtype_size(x->dtype);
    w->k.rank = r ? r : 1;
    w->k.out_dims[0] = 1;
    for (int i = 0; i < r; i++) {
        if (op_fits_i32(n, od[i], "dimension", d) ||
            op_fits_i32(n, os[i] < 0 ? -os[i] : os[i], "stride", d))
            return -1;
        w->k.out_dims[i] = (int32_t)od[i];
        w->k.in_strides[i] = (int32_t)os[i];
    }
    return 0;
}

static void row_major_strides(const Tensor *x, int64_t *strides)
{
    int64_t s = 1;
    for (int i = x->rank - 1; i >= 0; i--) {
        strides[i] = s;
        s *= x->dims[i];
    }
}

static WalkParams *walk_params(Graph *g, Node *n)
{
    WalkParams *p = arena_alloc(g->arena, sizeof *p);
    p->n = n->n_outputs;
    p->walks = arena_array(g->arena, (size_t)p->n + 1, sizeof(Walk));
    n->params = p;
    return p;
}

static int walk_eval(Graph *g, Node *n, Diag *d)
{
    const WalkParams *p = n->params;
    const unsigned char *x = n->inputs[0]->data;
    op_allocate_outputs(g, n);
    for (int i = 0; i < p->n; i++) {
        const Walk *w = &p->walks[i];
        if (n->outputs[i] && ir_numel(n->outputs[i]) > 0)
            kiln_transpose(&w->k, x + w->start * w->k.elem_size, n->outputs[i]->data);
    }
    return 0;
}

static int walk_emit(Emit *e, Node *n, Diag *d)
{
    const WalkParams *p = n->params;
    for (int i = 0; i < p->n; i++) {
        const Walk *w = &p->walks[i];
        if (!n->outputs[i] || ir_numel(n->outputs[i]) == 0)
            continue;
        const char *pn = cg_new_params(e, "kiln_transpose_params");
        cg_decl(e, "{%d, %d, %s, %s};\n", w->k.elem_size, w->k.rank,
                cg_i32_list(e, w->k.out_dims, KILN_MAX_RANK),
                cg_i32_list(e, w->k.in_strides, KILN_MAX_RANK));
        const char *x = cg_ptr(e, n->inputs[0]);
        if (w->start)
            x = arena_printf(e->g->arena, "(const unsigned char *)(const void *)%s + %lld", x,
                             (long long)(w->start * w->k.elem_size));
        cg_stmt(e, "kiln_transpose(&%s, %s, %s);\n", pn, x, cg_ptr(e, n->outputs[i]));
    }
    cg_use_kernel(e, "kiln_transpose");
    return 0;
}

/* Reads a 1-D integer input (constant) or INTS attribute into v; returns the count, -2 if
 * neither is present, -1 on error. */
static int read_ints(Node *n, int input, const char *attr, int64_t *v, int max, Diag *d)
{
    if (input >= 0) {
        if (input >= n->n_inputs || !n->inputs[input])
            return -2;
        Tensor *t = n->inputs[input];
        if (op_require_shape_input(n, input, d))
            return -1;
        if (ir_numel(t) > max || t->rank > 1) {
            node_error(d, n, "input %d ('%s') must be 1-D with at most %d values", input, t->name,
                       max);
            return -1;
        }
        for (int64_t i = 0; i < ir_numel(t); i++)
            v[i] = ir_const_int(t, i);
        return (int)ir_numel(t);
    }
    int c = ir_attr_ints(n, attr, v, max);
    if (c > max) {
        node_error(d, n, "attribute %s has too many values", attr);
        return -1;
    }
    return c < 0 ? -2 : c;
}

static int walk_output_fits(Node *n, int i, Diag *d)
{
    return op_fits_i32(n, ir_numel(n->inputs[0]), "input size", d) ||
           op_fits_i32(n, ir_numel(n->outputs[i]), "output size", d);
}

/* ---- Slice ---------------------------------------------------------------------------- */

/* ONNX clamping: negative indices count from the end; then starts and ends are clamped to
 * [0, dim] for positive steps and to [0, dim-1] / [-1, dim-1] for negative ones. */
static int64_t slice_len(int64_t dim, int64_t step, int64_t *start, int64_t end)
{
    int64_t s = *start, e = end;
    if (s < 0)
        s += dim;
    if (e < 0)
        e += dim;
    if (step > 0) {
        s = s < 0 ? 0 : s > dim ? dim : s;
        e = e < 0 ? 0 : e > dim ? dim : e;
    } else {
        s = s < 0 ? 0 : s > dim - 1 ? dim - 1 : s;
        e = e < -1 ? -1 : e > dim - 1 ? dim - 1 : e;
    }
    *start = s;
    int64_t span = step > 0 ? e - s : s - e, st = step > 0 ? step : -step;
    /* no span + st - 1: both may be near INT64_MAX */
    return span <= 0 ? 0 : span / st + (span % st != 0);
}

static int slice_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t starts[IR_MAX_RANK], ends[IR_MAX_RANK], axes[IR_MAX_RANK], steps[IR_MAX_RANK];
    int old = n->opset < 10;
    int ns = read_ints(n, old ? -1 : 1, "starts", starts, IR_MAX_RANK, d);
    int ne = read_ints(n, old ? -1 : 2, "ends", ends, IR_MAX_RANK, d);
    if (ns == -1 || ne == -1)
        return -1;
    int na = read_ints(n, old ? -1 : 3, "axes", axes, IR_MAX_RANK, d);
    int nt = old ? -2 : read_ints(n, 4, "steps", steps, IR_MAX_RANK, d);
    if (na == -1 || nt == -1)
        return -1;
    if (ns < 0 || ne < 0 || ns != ne || (na >= 0 && na != ns) || (nt >= 0 && nt != ns)) {
        node_error(d, n, "starts, ends (and axes, steps if given) need the same number of values");
        return -1;
    }
    int64_t dims[IR_MAX_RANK], strides[IR_MAX_RANK], in_strides[IR_MAX_RANK], start = 0;
    row_major_strides(x, in_strides);
    memcpy(dims, x->dims, sizeof dims);
    memcpy(strides, in_strides, sizeof strides);
    int seen[IR_MAX_RANK] = {0};
    for (int i = 0; i < ns; i++) {
        int a = op_axis(n, na >= 0 ? axes[i] : i, x->rank, d);
        if (a < 0)
            return -1;
        int64_t step = nt >= 0 ? steps[i] : 1, s = starts[i];
        if (step == 0 || seen[a]++) {
            node_error(d, n, step == 0 ? "a step is 0" : "axis %d is repeated", a);
            return -1;
        }
        dims[a] = slice_len(x->dims[a], step, &s, ends[i]);
        /* a step only matters when two or more elements are taken; then |step| < dim */
        strides[a] = in_strides[a] * (dims[a] > 1 ? step : 1);
        start += s * in_strides[a];
    }
    ir_set_shape(n->outputs[0], x->dtype, x->rank, dims);
    if (walk_output_fits(n, 0, d))
        return -1;
    WalkParams *p = walk_params(g, n);
    if (ir_numel(n->outputs[0]) == 0)
        start = 0;
    return walk_make(n, x, x->rank, dims, strides, start, &p->walks[0], d);
}

const OpDef op_slice = {
    .name = "Slice", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .infer = slice_infer, .eval = walk_eval, .emit = walk_emit,
};

/* ---- Split ---------------------------------------------------------------------------- */

static int split_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int axis = op_axis(n, ir_attr_int(n, "axis", 0), x->rank, d);
    if (axis < 0)
        return -1;
    int64_t *split = arena_array(g->arena, (size_t)n->n_outputs + 1, sizeof(int64_t));
    int count = read_ints(n, n->opset < 13 ? -1 : 1, "split", split, n->n_outputs, d);
    if (count == -1)
        return -1;
    int64_t len = x->dims[axis];
    Attr *num = ir_attr(n, "num_outputs");
    if (count == -2) {
        /* equal parts; with num_outputs (opset 18) the last part may be smaller */
        int64_t parts = num ? num->i : n->n_outputs;
        if (parts != n->n_outputs || parts <= 0 || (!num && len % parts)) {
            node_error(d, n, "cannot split axis %d of size %lld into %d equal parts", axis,
                       (long long)len, n->n_outputs);
            return -1;
        }
        int64_t part = (len + parts - 1) / parts;
        for (int i = 0; i < n->n_outputs; i++)
            split[i] = len - i * part < part ? (len - i * part > 0 ? len - i * part : 0) : part;
        count = n->n_outputs;
    }
    int64_t total = 0;
    for (int i = 0; i < count; i++)
        total += split[i] >= 0 ? split[i] : -1;
    if (count != n->n_outputs || total != len) {
        node_error(d, n, "split has %d non-negative parts summing to %lld, but there are %d "
                   "outputs and axis %d has size %lld", count, (long long)total, n->n_outputs,
                   axis, (long long)len);
        return -1;
    }
    int64_t strides[IR_MAX_RANK], dims[IR_MAX_RANK], start = 0;
    row_major_strides(x, strides);
    WalkParams *p = walk_params(g, n);
    for (int i = 0; i < n->n_outputs; i++) {
        memcpy(dims, x->dims, sizeof dims);
        dims[axis] = split[i];
        if (n->outputs[i]) {
            ir_set_shape(n->outputs[i], x->dtype, x->rank, dims);
            if (walk_output_fits(n, i, d) ||
                walk_make(n, x, x->rank, dims, strides, start, &p->walks[i], d))
                return -1;
        }
        start += split[i] * strides[axis];
    }
    return 0;
}

const OpDef op_split = {
    .name = "Split", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1024,
    .infer = split_infer, .eval = walk_eval, .emit = walk_emit,
};

/* ---- Expand --------------------------------------------------------------------------- */

static int expand_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t shape[IR_MAX_RANK];
    int count = read_ints(n, 1, NULL, shape, IR_MAX_RANK, d);
    if (count < 0)
        return -1;
    /* numpy broadcasting of x against a tensor of the given shape */
    Tensor target = {.rank = count};
    memcpy(target.dims, shape, sizeof shape);
    int rank;
    int64_t dims[IR_MAX_RANK], strides[IR_MAX_RANK], in_strides[IR_MAX_RANK];
    if (op_broadcast_shape(n, x, &target, &rank, dims, d))
        return -1;
    row_major_strides(x, in_strides);
    for (int i = 0; i < rank; i++) {
        int ix = i - (rank - x->rank);
        strides[i] = ix < 0 || x->dims[ix] == 1 ? 0 : in_strides[ix];
    }
    ir_set_shape(n->outputs[0], x->dtype, rank, dims);
    if (walk_output_fits(n, 0, d))
        return -1;
    return walk_make(n, x, rank, dims, strides, 0, &walk_params(g, n)->walks[0], d);
}

const OpDef op_expand = {
    .name = "Expand", .min_opset = 8, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = expand_infer, .eval = walk_eval, .emit = walk_emit,
};

/* ---- Tile: output dim i is [repeats[i]][x dim i], the repeat with stride 0 ------------- */

static int tile_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t reps[IR_MAX_RANK];
    int count = read_ints(n, 1, NULL, reps, IR_MAX_RANK, d);
    if (count < 0)
        return -1;
    if (count != x->rank) {
        node_error(d, n, "repeats has %d values but the input has rank %d", count, x->rank);
        return -1;
    }
    int64_t out[IR_MAX_RANK], dims[2 * IR_MAX_RANK], strides[2 * IR_MAX_RANK], in_strides[IR_MAX_RANK];
    row_major_strides(x, in_strides);
    for (int i = 0; i < x->rank; i++) {
        if (reps[i] < 0 || mul_overflow_i64(reps[i], x->dims[i], &out[i])) {
            node_error(d, n, "repeats[%d] = %lld is negative or too large", i, (long long)reps[i]);
            return -1;
        }
        dims[2 * i] = reps[i];
        strides[2 * i] = 0;
        dims[2 * i + 1] = x->dims[i];
        strides[2 * i + 1] = in_strides[i];
    }
    ir_set_shape(n->outputs[0], x->dtype, x->rank, out);
    if (walk_output_fits(n, 0, d))
        return -1;
    return walk_make(n, x, 2 * x->rank, dims, strides, 0, &walk_params(g, n)->walks[0], d);
}

const OpDef op_tile = {
    .name = "Tile", .min_opset = 6, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = tile_infer, .eval = walk_eval, .emit = walk_emit,
};

/* ---- DepthToSpace / SpaceToDepth (NCHW, blocksize b) ----------------------------------- */

static int block_input(Node *n, int64_t *b, Diag *d)
{
    Tensor *x = n->inputs[0];
    *b = ir_attr_int(n, "blocksize", 0);
    if (x->rank != 4 || *b <= 0) {
        node_error(d, n, "needs a 4-D NCHW input and a positive blocksize");
        return -1;
    }
    return 0;
}

static int depth_to_space_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t b;
    if (block_input(n, &b, d))
        return -1;
    const char *mode = ir_attr_str(n, "mode", "DCR");
    int dcr = !strcmp(mode, "DCR");
    if (!dcr && strcmp(mode, "CRD")) {
        node_error(d, n, "mode '%s' is not DCR or CRD", mode);
        return -1;
    }
    int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
    if (b > C) {   /* also keeps b * b and H * b from overflowing */
        node_error(d, n, "blocksize %lld is larger than the channels (%lld)", (long long)b,
                   (long long)C);
        return -1;
    }
    if (C % (b * b)) {
        node_error(d, n, "channels (%lld) are not a multiple of blocksize^2", (long long)C);
        return -1;
    }
    int64_t c = C / (b * b), hw = H * W;
    /* output viewed as [N][c][H][b1][W][b2]; input channel is b1*b*c + b2*c + c (DCR)
     * or c*b*b + b1*b + b2 (CRD) */
    int64_t dims[6] = {N, c, H, b, W, b};
    int64_t st[6] = {C * hw, dcr ? hw : b * b * hw, W, dcr ? b * c * hw : b * hw, 1,
                     dcr ? c * hw : hw};
    int64_t out[4] = {N, c, H * b, W * b};
    ir_set_shape(n->outputs[0], x->dtype, 4, out);
    if (walk_output_fits(n, 0, d))
        return -1;
    return walk_make(n, x, 6, dims, st, 0, &walk_params(g, n)->walks[0], d);
}

static int space_to_depth_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t b;
    if (block_input(n, &b, d))
        return -1;
    int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
    if (H % b || W % b) {
        node_error(d, n, "height and width (%lld, %lld) are not multiples of blocksize %lld",
                   (long long)H, (long long)W, (long long)b);
        return -1;
    }
    /* output viewed as [N][b1][b2][C][H/b][W/b], reading x[n][C][h*b+b1][w*b+b2] */
    int64_t dims[6] = {N, b, b, C, H / b, W / b};
    int64_t st[6] = {C * H * W, W, 1, H * W, b * W, b};
    int64_t out[4] = {N, C * b * b, H / b, W / b};
    ir_set_shape(n->outputs[0], x->dtype, 4, out);
    if (walk_output_fits(n, 0, d))
        return -1;
    return walk_make(n, x, 6, dims, st, 0, &walk_params(g, n)->walks[0], d);
}

const OpDef op_depth_to_space = {
    .name = "DepthToSpace", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = depth_to_space_infer, .eval = walk_eval, .emit = walk_emit,
};

const OpDef op_space_to_depth = {
    .name = "SpaceToDepth", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = space_to_depth_infer, .eval = walk_eval, .emit = walk_emit,
};
