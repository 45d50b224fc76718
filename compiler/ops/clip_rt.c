/* SPDX-License-Identifier: MIT */
/* Clip (opset >= 11) whose min or max is not a constant, e.g. a graph input: the bounds are
 * read at run time by kiln_clip_rt, on any numeric type. */
#include "op_common.h"

typedef struct {
    kiln_dtype type;
    int32_t n;
} ClipRtParams;

static int clip_rt_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    if (x->dtype == DT_BOOL) {
        node_error(d, n, "input 0 ('%s') has type bool; Clip needs a numeric type", x->name);
        return -1;
    }
    for (int i = 1; i < n->n_inputs && i < 3; i++) {
        Tensor *t = n->inputs[i];
        if (t && (ir_numel(t) != 1 || t->dtype != x->dtype)) {
            node_error(d, n, "Clip's %s bound ('%s') must be a scalar of the input's type %s "
                       "(it has type %s and %lld elements)", i == 1 ? "min" : "max", t->name,
                       dtype_name(x->dtype), dtype_name(t->dtype), (long long)ir_numel(t));
            return -1;
        }
    }
    if (op_fits_i32(n, ir_numel(x), "size", d))
        return -1;
    ir_set_shape(n->outputs[0], x->dtype, x->rank, x->dims);
    ClipRtParams *p = arena_alloc(g->arena, sizeof *p);
    p->type = op_kiln_dtype(x->dtype);
    p->n = (int32_t)ir_numel(x);
    n->params = p;
    return 0;
}

static const void *bound_data(const Node *n, int i)
{
    return i < n->n_inputs && n->inputs[i] ? n->inputs[i]->data : NULL;
}

static int clip_rt_eval(Graph *g, Node *n, Diag *d)
{
    const ClipRtParams *p = n->params;
    op_allocate_outputs(g, n);
    kiln_clip_rt(p->type, p->n, n->inputs[0]->data, bound_data(n, 1), bound_data(n, 2),
                 n->outputs[0]->data);
    return 0;
}

static const char *bound_ptr(Emit *e, Node *n, int i)
{
    return i < n->n_inputs && n->inputs[i] ? cg_ptr(e, n->inputs[i]) : "NULL";
}

static int clip_rt_emit(Emit *e, Node *n, Diag *d)
{
    const ClipRtParams *p = n->params;
    cg_stmt(e, "kiln_clip_rt(%s, %d, %s, %s, %s, %s);\n", op_kiln_dtype_name(n->inputs[0]->dtype),
            p->n, cg_ptr(e, n->inputs[0]), bound_ptr(e, n, 1), bound_ptr(e, n, 2),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_clip_rt");
    return 0;
}

/* Each y[i] is written right after x[i] is read, so y may start at x. */
static unsigned clip_rt_in_place(const Node *n) { return 1u; }

const OpDef op_clip_rt = {
    .name = "Clip.rt", .min_opset = 11, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = clip_rt_infer, .eval = clip_rt_eval, .emit = clip_rt_emit,
    .in_place_inputs = clip_rt_in_place,
};
