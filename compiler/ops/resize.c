/* SPDX-License-Identifier: MIT */
/* Resize (opset 10 and 11+) and Upsample: every output coordinate's input taps and
 * weights are computed here, per axis, in float arithmetic as ONNX Runtime does, and the
 * run-time kernel only sums products. Modes nearest (4 nearest_modes), linear, cubic
 * (cubic_coeff_a, exclude_outside); all coordinate_transformation_modes including
 * tf_crop_and_resize with extrapolation_value. */
#include "op_common.h"

#include <math.h>
#include <string.h>

typedef enum { RS_NEAREST, RS_LINEAR, RS_CUBIC } ResizeMode;
typedef enum { CT_HALF_PIXEL, CT_PYTORCH_HALF_PIXEL, CT_ALIGN_CORNERS, CT_ASYMMETRIC,
               CT_TF_HALF_PIXEL_FOR_NN, CT_TF_CROP_AND_RESIZE } CoordMode;
typedef enum { NM_ROUND_PREFER_FLOOR, NM_ROUND_PREFER_CEIL, NM_FLOOR, NM_CEIL,
               NM_SIMPLE } NearestMode;   /* SIMPLE: opset < 11 (floor up, ceil down) */

typedef struct {
    ResizeMode mode;
    CoordMode coord;
    NearestMode nearest;
    float cubic_a;
    int exclude_outside;
} ResizeAttrs;

typedef struct {
    kiln_resize_params k;
    int32_t *index;
    float *weight;
    uint8_t *outside;
    int n_taps, n_outside;
} ResizeParams;

static int pick(Node *n, const char *attr, const char *dflt, const char *const *names, int count,
                int *out, Diag *d)
{
    const char *v = ir_attr_str(n, attr, dflt);
    for (int i = 0; i < count; i++)
        if (!strcmp(v, names[i])) {
            *out = i;
            return 0;
        }
    node_error(d, n, "%s '%s' is not supported", attr, v);
    return -1;
}

static int parse_attrs(Node *n, int legacy, ResizeAttrs *a, Diag *d)
{
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    static const char *const coords[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                         "asymmetric", "tf_half_pixel_for_nn",
                                         "tf_crop_and_resize"};
    static const char *const nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                          "ceil"};
    int m, c = CT_ASYMMETRIC, nm = NM_SIMPLE;
    if (pick(n, "mode", "nearest", modes, legacy ? 2 : 3, &m, d))
        return -1;
    if (!legacy && (pick(n, "coordinate_transformation_mode", "half_pixel", coords, 6, &c, d) ||
                    pick(n, "nearest_mode", "round_prefer_floor", nearest, 4, &nm, d)))
        return -1;
    a->mode = (ResizeMode)m;
    a->coord = (CoordMode)c;
    a->nearest = (NearestMode)nm;
    a->cubic_a = legacy ? -0.75f : ir_attr_float(n, "cubic_coeff_a", -0.75f);
    a->exclude_outside = legacy ? 0 : (int)ir_attr_int(n, "exclude_outside", 0);
    if (!legacy && ir_attr_int(n, "antialias", 0)) {
        node_error(d, n, "not supported: antialias");
        return -1;
    }
    return 0;
}

/* Input coordinate of output coordinate o (ONNX Runtime's float formulas). The resized
 * length in align_corners and tf_crop_and_resize is in * scale, not floored (as in the
 * ONNX reference). */
static float original_coord(const ResizeAttrs *a, int64_t o, float scale, int64_t in, int64_t out,
                            float roi_start, float roi_end)
{
    float x = (float)o, len = (float)in * scale;
    switch (a->coord) {
    case CT_HALF_PIXEL: return (x + 0.5f) / scale - 0.5f;
    case CT_PYTORCH_HALF_PIXEL: return out > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    case CT_ALIGN_CORNERS: return out == 1 ? 0.0f : x * (float)(in - 1) / (len - 1.0f);
    case CT_ASYMMETRIC: return x / scale;
    case CT_TF_HALF_PIXEL_FOR_NN: return (x + 0.5f) / scale;
    case CT_TF_CROP_AND_RESIZE:
        return out > 1 ? roi_start * (float)(in - 1) +
                             x * (roi_end - roi_start) * (float)(in - 1) / (len - 1.0f)
                       : 0.5f * (roi_start + roi_end) * (float)(in - 1);
    }
    return x;
}

static int64_t clamp_index(int64_t i, int64_t in)
{
    return i < 0 ? 0 : i >= in ? in - 1 : i;
}

static int64_t nearest_index(const ResizeAttrs *a, float x, float scale)
{
    switch (a->nearest) {
    case NM_ROUND_PREFER_FLOOR: return x == floorf(x) + 0.5f ? (int64_t)floorf(x) : (int64_t)roundf(x);
    case NM_ROUND_PREFER_CEIL: return (int64_t)roundf(x);
    case NM_FLOOR: return (int64_t)floorf(x);
    case NM_CEIL: return (int64_t)ceilf(x);
    case NM_SIMPLE: return scale < 1.0f ? (int64_t)ceilf(x) : (int64_t)x;
    }
    return 0;
}

/* Fills the taps of one output coordinate; returns 1 if it lies outside (crop mode). */
static int coord_taps(const ResizeAttrs *a, float x, float scale, int64_t in, int32_t *idx,
                      float *w)
{
    if (a->coord == CT_TF_CROP_AND_RESIZE && (x < 0.0f || x > (float)(in - 1)))
        return 1;
    if (a->mode == RS_NEAREST) {
        idx[0] = (int32_t)clamp_index(nearest_index(a, x, scale), in);
        w[0] = 1.0f;
    } else if (a->mode == RS_LINEAR) {
        float c = x < 0.0f ? 0.0f : x > (float)(in - 1) ? (float)(in - 1) : x;
        int64_t x1 = clamp_index((int64_t)c, in), x2 = clamp_index(x1 + 1, in);
        float d1 = fabsf(c - (float)x1), d2 = fabsf(c - (float)x2);
        if (x1 == x2)
            d1 = d2 = 0.5f;
        idx[0] = (int32_t)x1, w[0] = d2;
        idx[1] = (int32_t)x2, w[1] = d1;
    } else {
        float A = a->cubic_a, xi = floorf(x), s = x - xi, t = 1.0f - s, sum = 0.0f;
        float c[4] = {((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A,
                      ((A + 2) * s - (A + 3)) * s * s + 1,
                      ((A + 2) * t - (A + 3)) * t * t + 1,
                      ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A};
        for (int k = 0; k < 4; k++) {
            int64_t i = (int64_t)xi - 1 + k;
            if (a->exclude_outside && (i < 0 || i >= in))
                c[k] = 0.0f;
            sum += c[k];
            idx[k] = (int32_t)clamp_index(i, in);
        }
        for (int k = 0; k < 4; k++)
            w[k] = a->exclude_outside ? c[k] / sum : c[k];
    }
    return 0;
}

/* Reads the float values of a constant input, or 0 values if it is absent or empty. */
static int float_input(Node *n, int i, float *v, int max, Diag *d)
{
    if (i >= n->n_inputs || !n->inputs[i] || ir_numel(n->inputs[i]) == 0)
        return 0;
    if (op_require_shape_input(n, i, d))
        return -1;
    if (ir_numel(n->inputs[i]) > max) {
        node_error(d, n, "input %d has too many values", i);
        return -1;
    }
    for (int k = 0; k < (int)ir_numel(n->inputs[i]); k++)
        v[k] = ir_const_float(n->inputs[i], k);
    return (int)ir_numel(n->inputs[i]);
}

static int resize_infer(Graph *g, Node *n, Diag *d)
{
    Tensor *x = n->inputs[0];
    int upsample = !strcmp(n->op->name, "Upsample"), legacy = upsample || n->opset < 11;
    ResizeAttrs a;
    if (op_require_float(n, 0, d) || parse_attrs(n, legacy, &a, d))
        return -1;
    float scales[IR_MAX_RANK], roi[2 * IR_MAX_RANK], sizes_f[IR_MAX_RANK];
    int ns, nr = 0, nz = 0;
    if (upsample && n->opset < 9) {
        Attr *sa = ir_attr(n, "scales");
        ns = sa && sa->type == ATTR_FLOATS && sa->n <= IR_MAX_RANK ? sa->n : -1;
        for (int i = 0; i < ns; i++)
            scales[i] = sa->floats[i];
    } else {
        int si = legacy ? 1 : 2;
        ns = float_input(n, si, scales, IR_MAX_RANK, d);
        if (!legacy && ns >= 0) {
            nr = float_input(n, 1, roi, 2 * IR_MAX_RANK, d);
            nz = float_input(n, 3, sizes_f, IR_MAX_RANK, d);
        }
    }
    if (ns < 0 || nr < 0 || nz < 0)
        return -1;
    if ((ns != x->rank && nz != x->rank) || (ns && nz) ||
        (a.coord == CT_TF_CROP_AND_RESIZE && nr != 2 * x->rank)) {
        node_error(d, n, "needs %d scales or sizes (one of them)%s", x->rank,
                   a.coord == CT_TF_CROP_AND_RESIZE ? " and a roi of 2 x rank values" : "");
        return -1;
    }
    ResizeParams *p = arena_alloc(g->arena, sizeof *p);
    int64_t out[IR_MAX_RANK];
    int taps = a.mode == RS_NEAREST ? 1 : a.mode == RS_LINEAR ? 2 : 4;
    for (int i = 0; i < x->rank; i++) {
        /* range-checked before the conversion: a huge or NaN float has no int64 value */
        const float want = nz ? sizes_f[i] : (float)x->dims[i] * scales[i];
        out[i] = want > 0.0f && want < 2147483648.0f ? (int64_t)want : 0;
        if (nz)
            scales[i] = (float)out[i] / (float)x->dims[i];
        if (!(scales[i] > 0.0f) || out[i] <= 0 || out[i] > INT32_MAX) {
            node_error(d, n, "axis %d: scale %g gives output size %g (must be 1 to 2^31 - 1)",
                       i, (double)scales[i], (double)want);
            return -1;
        }
        if (out[i] * taps > (1 << 24) - (int64_t)p->n_taps) {   /* tables are allocated now */
            node_error(d, n, "the interpolation tables would exceed 2^24 entries");
            return -1;
        }
        p->n_taps += (int)out[i] * taps;
        p->n_outside += (int)out[i];
    }
    ir_set_shape(n->outputs[0], DT_F32, x->rank, out);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d) ||
        op_fits_i32(n, ir_numel(x), "input size", d) || op_fits_i32(n, p->n_taps, "taps", d))
        return -1;
    p->index = arena_array(g->arena, (size_t)p->n_taps + 1, sizeof(int32_t));
    p->weight = arena_array(g->arena, (size_t)p->n_taps + 1, sizeof(float));
    p->outside = arena_array(g->arena, (size_t)p->n_outside + 1, 1);
    int ti = 0, oi = 0, any_outside = 0;
    for (int i = 0; i < x->rank; i++) {
        for (int64_t o = 0; o < out[i]; o++, ti += taps, oi++) {
            float c = original_coord(&a, o, scales[i], x->dims[i], out[i], nr ? roi[i] : 0.0f,
                                     nr ? roi[x->rank + i] : 1.0f);
            p->outside[oi] = (uint8_t)coord_taps(&a, c, scales[i], x->dims[i], p->index + ti,
                                                 p->weight + ti);
            any_outside |= p->outside[oi];
        }
        p->k.in_dims[i] = (int32_t)x->dims[i];
        p->k.out_dims[i] = (int32_t)out[i];
        p->k.taps[i] = taps;
    }
    if (!any_outside)
        p->n_outside = 0;
    p->k.rank = x->rank;
    p->k.index = p->index;
    p->k.weight = p->weight;
    p->k.outside = p->n_outside ? p->outside : NULL;
    p->k.extrapolation = legacy ? 0.0f : ir_attr_float(n, "extrapolation_value", 0.0f);
    n->params = p;
    return 0;
}

static int resize_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_resize_f32(&((ResizeParams *)n->params)->k, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

static int resize_emit(Emit *e, Node *n, Diag *d)
{
    const ResizeParams *p = n->params;
    const char *idx = cg_new_array(e, "int32_t", p->n_taps);
    cg_decl(e, "%s;\n", cg_i32_list(e, p->index, p->n_taps));
    const char *w = cg_new_array(e, "float", p->n_taps);
    Buf b = {0};
    for (int i = 0; i < p->n_taps; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", cg_float(e, p->weight[i]));
    cg_decl(e, "{%s};\n", b.data);
    buf_free(&b);
    const char *outside = "0";
    if (p->n_outside) {
        outside = cg_new_array(e, "uint8_t", p->n_outside);
        for (int i = 0; i < p->n_outside; i++)
            buf_printf(&b, "%s%u", i ? ", " : "", (unsigned)p->outside[i]);
        cg_decl(e, "{%s};\n", b.data);
        buf_free(&b);
    }
    const kiln_resize_params *k = &p->k;
    const char *pn = cg_new_params(e, "kiln_resize_params");
    cg_decl(e, "{%d, %s, %s, %s, %s, %s, %s, %s};\n", k->rank,
            cg_i32_list(e, k->in_dims, KILN_MAX_RANK), cg_i32_list(e, k->out_dims, KILN_MAX_RANK),
            cg_i32_list(e, k->taps, KILN_MAX_RANK), idx, w, outside, cg_float(e, k->extrapolation));
    cg_stmt(e, "kiln_resize_f32(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_resize_f32");
    return 0;
}

const OpDef op_resize = {
    .name = "Resize", .min_opset = 10, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 4, .min_outputs = 1, .max_outputs = 1,
    .infer = resize_infer, .eval = resize_eval, .emit = resize_emit,
};

const OpDef op_upsample = {
    .name = "Upsample", .min_opset = 7, .max_opset = 9,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = resize_infer, .eval = resize_eval, .emit = resize_emit,
};
