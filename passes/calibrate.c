/* SPDX-License-Identifier: MIT */
/* Calibration: runs the float graph over the calibration samples and records the real
 * range of every activation.
 *
 * The graph runs in the compiler, node by node through each op's eval(), i.e. the same
 * runtime kernels the generated code calls (fused activations included), so the ranges
 * are those of the float model kiln compiles. Each sample runs in a scratch arena that
 * is freed afterwards; activations are detached again, so the graph is unchanged.
 * minmax needs one sweep; percentile and mse a second one that fills a 2048-bin
 * histogram per tensor over its min..max range. */
#include "frontend.h"
#include "ops.h"
#include "passes.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALIB_BINS 2048

typedef struct {
    Graph *g;
    int n_samples;
    Tensor *batch;       /* per graph input: all samples, f32 */
    unsigned char *was_const;
} Calib;

/* ---- loading samples -------------------------------------------------------------- */

static int to_f32(Graph *g, Tensor *t, const char *path, const Tensor *want, Diag *d)
{
    if (t->dtype == DT_F64) {
        int64_t n = ir_numel(t);
        float *f = arena_array(g->arena, (size_t)n + 1, sizeof(float));
        for (int64_t i = 0; i < n; i++)
            f[i] = (float)((double *)t->data)[i];
        t->data = f;
        t->dtype = DT_F32;
    }
    if (t->dtype != DT_F32) {
        diag_error(d, "calibration data '%s' holds %s values; input '%s' needs f32", path,
                   dtype_name(t->dtype), want->name);
        return -1;
    }
    return 0;
}

/* .npy files, one per graph input in order, samples stacked on axis 0. */
static int load_npy(Calib *c, const QuantOptions *o, Diag *d)
{
    Graph *g = c->g;
    if (o->n_calib != g->n_inputs) {
        diag_error(d, "--calib: the model has %d input(s) but %d .npy file(s) were given (one "
                   "per input, in order)", g->n_inputs, o->n_calib);
        return -1;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        Tensor *t = &c->batch[i];
        if (fe_read_npy(o->calib[i], g->arena, t, d) || to_f32(g, t, o->calib[i], g->inputs[i], d))
            return -1;
        int64_t per = ir_numel(g->inputs[i]), total = ir_numel(t);
        if (per == 0 || total == 0 || total % per) {
            char s[128];
            diag_error(d, "calibration data '%s' has %lld elements, not a whole number of samples "
                       "of input '%s' (%s)", o->calib[i], (long long)total, g->inputs[i]->name,
                       ir_shape_str(g->inputs[i], s, sizeof s));
            return -1;
        }
        int n = (int)(total / per);
        if (i > 0 && n != c->n_samples) {
            diag_error(d, "calibration data '%s' has %d samples but '%s' has %d", o->calib[i], n,
                       o->calib[0], c->n_samples);
            return -1;
        }
        c->n_samples = n;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* DIR/input_K.pb, or DIR/test_data_set_N/input_K.pb for every N (sorted). */
static int load_pb_dir(Calib *c, const char *dir, Diag *d)
{
    Graph *g = c->g;
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/input_0.pb", dir);
    const char *sets[1024];
    int n_sets = 0;
    if (path_exists(probe)) {
        sets[n_sets++] = dir;
    } else {
        DIR *dd = opendir(dir);
        struct dirent *e;
        while (dd && (e = readdir(dd)) && n_sets < 1024)
            if (!strncmp(e->d_name, "test_data_set_", 14))
                sets[n_sets++] = arena_printf(g->arena, "%s/%s", dir, e->d_name);
        if (dd)
            closedir(dd);
        qsort(sets, (size_t)n_sets, sizeof sets[0], cmp_str);
    }
    if (n_sets == 0) {
        diag_error(d, "--calib '%s': no input_0.pb and no test_data_set_N directory in it", dir);
        return -1;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        int64_t per = ir_numel(g->inputs[i]);
        c->batch[i] = *g->inputs[i];
        c->batch[i].data = arena_array(g->arena, (size_t)(per * n_sets) + 1, sizeof(float));
        for (int s = 0; s < n_sets; s++) {
            char path[PATH_MAX];
            Tensor t = {0};
            snprintf(path, sizeof path, "%s/input_%d.pb", sets[s], i);
            if (fe_read_tensor_pb(path, g->arena, &t, d) || to_f32(g, &t, path, g->inputs[i], d))
                return -1;
            if (ir_numel(&t) != per) {
                diag_error(d, "calibration data '%s' has %lld elements; input '%s' has %lld", path,
                           (long long)ir_numel(&t), g->inputs[i]->name, (long long)per);
                return -1;
            }
            memcpy((float *)c->batch[i].data + per * s, t.data, (size_t)per * sizeof(float));
        }
    }
    c->n_samples = n_sets;
    return 0;
}

static int load_samples(Calib *c, const QuantOptions *o, Diag *d)
{
    Graph *g = c->g;
    c->batch = arena_array(g->arena, (size_t)g->n_inputs + 1, sizeof(Tensor));
    for (int i = 0; i < g->n_inputs; i++) {
        if (g->inputs[i]->dtype != DT_F32) {
            diag_error(d, "--quantize int8: input '%s' is %s; only f32 inputs can be quantized",
                       g->inputs[i]->name, dtype_name(g->inputs[i]->dtype));
            return -1;
        }
    }
    if (o->n_calib == 0) {
        diag_error(d, "--quantize int8 needs calibration data: --calib FILE.npy (one per input) "
                   "or --calib DIR (test_data_set_N/input_K.pb)");
        return -1;
    }
    if (o->n_calib == 1 && path_is_dir(o->calib[0]))
        return load_pb_dir(c, o->calib[0], d);
    return load_npy(c, o, d);
}

/* ---- running the float graph -------------------------------------------------------- */

static void progress(int done, int total, double start, int quiet)
{
    if (quiet || !isatty(2))
        return;
    double elapsed = (double)clock() / CLOCKS_PER_SEC - start;
    if (elapsed < 1.0 && done < total)
        return;
    int width = 30, fill = total ? done * width / total : width;
    fprintf(stderr, "\rcalibrating [%.*s%*s] %d/%d", fill, "##############################",
            width - fill, "", done, total);
    if (done == total)
        fputc('\n', stderr);
}

/* Runs sample s; calls visit(t, ctx) on every f32 activation it computes. */
static int run_sample(Calib *c, int s, void (*visit)(const Tensor *, void *), void *ctx, Diag *d)
{
    Graph *g = c->g;
    Arena *keep = g->arena, *tmp = arena_new();
    for (int i = 0; i < g->n_inputs; i++) {
        int64_t per = ir_numel(g->inputs[i]);
        g->inputs[i]->data = (float *)c->batch[i].data + per * s;
        visit(g->inputs[i], ctx);
    }
    g->arena = tmp;
    int rc = 0;
    for (int i = 0; i < g->n_nodes && rc == 0; i++) {
        Node *n = g->nodes[i];
        if (n->dead)
            continue;
        if (!n->op->eval) {
            node_error(d, n, "%s cannot run at compile time, so it cannot be calibrated",
                       n->op_type);
            rc = -1;
            break;
        }
        rc = n->op->eval(g, n, d);
        for (int k = 0; rc == 0 && k < n->n_outputs; k++)
            if (n->outputs[k] && n->outputs[k]->dtype == DT_F32)
                visit(n->outputs[k], ctx);
    }
    g->arena = keep;
    for (int i = 0; i < g->n_tensors; i++)
        if (!c->was_const[i])
            g->tensors[i]->data = NULL;
    arena_free(tmp);
    return rc;
}

static int sweep(Calib *c, void (*visit)(const Tensor *, void *), void *ctx, const char *what,
                 const QuantOptions *o, Diag *d)
{
    double start = (double)clock() / CLOCKS_PER_SEC;
    (void)what;
    for (int s = 0; s < c->n_samples; s++) {
        if (run_sample(c, s, visit, ctx, d))
            return -1;
        progress(s + 1, c->n_samples, start, o->quiet);
    }
    return 0;
}

static void visit_minmax(const Tensor *t, void *ctx)
{
    CalibRange *r = &((CalibRange *)ctx)[t->id];
    const float *x = t->data;
    for (int64_t i = 0, n = ir_numel(t); r->mean && i < n; i++)
        r->mean[i] += x[i] == x[i] ? x[i] : 0.0f;
    for (int64_t i = 0, n = ir_numel(t); i < n; i++) {
        if (x[i] != x[i])
            continue;
        if (!r->seen || x[i] < r->lo)
            r->lo = x[i];
        if (!r->seen || x[i] > r->hi)
            r->hi = x[i];
        r->seen = 1;
    }
}

typedef struct {
    const CalibRange *ranges;
    double **hist;
} HistCtx;

static void visit_hist(const Tensor *t, void *ctx)
{
    HistCtx *h = ctx;
    const CalibRange *r = &h->ranges[t->id];
    double *bins = h->hist[t->id];
    if (!bins || !(r->hi > r->lo))
        return;
    const float *x = t->data;
    const double width = ((double)r->hi - r->lo) / CALIB_BINS;
    for (int64_t i = 0, n = ir_numel(t); i < n; i++) {
        if (x[i] != x[i])
            continue;
        int b = (int)(((double)x[i] - r->lo) / width);
        bins[b < 0 ? 0 : b >= CALIB_BINS ? CALIB_BINS - 1 : b] += 1;
    }
}

/* ---- choosing ranges from histograms --------------------------------------------------- */

void calib_percentile(const double *hist, int bins, float lo, float hi, double p,
                      float *out_lo, float *out_hi)
{
    double total = 0;
    for (int i = 0; i < bins; i++)
        total += hist[i];
    const double tail = total * (100.0 - p) / 100.0, width = ((double)hi - lo) / bins;
    double acc = 0;
    int a = 0, b = bins - 1;
    while (a < bins - 1 && acc + hist[a] <= tail)
        acc += hist[a++];
    acc = 0;
    while (b > a && acc + hist[b] <= tail)
        acc += hist[b--];
    *out_lo = (float)(lo + a * width);
    *out_hi = (float)(lo + (b + 1) * width);
}

/* Expected squared error of int8 quantization of the histogram with range [a, b]:
 * values inside cost step^2 / 12 (uniform rounding), values outside their clipping. */
static double range_error(const double *hist, int bins, double lo, double width, double a,
                          double b)
{
    float scale;
    int32_t zp;
    quant_affine((float)a, (float)b, &scale, &zp);
    const double in_err = (double)scale * scale / 12.0;
    const double qlo = (double)scale * (-128 - zp), qhi = (double)scale * (127 - zp);
    double err = 0;
    for (int i = 0; i < bins; i++) {
        if (hist[i] == 0)
            continue;
        const double x = lo + (i + 0.5) * width;
        const double e = x < qlo ? x - qlo : x > qhi ? x - qhi : 0;
        err += hist[i] * (e != 0 ? e * e : in_err);
    }
    return err;
}

void calib_mse(const double *hist, int bins, float lo, float hi, float *out_lo, float *out_hi)
{
    const double width = ((double)hi - lo) / bins;
    double best = -1;
    *out_lo = lo;
    *out_hi = hi;
    /* shrink both ends together, from the full range down to 10% of it */
    for (int k = 0; k <= 90; k++) {
        const double f = 1.0 - k / 100.0;
        const double a = lo * f, b = hi * f;
        const double err = range_error(hist, bins, lo, width, a, b);
        if (best < 0 || err < best) {
            best = err;
            *out_lo = (float)a;
            *out_hi = (float)b;
        }
    }
}

static int parse_method(const char *m, double *pct, Diag *d)
{
    *pct = 0;
    if (!m || !strcmp(m, "minmax") || !strcmp(m, "mse"))
        return 0;
    char *end;
    if (!strncmp(m, "percentile:", 11)) {
        *pct = strtod(m + 11, &end);
        if (m[11] && !*end && *pct > 50 && *pct <= 100)
            return 0;
    }
    diag_error(d, "--calib-method '%s': expected minmax, percentile:P (50 < P <= 100) or mse", m);
    return -1;
}

int calib_ranges(Graph *g, const QuantOptions *o, CalibRange *ranges, Diag *d)
{
    double pct;
    if (parse_method(o->method, &pct, d))
        return -1;
    Calib c = {.g = g};
    c.was_const = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    for (int i = 0; i < g->n_tensors; i++)
        c.was_const[i] = g->tensors[i]->data != NULL;
    /* sums for the per-element means, allocated here: the sweep runs in a scratch arena */
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = g->tensors[i];
        if (o->bias_correction && !t->data && t->dtype == DT_F32 && t->rank >= 0 &&
            ir_numel(t) > 0)
            ranges[i].mean = arena_array(g->arena, (size_t)ir_numel(t), sizeof(double));
    }
    if (load_samples(&c, o, d) || sweep(&c, visit_minmax, ranges, "ranges", o, d))
        return -1;
    for (int i = 0; i < g->n_tensors; i++)
        for (int64_t k = 0; ranges[i].mean && k < ir_numel(g->tensors[i]); k++)
            ranges[i].mean[k] /= c.n_samples;
    if (!o->method || !strcmp(o->method, "minmax"))
        return 0;
    HistCtx h = {ranges, arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(double *))};
    for (int i = 0; i < g->n_tensors; i++)
        if (ranges[i].seen)
            h.hist[i] = kiln_malloc(CALIB_BINS * sizeof(double));
    for (int i = 0; i < g->n_tensors; i++)
        if (h.hist[i])
            memset(h.hist[i], 0, CALIB_BINS * sizeof(double));
    int rc = sweep(&c, visit_hist, &h, "histograms", o, d);
    for (int i = 0; i < g->n_tensors; i++) {
        CalibRange *r = &ranges[i];
        if (rc == 0 && h.hist[i] && r->hi > r->lo) {
            if (pct > 0)
                calib_percentile(h.hist[i], CALIB_BINS, r->lo, r->hi, pct, &r->lo, &r->hi);
            else
                calib_mse(h.hist[i], CALIB_BINS, r->lo, r->hi, &r->lo, &r->hi);
        }
        kiln_free(h.hist[i]);
    }
    return rc;
}
