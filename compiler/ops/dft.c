/* SPDX-License-Identifier: MIT */
/* DFT and STFT (opset 17-19: DFT's axis is an attribute) by direct summation; lengths
 * and steps are compile-time constants. */
#include "op_common.h"

#include <string.h>

/* An optional constant integer scalar input, or dflt when absent. */
static int const_scalar(Node *n, int input, int64_t dflt, int64_t *v, Diag *d)
{
    *v = dflt;
    if (n->n_inputs <= input || !n->inputs[input])
        return 0;
    if (op_require_shape_input(n, input, d))
        return -1;
    const Tensor *t = n->inputs[input];
    if (ir_numel(t) != 1 || (t->dtype != DT_S32 && t->dtype != DT_S64)) {
        node_error(d, n, "input %d must be an int32 or int64 scalar", input);
        return -1;
    }
    *v = ir_const_int(t, 0);
    return 0;
}

/* The last dim of a signal: 1 (real) or 2 (complex). */
static int complex_dim(Node *n, const Tensor *x, Diag *d)
{
    int64_t c = x->rank > 0 ? x->dims[x->rank - 1] : 0;
    if (c != 1 && c != 2) {
        node_error(d, n, "the input's last dim must be 1 (real) or 2 (complex), got %lld",
                   (long long)c);
        return -1;
    }
    return (int)c;
}

static int dft_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d))
        return -1;
    int c = complex_dim(n, x, d);
    if (c < 0)
        return -1;
    int64_t axis = ir_attr_int(n, "axis", 1), n_fft;
    if (axis < 0)
        axis += x->rank;
    if (x->rank < 3 || axis < 1 || axis > x->rank - 2) {
        node_error(d, n, "axis must name a signal dim (1 to rank - 2), got %lld for rank %d",
                   (long long)ir_attr_int(n, "axis", 1), x->rank);
        return -1;
    }
    if (const_scalar(n, 1, x->dims[axis], &n_fft, d))
        return -1;
    int inverse = ir_attr_int(n, "inverse", 0) != 0, onesided = ir_attr_int(n, "onesided", 0) != 0;
    if (n_fft < 1 || n_fft > INT32_MAX || (onesided && (inverse || c == 2))) {
        node_error(d, n, "dft_length must be >= 1, and onesided needs a real forward DFT");
        return -1;
    }
    int64_t dims[IR_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    dims[axis] = onesided ? n_fft / 2 + 1 : n_fft;
    dims[x->rank - 1] = 2;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, dims);
    if (op_fits_i32(n, ir_numel(x), "size", d) || op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; i++)
        outer *= x->dims[i];
    for (int i = (int)axis + 1; i < x->rank - 1; i++)
        inner *= x->dims[i];
    kiln_dft_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_dft_params){(int32_t)outer, (int32_t)x->dims[axis], (int32_t)inner, c == 2,
                           (int32_t)n_fft, (int32_t)dims[axis], inverse};
    n->params = p;
    return 0;
}

static int dft_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_dft_f32(n->params, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int dft_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_dft_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_dft_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d};\n", p->outer, p->n_in, p->inner, p->complex_in,
            p->n_fft, p->n_out, p->inverse);
    cg_stmt(e, "kiln_dft_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_dft_f32");
    return 0;
}

const OpDef op_dft = {
    .name = "DFT", .min_opset = 17, .max_opset = 19,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = dft_infer, .eval = dft_eval, .emit = dft_emit,
};

/* ---- STFT --------------------------------------------------------------------------- */

/* frame_length: the input, else the window's length (they must agree when both given). */
static int frame_length(Node *n, int64_t *len, Diag *d)
{
    const Tensor *w = n->n_inputs > 2 ? n->inputs[2] : NULL;
    if (w && (op_require_float(n, 2, d) || w->rank != 1)) {
        if (w->rank != 1)
            node_error(d, n, "window must be 1-D");
        return -1;
    }
    if (const_scalar(n, 3, w ? w->dims[0] : -1, len, d))
        return -1;
    if (*len < 1 || *len > INT32_MAX || (w && w->dims[0] != *len)) {
        node_error(d, n, "needs frame_length or a window (of frame_length points), >= 1");
        return -1;
    }
    return 0;
}

static int stft_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (op_require_float(n, 0, d))
        return -1;
    int c = complex_dim(n, x, d);
    int64_t step, len;
    if (c < 0 || x->rank != 3 || !n->inputs[1] || const_scalar(n, 1, 0, &step, d) ||
        frame_length(n, &len, d)) {
        if (c >= 0 && x->rank != 3)
            node_error(d, n, "signal must be [batch, length, 1 or 2]");
        return -1;
    }
    int onesided = ir_attr_int(n, "onesided", 1) != 0;
    if (step < 1 || step > INT32_MAX || len > x->dims[1] || (onesided && c == 2)) {
        node_error(d, n, "needs frame_step >= 1, frame_length <= the signal length (%lld), "
                         "and a real signal when onesided", (long long)x->dims[1]);
        return -1;
    }
    int64_t dims[4] = {x->dims[0], (x->dims[1] - len) / step + 1, onesided ? len / 2 + 1 : len, 2};
    ir_set_shape(n->outputs[0], DT_F32, 4, dims);
    if (op_fits_i32(n, ir_numel(x), "size", d) || op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    kiln_stft_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_stft_params){(int32_t)dims[0], (int32_t)x->dims[1], c == 2, (int32_t)step,
                            (int32_t)dims[1], (int32_t)len, (int32_t)dims[2]};
    n->params = p;
    return 0;
}

static const Tensor *stft_window(const Node *n)
{
    return n->n_inputs > 2 ? n->inputs[2] : NULL;
}

static int stft_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    const Tensor *w = stft_window(n);
    kiln_stft_f32(n->params, n->inputs[0]->data, w ? w->data : NULL, n->outputs[0]->data);
    return 0;
}

static int stft_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_stft_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_stft_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d};\n", p->batch, p->len, p->complex_in, p->step,
            p->frames, p->frame_len, p->n_out);
    Tensor *w = n->n_inputs > 2 ? n->inputs[2] : NULL;
    cg_stmt(e, "kiln_stft_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            w ? cg_ptr(e, w) : "NULL", cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_dft_f32");
    return 0;
}

const OpDef op_stft = {
    .name = "STFT", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 4, .min_outputs = 1, .max_outputs = 1,
    .infer = stft_infer, .eval = stft_eval, .emit = stft_emit,
};
