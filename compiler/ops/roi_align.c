/* SPDX-License-Identifier: MIT */
/* RoiAlign (opset 10+; coordinate_transformation_mode from 16): rois and batch_indices are
 * read at run time; a bad batch index or an oversized roi makes NAME_run() return 1. */
#include "op_common.h"

#include <string.h>

static int roi_attrs(Node *n, kiln_roi_align_params *p, Diag *d)
{
    const char *mode = ir_attr_str(n, "mode", "avg");
    /* opset 10 had no attribute and behaved as output_half_pixel */
    const char *ct = ir_attr_str(n, "coordinate_transformation_mode",
                                 n->opset >= 16 ? "half_pixel" : "output_half_pixel");
    if (strcmp(mode, "avg") && strcmp(mode, "max")) {
        node_error(d, n, "mode '%s' is not supported (avg or max)", mode);
        return -1;
    }
    if (strcmp(ct, "half_pixel") && strcmp(ct, "output_half_pixel")) {
        node_error(d, n, "coordinate_transformation_mode '%s' is not supported", ct);
        return -1;
    }
    int64_t oh = ir_attr_int(n, "output_height", 1), ow = ir_attr_int(n, "output_width", 1);
    int64_t sr = ir_attr_int(n, "sampling_ratio", 0);
    if (oh < 1 || ow < 1 || oh > OP_MAX_WINDOW || ow > OP_MAX_WINDOW || sr < 0 || sr > 256) {
        node_error(d, n, "output_height/output_width must be in [1, 2^24] and sampling_ratio "
                         "in [0, 256]");
        return -1;
    }
    p->out_h = (int32_t)oh, p->out_w = (int32_t)ow, p->sampling_ratio = (int32_t)sr;
    p->spatial_scale = ir_attr_float(n, "spatial_scale", 1.0f);
    p->half_pixel = !strcmp(ct, "half_pixel");
    p->max_mode = !strcmp(mode, "max");
    return 0;
}

static int roi_align_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0], *rois = n->inputs[1], *bi = n->inputs[2];
    if (op_require_float(n, 0, d) || op_require_float(n, 1, d))
        return -1;
    if (x->rank != 4 || rois->rank != 2 || rois->dims[1] != 4 || bi->dtype != DT_S64 ||
        bi->rank != 1 || bi->dims[0] != rois->dims[0]) {
        node_error(d, n, "needs X [N, C, H, W], rois [R, 4] and int64 batch_indices [R]");
        return -1;
    }
    kiln_roi_align_params *p = arena_alloc(g->arena, sizeof *p);
    if (roi_attrs(n, p, d))
        return -1;
    int64_t out[4] = {rois->dims[0], x->dims[1], p->out_h, p->out_w};
    ir_set_shape(n->outputs[0], DT_F32, 4, out);
    if (op_fits_i32(n, ir_numel(x), "X size", d) || op_fits_i32(n, ir_numel(rois), "rois size", d) ||
        op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    p->n = (int32_t)x->dims[0], p->c = (int32_t)x->dims[1];
    p->h = (int32_t)x->dims[2], p->w = (int32_t)x->dims[3], p->n_rois = (int32_t)out[0];
    n->params = p;
    return 0;
}

static int roi_align_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (kiln_roi_align_f32(n->params, n->inputs[0]->data, n->inputs[1]->data,
                           n->inputs[2]->data, n->outputs[0]->data)) {
        node_error(d, n, "a batch index is out of range or a roi needs more than %d samples "
                         "per bin", KILN_ROI_MAX_SAMPLES);
        return -1;
    }
    return 0;
}

static int roi_align_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_roi_align_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_roi_align_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %s, %d, %d};\n", p->n, p->c, p->h, p->w,
            p->n_rois, p->out_h, p->out_w, p->sampling_ratio, cg_float(e, p->spatial_scale),
            p->half_pixel, p->max_mode);
    cg_stmt(e, "if (kiln_roi_align_f32(&%s, %s, %s, %s, %s) != 0)\n        return 1;\n", pn,
            cg_ptr(e, n->inputs[0]), cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_roi_align_f32");
    return 0;
}

const OpDef op_roi_align = {
    .name = "RoiAlign", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 3, .min_outputs = 1, .max_outputs = 1,
    .infer = roi_align_infer, .eval = roi_align_eval, .emit = roi_align_emit,
};
