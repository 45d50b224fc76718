/* SPDX-License-Identifier: MIT */
/* The op table: everything the compiler knows about one ONNX operator lives in its entry.
 *
 * Life of a node: the frontend builds it with raw attributes; parse() turns them into the
 * op's params struct and validates them; infer() sets output types and shapes and fills
 * the shape-dependent kernel params; eval() computes outputs of a node whose inputs are
 * constant (constant folding) with the same runtime kernels the generated code calls;
 * emit() prints the kernel call. Adding an op = one entry + its kernel + its tests.
 */
#ifndef KILN_OPS_H
#define KILN_OPS_H

#include "ir.h"
#include "kiln.h"

typedef struct Emit Emit;  /* codegen context, see codegen.h */

enum {
    OPF_VIEW = 1 << 0,         /* output is a reinterpretation of input 0 (no kernel) */
    OPF_SHAPE_ONLY = 1 << 1,   /* eval needs only the input's shape, not its data */
    OPF_ACTIVATION = 1 << 2,   /* to_act() can express the op as a fused activation */
};

struct OpDef {
    const char *name;
    int min_opset, max_opset;         /* opsets of the default domain supported */
    int min_inputs, max_inputs;
    int min_outputs, max_outputs;
    int flags;
    int (*parse)(Graph *g, Node *n, Diag *d);
    int (*infer)(Graph *g, Node *n, Diag *d);
    int (*eval)(Graph *g, Node *n, Diag *d);          /* NULL: never folded */
    int (*emit)(Emit *e, Node *n, Diag *d);           /* NULL only for views */
    int64_t (*macs)(const Node *n);                   /* NULL: 0 */
    int64_t (*scratch_bytes)(const Node *n);          /* NULL: 0 */
    kiln_act *(*act_slot)(Node *n);                   /* fused-activation field, or NULL */
    int (*to_act)(const Node *n, kiln_act *out);      /* OPF_ACTIVATION ops */
    int (*lower)(Graph *g, Node *n, Diag *d);         /* layout tweaks before codegen */
    /* In-place execution (memory planner): bit i set when output 0 may start at input
     * i's address (the kernel never clobbers an input element before reading it);
     * set_in_place switches the kernel to mode (1 in place, 2 line buffer, 0 separate)
     * and returns -1 if the op has no such mode. NULL set_in_place: aliasing is free. */
    unsigned (*in_place_inputs)(const Node *n);
    int (*set_in_place)(Node *n, int mode);
    int (*in_place_mode)(const Node *n);              /* the mode set, for the checker */
    /* Byte offset of input i's contiguous copy inside output 0 (Concat of batch 1 on
     * axis 1), or -1: the planner may let input i's producer write straight there. */
    int64_t (*input_slice)(const Node *n, int input);
};

const OpDef *op_find(const char *name);
/* All entries, for --help and coverage listings. */
const OpDef *const *op_all(int *count);

/* Gemm's kernel params, for passes that rewrite Gemm (BatchNormalization folding). */
kiln_gemm_params *op_gemm_params(Node *n);
/* Conv's kernel params, for passes that inspect its geometry (pruning, sparsity). */
kiln_conv2d_params *op_conv_params(Node *n);

/* Pad's kernel params (dims, begins, value), for folding Pad into Conv/Pool. */
const kiln_pad_params *op_pad_params(const Node *n);

/* Sparse Conv/Gemm (internal ops made by pass_sparse; not in the ONNX op table). */
typedef struct {
    int64_t rows, row_len;        /* output channels (columns), dense weights per row */
    int64_t nnz;                  /* stored weights */
    int64_t macs, dense_macs;     /* executed by the sparse kernel, and by the dense one */
    int64_t bytes, dense_bytes;   /* flash of the encoding, and of the dense weights */
    int64_t instr, dense_instr;   /* the cost model's instruction estimates */
} SparseInfo;
extern const OpDef op_sparse_conv, op_sparse_gemm;
/* Turns Conv/Gemm n into its sparse op with the encoded weights (count, idx, val). */
void op_make_sparse(Graph *g, Node *n, Tensor *count, Tensor *idx, Tensor *val,
                    const SparseInfo *info);
/* The node's SparseInfo, or NULL if it is not a sparse op. */
const SparseInfo *op_sparse_info(const Node *n);

/* Fails naming the first attribute no parser read (unknown attributes are errors). */
int op_check_unused_attrs(Node *n, Diag *d);

/* Helpers for op files. */
/* Fails unless the input is constant; when it comes from graph inputs, the error names
 * them and suggests --const, and marks them (Tensor.needs_const) for kiln verify. */
int op_require_const(Node *n, int input, Diag *d);
/* The same for an input that decides an output shape (Reshape's shape, Slice's starts...). */
int op_require_shape_input(Node *n, int input, Diag *d);
int op_require_float(Node *n, int input, Diag *d);
int op_allocate_outputs(Graph *g, Node *n);
/* Numpy broadcasting of two shapes into out (rank/dims); -1 with an error if incompatible. */
int op_broadcast_shape(Node *n, const Tensor *a, const Tensor *b, int *rank, int64_t *dims,
                       Diag *d);
/* Element strides of t, right-aligned against an output of `rank` dims (0 where t has
 * size 1 or lacks the dim, i.e. where it is broadcast). */
void op_broadcast_strides(const Tensor *t, int rank, int32_t *strides);
/* Normalises a possibly negative axis against rank; -1 with an error if out of range. */
int op_axis(Node *n, int64_t axis, int rank, Diag *d);
/* Checks a 64-bit count fits the runtime's int32 fields. */
int op_fits_i32(Node *n, int64_t v, const char *what, Diag *d);
/* An ONNX TensorProto.DataType code as a DType; DT_UNDEF if kiln has no such type. */
DType op_dtype_from_onnx(int64_t code);
/* Stores v into element i of t's data, converted to t's type (generators). */
void op_store_double(Tensor *t, int64_t i, double v);

/* ---- int8 ops: built by the quantize pass (passes/quantize.c), never read from ONNX ----
 * Every float op's params struct starts with its kiln_*_params kernel struct, which is
 * how the pass reads their geometry. Per-channel multipliers, shifts, biases and tables
 * are constant inputs of the int8 nodes, so they are emitted like weights. */
typedef struct {
    kiln_conv2d_s8_params k;
    const char *kernel;   /* kiln_conv2d_s8, kiln_conv2d_s8_1x1 or kiln_dwconv2d_s8 */
    const float *w_scale; /* per output channel (for --emit-qdq) */
} ConvS8Params;           /* inputs: x, w s8, bias s32 (or NULL), multiplier s32, shift s32 */

typedef struct {
    kiln_fully_connected_s8_params k;
    const float *w_scale;
} FcS8Params;             /* inputs: x, w s8 [n][k], bias s32 (or NULL), multiplier, shift */

typedef struct {
    kiln_pool2d_params k;          /* MaxPool, AveragePool */
    kiln_global_pool_params global;/* GlobalAveragePool */
    int32_t zero_point;
} PoolS8Params;

typedef struct {
    kiln_binary_s8_params k;
} BinaryS8Params;

typedef struct {
    kiln_softmax_params k;
} SoftmaxS8Params;        /* inputs: x, exp table s32[256] */

typedef struct {
    kiln_quant_params k;
} QuantizeParams;         /* Quantize (f32 -> s8) and Dequantize (s8 -> f32) */

/* inputs of LUT: x, table s8[256]; params: the kiln_unary_params it was made from, or
 * NULL for a rescale */
/* Clip whose min/max are run-time tensors (compiler/ops/clip_rt.c); Clip becomes it in
 * shape inference. inputs: x, min or NULL, max or NULL. */
extern const OpDef op_clip_rt;

extern const OpDef op_conv_s8, op_fc_s8, op_maxpool_s8, op_avgpool_s8, op_global_avgpool_s8,
    op_add_s8, op_mul_s8, op_lut_s8, op_softmax_s8, op_quantize_s8, op_dequantize_s8;

/* Sparse int8 Conv / fully connected (compiler/ops/sparse_s8.c), made by pass_sparse from
 * Conv.s8 / FullyConnected.s8: inputs x, mask u8, values s8, shift s8, bias s16/s32 (or
 * NULL), multiplier s32. */
extern const OpDef op_sparse_conv_s8, op_sparse_fc_s8;
void op_make_sparse_s8(Graph *g, Node *n, Tensor *mask, Tensor *val, Tensor *shift,
                       Tensor *bias, const SparseInfo *info);
const SparseInfo *op_sparse_s8_info(const Node *n);

#endif
