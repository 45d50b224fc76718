/* SPDX-License-Identifier: MIT */
/* kiln command line: argument parsing and dispatch. Only main exits. */
#include "commands.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_main =
    "kiln " KILN_VERSION " - ahead-of-time compiler from ONNX to standalone C for microcontrollers\n"
    "\n"
    "usage:\n"
    "  kiln compile MODEL.onnx [-o DIR] [--name NAME] [--target NAME|FILE.yaml] [--report FILE.json]\n"
    "  kiln verify  MODEL.onnx --data DIR [--data DIR ...] [--target NAME] [--rtol R] [--atol A]\n"
    "               [--junit FILE.xml] [--json FILE.json]\n"
    "  kiln run     MODEL.onnx --input X.npy [--input ...] --output Y.npy [--output ...]\n"
    "  kiln inspect MODEL.onnx [--json]\n"
    "  kiln bench   MODEL.onnx [--target NAME] [--instructions] [--json]\n"
    "  kiln --help | kiln COMMAND --help | kiln --version\n"
    "\n"
    "Every command also takes --shape NAME=1x3x96x96 (fix a symbolic input dimension),\n"
    "--dump-after PASS (print the IR after a pass) and --quiet.\n"
    "Exit status: 0 success, 1 error or mismatch (message on stderr), 2 usage error,\n"
    "3 internal error (a kiln bug: please report it). Hostile or broken models are rejected\n"
    "with exit 1 and a message; limits and fuzzing: docs/robustness.md.\n"
    "Docs: docs/cli.md, docs/generated-code.md (installed under share/kiln).\n";

static const char *usage_compile =
    "usage: kiln compile MODEL.onnx [-o DIR] [--name NAME] [--target NAME|FILE.yaml]\n"
    "                    [--report FILE.json] [--shape NAME=DIMS] [--force] [--dump-after PASS]\n"
    "\n"
    "Compiles MODEL.onnx to standalone C99 and prints a summary (ops, params, MACs, arena\n"
    "bytes, weight bytes, code estimate). Writes into DIR (default: NAME_kiln):\n"
    "  DIR/NAME.h          API: NAME_run(), NAME_run_arena(), size macros\n"
    "  DIR/NAME.c          the model: one runtime call per op, static arena\n"
    "  DIR/NAME_weights.c  constants (static const, 16-byte aligned; section via\n"
    "                      -DKILN_WEIGHTS_SECTION=...)\n"
    "  DIR/kiln/           kiln.h and only the runtime kernels the model uses\n"
    "Output is written to a temporary directory and renamed into place: a failed compile\n"
    "never leaves a half-written DIR. An existing DIR is replaced only if kiln wrote it\n"
    "(or it is empty), unless --force.\n"
    "\n"
    "  -o, --out DIR        output directory\n"
    "  --name NAME          C identifier prefix (default: model file stem, sanitised)\n"
    "  --target T           'host' (default) or a target YAML file; see docs/targets.md\n"
    "  --report FILE.json   arena_bytes, weights_bytes, macs, ops, nodes, tensors (offsets)\n"
    "  --shape NAME=DIMS    static shape for an input with symbolic dims, e.g. input=1x3x96x96\n"
    "  --force              replace DIR even if it was not written by kiln\n"
    "  --dump-after PASS    print the IR after PASS (shapes, fold, dce, fold-bn, fuse-act,\n"
    "                       dce2, layout, views, plan)\n";

static const char *usage_verify =
    "usage: kiln verify MODEL.onnx --data DIR [--data DIR ...] [--rtol R] [--atol A]\n"
    "                   [--junit FILE.xml] [--json FILE.json] [--target host] [--keep]\n"
    "\n"
    "Compiles the model to a temporary directory, builds it with a test driver using the\n"
    "host compiler ($CC, default cc; flags -O2 -std=c99 -ffp-contract=off, extra ones in\n"
    "$KILN_CFLAGS), runs it on DIR/input_K.pb and compares with DIR/output_K.pb (ONNX\n"
    "backend-test layout: test_data_set_N/input_K.pb + output_K.pb).\n"
    "Floats pass when |actual - expected| <= atol + rtol * |expected|; integers must be equal.\n"
    "Prints, per data set and output: max abs error, max rel error, first mismatching index.\n"
    "\n"
    "  --data DIR         a data set directory (repeatable)\n"
    "  --rtol R           relative tolerance (default 1e-4)\n"
    "  --atol A           absolute tolerance (default 1e-5)\n"
    "  --junit FILE.xml   JUnit XML report (one test case per data set and output)\n"
    "  --json FILE.json   JSON report\n"
    "  --keep             keep the build directory and print its path\n"
    "Exit status: 0 all outputs match, 1 mismatch or the model cannot be compiled, 2 usage.\n";

static const char *usage_run =
    "usage: kiln run MODEL.onnx --input X.npy [--input ...] --output Y.npy [--output ...]\n"
    "\n"
    "Compiles the model, builds the generated code on the host and runs it on every sample\n"
    "of the inputs (NumPy .npy, samples stacked on axis 0, one --input per model input in\n"
    "order), writing one .npy per model output with the samples on axis 0.\n"
    "float64 inputs are converted to float32 when the model expects float32.\n";

static const char *usage_inspect =
    "usage: kiln inspect MODEL.onnx [--json] [--shape NAME=DIMS]\n"
    "\n"
    "Prints the compiled graph as a table: node, op, output shape, params, MACs, and totals\n"
    "(arena, weights, MACs). --json prints the same as JSON.\n";

static const char *usage_bench =
    "usage: kiln bench MODEL.onnx [--target host] [--instructions] [--json]\n"
    "\n"
    "Builds the generated code with a timing driver ($CC -O3 -std=c99 -ffp-contract=off,\n"
    "plus $KILN_BENCH_CFLAGS, e.g. -march=native) and reports the median latency of one\n"
    "inference (median of 5 rounds of 200 runs, in one process). --instructions also counts\n"
    "the exact instructions of one inference with valgrind --tool=callgrind (deterministic).\n"
    "--json prints latency_ns_median, instructions_per_inference, arena_bytes,\n"
    "weights_bytes, code_bytes (text size of the compiled model and kernels).\n";

static const Command commands[] = {
    {"compile", cmd_compile, &usage_compile},
    {"verify", cmd_verify, &usage_verify},
    {"run", cmd_run, &usage_run},
    {"inspect", cmd_inspect, &usage_inspect},
    {"bench", cmd_bench, &usage_bench},
};

KILN_PRINTF(2, 0) static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "kiln%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'kiln %s--help')\n", cmd ? "" : "");
    return 2;
}

static int need_value(int argc, char **argv, int i, const char *cmd)
{
    if (i + 1 >= argc) {
        usage_error(cmd, "option %s needs a value", argv[i]);
        return 0;
    }
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end && *out >= 0;
}

/* Splits "--opt=value" into "--opt" "value" so both spellings work. */
static char **split_equals(int *argc, char **argv)
{
    char **out = kiln_malloc(sizeof(char *) * (size_t)(2 * *argc + 1));
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (argv[i][0] == '-' && argv[i][1] == '-' && eq && strncmp(argv[i], "--shape", 7) != 0) {
            *eq = 0;
            out[n++] = argv[i];
            out[n++] = eq + 1;
        } else if (!strncmp(argv[i], "--shape=", 8)) {
            out[n++] = "--shape";
            out[n++] = argv[i] + 8;
        } else {
            out[n++] = argv[i];
        }
    }
    out[n] = NULL;
    *argc = n;
    return out;
}

/* Parses the options every command shares; returns -1 after printing a usage error. */
static int parse_split_options(const char *cmd, int argc, char **argv, Options *o)
{
    Diag d = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
#define VALUE() (need_value(argc, argv, i, cmd) ? argv[++i] : NULL)
        if (a[0] != '-') {
            if (o->model)
                return usage_error(cmd, "unexpected argument '%s'", a), -1;
            o->model = a;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!(o->out_dir = VALUE()))
                return -1;
        } else if (!strcmp(a, "--name")) {
            if (!(o->name = VALUE()))
                return -1;
        } else if (!strcmp(a, "--target")) {
            if (!(o->target = VALUE()))
                return -1;
        } else if (!strcmp(a, "--report")) {
            if (!(o->report = VALUE()))
                return -1;
        } else if (!strcmp(a, "--dump-after")) {
            if (!(o->dump_after = VALUE()))
                return -1;
        } else if (!strcmp(a, "--shape")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            if (o->n_shapes == MAX_SHAPES)
                return usage_error(cmd, "too many --shape options%s", ""), -1;
            if (fe_parse_shape_override(v, &o->shapes[o->n_shapes++], &d))
                return -1;
        } else if (!strcmp(a, "--data") || !strcmp(a, "--input") || !strcmp(a, "--output")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            const char **list = a[2] == 'd' ? o->data : a[2] == 'i' ? o->inputs : o->outputs;
            int *count = a[2] == 'd' ? &o->n_data : a[2] == 'i' ? &o->n_inputs : &o->n_outputs;
            if (*count == MAX_DATA)
                return usage_error(cmd, "too many %s options", a), -1;
            list[(*count)++] = v;
        } else if (!strcmp(a, "--rtol") || !strcmp(a, "--atol")) {
            const char *v = VALUE();
            if (!v || !parse_double(v, a[2] == 'r' ? &o->rtol : &o->atol))
                return usage_error(cmd, "%s needs a non-negative number", a), -1;
        } else if (!strcmp(a, "--junit")) {
            if (!(o->junit = VALUE()))
                return -1;
        } else if (!strcmp(a, "--json")) {
            /* verify takes a file; inspect and bench a flag */
            if (!strcmp(cmd, "verify")) {
                if (!(o->json_path = VALUE()))
                    return -1;
            } else {
                o->json = 1;
            }
        } else if (!strcmp(a, "--instructions")) {
            o->instructions = 1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--keep")) {
            o->keep = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else {
            return usage_error(cmd, "unknown option '%s'", a), -1;
        }
#undef VALUE
    }
    if (!o->model)
        return usage_error(cmd, "missing MODEL.onnx%s", ""), -1;
    return 0;
}

static int parse_options(const char *cmd, int argc, char **argv, Options *o)
{
    char **split = split_equals(&argc, argv);
    int rc = parse_split_options(cmd, argc, split, o);
    kiln_free(split);
    return rc;
}

int main(int argc, char **argv)
{
    /* cJSON (reports) allocates through kiln's funnel too, so KILN_FAIL_ALLOC reaches it */
    cJSON_InitHooks(&(cJSON_Hooks){.malloc_fn = kiln_malloc, .free_fn = kiln_free});
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kiln %s\n", KILN_VERSION);
        return 0;
    }
    for (size_t i = 0; i < KILN_ARRAY_LEN(commands); i++) {
        const Command *c = &commands[i];
        if (strcmp(argv[1], c->name))
            continue;
        for (int k = 2; k < argc; k++) {
            if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                fputs(*c->usage, stdout);
                return 0;
            }
        }
        Options o = {.rtol = 1e-4, .atol = 1e-5};
        if (parse_options(c->name, argc - 2, argv + 2, &o))
            return 2;
        return c->fn(&o);
    }
    return usage_error(NULL, "unknown command '%s'", argv[1]);
}
