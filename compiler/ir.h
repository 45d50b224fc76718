/* SPDX-License-Identifier: MIT */
/* The intermediate representation: a graph of nodes and tensors in one arena.
 *
 * Invariants (checked by ir_check between passes in debug builds):
 *  - every tensor has a static shape after pass_shapes; nodes are in a valid
 *    topological order (inputs are graph inputs, constants, or produced earlier);
 *  - node->inputs[i] may be NULL for an omitted optional input;
 *  - a constant tensor has data of ir_bytes() bytes, host byte order;
 *  - a view tensor (alias_of != NULL) shares its storage with alias_of.
 */
#ifndef KILN_IR_H
#define KILN_IR_H

#include <stdint.h>
#include "util.h"

#define IR_MAX_RANK 8

typedef enum {
    DT_UNDEF = 0,
    DT_F32, DT_F64, DT_S8, DT_U8, DT_S16, DT_U16, DT_S32, DT_U32, DT_S64, DT_U64, DT_BOOL,
    DT_COUNT
} DType;

const char *dtype_name(DType t);      /* "f32", "s8", ... */
const char *dtype_c_type(DType t);    /* "float", "int8_t", ... */
size_t dtype_size(DType t);

typedef struct Node Node;
typedef struct OpDef OpDef;

typedef struct Tensor {
    const char *name;
    int id;
    DType dtype;
    int rank;                    /* -1 while unknown */
    int64_t dims[IR_MAX_RANK];
    void *data;                  /* constant value, or NULL */
    Node *producer;              /* NULL for graph inputs and constants */
    int is_input, is_output;
    int decl_index;              /* position among the model's declared inputs (input_K.pb) */
    const char *needs_const;     /* graph input needed at compile time: why (see --const) */
    int dims_from_data;          /* symbolic dims bound from kiln verify's data set */
    struct Tensor *alias_of;     /* storage shared with this tensor (views) */
    struct Tensor *output_home;  /* graph output whose buffer holds this tensor, if any */
    struct Tensor *reuses;       /* input whose storage its producer overwrote in place */
    struct Tensor *slice_of;     /* written straight into this tensor's storage (Concat) */
    int64_t slice_offset;        /* at this byte offset */
    int64_t offset;              /* arena offset after planning, -1 if none */
    int first_step, last_step;   /* liveness after planning */
    const char *c_name;          /* identifier in generated code, if any */
    float scale;                 /* int8 tensors: real = scale * (q - zero_point); 0 if not */
    int32_t zero_point;
    /* QDQ models (passes/qdq_import.c): the model's own quantization of a float tensor.
     * Activations: q_scale > 0 with q_zero_point (int8). Weights: ch_scale holds n_ch_scale
     * per-channel scales along ch_axis (n_ch_scale 1: per tensor), zero point 0. */
    float q_scale;
    int32_t q_zero_point;
    const float *ch_scale;
    int n_ch_scale, ch_axis;
} Tensor;

/* An ONNX attribute as read from the file, before the op parses it into its struct. */
typedef enum { ATTR_FLOAT, ATTR_INT, ATTR_STRING, ATTR_TENSOR, ATTR_FLOATS, ATTR_INTS,
               ATTR_STRINGS, ATTR_OTHER } AttrType;

typedef struct Attr {
    const char *name;
    AttrType type;
    float f;
    int64_t i;
    const char *s;
    Tensor *t;
    int n;               /* element count of floats/ints/strings */
    float *floats;
    int64_t *ints;
    const char **strings;
    int used;            /* set by the op's parser; unused attributes are errors */
    AttrType wanted;     /* type a typed accessor asked for when `type` differed */
    int mistyped;        /* ... and that happened: reported instead of "unknown" */
} Attr;

struct Node {
    const char *name;
    const char *op_type;  /* as in the file */
    int index;            /* position in the file, for messages */
    const OpDef *op;
    int opset;            /* of the default domain */
    Attr *attrs;
    int n_attrs;
    void *params;         /* op-specific struct filled by OpDef.parse */
    Tensor **inputs;
    int n_inputs;
    Tensor **outputs;
    int n_outputs;
    int dead;             /* removed by a pass; skipped everywhere */
    int64_t scratch_offset; /* arena offset of the node's scratch after planning */
    int pruned_out, pruned_in; /* channels removed by pass_prune (outputs, inputs) */
};

typedef struct Graph {
    Arena *arena;
    const char *path;     /* model file, for messages */
    const char *name;     /* C identifier for generated code */
    int opset;
    Tensor **tensors;
    int n_tensors, cap_tensors;
    Tensor **by_name;     /* open-addressing index of tensors by name (ir_tensor_find) */
    int by_name_cap;      /* a power of two, at least twice n_tensors */
    Node **nodes;
    int n_nodes, cap_nodes;
    Tensor **inputs;
    int n_inputs;
    Tensor **outputs;
    int n_outputs;
    int64_t folded_bytes; /* constant-folding outputs so far (bounded by max_fold_bytes) */
    int64_t arena_bytes;  /* after planning */
    int64_t arena_lower_bound;   /* most bytes live at one step in the chosen plan */
    int64_t file_order_bound;    /* the same for the file's order without in-place reuse */
    int64_t *step_live;          /* bytes live at each step (n_nodes entries) */
    const char *plan_strategy;   /* placement that produced the offsets */
    int64_t alignment;    /* of arena offsets and buffers, from the target */
    int io_in_arena;      /* graph inputs and outputs live in the arena (--io-in-arena) */
    int64_t scratch_bytes;
    int64_t scratch_offset;
    int qdq_imported;     /* quantization parameters came from the model's Q/DQ nodes */
} Graph;

Graph *ir_graph_new(const char *path);
void ir_graph_free(Graph *g);
Tensor *ir_tensor_new(Graph *g, const char *name);
Tensor *ir_tensor_find(Graph *g, const char *name);
Node *ir_node_new(Graph *g, const char *name, const char *op_type, int n_inputs, int n_outputs);
/* Replaces every use of `from` (node inputs and graph outputs) by `to`. */
void ir_replace_uses(Graph *g, Tensor *from, Tensor *to);
int ir_count_uses(const Graph *g, const Tensor *t);
/* The single live consumer of t, or NULL if it has zero or several (or is an output). */
Node *ir_single_consumer(const Graph *g, const Tensor *t);
/* Drops dead nodes from the node list, keeping order. */
void ir_compact(Graph *g);

int64_t ir_numel(const Tensor *t);
int64_t ir_bytes(const Tensor *t);
int ir_is_const(const Tensor *t);
/* Every output of n has zero elements (so there is nothing to compute). */
int ir_outputs_empty(const Node *n);
void ir_set_shape(Tensor *t, DType dt, int rank, const int64_t *dims);
int ir_same_shape(const Tensor *a, const Tensor *b);
/* Formats the shape as "1x3x96x96" (or "scalar"). */
const char *ir_shape_str(const Tensor *t, char *buf, size_t size);
/* Reads element i of a constant integer tensor as int64 (any integer dtype). */
int64_t ir_const_int(const Tensor *t, int64_t i);
float ir_const_float(const Tensor *t, int64_t i);
/* Allocates t->data for its shape (zeroed). */
void *ir_alloc_data(Graph *g, Tensor *t);
/* Storage root of a view chain. */
Tensor *ir_storage(Tensor *t);

/* Attribute access for OpDef.parse: each marks the attribute used. The typed ones do so
 * only if the attribute has their type; otherwise it stays unused and
 * op_check_unused_attrs reports the mismatch (an INT where INTS is needed is an error,
 * not a silent default). */
const char *ir_attr_type_name(AttrType t);
Attr *ir_attr(Node *n, const char *name);
int64_t ir_attr_int(Node *n, const char *name, int64_t dflt);
float ir_attr_float(Node *n, const char *name, float dflt);
const char *ir_attr_str(Node *n, const char *name, const char *dflt);
/* Copies an INTS attribute into out (max n); returns its count, or -1 if absent. */
int ir_attr_ints(Node *n, const char *name, int64_t *out, int max);

/* Sets (adding if absent) an attribute, for passes that rewrite a node. */
void ir_set_attr_ints(Graph *g, Node *n, const char *name, const int64_t *v, int count);
void ir_set_attr_int(Graph *g, Node *n, const char *name, int64_t v);

/* Messages naming the place: "model.onnx: node 'conv_3' (Conv, #12): ..." */
void node_error(Diag *d, const Node *n, const char *fmt, ...) KILN_PRINTF(3, 4);

/* Prints the IR as stable text (for --dump-after and tests). */
void ir_dump(const Graph *g, FILE *out);
/* Structural check between passes; returns the number of problems (internal bugs). */
int ir_check(const Graph *g, Diag *d);

#endif
