/* SPDX-License-Identifier: MIT */
/* Test and timing drivers around a generated model, used by verify, run and bench.
 * They are host programs (stdio allowed) and never ship with the model. */
#include "codegen.h"

static void emit_call(Buf *b, const Graph *g, const char *index)
{
    buf_printf(b, "%s_run%s(", g->name, cg_has_f32_wrapper(g) ? "_f32" : "");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "%sin%d + (size_t)%s * %lldu", i ? ", " : "", i, index,
                   (long long)ir_numel(g->inputs[i]));
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "%sout%d + (size_t)%s * %lldu", g->n_inputs + i ? ", " : "", i, index,
                   (long long)ir_numel(g->outputs[i]));
    buf_puts(b, ")");
}

static void emit_frees(Buf *b, const Graph *g)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "    free(in%d);\n", i);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "    free(out%d);\n", i);
}

/* Quantized models run through NAME_run_f32, so the drivers read and write floats. */
static void emit_buffers(Buf *b, const Graph *g, const char *count)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "    %s *in%d = calloc((size_t)%s * %lldu + 1, sizeof *in%d);\n",
                   dtype_c_type(cg_f32_wrapper_dtype(g->inputs[i])), i, count,
                   (long long)ir_numel(g->inputs[i]), i);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "    %s *out%d = calloc((size_t)%s * %lldu + 1, sizeof *out%d);\n",
                   dtype_c_type(cg_f32_wrapper_dtype(g->outputs[i])), i, count,
                   (long long)ir_numel(g->outputs[i]), i);
}

/* io driver: kiln_io N in0.bin ... out0.bin ...; raw little-endian arrays of N samples. */
int cg_write_io_driver(const Graph *g, const char *path, Diag *d)
{
    Buf b = {0};
    buf_printf(&b, "#include <stdio.h>\n#include <stdlib.h>\n#include \"%s.h\"\n\n", g->name);
    buf_puts(&b,
             "static int io(const char *path, void *p, size_t bytes, int write)\n{\n"
             "    FILE *f = fopen(path, write ? \"wb\" : \"rb\");\n"
             "    if (!f) { perror(path); return 1; }\n"
             "    size_t n = write ? fwrite(p, 1, bytes, f) : fread(p, 1, bytes, f);\n"
             "    if (fclose(f) != 0 || n != bytes) { fprintf(stderr, \"%s: short i/o\\n\", path); return 1; }\n"
             "    return 0;\n}\n\n");
    buf_printf(&b, "int main(int argc, char **argv)\n{\n    if (argc != %d) return 64;\n"
                   "    long n = atol(argv[1]);\n", 2 + g->n_inputs + g->n_outputs);
    emit_buffers(&b, g, "n");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "    if (io(argv[%d], in%d, (size_t)n * %lldu * sizeof *in%d, 0)) return 66;\n",
                   2 + i, i, (long long)ir_numel(g->inputs[i]), i);
    buf_puts(&b, "    for (long s = 0; s < n; s++)\n        if (");
    emit_call(&b, g, "s");
    buf_puts(&b, " != 0) return 70;\n");
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(&b, "    if (io(argv[%d], out%d, (size_t)n * %lldu * sizeof *out%d, 1)) return 73;\n",
                   2 + g->n_inputs + i, i, (long long)ir_numel(g->outputs[i]), i);
    emit_frees(&b, g);
    buf_puts(&b, "    return 0;\n}\n");
    int rc = write_file(path, b.data, b.len, d);
    buf_free(&b);
    return rc;
}

/* bench driver: "kiln_bench time ROUNDS RUNS" prints the median ns per inference over
 * rounds; "kiln_bench count N" runs N inferences (for instruction counting). */
int cg_write_bench_driver(const Graph *g, const char *path, Diag *d)
{
    Buf b = {0};
    buf_printf(&b, "#define _POSIX_C_SOURCE 199309L\n#include <stdio.h>\n#include <stdlib.h>\n"
                   "#include <string.h>\n#include <time.h>\n#include \"%s.h\"\n\n", g->name);
    buf_puts(&b, "static int cmp(const void *a, const void *b)\n{\n"
                 "    double x = *(const double *)a, y = *(const double *)b;\n"
                 "    return x < y ? -1 : x > y;\n}\n\n"
                 "static double now_ns(void)\n{\n    struct timespec ts;\n"
                 "    clock_gettime(CLOCK_MONOTONIC, &ts);\n"
                 "    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;\n}\n\n");
    buf_puts(&b, "int main(int argc, char **argv)\n{\n    if (argc != 3 && argc != 4) return 64;\n");
    emit_buffers(&b, g, "1");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "    for (size_t k = 0; k < %lldu; k++) in%d[k] = (%s)((k * 7u) %% 13u) / 8;\n",
                   (long long)ir_numel(g->inputs[i]), i,
                   dtype_c_type(cg_f32_wrapper_dtype(g->inputs[i])));
    buf_puts(&b, "    long zero = 0;\n    if (!strcmp(argv[1], \"count\")) {\n"
                 "        long n = atol(argv[2]);\n        for (long s = 0; s < n; s++)\n            if (");
    emit_call(&b, g, "zero");
    buf_puts(&b, " != 0) return 70;\n");
    emit_frees(&b, g);
    buf_puts(&b, "        return 0;\n    }\n");
    buf_puts(&b, "    long rounds = atol(argv[2]), runs = argc == 4 ? atol(argv[3]) : 100;\n"
                 "    if (rounds < 1 || runs < 1) return 64;\n"
                 "    double *med = calloc((size_t)rounds, sizeof *med);\n"
                 "    double *t = calloc((size_t)runs, sizeof *t);\n"
                 "    for (long w = 0; w < runs / 10 + 1; w++) ");
    emit_call(&b, g, "zero");
    buf_puts(&b, ";\n    for (long r = 0; r < rounds; r++) {\n"
                 "        for (long s = 0; s < runs; s++) {\n            double t0 = now_ns();\n            ");
    emit_call(&b, g, "zero");
    buf_puts(&b, ";\n            t[s] = now_ns() - t0;\n        }\n"
                 "        qsort(t, (size_t)runs, sizeof *t, cmp);\n        med[r] = t[runs / 2];\n    }\n"
                 "    qsort(med, (size_t)rounds, sizeof *med, cmp);\n"
                 "    printf(\"%.0f\\n\", med[rounds / 2]);\n    free(med);\n    free(t);\n");
    emit_frees(&b, g);
    buf_puts(&b, "    return 0;\n}\n");
    int rc = write_file(path, b.data, b.len, d);
    buf_free(&b);
    return rc;
}
