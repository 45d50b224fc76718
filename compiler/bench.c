/* SPDX-License-Identifier: MIT */
/* kiln bench: latency on the host (median over rounds in one process) and, with
 * --instructions, the exact instruction count of one inference under callgrind. On an
 * emulated target: emulated instructions per inference (TCG plugin), flash and RAM. */
#include "board.h"
#include "commands.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Runs the bench driver and returns what it printed as a number, or -1. */
static double run_and_read(char *const argv[], const char *log, Diag *d)
{
    if (run_logged(argv, log, 900, "the benchmark driver", d))
        return -1;
    Buf b = {0};
    double v = read_file(log, &b, d) == 0 ? strtod(b.data, NULL) : -1;
    buf_free(&b);
    return v;
}

/* callgrind prints "Collected : N" (instructions) to its log. */
static long long callgrind_count(const char *exe, const char *dir, long runs, Diag *d)
{
    char log[PATH_MAX], n[32];
    snprintf(log, sizeof log, "%s/callgrind.log", dir);
    snprintf(n, sizeof n, "%ld", runs);
    char *argv[] = {"valgrind", "--tool=callgrind", (char *)"--callgrind-out-file=/dev/null",
                    (char *)exe, "count", n, NULL};
    remove(log);
    int rc = run_process(argv, log, 1800);
    Buf b = {0};
    Diag quiet = {.quiet = 1};
    read_file(log, &b, &quiet);
    const char *p = b.data ? strstr(b.data, "Collected : ") : NULL;
    long long v = p ? atoll(p + 12) : -1;
    if (rc != 0 || v < 0)
        diag_error(d, "valgrind --tool=callgrind failed (exit %d); is valgrind installed?", rc);
    buf_free(&b);
    return v;
}

/* Text size (code + read-only data but not the weights) of the model and kernels. */
static long long code_bytes(const Graph *g, const char *dir)
{
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && ${CC:-cc} -O3 -std=c99 -c -I. %s.c kiln/*.c >/dev/null 2>&1 && "
             "size -t %s.o $(ls kiln/*.c | sed 's|kiln/||; s|\\.c$|.o|') 2>/dev/null | tail -1",
             dir, g->name, g->name);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    long long text = -1;
    if (fscanf(p, "%lld", &text) != 1)
        text = -1;
    pclose(p);
    return text;
}

/* Emulated instructions of one inference: the plugin records the count at each call to
 * kiln_bench_mark; the span of BOARD_BENCH_RUNS inferences minus the span of one,
 * divided by BOARD_BENCH_RUNS - 1, leaves exactly one inference. */
static long long board_count(const Target *t, const char *exe, const char *dir, int profile,
                             Diag *d)
{
    char plugin[PATH_MAX], out[PATH_MAX * 3], log[PATH_MAX + 16], prof[PATH_MAX + 16];
    if (board_build_plugin(dir, plugin, sizeof plugin, d))
        return -1;
    uint64_t mark = board_symbol(t, exe, "kiln_bench_mark", dir, d);
    if (!mark)
        return -1;
    snprintf(prof, sizeof prof, "%s/profile.txt", dir);
    /* {out} in the count template takes the profile option along */
    snprintf(out, sizeof out, "%s/count.txt%s%s", dir, profile ? ",profile=" : "",
             profile ? prof : "");
    snprintf(log, sizeof log, "%s/bench.log", dir);
    remove(out);
    int rc = board_run(t, exe, log, plugin, mark, out, d);
    snprintf(out, sizeof out, "%s/count.txt", dir);
    Buf b = {0};
    Diag quiet = {.quiet = 1};
    unsigned long long m[3] = {0, 0, 0};
    int n = 0;
    if (rc == 0 && read_file(out, &b, &quiet) == 0) {
        buf_append(&b, "", 1);
        for (const char *p = strstr(b.data, "mark "); p && n < 3; p = strstr(p + 1, "mark "))
            m[n++] = strtoull(p + 5, NULL, 10);
    }
    buf_free(&b);
    if (rc != 0 || n != 3 || m[2] - m[1] < m[1] - m[0]) {
        diag_error(d, "counting instructions on target '%s' failed (emulator exit %d, %d of 3 "
                   "marks; see %s)", t->name, rc, n, log);
        return -1;
    }
    return (long long)(((m[2] - m[1]) - (m[1] - m[0])) / (BOARD_BENCH_RUNS - 1));
}

static int bench_board(Options *o, Graph *g, Diag *d)
{
    char dir[PATH_MAX], exe[PATH_MAX];
    char flags[512];
    const char *extra = getenv("KILN_BENCH_CFLAGS");
    snprintf(flags, sizeof flags, "-O3 %s", extra ? extra : "");
    if (command_build(g, o, "bench", flags, dir, sizeof dir, exe, sizeof exe, d))
        return 1;
    long long instr = board_count(&o->tgt, exe, dir, o->profile, d);
    Footprint f;
    if (instr < 0 || board_footprint(g, &o->tgt, dir, &f, d))
        return 1;
    Totals t = pipeline_totals(g);
    if (o->json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "model", o->model);
        cJSON_AddStringToObject(r, "target", o->tgt.name);
        cJSON_AddNumberToObject(r, "instructions_per_inference", (double)instr);
        cJSON_AddNumberToObject(r, "flash_bytes", (double)f.flash);
        cJSON_AddNumberToObject(r, "ram_bytes", (double)f.ram);
        cJSON_AddNumberToObject(r, "arena_bytes", (double)g->arena_bytes);
        cJSON_AddNumberToObject(r, "stack_bytes", (double)f.stack);
        cJSON_AddNumberToObject(r, "weights_bytes", (double)f.weights);
        cJSON_AddNumberToObject(r, "code_bytes", (double)f.code);
        cJSON_AddBoolToObject(r, "sizes_measured", f.measured);
        cJSON_AddNumberToObject(r, "macs", (double)t.macs);
        print_json(r);
    } else {
        printf("kiln bench %s (%s, emulated, %s)\n", o->model, o->tgt.name, flags);
        printf("  instructions     %lld per inference (%.2f per MAC)\n", instr,
               t.macs ? (double)instr / (double)t.macs : 0.0);
        printf("  flash %lld bytes (weights %lld + code %lld), RAM %lld bytes (arena %lld + "
               "stack %lld)%s\n", (long long)f.flash, (long long)f.weights, (long long)f.code,
               (long long)f.ram, (long long)g->arena_bytes, (long long)f.stack,
               f.measured ? "" : " (estimates)");
    }
    char prof[PATH_MAX + 16];
    snprintf(prof, sizeof prof, "%s/profile.txt", dir);
    if (o->profile && board_print_profile(&o->tgt, exe, prof, dir, 12, o->json ? stderr : stdout, d))
        return 1;
    return 0;
}

int cmd_bench(Options *o)
{
    Diag d = {0};
    Graph *g = command_compile(o, &d);
    if (!g)
        return 1;
    if (target_is_emulated(&o->tgt)) {
        int rc = bench_board(o, g, &d);
        ir_graph_free(g);
        return rc;
    }
    char dir[PATH_MAX], exe[PATH_MAX], log[PATH_MAX + 16];
    char flags[512];
    const char *extra = getenv("KILN_BENCH_CFLAGS");
    snprintf(flags, sizeof flags, "-O3 %s", extra ? extra : "");
    if (command_build(g, o, "bench", flags, dir, sizeof dir, exe, sizeof exe, &d)) {
        ir_graph_free(g);
        return 1;
    }
    snprintf(log, sizeof log, "%s/bench.log", dir);
    char *argv[] = {exe, "time", "5", "200", NULL};
    double latency = run_and_read(argv, log, &d);
    long long instr = -1;
    if (latency >= 0 && o->instructions) {
        long long one = callgrind_count(exe, dir, 1, &d);
        long long eleven = one >= 0 ? callgrind_count(exe, dir, 11, &d) : -1;
        instr = eleven >= 0 ? (eleven - one) / 10 : -1;
    }
    Totals t = pipeline_totals(g);
    long long code = code_bytes(g, dir);
    int failed = latency < 0 || (o->instructions && instr < 0);
    if (!failed && o->json) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "model", o->model);
        cJSON_AddStringToObject(r, "target", o->target ? o->target : "host");
        cJSON_AddNumberToObject(r, "latency_ns_median", latency);
        if (instr >= 0)
            cJSON_AddNumberToObject(r, "instructions_per_inference", (double)instr);
        cJSON_AddNumberToObject(r, "arena_bytes", (double)g->arena_bytes);
        cJSON_AddNumberToObject(r, "weights_bytes", (double)t.weights_bytes);
        cJSON_AddNumberToObject(r, "code_bytes", (double)code);
        cJSON_AddNumberToObject(r, "macs", (double)t.macs);
        print_json(r);
    } else if (!failed) {
        printf("kiln bench %s (host, %s)\n", o->model, flags);
        printf("  latency median   %.1f us\n", latency / 1000.0);
        if (instr >= 0)
            printf("  instructions     %lld per inference (%.2f per MAC)\n", instr,
                   t.macs ? (double)instr / (double)t.macs : 0.0);
        printf("  arena %lld bytes, weights %lld bytes, code %lld bytes\n",
               (long long)g->arena_bytes, (long long)t.weights_bytes, code);
    }
    ir_graph_free(g);
    return failed ? 1 : 0;
}
