/* SPDX-License-Identifier: MIT */
/* Private header of the op entries in compiler/ops/. */
#ifndef KILN_OP_COMMON_H
#define KILN_OP_COMMON_H

#include "codegen.h"
#include "ops.h"

#define OP_MAX_SPATIAL 3   /* 3-D pooling; Conv checks its own rank */
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

/* Typed elementwise helpers (logic.c): the kiln_dtype of a DType and its C name; set up,
 * fold and emit a kiln_binary_typed call for node n (inputs 0, 1 -> output 0); set up a
 * kiln_unary_typed node (params in n->params) and its eval/emit. */
kiln_dtype op_kiln_dtype(DType t);
const char *op_kiln_dtype_name(DType t);
int op_tbinary_setup(Node *n, kiln_tbinary_op op, DType y_type, kiln_tbinary_params *p, Diag *d);
void op_tbinary_eval(Graph *g, Node *n, const kiln_tbinary_params *p);
void op_tbinary_emit(Emit *e, Node *n, const kiln_tbinary_params *p);
int op_tunary_setup(Graph *g, Node *n, kiln_tunary_op op, DType y_type, int flags, Diag *d);
kiln_tunary_params *op_tunary_params(Node *n);   /* after op_tunary_setup */
int op_tunary_eval(Graph *g, Node *n, Diag *d);
int op_tunary_emit(Emit *e, Node *n, Diag *d);
/* Reductions (reduce.c, also MeanVarianceNormalization): x's dims split into kept and
 * reduced ones, with element strides; and the params declaration, op a KILN_RED_* name. */
void op_reduce_split(const Tensor *x, const unsigned char *reduced, kiln_reduce_params *k);
const char *op_reduce_params_decl(Emit *e, const kiln_reduce_params *k, const char *op);

/* The entries, one per op (listed in op_table.c). */
#define OP_ENTRIES(X) \
    X(conv) X(gemm) X(matmul) \
    X(add) X(sub) X(mul) X(div) X(pow) X(max) X(min) \
    X(relu) X(leaky_relu) X(sigmoid) X(tanh) X(hard_sigmoid) X(hard_swish) X(clip) \
    X(neg) X(abs) X(exp) X(log) X(sqrt) X(reciprocal) X(floor) X(ceil) X(erf) \
    X(softmax) X(max_pool) X(average_pool) X(global_average_pool) X(global_max_pool) \
    X(batch_normalization) X(flatten) X(reshape) X(squeeze) X(unsqueeze) X(identity) \
    X(dropout) X(transpose) X(concat) X(pad) X(gather) X(shape) X(constant) X(cast) \
    X(slice) X(split) X(expand) X(tile) X(depth_to_space) X(space_to_depth) \
    X(constant_of_shape) X(size) X(range) X(eye_like) X(trilu) \
    X(lstm) X(gru) X(rnn) \
    X(quantize_linear) X(dequantize_linear) X(dynamic_quantize_linear) X(matmul_integer) \
    X(qlinear_matmul) X(conv_integer) X(qlinear_conv) \
    X(gather_elements) X(gather_nd) X(scatter_elements) X(scatter) X(scatter_nd) X(one_hot) \
    X(mod) X(bit_shift) X(equal) X(greater) X(less) X(greater_or_equal) X(less_or_equal) \
    X(and) X(or) X(xor) X(not) X(is_nan) X(is_inf) X(where) \
    X(sum) X(mean) X(cast_like) \
    X(reduce_sum) X(reduce_mean) X(reduce_max) X(reduce_min) X(reduce_prod) X(reduce_l1) \
    X(reduce_l2) X(reduce_log_sum) X(reduce_log_sum_exp) X(reduce_sum_square) \
    X(arg_max) X(arg_min) \
    X(sin) X(cos) X(tan) X(asin) X(acos) X(atan) X(sinh) X(cosh) X(asinh) X(acosh) X(atanh) \
    X(round) X(sign) X(softplus) X(softsign) X(mish) X(elu) X(selu) X(celu) \
    X(thresholded_relu) X(shrink) X(log_softmax) X(hardmax) \
    X(cum_sum) X(top_k) \
    X(layer_normalization) X(instance_normalization) X(conv_transpose) X(resize) X(upsample) \
    X(lrn) \
    X(negative_log_likelihood_loss) X(softmax_cross_entropy_loss) \
    X(prelu) \
    X(grid_sample) \
    X(hann_window) X(hamming_window) X(blackman_window) \
    X(einsum) \
    X(reverse_sequence) \
    X(det) \
    X(max_unpool) \
    X(roi_align) \
    X(dft) X(stft) \
    X(mel_weight_matrix) \
    X(tf_idf_vectorizer) \
    X(mean_variance_normalization)

#define OP_DECLARE(id) extern const OpDef op_##id;
OP_ENTRIES(OP_DECLARE)
#undef OP_DECLARE

#endif
