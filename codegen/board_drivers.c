/* SPDX-License-Identifier: MIT */
/* Drivers for emulated boards, used by verify, run and bench with a cross target. They
 * use the board support in targets/common/board.h (semihosting) instead of stdio and
 * static buffers instead of malloc, and never ship with the model. */
#include "codegen.h"

/* With f32 set, a quantized model's buffers are float and the driver calls NAME_run_f32, as
 * the host io driver does (kiln run and verify exchange floats); the bench driver times
 * the int8 NAME_run itself. */
static DType buffer_dtype(const Tensor *t, int f32)
{
    return f32 ? cg_f32_wrapper_dtype(t) : t->dtype;
}

static void emit_buffers(Buf *b, const Graph *g, int f32)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "static %s in%d[%lld];\n", dtype_c_type(buffer_dtype(g->inputs[i], f32)),
                   i, (long long)(ir_numel(g->inputs[i]) ? ir_numel(g->inputs[i]) : 1));
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "static %s out%d[%lld];\n", dtype_c_type(buffer_dtype(g->outputs[i], f32)),
                   i, (long long)(ir_numel(g->outputs[i]) ? ir_numel(g->outputs[i]) : 1));
}

static void emit_call(Buf *b, const Graph *g, int f32)
{
    buf_printf(b, "%s_run%s(", g->name, f32 && cg_has_f32_wrapper(g) ? "_f32" : "");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "%sin%d", i ? ", " : "", i);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "%sout%d", g->n_inputs + i ? ", " : "", i);
    buf_puts(b, ")");
}

/* io driver: reads samples from DIR/inK.bin until the first input is exhausted, runs
 * each, appends the outputs to DIR/outK.bin (the host io driver's files and layout). */
int cg_write_board_io_driver(const Graph *g, const char *path, const char *dir, Diag *d)
{
    Buf b = {0};
    buf_printf(&b, "#include \"board.h\"\n#include \"%s.h\"\n\n", g->name);
    emit_buffers(&b, g, 1);
    buf_printf(&b, "\nint main(void)\n{\n    int in[%d], out[%d];\n    long n = 1;\n",
               g->n_inputs + 1, g->n_outputs + 1);
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "    if ((in[%d] = board_open(\"%s/in%d.bin\", \"rb\")) < 0) return 66;\n",
                   i, dir, i);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(&b, "    if ((out[%d] = board_open(\"%s/out%d.bin\", \"wb\")) < 0) return 73;\n",
                   i, dir, i);
    if (g->n_inputs)
        buf_puts(&b, "    n = board_file_length(in[0]) / (long)sizeof in0;\n");
    buf_puts(&b, "    for (long s = 0; s < n; s++) {\n");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "        if (board_read(in[%d], in%d, sizeof in%d)) return 66;\n", i, i, i);
    buf_puts(&b, "        if (");
    emit_call(&b, g, 1);
    buf_puts(&b, " != 0) return 70;\n");
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(&b, "        if (board_write(out[%d], out%d, sizeof out%d)) return 73;\n", i,
                   i, i);
    buf_puts(&b, "    }\n");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "    board_close(in[%d]);\n", i);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(&b, "    board_close(out[%d]);\n", i);
    buf_puts(&b, "    return 0;\n}\n");
    int rc = write_file(path, b.data, b.len, d);
    buf_free(&b);
    return rc;
}

/* bench driver: the same deterministic input as the host bench driver; one inference,
 * then `runs` inferences, with a call to kiln_bench_mark() before, between and after.
 * The instruction-count plugin records the count at each mark; the difference of the two
 * spans divided by runs - 1 is one inference, free of start-up and marker cost. */
int cg_write_board_bench_driver(const Graph *g, const char *path, int runs, Diag *d)
{
    Buf b = {0};
    buf_printf(&b, "#include <stddef.h>\n#include \"%s.h\"\n\n", g->name);
    emit_buffers(&b, g, 0);
    buf_puts(&b, "\n__attribute__((noinline, noipa)) void kiln_bench_mark(void);\n"
                 "__attribute__((noinline, noipa)) void kiln_bench_mark(void)\n{\n"
                 "    __asm__ volatile(\"\" ::: \"memory\");\n}\n\n"
                 "int main(void)\n{\n");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(&b, "    for (size_t k = 0; k < %lldu; k++) in%d[k] = (%s)((k * 7u) %% 13u) / 8;\n",
                   (long long)ir_numel(g->inputs[i]), i, dtype_c_type(g->inputs[i]->dtype));
    buf_puts(&b, "    kiln_bench_mark();\n    if (");
    emit_call(&b, g, 0);
    buf_printf(&b, " != 0) return 70;\n    kiln_bench_mark();\n    for (int s = 0; s < %d; s++)\n"
                   "        if (", runs);
    emit_call(&b, g, 0);
    buf_puts(&b, " != 0) return 70;\n    kiln_bench_mark();\n    return 0;\n}\n");
    int rc = write_file(path, b.data, b.len, d);
    buf_free(&b);
    return rc;
}
