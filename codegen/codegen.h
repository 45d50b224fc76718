/* SPDX-License-Identifier: MIT */
/* C code generation: the model source, weights, header, runtime copy, and drivers. */
#ifndef KILN_CODEGEN_H
#define KILN_CODEGEN_H

#include "ir.h"
#include "kiln.h"

#define CG_MAX_KERNELS 64

struct Emit {
    Graph *g;
    Buf decls;                 /* file-scope params structs */
    Buf body;                  /* statements of NAME_run_arena */
    const char *kernels[CG_MAX_KERNELS];
    int n_kernels;
    int n_params;
};
typedef struct Emit Emit;

/* Helpers for op emitters. Returned strings live in the graph's arena. */
const char *cg_ptr(Emit *e, Tensor *t);              /* typed pointer expression to t's data */
/* Pointer expression to the node's planned scratch buffer, cast to `type *`. */
const char *cg_scratch(Emit *e, const Node *n, const char *type);
const char *cg_new_params(Emit *e, const char *type); /* "p12"; starts "static const TYPE p12 = " */
const char *cg_new_array(Emit *e, const char *elem_type, int count);
void cg_decl(Emit *e, const char *fmt, ...) KILN_PRINTF(2, 3);
void cg_stmt(Emit *e, const char *fmt, ...) KILN_PRINTF(2, 3);
void cg_use_kernel(Emit *e, const char *kernel);     /* runtime file stem, e.g. kiln_conv2d_f32 */
const char *cg_float(Emit *e, float f);              /* C literal, exact, HUGE_VALF for inf */
const char *cg_act(Emit *e, const kiln_act *act);
/* "{1, 3, ..., {KILN_ACT_...}, in_place}": every field, so generated code stays -Wextra clean */
const char *cg_conv2d(Emit *e, const kiln_conv2d_params *k);
const char *cg_act_placeholder_dummy_(void);    /* "{KILN_ACT_RELU, 0.0f, 0.0f}" */
const char *cg_i32_list(Emit *e, const int32_t *v, int n); /* "{1, 2, 3}" */

typedef struct {
    const char *out_dir;        /* final directory */
    const char *options_text;   /* recorded in the generated files' header comment */
    const char *variants;       /* kernel variant directories under runtime/, best first
                                   ("mve dsp"); NULL or "" for the portable kernels only */
} CgOptions;

/* Writes NAME.h, NAME.c, NAME_weights.c and kiln/ runtime files into dir. */
int cg_write_model(Graph *g, const CgOptions *o, const char *dir, Diag *d);
/* Estimated code size in bytes of the generated model (before a C compiler runs). */
int64_t cg_code_estimate(const Graph *g);

/* Quantized models: 1 if an input or output is int8, so NAME_run_f32 exists; the type
 * a tensor has in NAME_run_f32 (f32 for int8 tensors). */
int cg_has_f32_wrapper(const Graph *g);
DType cg_f32_wrapper_dtype(const Tensor *t);

/* Writes the graph (right after the quantize pass) as a QDQ ONNX model. */
int cg_write_qdq(Graph *g, const char *path, Diag *d);

/* Drivers used by verify/run/bench (never shipped with the model). */
int cg_write_io_driver(const Graph *g, const char *path, Diag *d);
int cg_write_bench_driver(const Graph *g, const char *path, Diag *d);
/* Drivers for emulated boards (semihosting I/O, static buffers): board_drivers.c. */
int cg_write_board_io_driver(const Graph *g, const char *path, const char *dir, Diag *d);
int cg_write_board_bench_driver(const Graph *g, const char *path, int runs, Diag *d);

#endif
