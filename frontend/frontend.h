/* SPDX-License-Identifier: MIT */
/* Frontend: ONNX models, TensorProto (.pb) and NumPy (.npy) files into the IR. */
#ifndef KILN_FRONTEND_H
#define KILN_FRONTEND_H

#include "ir.h"

typedef struct {
    char name[256];
    int rank;
    int64_t dims[IR_MAX_RANK];
    int from_const;     /* the shape of a --const value rather than a --shape option */
    int data_input;     /* kiln verify: 1 + K for the shape of its data set's input_K.pb, which
                         * binds only that input's symbolic or unknown dimensions; 0 if not */
} ShapeOverride;

/* Parses "NAME=1x3x96x96" (the --shape option). Returns 0 or -1 with an error. */
int fe_parse_shape_override(const char *arg, ShapeOverride *out, Diag *d);

/* Loads an ONNX model into a new graph. Every unsupported op is listed in one error.
 * Returns NULL on error (the diagnostic names the file, node, op and reason). */
Graph *fe_load_onnx(const char *path, const ShapeOverride *shapes, int n_shapes, Diag *d);
/* The same from bytes already in memory; path names the model in messages and its
 * directory is where external data may live. */
Graph *fe_load_onnx_buffer(const void *data, size_t len, const char *path,
                          const ShapeOverride *shapes, int n_shapes, Diag *d);

/* Appends the op types of the model's graph to out, space-separated, each once, in order
 * of first use ("domain.Op" outside the default domain). Nothing else is checked. */
int fe_model_ops(const char *path, Buf *out, Diag *d);

/* Reads one ONNX TensorProto file (input_K.pb / output_K.pb) into t (name, dtype, shape,
 * data allocated in arena a). */
int fe_read_tensor_pb(const char *path, Arena *a, Tensor *t, Diag *d);

/* NumPy .npy files (format 1.0-3.0, little-endian, C order). */
int fe_read_npy(const char *path, Arena *a, Tensor *t, Diag *d);
int fe_write_npy(const char *path, const Tensor *t, Diag *d);

#endif
