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
    "               [--strict] [--linker-script FILE.ld]\n"
    "  kiln verify  MODEL.onnx --data DIR [--data DIR ...] [--target NAME] [--rtol R] [--atol A]\n"
    "               [--junit FILE.xml] [--json FILE.json]\n"
    "  kiln run     MODEL.onnx --input X.npy [--input ...] --output Y.npy [--output ...] [--target NAME]\n"
    "  kiln inspect MODEL.onnx [--json] [--ops] [--memory] [--memory-svg FILE.svg]\n"
    "  kiln bench   MODEL.onnx [--target NAME] [--instructions] [--json]\n"
    "  kiln --help | kiln COMMAND --help | kiln --version\n"
    "\n"
    "Every command also takes --shape NAME=1x3x96x96 (fix a symbolic input dimension),\n"
    "--const NAME=FILE.pb|.npy (fix an input's value at compile time; needed for inputs\n"
    "that decide a shape, e.g. Reshape's shape), --dump-after PASS (print the IR after a\n"
    "pass), --quiet, --sparse auto|off|force (sparse weight encodings: by cost model,\n"
    "never, wherever possible; docs/pruning.md) and int8 quantization:\n"
    "--quantize int8 --calib CALIB.npy|DIR [--calib-method minmax|percentile:P|mse]\n"
    "(verify: --snr-min DB). Docs: docs/quantization.md.\n"
    "Exit status: 0 success, 1 error (message on stderr), 2 usage error;\n"
    "kiln verify also exits 3 on an output mismatch, 4 when the generated code fails;\n"
    "5 is an internal error (a kiln bug: please report it). Hostile or broken models are\n"
    "rejected with exit 1 and a message; limits and fuzzing: docs/robustness.md.\n"
    "Targets: host (default), cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33,\n"
    "cortex-m55, riscv32 (emulated by QEMU: verify, run and bench run there), or a FILE.yaml.\n"
    "Docs: docs/cli.md, docs/generated-code.md, docs/ops.md (supported operators and their\n"
    "limits); `make install` puts them in PREFIX/share/kiln/docs.\n";

static const char *usage_compile =
    "usage: kiln compile MODEL.onnx [-o DIR] [--name NAME] [--target NAME|FILE.yaml]\n"
    "                    [--report FILE.json] [--shape NAME=DIMS] [--const NAME=FILE]\n"
    "                    [--memory-svg FILE.svg] [--io-in-arena] [--strict]\n"
    "                    [--linker-script FILE.ld] [--force] [--dump-after PASS]\n"
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
    "  --target T           'host' (default), a bundled target (cortex-m4, ...) or a target\n"
    "                       YAML file; see docs/targets.md. With a budget, also prints flash\n"
    "                       (weights + code) and RAM (data/bss + arena + stack) against it,\n"
    "                       measured with the target's compiler and size when installed.\n"
    "                       Its isa fields pick optimised kernels (runtime/mvef, mve, fpu,\n"
    "                       dsp: Helium, scalar FPU, Cortex-M DSP), same results\n"
    "  --strict             fail (exit 1) when flash or RAM exceed the target's budget\n"
    "  --linker-script F    also write a GNU ld script from the target's memory regions\n"
    "  --report FILE.json   arena_bytes, arena_lower_bound_bytes, step_live_bytes, weights_bytes,\n"
    "                       macs, ops, nodes, tensors (offset, bytes, first_step, last_step),\n"
    "                       scratch; int8 builds also int8_weight_tensor_bytes,\n"
    "                       int8_bias_bytes, int8_requant_bytes, int8_weight_ratio ((weights\n"
    "                       + biases) / their float32 bytes); see docs/memory.md\n"
    "  --memory-svg FILE.svg  draw the memory plan (x = step, y = arena offset)\n"
    "  --io-in-arena        inputs and outputs live in the arena too: zero-copy I/O through\n"
    "                       NAME_input_ptr(arena), NAME_output_ptr(arena), NAME_run_in_arena()\n"
    "  --shape NAME=DIMS    static shape for an input with symbolic dims, e.g. input=1x3x96x96\n"
    "  --const NAME=FILE    the value of input NAME (ONNX TensorProto .pb or NumPy .npy) is\n"
    "                       fixed at compile time; the generated function no longer takes it.\n"
    "                       Inputs that decide a shape (Reshape shape, Slice starts/ends,\n"
    "                       Pad pads, Resize scales/sizes, Expand/Tile/Range, Squeeze axes...)\n"
    "                       need it\n"
    "  --force              replace DIR even if it was not written by kiln\n"
    "  --dump-after PASS    print the IR after PASS (qdq-import, shapes, fold, dce, transpose-pair,\n"
    "                       view-chain, fold-pad, matmul-gemm, fold-bn, fold-affine, prune,\n"
    "                       fuse-act, dce2, quantize, sparse, layout, views, schedule, plan;\n"
    "                       docs/pruning.md, docs/memory.md)\n"
    "  --quantize int8      calibrate and compile to int8: int8 weights (per channel) and\n"
    "                       activations, integer-only kernels; NAME_run takes and returns\n"
    "                       int8, NAME_run_f32 floats; NAME.h gives each input's and output's\n"
    "                       _SCALE and _ZERO_POINT. Ops without an int8 kernel run in float\n"
    "                       (listed on stderr)\n"
    "  --calib FILE.npy     calibration samples on axis 0, one file per input in order;\n"
    "  --calib DIR          or DIR/input_K.pb, or DIR/test_data_set_N/input_K.pb\n"
    "  --calib-method M     minmax (default), percentile:P (e.g. percentile:99.99), mse\n"
    "  --bias-correction    subtract from each bias the mean output shift that rounding the\n"
    "                       weights causes (E[x] from calibration)\n"
    "  --weight-clip M      max (default: scale max|w|/127 per channel) or mse (the clipping\n"
    "                       of max|w| * 1.00 ... 0.50 with the least squared error)\n"
    "  --sparse MODE        auto (default: sparse weights where the cost model says they are\n"
    "                       smaller and faster), off, or force; float and int8 Conv/Gemm\n"
    "                       (with --quantize int8: int8 sparse kernels, bit-exact with\n"
    "                       dense int8); see docs/pruning.md\n"
    "  --emit-qdq FILE.onnx also write the int8 graph as a QDQ ONNX model (opset >= 13),\n"
    "                       e.g. to run it in ONNX Runtime and compare\n"
    "A pre-quantized QDQ model (QuantizeLinear/DequantizeLinear around float ops, int8\n"
    "weights, int8 or uint8 activations) compiles to int8 without --quantize, with the\n"
    "model's own scales and zero points (docs/quantization.md)\n";

static const char *usage_verify =
    "usage: kiln verify MODEL.onnx --data DIR [--data DIR ...] [--rtol R] [--atol A]\n"
    "                   [--junit FILE.xml] [--json FILE.json] [--target T] [--keep]\n"
    "                   [--const NAME=FILE]\n"
    "\n"
    "Compiles the model to a temporary directory, builds it with a test driver using the\n"
    "host compiler ($CC, default cc; flags -O2 -std=c99 -ffp-contract=off, extra ones in\n"
    "$KILN_CFLAGS), runs it on DIR/input_K.pb and compares with DIR/output_K.pb (ONNX\n"
    "backend-test layout: test_data_set_N/input_K.pb + output_K.pb).\n"
    "With an emulated --target (cortex-m4, cortex-m55, ...) the code is cross-compiled with\n"
    "the target's compiler, flags and board support and run under its emulator (QEMU);\n"
    "inputs and outputs pass through semihosting. The comparison is the same.\n"
    "Floats pass when |actual - expected| <= atol + rtol * |expected|; integers must be equal.\n"
    "Prints, per data set and output: max abs error, max rel error, first mismatching index.\n"
    "\n"
    "  --data DIR         a data set directory (repeatable)\n"
    "  --rtol R           relative tolerance (default 1e-4)\n"
    "  --atol A           absolute tolerance (default 1e-5)\n"
    "  --junit FILE.xml   JUnit XML report (one test case per data set and output)\n"
    "  --json FILE.json   JSON report\n"
    "  --keep             keep the build directory and print its path\n"
    "  --const NAME=FILE  fix input NAME at compile time (see 'kiln compile --help')\n"
    "  --quantize int8 --calib C [--calib-method M]   verify the int8 model (see compile)\n"
    "  --snr-min DB       int8: minimum signal-to-noise ratio against float golden outputs\n"
    "                     (default 30); int8 golden outputs must match exactly\n"
    "An input that decides a shape (e.g. Reshape's shape) and that the data set provides is\n"
    "compiled as a constant from DIR/input_K.pb, and verify says so (one compile per data\n"
    "set then). All outputs are still compared.\n"
    "Symbolic or unknown input dimensions (e.g. a batch 'N') are bound from the shapes of\n"
    "the data set's input_K.pb, and verify says so; --shape takes precedence.\n"
    "Exit status: 0 all outputs match; 1 the model cannot be compiled (unsupported or\n"
    "invalid) or a data set cannot be read; 2 usage error; 3 an output differs; 4 the\n"
    "generated code failed to build or run (on the host a kiln bug; on a board also a CPU\n"
    "fault, a missing emulator or a model too big for its memory).\n";

static const char *usage_run =
    "usage: kiln run MODEL.onnx --input X.npy [--input ...] --output Y.npy [--output ...]\n"
    "                [--const NAME=FILE]\n"
    "\n"
    "Compiles the model, builds the generated code on the host and runs it on every sample\n"
    "of the inputs (NumPy .npy, samples stacked on axis 0, one --input per model input in\n"
    "order), writing one .npy per model output with the samples on axis 0.\n"
    "float64 inputs are converted to float32 when the model expects float32.\n"
    "Inputs given with --const NAME=FILE are fixed at compile time and take no --input.\n"
    "With --quantize int8 --calib C [--calib-method M] the int8 model runs (float in and\n"
    "out through NAME_run_f32).\n"
    "--target T runs them on an emulated board instead (see kiln verify --help).\n";

static const char *usage_inspect =
    "usage: kiln inspect MODEL.onnx [--json] [--ops] [--memory] [--memory-svg FILE.svg]\n"
    "                    [--shape NAME=DIMS] [--const NAME=FILE]\n"
    "\n"
    "Prints the compiled graph as a table: node, op, output shape, params, MACs, and totals\n"
    "(arena, weights, MACs). --json prints the same as JSON. --ops prints only the op types\n"
    "the file's graph uses, on one line, without compiling (works for unsupported models).\n"
    "  --memory             print the memory plan instead: every arena buffer (offset, bytes,\n"
    "                       first and last step), live bytes per step, the lower bound\n"
    "  --memory-svg FILE    also draw the plan as SVG (x = step, y = arena offset)\n";

static const char *usage_bench =
    "usage: kiln bench MODEL.onnx [--target T] [--instructions] [--json] [--profile]\n"
    "\n"
    "Builds the generated code with a timing driver ($CC -O3 -std=c99 -ffp-contract=off,\n"
    "plus $KILN_BENCH_CFLAGS, e.g. -march=native) and reports the median latency of one\n"
    "inference (median of 5 rounds of 200 runs, in one process). --instructions also counts\n"
    "the exact instructions of one inference with valgrind --tool=callgrind (deterministic).\n"
    "--json prints latency_ns_median, instructions_per_inference, arena_bytes,\n"
    "weights_bytes, code_bytes (text size of the compiled model and kernels).\n"
    "\n"
    "With an emulated --target: the code is cross-compiled (-O3) and run under the target's\n"
    "emulator with kiln's instruction-count plugin; reports emulated instructions per\n"
    "inference (exact and deterministic: one inference is the difference between a span of\n"
    "3 and a span of 1), flash and RAM measured with the target's toolchain. --json prints\n"
    "instructions_per_inference, flash_bytes, ram_bytes, arena_bytes, stack_bytes,\n"
    "weights_bytes, code_bytes, sizes_measured, macs. --profile also prints the functions\n"
    "that executed the most instructions (on stderr with --json).\n";

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

/* --const NAME=FILE, split in place (argv strings are writable); the name may itself
 * contain '=' (the file is after the last one). */
static int parse_const(const char *cmd, char *v, Options *o)
{
    char *eq = strrchr(v, '=');
    if (!eq || eq == v || !eq[1])
        return usage_error(cmd, "--const expects NAME=FILE.pb (or .npy), got '%s'", v), -1;
    if (o->n_consts == MAX_DATA)
        return usage_error(cmd, "too many --const options%s", ""), -1;
    *eq = 0;
    o->consts[o->n_consts++] = (ConstInput){v, eq + 1};
    return 0;
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
        } else if (!strcmp(a, "--memory-svg")) {
            if (!(o->memory_svg = VALUE()))
                return -1;
        } else if (!strcmp(a, "--io-in-arena")) {
            o->io_in_arena = 1;
        } else if (!strcmp(a, "--memory")) {
            o->memory = 1;
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
        } else if (!strcmp(a, "--const")) {
            char *v = VALUE();
            if (!v)
                return -1;
            if (parse_const(cmd, v, o))
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
        } else if (!strcmp(a, "--quantize")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            if (strcmp(v, "int8") != 0)
                return usage_error(cmd, "--quantize '%s': the only scheme is int8", v), -1;
            o->quantize = v;
        } else if (!strcmp(a, "--calib")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            if (o->n_calib == MAX_DATA)
                return usage_error(cmd, "too many %s options", a), -1;
            o->calib[o->n_calib++] = v;
        } else if (!strcmp(a, "--weight-clip")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            if (strcmp(v, "mse") != 0 && strcmp(v, "max") != 0)
                return usage_error(cmd, "--weight-clip '%s': expected max or mse", v), -1;
            o->weight_mse = !strcmp(v, "mse");
        } else if (!strcmp(a, "--bias-correction")) {
            o->bias_correction = 1;
        } else if (!strcmp(a, "--emit-qdq")) {
            if (!(o->emit_qdq = VALUE()))
                return -1;
        } else if (!strcmp(a, "--calib-method")) {
            if (!(o->calib_method = VALUE()))
                return -1;
        } else if (!strcmp(a, "--snr-min")) {
            const char *v = VALUE();
            if (!v || !parse_double(v, &o->snr_min))
                return usage_error(cmd, "%s needs a non-negative number of dB", a), -1;
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
        } else if (!strcmp(a, "--ops") && !strcmp(cmd, "inspect")) {
            o->list_ops = 1;
        } else if (!strcmp(a, "--instructions")) {
            o->instructions = 1;
        } else if (!strcmp(a, "--profile")) {
            o->profile = 1;
        } else if (!strcmp(a, "--strict")) {
            o->strict = 1;
        } else if (!strcmp(a, "--linker-script")) {
            if (!(o->linker_script = VALUE()))
                return -1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--keep")) {
            o->keep = 1;
        } else if (!strcmp(a, "--sparse")) {
            const char *v = VALUE();
            if (!v)
                return -1;
            if (!strcmp(v, "auto") || !strcmp(v, "off") || !strcmp(v, "force"))
                o->sparse = !strcmp(v, "auto") ? 0 : !strcmp(v, "off") ? 1 : 2;
            else
                return usage_error(cmd, "--sparse takes auto, off or force, not '%s'", v), -1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else {
            return usage_error(cmd, "unknown option '%s'", a), -1;
        }
#undef VALUE
    }
    if (!o->model)
        return usage_error(cmd, "missing MODEL.onnx%s", ""), -1;
    if ((o->n_calib || o->calib_method || o->emit_qdq || o->bias_correction || o->weight_mse) &&
        !o->quantize)
        return usage_error(cmd, "--calib, --calib-method, --bias-correction, --weight-clip and "
                           "--emit-qdq need --quantize int8%s",
                           ""), -1;
    if (o->quantize && !o->n_calib)
        return usage_error(cmd, "--quantize int8 needs --calib FILE.npy (one per input) or "
                           "--calib DIR%s", ""), -1;
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
        Options o = {.rtol = 1e-4, .atol = 1e-5, .snr_min = -1};
        if (parse_options(c->name, argc - 2, argv + 2, &o))
            return 2;
        return c->fn(&o);
    }
    return usage_error(NULL, "unknown command '%s'", argv[1]);
}
