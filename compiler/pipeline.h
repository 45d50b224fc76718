/* SPDX-License-Identifier: MIT */
/* Options shared by the commands, the pass pipeline, and the compile-to-directory step. */
#ifndef KILN_PIPELINE_H
#define KILN_PIPELINE_H

#include "codegen.h"
#include "frontend.h"
#include "ir.h"
#include "target.h"

#define MAX_SHAPES 16
#define MAX_DATA 64

typedef struct Options {
    const char *model;
    const char *out_dir;
    const char *name;
    const char *target;
    Target tgt;               /* loaded from --target (host by default) */
    const char *report;
    const char *dump_after;
    ShapeOverride shapes[MAX_SHAPES];
    int n_shapes;
    int force;
    int quiet;
    /* verify / run / bench */
    const char *data[MAX_DATA];
    int n_data;
    const char *inputs[MAX_DATA];
    int n_inputs;
    const char *outputs[MAX_DATA];
    int n_outputs;
    double rtol, atol;
    const char *junit, *json_path;
    int json;
    int instructions;
    int keep;
} Options;

/* Loads the model and runs every pass; NULL on error. */
Graph *pipeline_compile(const Options *o, Diag *d);
/* Names a loaded graph and runs every pass; on error frees g and returns -1. */
int pipeline_run(Graph *g, const Options *o, Diag *d);
/* Compiles into dir via a temporary sibling directory renamed into place. */
int pipeline_compile_to_dir(Graph *g, const Options *o, const char *dir, Diag *d);
/* Writes the generated files straight into an existing directory (for temp builds). */
int pipeline_write(Graph *g, const Options *o, const char *dir, Diag *d);
void pipeline_options_text(const Options *o, char *out, size_t size);

/* Totals used by the summary, report, inspect and bench. */
typedef struct {
    int64_t macs, params, weights_bytes, code_bytes;
    int nodes;
} Totals;
Totals pipeline_totals(const Graph *g);
int64_t node_params(const Node *n);
int64_t node_macs(const Node *n);
void print_summary(const Graph *g, FILE *out);
int write_report(const Graph *g, const char *path, Diag *d);
struct cJSON;
/* Per node: name, op, output_shape, macs, params, scratch_offset. */
struct cJSON *report_nodes_json(const Graph *g);
/* Prints a JSON document to stdout and frees it. */
void print_json(struct cJSON *root);

/* Builds generated code in dir with a driver source; returns 0 and the binary path. */
int harness_build(const Graph *g, const char *dir, const char *driver, const char *cc,
                  const char *cflags, char *exe, size_t exe_size, Diag *d);

#endif
