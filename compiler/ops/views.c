/* SPDX-License-Identifier: MIT */
/* Ops that only reinterpret their input: Flatten, Reshape, Squeeze, Unsqueeze, Identity,
 * Dropout (inference). They cost nothing: the output aliases the input's storage. */
#include "op_common.h"

#include <string.h>

static int view_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    memcpy(n->outputs[0]->data, n->inputs[0]->data, (size_t)ir_bytes(n->inputs[0]));
    if (n->n_outputs > 1 && n->outputs[1])   /* Dropout's mask: all kept */
        memset(n->outputs[1]->data, 1, (size_t)ir_bytes(n->outputs[1]));
    return 0;
}

static int set_view_shape(Node *n, int rank, const int64_t *dims, Diag *d)
{
    Tensor *x = n->inputs[0], *y = n->outputs[0];
    ir_set_shape(y, x->dtype, rank, dims);
    if (ir_numel(y) != ir_numel(x)) {
        char sx[128], sy[128];
        node_error(d, n, "cannot reshape %s (%lld elements) into %s", ir_shape_str(x, sx, sizeof sx),
                   (long long)ir_numel(x), ir_shape_str(y, sy, sizeof sy));
        return -1;
    }
    return 0;
}

/* Reads the axes of Squeeze/Unsqueeze from the attribute (opset < 13) or input 1. */
static int read_axes(Node *n, int64_t *axes, int *count, Diag *d)
{
    *count = -1;
    if (n->opset < 13) {
        *count = ir_attr_ints(n, "axes", axes, IR_MAX_RANK);
    } else if (n->n_inputs > 1 && n->inputs[1]) {
        Tensor *t = n->inputs[1];
        if (op_require_shape_input(n, 1, d))
            return -1;
        if (ir_numel(t) > IR_MAX_RANK) {
            node_error(d, n, "too many axes");
            return -1;
        }
        *count = (int)ir_numel(t);
        for (int i = 0; i < *count; i++)
            axes[i] = ir_const_int(t, i);
    }
    if (*count > IR_MAX_RANK) {
        node_error(d, n, "too many axes");
        return -1;
    }
    return 0;
}

static int flatten_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t axis = ir_attr_int(n, "axis", 1);
    if (axis < -x->rank || axis > x->rank) {
        node_error(d, n, "axis %lld is out of range for rank %d", (long long)axis, x->rank);
        return -1;
    }
    if (axis < 0)
        axis += x->rank;
    int64_t dims[2] = {1, 1};
    for (int i = 0; i < x->rank; i++)
        dims[i >= axis] *= x->dims[i];
    return set_view_shape(n, 2, dims, d);
}

static int reshape_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t shape[IR_MAX_RANK];
    int rank;
    if (n->opset < 5) {
        rank = ir_attr_ints(n, "shape", shape, IR_MAX_RANK);
    } else {
        Tensor *s = n->n_inputs > 1 ? n->inputs[1] : NULL;
        if (!s || op_require_shape_input(n, 1, d))
            return -1;
        if (s->rank != 1 || ir_numel(s) > IR_MAX_RANK) {
            node_error(d, n, "the shape input must be 1-D with at most %d elements", IR_MAX_RANK);
            return -1;
        }
        rank = (int)ir_numel(s);
        for (int i = 0; i < rank; i++)
            shape[i] = ir_const_int(s, i);
    }
    if (rank < 0 || rank > IR_MAX_RANK) {
        node_error(d, n, "missing or too long target shape");
        return -1;
    }
    int allowzero = (int)ir_attr_int(n, "allowzero", 0);
    int infer_at = -1;
    int64_t known = 1;
    for (int i = 0; i < rank; i++) {
        if (shape[i] == 0 && !allowzero) {
            if (i >= x->rank) {
                node_error(d, n, "shape[%d] = 0 copies a dimension the input does not have", i);
                return -1;
            }
            shape[i] = x->dims[i];
        }
        if (shape[i] == -1) {
            if (infer_at >= 0) {
                node_error(d, n, "the target shape has more than one -1");
                return -1;
            }
            infer_at = i;
        } else if (shape[i] < 0) {
            node_error(d, n, "the target shape has a negative dimension %lld", (long long)shape[i]);
            return -1;
        } else if (mul_overflow_i64(known, shape[i], &known)) {
            node_error(d, n, "the target shape overflows");
            return -1;
        }
    }
    if (infer_at >= 0) {
        if (known == 0 || ir_numel(x) % known) {
            node_error(d, n, "cannot infer the -1 dimension: %lld elements do not divide by %lld",
                       (long long)ir_numel(x), (long long)known);
            return -1;
        }
        shape[infer_at] = ir_numel(x) / known;
    }
    return set_view_shape(n, rank, shape, d);
}

static int squeeze_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t axes[IR_MAX_RANK];
    int count;
    if (read_axes(n, axes, &count, d))
        return -1;
    int drop[IR_MAX_RANK] = {0};
    for (int i = 0; i < count; i++) {
        int a = op_axis(n, axes[i], x->rank, d);
        if (a < 0)
            return -1;
        if (x->dims[a] != 1) {
            node_error(d, n, "cannot squeeze axis %d of size %lld", a, (long long)x->dims[a]);
            return -1;
        }
        drop[a] = 1;
    }
    int64_t dims[IR_MAX_RANK];
    int r = 0;
    for (int i = 0; i < x->rank; i++)
        if (!(count < 0 ? x->dims[i] == 1 : drop[i]))
            dims[r++] = x->dims[i];
    return set_view_shape(n, r, dims, d);
}

static int unsqueeze_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int64_t axes[IR_MAX_RANK];
    int count;
    if (read_axes(n, axes, &count, d))
        return -1;
    if (count < 0) {
        node_error(d, n, "axes are required");
        return -1;
    }
    int rank = x->rank + count;
    if (rank > IR_MAX_RANK) {
        node_error(d, n, "the output would have rank %d (max %d)", rank, IR_MAX_RANK);
        return -1;
    }
    int insert[IR_MAX_RANK] = {0};
    for (int i = 0; i < count; i++) {
        int a = op_axis(n, axes[i], rank, d);
        if (a < 0)
            return -1;
        if (insert[a]) {
            node_error(d, n, "axis %d is repeated", a);
            return -1;
        }
        insert[a] = 1;
    }
    int64_t dims[IR_MAX_RANK];
    for (int i = 0, k = 0; i < rank; i++)
        dims[i] = insert[i] ? 1 : x->dims[k++];
    return set_view_shape(n, rank, dims, d);
}

/* Dropout in training mode keeps every element only when its ratio is 0; any other ratio
 * draws a random mask, which deterministic generated code cannot reproduce. */
static int dropout_training_check(Node *n, Diag *d)
{
    if (n->n_inputs < 3 || !n->inputs[2])
        return 0;
    if (op_require_const(n, 2, d))
        return -1;
    if (!ir_const_int(n->inputs[2], 0))
        return 0;
    float ratio = 0.5f;   /* the default of opset 12+ */
    if (n->n_inputs > 1 && n->inputs[1]) {
        if (op_require_const(n, 1, d) || op_require_float(n, 1, d))
            return -1;
        ratio = ir_const_float(n->inputs[1], 0);
    }
    if (ratio != 0.0f) {
        node_error(d, n, "training_mode is true with ratio %g (not supported: the output depends "
                   "on a random mask; generated code is deterministic)", (double)ratio);
        return -1;
    }
    return 0;
}

/* The mask output: every element kept (inference, or training with ratio 0), a constant. */
static void dropout_mask(Graph *g, Node *n)
{
    Tensor *x = n->inputs[0], *mask = n->n_outputs > 1 ? n->outputs[1] : NULL;
    if (!mask)
        return;
    ir_set_shape(mask, DT_BOOL, x->rank, x->dims);
    if (!ir_count_uses(g, mask))
        return;   /* the common case: no constant to keep */
    memset(ir_alloc_data(g, mask), 1, (size_t)ir_bytes(mask));
}

static int identity_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (!strcmp(n->op->name, "Dropout")) {
        ir_attr(n, "ratio");      /* inference: dropout is the identity */
        ir_attr(n, "seed");
        ir_attr(n, "is_test");
        if (dropout_training_check(n, d))
            return -1;
        dropout_mask(g, n);
    }
    return set_view_shape(n, x->rank, x->dims, d);
}

#define VIEW_OP(id, onnx_name, max_in, max_out, infer_fn)                                      \
    const OpDef op_##id = {                                                                    \
        .name = onnx_name, .min_opset = 1, .max_opset = 1000,                                  \
        .min_inputs = 1, .max_inputs = max_in, .min_outputs = 1, .max_outputs = max_out,       \
        .flags = OPF_VIEW, .infer = infer_fn, .eval = view_eval,                               \
    };

VIEW_OP(flatten, "Flatten", 1, 1, flatten_infer)
VIEW_OP(reshape, "Reshape", 2, 1, reshape_infer)
VIEW_OP(squeeze, "Squeeze", 2, 1, squeeze_infer)
VIEW_OP(unsqueeze, "Unsqueeze", 2, 1, unsqueeze_infer)
VIEW_OP(identity, "Identity", 1, 1, identity_infer)
VIEW_OP(dropout, "Dropout", 3, 2, identity_infer)
