/* SPDX-License-Identifier: MIT */
/* kiln verify (golden data sets) and kiln run (.npy batches): both run the generated code
 * through the io driver, which reads and writes raw arrays: built for the host, or for an
 * emulated board and run under the target's emulator (files through semihosting). */
#include "board.h"
#include "commands.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- running the io driver ------------------------------------------------------------- */

/* Writes inputs (n samples each) to raw files, runs the driver, reads outputs into outs. */
static int run_driver(const Graph *g, const Target *t, const char *dir, const char *exe, long n,
                      Tensor *const *inputs, Tensor *outs, Diag *d)
{
    char *argv[4 + 2 * MAX_DATA];
    int k = 0;
    Arena *a = g->arena;
    argv[k++] = (char *)exe;
    argv[k++] = arena_printf(a, "%ld", n);
    for (int i = 0; i < g->n_inputs; i++) {
        char *p = arena_printf(a, "%s/in%d.bin", dir, i);
        if (write_file(p, inputs[i]->data, (size_t)ir_bytes(inputs[i]), d))
            return -1;
        argv[k++] = p;
    }
    for (int i = 0; i < g->n_outputs; i++)
        argv[k++] = arena_printf(a, "%s/out%d.bin", dir, i);
    argv[k] = NULL;
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/run.log", dir);
    if (target_is_emulated(t)) {
        /* the board driver has these paths built in and counts samples by file length */
        int rc = board_run(t, exe, log, NULL, 0, NULL, d);
        if (rc > 0) {
            Buf b = {0};
            read_file(log, &b, d);
            diag_error(d, "the generated code failed on target '%s' (exit %d%s)%s%.*s", t->name,
                       rc, rc == 70 ? ": the model returned an error"
                           : rc >= 100 && rc < 128 ? ": a CPU fault" : "",
                       b.len ? ":\n" : "", (int)b.len, b.data ? b.data : "");
            buf_free(&b);
        }
        if (rc != 0)
            return -1;
    } else if (run_logged(argv, log, 600, "the generated code", d)) {
        return -1;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        Buf b = {0};
        if (read_file(argv[2 + g->n_inputs + i], &b, d))
            return -1;
        const Tensor *y = g->outputs[i];
        const DType dt = cg_f32_wrapper_dtype(y);
        size_t want = (size_t)n * (size_t)ir_numel(y) * dtype_size(dt);
        if (b.len != want) {
            diag_error(d, "output %d: the driver wrote %zu bytes, expected %zu", i, b.len, want);
            buf_free(&b);
            return -1;
        }
        outs[i] = *y;
        outs[i].dtype = dt;
        outs[i].data = arena_alloc(g->arena, want + 1);
        memcpy(outs[i].data, b.data, want);
        buf_free(&b);
    }
    return 0;
}

/* ---- comparison ---------------------------------------------------------------------- */

typedef struct {
    const char *dataset, *output;
    double max_abs, max_rel;
    int64_t first_bad, n_bad, count;
    double bad_actual, bad_expected;
    int ok;
    int use_snr;         /* quantized output against float golden data */
    double max_lsb;      /* its largest difference in units of the output's scale */
    double snr_db;
    const char *error;   /* set when the comparison could not run */
} Check;

static double value_at(const Tensor *t, int64_t i)
{
    if (t->dtype == DT_F32)
        return ((const float *)t->data)[i];
    if (t->dtype == DT_F64)
        return ((const double *)t->data)[i];
    return (double)ir_const_int(t, i);
}

static void compare(const Tensor *actual, const Tensor *expected, double rtol, double atol,
                    Check *c)
{
    int is_float = actual->dtype == DT_F32 || actual->dtype == DT_F64;
    c->count = ir_numel(actual);
    c->first_bad = -1;
    for (int64_t i = 0; i < c->count; i++) {
        double a = value_at(actual, i), e = value_at(expected, i);
        int bad;
        if (!is_float) {
            bad = ir_const_int(actual, i) != ir_const_int(expected, i);
        } else if (isnan(e) || isnan(a)) {
            bad = !(isnan(e) && isnan(a));
        } else if (isinf(e) || isinf(a)) {
            bad = a != e;
        } else {
            double err = fabs(a - e), rel = e != 0 ? err / fabs(e) : (err ? INFINITY : 0);
            if (err > c->max_abs)
                c->max_abs = err;
            if (rel > c->max_rel)
                c->max_rel = rel;
            bad = err > atol + rtol * fabs(e);
        }
        if (bad) {
            if (c->first_bad < 0) {
                c->first_bad = i;
                c->bad_actual = a;
                c->bad_expected = e;
            }
            c->n_bad++;
        }
    }
    c->ok = c->n_bad == 0;
}

/* Signal-to-noise ratio of actual against expected in dB (inf when equal). */
static double snr_db(const Tensor *actual, const Tensor *expected)
{
    double sig = 0, noise = 0;
    for (int64_t i = 0; i < ir_numel(expected); i++) {
        double e = value_at(expected, i), a = value_at(actual, i);
        sig += e * e;
        noise += (a - e) * (a - e);
    }
    if (noise == 0)
        return INFINITY;
    return sig == 0 ? -INFINITY : 10.0 * log10(sig / noise);
}

/* A quantized output (the driver writes its dequantized floats, scale * (q - zp)) against
 * float golden data by SNR, or against int8 golden data exactly after recovering q. */
static void compare_quantized(const Tensor *actual, const Tensor *expected, const Tensor *y,
                              double snr_min, Check *c)
{
    if (expected->dtype == DT_S8) {
        int64_t n = ir_numel(actual);
        c->count = n;
        c->first_bad = -1;
        for (int64_t i = 0; i < n; i++) {
            double a = round(((const float *)actual->data)[i] / y->scale) + y->zero_point;
            double e = (double)((const int8_t *)expected->data)[i];
            if (a != e) {
                if (c->first_bad < 0) {
                    c->first_bad = i;
                    c->bad_actual = a;
                    c->bad_expected = e;
                }
                c->n_bad++;
            }
            c->max_abs = fabs(a - e) > c->max_abs ? fabs(a - e) : c->max_abs;
        }
        c->ok = c->n_bad == 0;
        return;
    }
    compare(actual, expected, 0, INFINITY, c);
    c->use_snr = 1;
    c->max_lsb = round(c->max_abs / y->scale);
    c->snr_db = snr_db(actual, expected);
    c->ok = c->snr_db >= snr_min;
}

/* Loads DIR/PREFIX_K.pb for each model input (K = its declared position, so inputs
 * compiled as constants are skipped) or output, checking type and size. */
static int load_dataset(const Graph *g, const char *dir, const char *prefix, int count,
                        Tensor *out, Diag *d)
{
    int is_input = !strcmp(prefix, "input");
    for (int i = 0; i < count; i++) {
        const Tensor *want = is_input ? g->inputs[i] : g->outputs[i];
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s_%d.pb", dir, prefix, is_input ? want->decl_index : i);
        if (fe_read_tensor_pb(path, g->arena, &out[i], d))
            return -1;
        DType dt = cg_f32_wrapper_dtype(want);
        int int8_golden = want->scale > 0 && out[i].dtype == DT_S8 && !is_input;
        if ((out[i].dtype != dt && !int8_golden) || ir_numel(&out[i]) != ir_numel(want)) {
            char s1[128], s2[128];
            diag_error(d, "'%s' holds %s %s, but the model's %s %d ('%s') is %s %s", path,
                       dtype_name(out[i].dtype), ir_shape_str(&out[i], s1, sizeof s1), prefix, i,
                       want->name, dtype_name(dt), ir_shape_str(want, s2, sizeof s2));
            return -1;
        }
    }
    return 0;
}

/* Inputs verify compiles as constants, taken from each data set. */
typedef struct {
    int first;                 /* o->consts[first..] were added by verify */
    int index[MAX_DATA];       /* their declared input positions */
    Arena *arena;              /* their names and paths */
    int first_shape;           /* o->shapes[first_shape..] are the data set's input shapes */
    int bound;                 /* a symbolic dimension was bound from a data set */
} AutoConsts;

/* The shapes of the data set's inputs, which bind the model's symbolic or unknown input
 * dimensions (the frontend uses them for nothing else). */
static void add_data_shapes(Options *o, const char *dir, const AutoConsts *ac)
{
    o->n_shapes = ac->first_shape;
    for (int k = 0; o->n_shapes < MAX_SHAPES; k++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/input_%d.pb", dir, k);
        if (!path_exists(path))
            break;
        Arena *tmp = arena_new();
        Tensor t = {0};
        Diag quiet = {.quiet = 1};
        if (fe_read_tensor_pb(path, tmp, &t, &quiet) == 0) {
            ShapeOverride *s = &o->shapes[o->n_shapes++];
            *s = (ShapeOverride){.rank = t.rank, .data_input = k + 1};
            snprintf(s->name, sizeof s->name, "%s", t.name ? t.name : "");
            memcpy(s->dims, t.dims, sizeof s->dims);
        }
        arena_free(tmp);
    }
}

static void print_bound_inputs(const Graph *g, AutoConsts *ac)
{
    for (int i = 0; i < g->n_inputs; i++) {
        const Tensor *t = g->inputs[i];
        char s[128];
        if (!t->dims_from_data)
            continue;
        printf("  input '%s' has symbolic dimensions: bound to %s from the data set\n", t->name,
               ir_shape_str(t, s, sizeof s));
        ac->bound = 1;
    }
}

static int has_const(const Options *o, const char *name)
{
    for (int i = 0; i < o->n_consts; i++)
        if (!strcmp(o->consts[i].name, name))
            return 1;
    return 0;
}

/* Compiles for the data set in dir. When the compile fails because graph inputs decide
 * shapes, the ones the data set provides become constants (announced) and it retries;
 * any other failure is reported by a final, non-quiet compile. */
static Graph *verify_compile(Options *o, const char *dir, AutoConsts *ac, Diag *d)
{
    for (int i = ac->first; i < o->n_consts; i++)
        o->consts[i].path = arena_printf(ac->arena, "%s/input_%d.pb", dir, ac->index[i]);
    add_data_shapes(o, dir, ac);
    for (;;) {
        ConstNeeds needs = {0};
        Diag probe = {.quiet = 1};
        o->const_needs = &needs;
        Graph *g = command_compile(o, &probe);
        o->const_needs = NULL;
        if (g) {
            print_bound_inputs(g, ac);
            return g;
        }
        int added = 0;
        for (int i = 0; i < needs.count && o->n_consts < MAX_DATA; i++) {
            char *path = arena_printf(ac->arena, "%s/input_%d.pb", dir, needs.index[i]);
            if (has_const(o, needs.names[i]) || !path_exists(path))
                continue;
            ac->index[o->n_consts] = needs.index[i];
            o->consts[o->n_consts++] = (ConstInput){arena_strdup(ac->arena, needs.names[i]), path};
            printf("  input '%s' used as a constant (%s)\n", needs.names[i], needs.why[i]);
            added = 1;
        }
        if (!added)
            return command_compile(o, d);
    }
}

static void print_check(const Check *c)
{
    if (c->error) {
        printf("  %s: %s: ERROR %s\n", c->dataset, c->output, c->error);
        return;
    }
    if (c->use_snr) {
        printf("  %s: %s: %s  snr %.1f dB  max_abs_err %.3g (%.0f LSB)\n", c->dataset,
               c->output, c->ok ? "ok      " : "LOW SNR ", c->snr_db, c->max_abs, c->max_lsb);
        return;
    }
    printf("  %s: %s: %s  max_abs_err %.3g  max_rel_err %.3g", c->dataset, c->output,
           c->ok ? "ok      " : "MISMATCH", c->max_abs, c->max_rel);
    if (!c->ok)
        printf("  %lld of %lld differ, first at index %lld: got %.9g, expected %.9g",
               (long long)c->n_bad, (long long)c->count, (long long)c->first_bad, c->bad_actual,
               c->bad_expected);
    printf("\n");
}

static void xml_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static int write_junit(const char *path, const char *model, const Check *c, int n, Diag *d)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_error(d, "cannot write '%s'", path);
        return -1;
    }
    int failures = 0;
    for (int i = 0; i < n; i++)
        failures += !c[i].ok;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"kiln verify ");
    xml_escape(f, model);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\">\n", n, failures);
    for (int i = 0; i < n; i++) {
        fprintf(f, "  <testcase classname=\"");
        xml_escape(f, model);
        fprintf(f, "\" name=\"");
        xml_escape(f, c[i].dataset);
        fprintf(f, ":");
        xml_escape(f, c[i].output);
        fprintf(f, "\">");
        if (!c[i].ok) {
            char msg[512];
            if (c[i].error)
                snprintf(msg, sizeof msg, "%s", c[i].error);
            else
                snprintf(msg, sizeof msg, "%lld of %lld differ; first at %lld: got %.9g, expected "
                         "%.9g; max_abs_err %.3g max_rel_err %.3g", (long long)c[i].n_bad,
                         (long long)c[i].count, (long long)c[i].first_bad, c[i].bad_actual,
                         c[i].bad_expected, c[i].max_abs, c[i].max_rel);
            fprintf(f, "<failure message=\"");
            xml_escape(f, msg);
            fprintf(f, "\"/>");
        }
        fprintf(f, "</testcase>\n");
    }
    fprintf(f, "</testsuite>\n");
    return fclose(f) == 0 ? 0 : -1;
}

static int write_json(const char *path, const char *model, const Check *c, int n, Diag *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", model);
    int all_ok = 1;
    cJSON *arr = cJSON_AddArrayToObject(root, "results");
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "data", c[i].dataset);
        cJSON_AddStringToObject(o, "output", c[i].output);
        cJSON_AddBoolToObject(o, "ok", c[i].ok);
        cJSON_AddNumberToObject(o, "max_abs_err", c[i].max_abs);
        cJSON_AddNumberToObject(o, "max_rel_err", isinf(c[i].max_rel) ? 1e308 : c[i].max_rel);
        cJSON_AddNumberToObject(o, "mismatches", (double)c[i].n_bad);
        cJSON_AddNumberToObject(o, "first_mismatch", (double)c[i].first_bad);
        if (c[i].use_snr)
            cJSON_AddNumberToObject(o, "snr_db", isinf(c[i].snr_db) ? 999 : c[i].snr_db);
        if (c[i].error)
            cJSON_AddStringToObject(o, "error", c[i].error);
        cJSON_AddItemToArray(arr, o);
        all_ok &= c[i].ok;
    }
    cJSON_AddBoolToObject(root, "ok", all_ok);
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    int rc = s ? write_file(path, s, strlen(s), d) : -1;
    free(s);
    return rc;
}

/* Exit status of kiln verify, so scripts (the conformance runner) can tell outcomes apart.
 * 2 stays the usage error of every command. */
enum {
    VERIFY_PASS = 0,        /* every output of every data set matches */
    VERIFY_ERROR = 1,       /* the model cannot be compiled (unsupported or invalid), or bad data */
    VERIFY_MISMATCH = 3,    /* the generated code ran, and an output differs */
    VERIFY_RUN_FAILED = 4,  /* the generated code did not build or run: a kiln bug */
};

typedef struct {
    int failed;       /* outputs that did not match (or could not be checked) */
    int bad_data;     /* data sets that could not be read or do not fit */
    int run_failed;   /* runs of the generated code that failed */
} VerifyTally;

static double verify_snr_min(const Options *o)
{
    return o->snr_min >= 0 ? o->snr_min : 30.0;
}

/* Runs the model on one data set and appends one check per output. */
static void verify_dataset(const Graph *g, const char *data, const char *dir, const char *exe,
                           const Options *o, Arena *keep, Check *checks, int *n_checks,
                           VerifyTally *t)
{
    Tensor *ins = arena_array(g->arena, (size_t)g->n_inputs + 1, sizeof(Tensor));
    Tensor *exp = arena_array(g->arena, (size_t)g->n_outputs + 1, sizeof(Tensor));
    Tensor *got = arena_array(g->arena, (size_t)g->n_outputs + 1, sizeof(Tensor));
    Tensor **in_ptrs = arena_array(g->arena, (size_t)g->n_inputs + 1, sizeof(Tensor *));
    for (int i = 0; i < g->n_inputs; i++)
        in_ptrs[i] = &ins[i];
    Diag dd = {.file = data};
    int load_rc = load_dataset(g, data, "input", g->n_inputs, ins, &dd) ||
                  load_dataset(g, data, "output", g->n_outputs, exp, &dd);
    int run_rc = !load_rc && run_driver(g, &o->tgt, dir, exe, 1, in_ptrs, got, &dd);
    t->bad_data += load_rc;
    t->run_failed += run_rc;
    for (int i = 0; i < g->n_outputs; i++) {
        Check *c = &checks[(*n_checks)++];
        c->dataset = data;
        c->output = arena_strdup(keep, g->outputs[i]->name);   /* outlives g */
        if (load_rc || run_rc)
            c->error = "could not run (see the error above)";
        else if (g->outputs[i]->scale > 0)
            compare_quantized(&got[i], &exp[i], g->outputs[i], verify_snr_min(o), c);
        else
            compare(&got[i], &exp[i], o->rtol, o->atol, c);
        t->failed += !c->ok;
        print_check(c);
    }
}

static int verify_status(const VerifyTally *t, int report_failed)
{
    if (t->run_failed)
        return VERIFY_RUN_FAILED;
    if (t->bad_data || report_failed)
        return VERIFY_ERROR;
    return t->failed ? VERIFY_MISMATCH : VERIFY_PASS;
}

int cmd_verify(Options *o)
{
    Diag d = {0};
    if (o->n_data == 0) {
        fprintf(stderr, "kiln verify: at least one --data DIR is needed (see 'kiln verify --help')\n");
        return 2;
    }
    AutoConsts ac = {.first = o->n_consts, .arena = arena_new(), .first_shape = o->n_shapes};
    /* o->tgt is loaded by the first compile, so the header names the --target argument */
    if (o->quantize)
        printf("kiln verify %s (int8; float golden outputs: snr >= %g dB; int8 ones: exact)\n",
               o->model, verify_snr_min(o));
    else
        printf("kiln verify %s on %s (rtol %g, atol %g)\n", o->model,
               o->target && *o->target ? o->target : "host", o->rtol, o->atol);
    Graph *g = verify_compile(o, o->data[0], &ac, &d);
    if (!g) {
        arena_free(ac.arena);
        return VERIFY_ERROR;
    }
    Check *checks = arena_array(ac.arena, (size_t)(o->n_data * g->n_outputs) + 1, sizeof(Check));
    int n_checks = 0, report_failed = 0;
    VerifyTally tally = {0};
    char dir[PATH_MAX], exe[PATH_MAX];
    for (int k = 0; k < o->n_data && g; k++) {
        /* constants from the data set: each data set gets its own compile */
        int rebuild = k == 0 || o->n_consts > ac.first || ac.bound;
        if (k > 0 && rebuild) {
            ir_graph_free(g);
            g = verify_compile(o, o->data[k], &ac, &d);
            if (!g)
                break;
        }
        int build_rc = rebuild ? command_build(g, o, "io", "-O2", dir, sizeof dir, exe,
                                               sizeof exe, &d) : 0;
        if (build_rc) {
            ir_graph_free(g);
            arena_free(ac.arena);
            return build_rc == -2 ? VERIFY_RUN_FAILED : VERIFY_ERROR;
        }
        verify_dataset(g, o->data[k], dir, exe, o, ac.arena, checks, &n_checks, &tally);
    }
    if (!g) {
        arena_free(ac.arena);
        return VERIFY_ERROR;
    }
    printf("%s: %d of %d outputs match\n", tally.failed ? "FAIL" : "PASS",
           n_checks - tally.failed, n_checks);
    if (o->junit && write_junit(o->junit, o->model, checks, n_checks, &d))
        report_failed++;
    if (o->json_path && write_json(o->json_path, o->model, checks, n_checks, &d))
        report_failed++;
    ir_graph_free(g);
    arena_free(ac.arena);
    return verify_status(&tally, report_failed);
}

/* ---- run ------------------------------------------------------------------------------- */

/* Loads an .npy batch for model input t; returns the sample count or -1. */
static long load_batch(const Graph *g, const char *path, const Tensor *t, Tensor *out, Diag *d)
{
    if (fe_read_npy(path, g->arena, out, d))
        return -1;
    const DType want = cg_f32_wrapper_dtype(t);
    if (out->dtype == DT_F64 && want == DT_F32) {
        int64_t n = ir_numel(out);
        float *f = arena_array(g->arena, (size_t)n + 1, sizeof(float));
        for (int64_t i = 0; i < n; i++)
            f[i] = (float)((double *)out->data)[i];
        out->data = f;
        out->dtype = DT_F32;
    }
    if (out->dtype != want) {
        diag_error(d, "'%s' holds %s values but input '%s' is %s", path, dtype_name(out->dtype),
                   t->name, dtype_name(want));
        return -1;
    }
    int64_t per = ir_numel(t), total = ir_numel(out);
    if (per == 0 || total == 0 || total % per) {
        char s[128];
        diag_error(d, "'%s' has %lld elements, not a whole number of samples of input '%s' (%s)",
                   path, (long long)total, t->name, ir_shape_str(t, s, sizeof s));
        return -1;
    }
    return (long)(total / per);
}

int cmd_run(Options *o)
{
    Diag d = {0};
    Graph *g = command_compile(o, &d);
    if (!g)
        return 1;
    if (o->n_inputs != g->n_inputs || o->n_outputs != g->n_outputs) {
        fprintf(stderr, "kiln run: the model has %d input(s) and %d output(s); give one --input "
                "and one --output for each (got %d and %d)\n", g->n_inputs, g->n_outputs,
                o->n_inputs, o->n_outputs);
        ir_graph_free(g);
        return 2;
    }
    Tensor *ins = arena_array(g->arena, (size_t)g->n_inputs + 1, sizeof(Tensor));
    Tensor **in_ptrs = arena_array(g->arena, (size_t)g->n_inputs + 1, sizeof(Tensor *));
    long samples = -1;
    for (int i = 0; i < g->n_inputs; i++) {
        long n = load_batch(g, o->inputs[i], g->inputs[i], &ins[i], &d);
        if (n < 0 || (samples >= 0 && n != samples)) {
            if (n >= 0)
                diag_error(&d, "'%s' has %ld samples but the first input has %ld", o->inputs[i], n,
                           samples);
            ir_graph_free(g);
            return 1;
        }
        samples = n;
        in_ptrs[i] = &ins[i];
    }
    char dir[PATH_MAX], exe[PATH_MAX];
    Tensor *outs = arena_array(g->arena, (size_t)g->n_outputs + 1, sizeof(Tensor));
    int rc = command_build(g, o, "io", "-O2", dir, sizeof dir, exe,
                           sizeof exe, &d) ||
             run_driver(g, &o->tgt, dir, exe, samples, in_ptrs, outs, &d);
    for (int i = 0; rc == 0 && i < g->n_outputs; i++) {
        /* samples on axis 0: [N, dims...] dropping a leading batch dim of 1 */
        Tensor y = outs[i];
        const Tensor *t = g->outputs[i];
        int drop = t->rank > 0 && t->dims[0] == 1;
        y.rank = t->rank - drop + 1;
        y.dims[0] = samples;
        for (int k = drop; k < t->rank; k++)
            y.dims[k - drop + 1] = t->dims[k];
        rc = fe_write_npy(o->outputs[i], &y, &d);
    }
    if (rc == 0 && !o->quiet)
        printf("kiln run: %ld sample(s) through %s; wrote %d output file(s)\n", samples, g->name,
               g->n_outputs);
    ir_graph_free(g);
    return rc ? 1 : 0;
}
