/* SPDX-License-Identifier: MIT */
/* Frontend-internal declarations shared by the ONNX decoding files. */
#ifndef KILN_ONNX_INTERNAL_H
#define KILN_ONNX_INTERNAL_H

#include "frontend.h"
#include "onnx.pb-c.h"

extern ProtobufCAllocator fe_pb_allocator;

DType fe_dtype_from_onnx(int32_t onnx_type);
const char *fe_onnx_type_name(int32_t onnx_type);
/* Element count of a shape; -1 with an error naming `what` on negative or overflowing dims. */
int fe_checked_numel(int rank, const int64_t *dims, const char *what, int64_t *out, Diag *d);
/* Decodes a TensorProto's shape and data into t (data allocated in a). model_dir is
 * where external data may live (NULL forbids external data). */
int fe_tensor_from_proto(const Onnx__TensorProto *tp, const char *model_dir, Arena *a,
                         Tensor *t, Diag *d);
/* Why kiln leaves op_type out on purpose ("training operator; ..."), or NULL. */
const char *fe_unsupported_reason(const char *op_type);
/* The same for a whole operator domain (e.g. ai.onnx.preview.training), or NULL. */
const char *fe_unsupported_domain_reason(const char *domain);

/* The graph's nodes with every call of a model-local function replaced by the function's
 * body (names made unique, attribute references resolved); gp->node itself when the model
 * has no functions. The new list lives in arena a. */
int fe_inline_functions(const Onnx__ModelProto *m, Arena *a, Onnx__NodeProto ***nodes,
                        size_t *n_nodes, Diag *d);

/* Checks the wire format of a message before protobuf-c decodes it: lengths inside their
 * message, nesting at most 64 deep, a bounded decoded size. -1 with an error if not. */
int fe_pb_prescan(const void *data, size_t len, const ProtobufCMessageDescriptor *desc, Diag *d);

#endif
