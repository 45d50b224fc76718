/* SPDX-License-Identifier: MIT */
/* kiln compile and kiln inspect, and the compile/build steps the other commands share. */
#include "board.h"
#include "commands.h"
#include "memory_report.h"
#include "ops.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

Graph *command_compile(Options *o, Diag *d)
{
    if (target_load(o->target, &o->tgt, d))
        return NULL;
    d->file = o->model;
    return pipeline_compile(o, d);
}

int command_build(Graph *g, const Options *o, const char *driver_kind, const char *cflags,
                  char *dir, size_t dir_size, char *exe, size_t exe_size, Diag *d)
{
    if (make_temp_dir(NULL, "kiln-", dir, dir_size, d))
        return -1;
    if (!o->keep)
        cleanup_register_dir(dir);
    if (pipeline_write(g, o, dir, d))
        return -1;
    char driver[PATH_MAX];
    snprintf(driver, sizeof driver, "%s/kiln_%s_driver.c", dir, driver_kind);
    int board = target_is_emulated(&o->tgt), io = !strcmp(driver_kind, "io");
    int rc = board ? (io ? cg_write_board_io_driver(g, driver, dir, d)
                         : cg_write_board_bench_driver(g, driver, BOARD_BENCH_RUNS, d))
                   : (io ? cg_write_io_driver(g, driver, d) : cg_write_bench_driver(g, driver, d));
    if (rc)
        return -1;
    char flags[1024], board_args[4096];
    const char *extra = getenv("KILN_CFLAGS");
    snprintf(flags, sizeof flags, "%s %s %s", cflags, o->tgt.cflags, extra ? extra : "");
    if (board && board_build_args(&o->tgt, dir, board_args, sizeof board_args, d))
        return -1;
    /* $CC replaces the host compiler only; a cross target names its own */
    const char *cc = board ? NULL : getenv("CC");
    if (board && !board_tool_available(o->tgt.cc)) {
        diag_error(d, "target '%s' needs the cross compiler '%s' (`make deps` installs it)",
                   o->tgt.name, o->tgt.cc);
        return -1;
    }
    if (harness_build(g, dir, driver, cc && *cc ? cc : o->tgt.cc, flags,
                      board ? board_args : NULL, exe, exe_size, d))
        return -2;
    if (o->keep)
        fprintf(stderr, "kiln: build directory kept: %s\n", dir);
    return 0;
}

int cmd_compile(Options *o)
{
    Diag d = {0};
    Graph *g = command_compile(o, &d);
    if (!g)
        return 1;
    char dir[PATH_MAX];
    if (o->out_dir)
        snprintf(dir, sizeof dir, "%s", o->out_dir);
    else
        snprintf(dir, sizeof dir, "%s_kiln", g->name);
    int rc = pipeline_compile_to_dir(g, o, dir, &d);
    /* flash and RAM against the budget, for targets that have one */
    Footprint f;
    int budgeted = o->tgt.flash_budget > 0 || o->tgt.ram_budget > 0;
    if (rc == 0 && budgeted)
        rc = board_footprint(g, &o->tgt, dir, &f, &d);
    if (o->strict && !budgeted)
        diag_warning(&d, "--strict: target '%s' has no flash or RAM budget to check",
                     o->tgt.name);
    if (rc == 0 && o->linker_script)
        rc = board_write_linker_script(&o->tgt, o->linker_script, &d);
    if (rc == 0 && o->report)
        rc = write_report(g, o->report, budgeted ? board_footprint_json(&o->tgt, &f) : NULL, &d);
    if (rc == 0 && o->memory_svg)
        rc = memory_write_svg(g, o->memory_svg, &d);
    if (rc == 0 && !o->quiet) {
        print_summary(g, stdout);
        printf("  wrote %s/%s.h, %s.c, %s_weights.c, kiln/\n", dir, g->name, g->name, g->name);
    }
    if (rc == 0 && budgeted && board_check_budget(&o->tgt, &f, o->quiet ? NULL : stdout) &&
        o->strict) {
        diag_error(&d, "%s does not fit target '%s' (--strict): flash %lld of %lld bytes, RAM "
                   "%lld of %lld bytes", g->name, o->tgt.name, (long long)f.flash,
                   (long long)o->tgt.flash_budget, (long long)f.ram, (long long)o->tgt.ram_budget);
        rc = 1;
    }
    ir_graph_free(g);
    return rc ? 1 : 0;
}

/* ---- inspect ---------------------------------------------------------------------------- */

static void inspect_json(const Graph *g)
{
    Totals t = pipeline_totals(g);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", g->name);
    cJSON_AddItemToObject(root, "nodes", report_nodes_json(g));
    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(tot, "nodes", t.nodes);
    cJSON_AddNumberToObject(tot, "params", (double)t.params);
    cJSON_AddNumberToObject(tot, "macs", (double)t.macs);
    cJSON_AddNumberToObject(tot, "arena_bytes", (double)g->arena_bytes);
    cJSON_AddNumberToObject(tot, "weights_bytes", (double)t.weights_bytes);
    print_json(root);
}

static void inspect_table(const Graph *g)
{
    char shape[128];
    printf("%-4s %-32s %-20s %-18s %10s %12s %9s %s\n", "#", "node", "op", "output", "params",
           "MACs", "sparsity", "encoding");
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        const char *name = n->name[0] ? n->name : "-";
        WeightStats ws;
        char sp[16] = "";
        int has_w = node_weight_stats(n, &ws);
        if (has_w)
            snprintf(sp, sizeof sp, "%.1f%%", 100.0 * ws.sparsity);
        printf("%-4d %-32.32s %-20s %-18s %10lld %12lld", i, name, n->op->name,
               ir_shape_str(n->outputs[0], shape, sizeof shape), (long long)node_params(n),
               (long long)node_macs(n));
        if (has_w)
            printf(" %9s %s", sp, ws.encoding);
        putchar('\n');
    }
    Totals t = pipeline_totals(g);
    printf("total: %d nodes, %lld params, %lld MACs, arena %lld bytes, weights %lld bytes\n",
           t.nodes, (long long)t.params, (long long)t.macs, (long long)g->arena_bytes,
           (long long)t.weights_bytes);
}

/* inspect --ops: the op types as written in the file, even when kiln cannot compile it. */
static int inspect_ops(const Options *o)
{
    Diag d = {.file = o->model};
    Buf ops = {0};
    int rc = fe_model_ops(o->model, &ops, &d);
    if (rc == 0)
        printf("%s\n", ops.data);
    buf_free(&ops);
    return rc ? 1 : 0;
}

int cmd_inspect(Options *o)
{
    Diag d = {0};
    if (o->list_ops)
        return inspect_ops(o);
    Graph *g = command_compile(o, &d);
    if (!g)
        return 1;
    int rc = 0;
    if (o->memory)
        memory_print_table(g, stdout);
    else if (o->json)
        inspect_json(g);
    else
        inspect_table(g);
    if (o->memory_svg)
        rc = memory_write_svg(g, o->memory_svg, &d);
    ir_graph_free(g);
    return rc ? 1 : 0;
}
