/* SPDX-License-Identifier: MIT */
/* Private header of the op entries in compiler/ops/. */
#ifndef KILN_OP_COMMON_H
#define KILN_OP_COMMON_H

#include "codegen.h"
#include "ops.h"

#define OP_MAX_SPATIAL 2
/* Largest stride, dilation, pad or kernel_shape value accepted (hostile-input bound). */
#define OP_MAX_WINDOW (1 << 24)
#define OP_ANY_OPSET 1, 1000

typedef enum { AUTO_PAD_NOTSET, AUTO_PAD_SAME_UPPER, AUTO_PAD_SAME_LOWER, AUTO_PAD_VALID } AutoPad;

/* auto_pad, kernel_shape, pads, strides, dilations of Conv and the pools. */
typedef struct {
    int n;                                   /* spatial dims */
    AutoPad auto_pad;
    int has_pads, has_kernel;
    int64_t kernel[OP_MAX_SPATIAL];
    int64_t strides[OP_MAX_SPATIAL];
    int64_t dilations[OP_MAX_SPATIAL];
    int64_t pads[2 * OP_MAX_SPATIAL];        /* begins, then ends (ONNX order) */
    int64_t out[OP_MAX_SPATIAL];
} SpatialAttrs;

int op_parse_spatial(Node *n, int n_spatial, SpatialAttrs *s, Diag *d);
/* Output sizes (and SAME pads) from input sizes; ceil_mode for pools. */
int op_spatial_output(Node *n, SpatialAttrs *s, const int64_t *in, int ceil_mode, Diag *d);

/* The entries, one per op (listed in op_table.c). */
#define OP_ENTRIES(X) \
    X(conv) X(gemm) X(matmul) \
    X(add) X(sub) X(mul) X(div) X(pow) X(max) X(min) \
    X(relu) X(leaky_relu) X(sigmoid) X(tanh) X(hard_sigmoid) X(hard_swish) X(clip) \
    X(neg) X(abs) X(exp) X(log) X(sqrt) X(reciprocal) X(floor) X(ceil) X(erf) \
    X(softmax) X(max_pool) X(average_pool) X(global_average_pool) X(global_max_pool) \
    X(batch_normalization) X(flatten) X(reshape) X(squeeze) X(unsqueeze) X(identity) \
    X(dropout) X(transpose) X(concat) X(pad) X(gather) X(shape) X(constant) X(cast)

#define OP_DECLARE(id) extern const OpDef op_##id;
OP_ENTRIES(OP_DECLARE)
#undef OP_DECLARE

#endif
