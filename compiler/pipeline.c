/* SPDX-License-Identifier: MIT */
/* The pipeline: one readable function, one pass a line, an IR check between passes. */
#include "pipeline.h"
#include "ops.h"
#include "passes.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

typedef int (*PassFn)(Graph *, const PassOptions *, Diag *);

static const struct {
    const char *name;
    PassFn fn;
} pipeline[] = {
    {"qdq-import", pass_qdq_import}, /* QDQ models: Q/DQ pairs -> tensors' int8 parameters */
    {"shapes", pass_shapes},     /* validate, infer shapes, fold constants on the way */
    {"fold", pass_fold},         /* constant folding, shape subgraphs */
    {"dce", pass_dce},           /* remove unused nodes */
    {"transpose-pair", pass_transpose_pair}, /* Transpose of Transpose: one or none */
    {"view-chain", pass_view_chain},   /* chains of reshapes: one Reshape */
    {"fold-pad", pass_fold_pad},       /* Pad into the Conv/pool that reads it */
    {"matmul-gemm", pass_matmul_gemm}, /* MatMul (+ Add) with constant B -> Gemm */
    {"fold-bn", pass_fold_bn},   /* BatchNormalization into Conv/Gemm */
    {"fold-affine", pass_fold_affine}, /* constant Mul/Add/Sub/Div into Conv/Gemm */
    {"prune", pass_prune},       /* remove constant (dead) channels */
    {"fuse-act", pass_fuse_act}, /* activations into their producers */
    {"dce2", pass_dce},
    {"quantize", pass_quantize}, /* --quantize int8 or QDQ model: rewrite to int8 ops */
    {"sparse", pass_sparse},     /* sparse weight encodings where they pay */
    {"layout", pass_layout},     /* per-op weight layouts */
    {"views", pass_views},       /* view ops become aliases */
    {"schedule", pass_schedule}, /* execution order with the lowest peak memory */
    {"plan", pass_plan},         /* liveness, in-place reuse and arena offsets */
};

static int run_passes(Graph *g, const Options *o, Diag *d)
{
    QuantOptions qo = {.bias_correction = o->bias_correction, .weight_mse = o->weight_mse,
                       .calib = o->calib, .n_calib = o->n_calib, .method = o->calib_method,
                       .quiet = o->quiet};
    PassOptions po = {.max_fold_bytes = (int64_t)256 << 20,
                      .alignment = o->tgt.alignment > 0 ? o->tgt.alignment : 16,
                      .quant = o->quantize ? &qo : NULL,
                      .sparse = o->sparse, .quiet = o->quiet};
    g->alignment = po.alignment;
    g->io_in_arena = o->io_in_arena;
    for (size_t i = 0; i < KILN_ARRAY_LEN(pipeline); i++) {
        if (pipeline[i].fn(g, &po, d))
            return -1;
        if (ir_check(g, d))
            return -1;
        if (o->emit_qdq && pipeline[i].fn == pass_quantize && cg_write_qdq(g, o->emit_qdq, d))
            return -1;
        if (o->dump_after && !strcmp(o->dump_after, pipeline[i].name)) {
            printf("# after %s\n", pipeline[i].name);
            ir_dump(g, stdout);
        }
    }
    return 0;
}

static int check_dump_name(const Options *o, Diag *d)
{
    if (!o->dump_after)
        return 0;
    for (size_t i = 0; i < KILN_ARRAY_LEN(pipeline); i++)
        if (!strcmp(o->dump_after, pipeline[i].name))
            return 0;
    Buf names = {0};
    for (size_t i = 0; i < KILN_ARRAY_LEN(pipeline); i++)
        buf_printf(&names, "%s%s", i ? ", " : "", pipeline[i].name);
    diag_error(d, "--dump-after: unknown pass '%s' (passes: %s)", o->dump_after, names.data);
    buf_free(&names);
    return -1;
}

Graph *pipeline_compile(const Options *o, Diag *d)
{
    if (check_dump_name(o, d))
        return NULL;
    Arena *tmp = arena_new();
    Tensor *vals;
    ShapeOverride *shapes;
    int n_shapes;
    Graph *g = NULL;
    if (consts_load(o, tmp, &vals, &shapes, &n_shapes, d) == 0)
        g = fe_load_onnx(o->model, shapes, n_shapes, d);
    if (g && consts_apply(g, o, vals, d)) {
        ir_graph_free(g);
        g = NULL;
    }
    arena_free(tmp);
    if (!g || pipeline_run(g, o, d))
        return NULL;
    return g;
}

int pipeline_run(Graph *g, const Options *o, Diag *d)
{
    char stem[256], ident[256];
    path_stem(o->name ? o->name : o->model, stem, sizeof stem);
    str_to_c_ident(o->name ? o->name : stem, ident, sizeof ident);
    g->name = arena_strdup(g->arena, ident);
    if (run_passes(g, o, d)) {
        if (o->const_needs)
            consts_collect_needs(g, o->const_needs);
        ir_graph_free(g);
        return -1;
    }
    return 0;
}

void pipeline_options_text(const Options *o, char *out, size_t size)
{
    char base[256];
    const char *slash = strrchr(o->model, '/');
    snprintf(base, sizeof base, "%s", slash ? slash + 1 : o->model);
    int n = snprintf(out, size, "model %s", base);
    for (int i = 0; i < o->n_shapes && n < (int)size; i++) {
        n += snprintf(out + n, size - (size_t)n, ", --shape %s=", o->shapes[i].name);
        for (int k = 0; k < o->shapes[i].rank && n < (int)size; k++)
            n += snprintf(out + n, size - (size_t)n, k ? "x%lld" : "%lld",
                          (long long)o->shapes[i].dims[k]);
    }
    for (int i = 0; i < o->n_consts && n < (int)size; i++) {
        const char *file = strrchr(o->consts[i].path, '/');
        n += snprintf(out + n, size - (size_t)n, ", --const %s=%s", o->consts[i].name,
                      file ? file + 1 : o->consts[i].path);
    }
    if (o->target && n < (int)size)
        n += snprintf(out + n, size - (size_t)n, ", --target %s", o->target);
    if (o->quantize && n < (int)size)
        n += snprintf(out + n, size - (size_t)n, ", --quantize %s --calib-method %s%s",
                      o->quantize, o->calib_method ? o->calib_method : "minmax",
                      o->bias_correction ? " --bias-correction" : "");
    if (o->quantize && o->weight_mse && n < (int)size)
        n += snprintf(out + n, size - (size_t)n, ", --weight-clip mse");
    if (o->sparse != SPARSE_AUTO && n < (int)size)
        n += snprintf(out + n, size - (size_t)n, ", --sparse %s",
                      o->sparse == SPARSE_OFF ? "off" : "force");
    if (o->io_in_arena && n < (int)size)
        snprintf(out + n, size - (size_t)n, ", --io-in-arena");
}

int pipeline_write(Graph *g, const Options *o, const char *dir, Diag *d)
{
    char text[1024], variants[64];
    pipeline_options_text(o, text, sizeof text);
    target_variants(&o->tgt, variants, sizeof variants);
    CgOptions co = {.out_dir = dir, .options_text = text, .variants = variants};
    return cg_write_model(g, &co, dir, d);
}

/* A directory kiln may replace: absent, empty, or holding a previous kiln output. */
static int replaceable(const char *dir, const char *name, int force)
{
    if (!path_exists(dir) || force)
        return 1;
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/kiln/kiln.h", dir);
    if (path_exists(probe))
        return 1;
    return remove_tree_if_empty(dir);
}

int pipeline_compile_to_dir(Graph *g, const Options *o, const char *dir, Diag *d)
{
    if (!replaceable(dir, g->name, o->force)) {
        diag_error(d, "output directory '%s' exists and was not written by kiln; use --force to "
                   "replace it", dir);
        return -1;
    }
    char parent[PATH_MAX], tmp[PATH_MAX], old[PATH_MAX + 16];
    path_dirname(dir, parent, sizeof parent);
    if (!path_is_dir(parent) && mkdir_p(parent, d))
        return -1;
    if (make_temp_dir(parent, ".kiln-tmp-", tmp, sizeof tmp, d))
        return -1;
    cleanup_register_dir(tmp);
    if (pipeline_write(g, o, tmp, d))
        return -1;   /* the registered cleanup removes tmp */
    snprintf(old, sizeof old, "%s.kiln-old", tmp);
    int had_old = path_exists(dir);
    if (had_old && rename(dir, old) != 0) {
        diag_error(d, "cannot replace '%s': %s", dir, strerror(errno));
        return -1;
    }
    if (rename(tmp, dir) != 0) {
        diag_error(d, "cannot create '%s': %s", dir, strerror(errno));
        if (had_old)
            rename(old, dir);
        return -1;
    }
    cleanup_unregister_dir(tmp);
    if (had_old)
        remove_tree(old);
    return 0;
}
