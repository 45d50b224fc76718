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

/* --const NAME=FILE: a graph input whose value is fixed at compile time. */
typedef struct {
    const char *name, *path;
} ConstInput;

/* Graph inputs a failed compile needed as constants (they decide a shape). */
typedef struct {
    int count;
    char names[MAX_DATA][256];
    int index[MAX_DATA];     /* declared input position, for DIR/input_K.pb */
    const char *why[MAX_DATA];
} ConstNeeds;

typedef struct Options {
    const char *model;
    const char *out_dir;
    const char *name;
    const char *target;
    Target tgt;               /* loaded from --target (host by default) */
    const char *report;
    const char *memory_svg;   /* --memory-svg FILE.svg */
    int memory;               /* inspect --memory */
    int io_in_arena;          /* --io-in-arena */
    const char *dump_after;
    ShapeOverride shapes[MAX_SHAPES];
    int n_shapes;
    ConstInput consts[MAX_DATA];
    int n_consts;
    ConstNeeds *const_needs;  /* if set, filled when a compile fails for want of constants */
    int force;
    int quiet;
    int sparse;               /* SparseMode (passes.h): 0 auto, 1 off, 2 force */
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
    int list_ops;   /* inspect --ops */
    int instructions;
    int keep;
    /* --quantize int8 */
    const char *quantize;     /* "int8" or NULL */
    const char *calib[MAX_DATA];
    int n_calib;
    const char *calib_method;
    int bias_correction;       /* --bias-correction */
    int weight_mse;            /* --weight-clip mse */
    const char *emit_qdq;     /* write the quantized graph as a QDQ ONNX model */
    double snr_min;           /* verify: minimum SNR in dB of int8 outputs (< 0: default) */
    int profile;              /* bench on a target: instructions per function */
    int strict;               /* compile: fail when flash or RAM exceed the target's budget */
    const char *linker_script; /* compile: also write the target's linker script here */
} Options;

/* --const: loads the values, extends the shape overrides with their shapes (so symbolic
 * input dims need no --shape), and after loading turns the inputs into constants. */
int consts_load(const Options *o, Arena *a, Tensor **vals, ShapeOverride **shapes,
                int *n_shapes, Diag *d);
int consts_apply(Graph *g, const Options *o, const Tensor *vals, Diag *d);
/* Copies the graph inputs marked needs_const into needs. */
void consts_collect_needs(const Graph *g, ConstNeeds *needs);

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
    /* int8 builds: weights_bytes split into the int8 weight tensors of Conv/Gemm/MatMul,
     * their int32 biases, their requantization parameters (multiplier, shift) and the rest
     * (lookup tables, constant operands, float weights); all 0 in a float build */
    int64_t s8_weight_bytes, s8_bias_bytes, s8_requant_bytes;
} Totals;
Totals pipeline_totals(const Graph *g);
int64_t node_params(const Node *n);
int64_t node_macs(const Node *n);
/* Weights of a Conv/Gemm (dense or sparse): zero fraction, encoding, dense figures. */
typedef struct {
    double sparsity;          /* zeros / dense weight count */
    const char *encoding;     /* "dense" or "sparse" */
    int64_t dense_macs;       /* MACs of the dense kernel (node_macs gives those executed) */
    int64_t bytes, dense_bytes;
} WeightStats;
/* Fills ws for nodes with a weight matrix (Conv, Gemm and their sparse forms); 0 if none. */
int node_weight_stats(const Node *n, WeightStats *ws);
void print_summary(const Graph *g, FILE *out);
struct cJSON;
/* footprint (may be NULL) is added as "footprint" and freed. */
int write_report(const Graph *g, const char *path, struct cJSON *footprint, Diag *d);
struct cJSON;
/* Per node: name, op, output_shape, macs, params, scratch_offset. */
struct cJSON *report_nodes_json(const Graph *g);
/* Prints a JSON document to stdout and frees it. */
void print_json(struct cJSON *root);

/* Builds generated code in dir with a driver source; returns 0 and the binary path.
 * board_args (NULL on the host) adds board support sources and link flags. */
int harness_build(const Graph *g, const char *dir, const char *driver, const char *cc,
                  const char *cflags, const char *board_args, char *exe, size_t exe_size,
                  Diag *d);

#endif
