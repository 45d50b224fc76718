/* SPDX-License-Identifier: MIT */
/* GridSample (opset 16+), 2 spatial dims: the grid is a run-time input, so the kernel
 * does all coordinate work; here only the attributes and shapes are checked. */
#include "op_common.h"

#include <string.h>

/* Index of v in names, or -1 with an error naming the attribute. */
static int pick(Node *n, const char *attr, const char *dflt, const char *const *names, int count,
                Diag *d)
{
    const char *v = ir_attr_str(n, attr, dflt);
    for (int i = 0; i < count; i++)
        if (!strcmp(v, names[i]))
            return i;
    node_error(d, n, "%s '%s' is not supported", attr, v);
    return -1;
}

/* Opset 20 renamed bilinear/bicubic to linear/cubic; both spellings are accepted. */
static int parse_mode(Node *n, Diag *d)
{
    static const char *const modes[] = {"nearest", "bilinear", "bicubic", "linear", "cubic"};
    int m = pick(n, "mode", "bilinear", modes, 5, d);
    return m < 0 ? -1 : m == 0 ? KILN_GS_NEAREST : (m == 1 || m == 3) ? KILN_GS_LINEAR
                                                                      : KILN_GS_CUBIC;
}

static int check_shapes(Node *n, const Tensor *x, const Tensor *grid, Diag *d)
{
    if (x->rank != 4 || grid->rank != 4) {
        node_error(d, n, "supports 2 spatial dims only: X must be [N, C, H, W] and grid "
                         "[N, H_out, W_out, 2] (got ranks %d and %d)", x->rank, grid->rank);
        return -1;
    }
    if (grid->dims[0] != x->dims[0] || grid->dims[3] != 2) {
        node_error(d, n, "grid must be [N, H_out, W_out, 2] with N = %lld (got [%lld, %lld, "
                         "%lld, %lld])", (long long)x->dims[0], (long long)grid->dims[0],
                   (long long)grid->dims[1], (long long)grid->dims[2], (long long)grid->dims[3]);
        return -1;
    }
    if (x->dims[2] < 1 || x->dims[3] < 1) {
        node_error(d, n, "X must have H and W of at least 1");
        return -1;
    }
    return 0;
}

static int grid_sample_infer(Graph *g, Node *n, Diag *d)
{
    static const char *const pads[] = {"zeros", "border", "reflection"};
    Tensor *x = n->inputs[0], *grid = n->inputs[1];
    if (op_require_float(n, 0, d) || op_require_float(n, 1, d) || check_shapes(n, x, grid, d))
        return -1;
    int mode = parse_mode(n, d), padding = pick(n, "padding_mode", "zeros", pads, 3, d);
    if (mode < 0 || padding < 0)
        return -1;
    int64_t out[4] = {x->dims[0], x->dims[1], grid->dims[1], grid->dims[2]};
    ir_set_shape(n->outputs[0], DT_F32, 4, out);
    if (op_fits_i32(n, ir_numel(x), "X size", d) || op_fits_i32(n, ir_numel(grid), "grid size", d) ||
        op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    kiln_grid_sample_params *p = arena_alloc(g->arena, sizeof *p);
    *p = (kiln_grid_sample_params){(int32_t)out[0], (int32_t)out[1], (int32_t)x->dims[2],
                                   (int32_t)x->dims[3], (int32_t)out[2], (int32_t)out[3],
                                   mode, padding, ir_attr_int(n, "align_corners", 0) != 0};
    n->params = p;
    return 0;
}

static int grid_sample_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_grid_sample_f32(n->params, n->inputs[0]->data, n->inputs[1]->data, n->outputs[0]->data);
    return 0;
}

static int grid_sample_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_grid_sample_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_grid_sample_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %d};\n", p->n, p->c, p->h, p->w, p->out_h,
            p->out_w, p->mode, p->padding, p->align_corners);
    cg_stmt(e, "kiln_grid_sample_f32(&%s, %s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->inputs[1]), cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_grid_sample_f32");
    return 0;
}

const OpDef op_grid_sample = {
    .name = "GridSample", .min_opset = 16, .max_opset = 1000,
    .min_inputs = 2, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = grid_sample_infer, .eval = grid_sample_eval, .emit = grid_sample_emit,
};
