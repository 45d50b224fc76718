/* SPDX-License-Identifier: MIT */
/* kiln runtime: parameter structs and prototypes of the portable C99 kernels.
 *
 * Contract shared by every kernel:
 *  - the compiler proves shapes and sizes; kernels trust their params (no checks);
 *  - kernels never allocate and keep no mutable state; scratch is caller-owned and
 *    sized by the matching kiln_<op>_<type>_scratch_size();
 *  - the compiler links these same files for constant folding, so compile-time and
 *    run-time arithmetic agree bit for bit (both built with -ffp-contract=off);
 *  - tensors are dense, row-major (NCHW for images); kernels never read their output
 *    before writing it unless the params say it may alias an input.
 */
#ifndef KILN_H
#define KILN_H

#include <stddef.h>
#include <stdint.h>

#define KILN_MAX_RANK 8

/* Activation fused into the producing kernel (Conv, Gemm, MatMul, binary ops). */
typedef enum {
    KILN_ACT_NONE = 0,
    KILN_ACT_RELU,        /* max(x, 0) */
    KILN_ACT_CLIP,        /* min(max(x, a), b) */
    KILN_ACT_LEAKY_RELU,  /* x >= 0 ? x : a * x */
    KILN_ACT_SIGMOID,     /* 1 / (1 + exp(-x)) */
    KILN_ACT_TANH,
    KILN_ACT_HARD_SIGMOID,/* max(0, min(1, a * x + b)) */
    KILN_ACT_HARD_SWISH   /* x * max(0, min(1, x / 6 + 1/2)) */
} kiln_act_kind;

typedef struct {
    kiln_act_kind kind;
    float a, b;
} kiln_act;

/* Applies act to n floats in place. */
void kiln_act_f32(const kiln_act *act, float *x, size_t n);

/* ---- Conv (2-D; 1-D convs are lowered to H = 1) ---------------------------------- */
typedef struct {
    int32_t n, c_in, h_in, w_in;
    int32_t c_out, h_out, w_out;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t dil_h, dil_w;
    int32_t pad_top, pad_left;   /* bottom/right padding follows from the output size */
    int32_t group;
    kiln_act act;
} kiln_conv2d_params;

/* y[n][c_out][h_out][w_out] = act(sum w[c_out][c_in/group][k_h][k_w] * x + b).
 * w is in ONNX layout; b may be NULL. scratch as sized below (may be NULL when 0). */
void kiln_conv2d_f32(const kiln_conv2d_params *p, const float *x, const float *w,
                     const float *b, float *y, float *scratch);
size_t kiln_conv2d_f32_scratch_size(const kiln_conv2d_params *p); /* in bytes */

/* ---- Gemm: Y = act(alpha * op(A) * op(B) + beta * C) ----------------------------- */
typedef struct {
    int32_t m, n, k;
    int32_t trans_a, trans_b;
    float alpha, beta;
    /* C is broadcast to [m, n] through element strides (0 = broadcast); ignored if C NULL */
    int32_t c_stride_m, c_stride_n;
    kiln_act act;
} kiln_gemm_params;

void kiln_gemm_f32(const kiln_gemm_params *p, const float *a, const float *b,
                   const float *c, float *y);

/* ---- MatMul with numpy broadcasting over batch dims ----------------------------- */
typedef struct {
    int32_t m, n, k;
    int32_t batch_rank;                    /* number of broadcast batch dims (<= 6) */
    int32_t batch_dims[6];                 /* output batch dims */
    int32_t a_batch_strides[6];            /* in matrices (m*k elements) units, 0 = broadcast */
    int32_t b_batch_strides[6];            /* in matrices (k*n elements) units, 0 = broadcast */
    kiln_act act;
} kiln_matmul_params;

void kiln_matmul_f32(const kiln_matmul_params *p, const float *a, const float *b, float *y);

/* ---- Elementwise binary ops with numpy broadcasting ----------------------------- */
typedef enum {
    KILN_BIN_ADD = 0, KILN_BIN_SUB, KILN_BIN_MUL, KILN_BIN_DIV,
    KILN_BIN_MAX, KILN_BIN_MIN, KILN_BIN_POW
} kiln_binary_op;

typedef struct {
    kiln_binary_op op;
    int32_t rank;                         /* rank of the output (>= 1) */
    int32_t dims[KILN_MAX_RANK];          /* output dims */
    int32_t a_strides[KILN_MAX_RANK];     /* element strides of A per output dim, 0 = broadcast */
    int32_t b_strides[KILN_MAX_RANK];
    kiln_act act;
} kiln_binary_params;

/* y may alias a or b when that input has the output's shape (no broadcast). */
void kiln_binary_f32(const kiln_binary_params *p, const float *a, const float *b, float *y);

/* ---- Elementwise unary ops ----------------------------------------------------- */
typedef enum {
    KILN_UN_COPY = 0,
    KILN_UN_RELU, KILN_UN_LEAKY_RELU, KILN_UN_SIGMOID, KILN_UN_TANH,
    KILN_UN_HARD_SIGMOID, KILN_UN_HARD_SWISH, KILN_UN_CLIP,
    KILN_UN_NEG, KILN_UN_ABS, KILN_UN_EXP, KILN_UN_LOG, KILN_UN_SQRT,
    KILN_UN_RECIPROCAL, KILN_UN_FLOOR, KILN_UN_CEIL, KILN_UN_ERF
} kiln_unary_op;

typedef struct {
    kiln_unary_op op;
    int32_t n;
    float a, b;   /* LeakyRelu alpha; HardSigmoid alpha, beta; Clip min, max */
} kiln_unary_params;

/* y may alias x. */
void kiln_unary_f32(const kiln_unary_params *p, const float *x, float *y);

/* ---- Per-channel affine (unfolded BatchNormalization): y = x * scale[c] + shift[c] */
typedef struct {
    int32_t n, c, inner;   /* x viewed as [n][c][inner] */
    kiln_act act;
} kiln_channel_affine_params;

void kiln_channel_affine_f32(const kiln_channel_affine_params *p, const float *x,
                             const float *scale, const float *shift, float *y);

/* ---- Softmax over one axis: x viewed as [outer][len][inner] --------------------- */
typedef struct {
    int32_t outer, len, inner;
} kiln_softmax_params;

void kiln_softmax_f32(const kiln_softmax_params *p, const float *x, float *y);

/* ---- Pooling (2-D, NCHW) ------------------------------------------------------- */
typedef struct {
    int32_t n, c, h_in, w_in, h_out, w_out;
    int32_t k_h, k_w;
    int32_t stride_h, stride_w;
    int32_t dil_h, dil_w;                 /* MaxPool only; 1 for AveragePool */
    int32_t pad_top, pad_left, pad_bottom, pad_right;
    int32_t count_include_pad;            /* AveragePool only */
} kiln_pool2d_params;

void kiln_maxpool2d_f32(const kiln_pool2d_params *p, const float *x, float *y);
/* Padding cells never count beyond the explicit pads (ceil_mode overhang is excluded
 * even with count_include_pad, as in ONNX Runtime). */
void kiln_avgpool2d_f32(const kiln_pool2d_params *p, const float *x, float *y);

typedef struct {
    int32_t channels;  /* n * c */
    int32_t size;      /* spatial elements per channel */
} kiln_global_pool_params;

void kiln_global_avgpool_f32(const kiln_global_pool_params *p, const float *x, float *y);
void kiln_global_maxpool_f32(const kiln_global_pool_params *p, const float *x, float *y);

/* ---- LayerNormalization / InstanceNormalization ----------------------------------
 * x viewed as [outer][inner]; each row is normalised by its own mean and variance:
 * y = (x - mean) / sqrt(var + eps) * scale + bias. scale/bias are indexed by the position
 * in the row (per_channel 0: LayerNormalization) or by row % channels (per_channel 1:
 * InstanceNormalization). bias, mean and inv_std may be NULL. */
typedef struct {
    int32_t outer, inner;
    int32_t channels;
    int32_t per_channel;
    float epsilon;
} kiln_layer_norm_params;

void kiln_layer_norm_f32(const kiln_layer_norm_params *p, const float *x, const float *scale,
                         const float *bias, float *y, float *mean, float *inv_std);

/* ---- LRN across channels: x viewed as [n][c][inner] --------------------------------
 * y = x / (bias + alpha / size * sum of x^2 over channels [c - (size-1)/2, c + size/2])^beta */
typedef struct {
    int32_t n, c, inner;
    int32_t size;
    float alpha, beta, bias;
} kiln_lrn_params;

void kiln_lrn_f32(const kiln_lrn_params *p, const float *x, float *y);

/* ---- ConvTranspose (1-D to 3-D as D x H x W with unit dims) -------------------------- */
typedef struct {
    int32_t n, c_in, c_out, group;
    int32_t in[3], out[3];               /* d, h, w */
    int32_t k[3], stride[3], dil[3];
    int32_t pad[3];                       /* leading pads; trailing ones follow from out */
} kiln_conv_transpose_params;

/* y = bias, then every input element scatters x * w[c_in][c_out/group][k...] into
 * y[c_out][i * stride - pad + k * dil] where that lies inside y. w in ONNX layout; b may
 * be NULL. */
void kiln_conv_transpose_f32(const kiln_conv_transpose_params *p, const float *x,
                             const float *w, const float *b, float *y);

/* ---- Resize / Upsample: separable interpolation from per-axis tap tables ----------
 * For output coordinate o on axis a, taps[a] input indices and weights (nearest 1,
 * linear 2, cubic 4) sit at index/weight[base_a + o * taps[a]], the axes' tables one
 * after another. y = sum over all tap combinations of the product of weights times x.
 * outside (may be NULL) flags output coordinates that take the extrapolation value. */
typedef struct {
    int32_t rank;
    int32_t in_dims[KILN_MAX_RANK], out_dims[KILN_MAX_RANK];
    int32_t taps[KILN_MAX_RANK];
    const int32_t *index;
    const float *weight;
    const uint8_t *outside;
    float extrapolation;
} kiln_resize_params;

void kiln_resize_f32(const kiln_resize_params *p, const float *x, float *y);

/* ---- Type-agnostic data movement (elem_size in bytes) -------------------------- */
typedef struct {
    int32_t elem_size;
    int32_t rank;
    int32_t out_dims[KILN_MAX_RANK];
    int32_t in_strides[KILN_MAX_RANK];   /* input element stride for each output dim */
} kiln_transpose_params;

void kiln_transpose(const kiln_transpose_params *p, const void *x, void *y);

typedef struct {
    int32_t elem_size;
    int32_t outer;            /* product of dims before the axis */
    int32_t n_inputs;
    const int32_t *chunk;     /* per input: its axis length * inner, in elements */
} kiln_concat_params;

void kiln_concat(const kiln_concat_params *p, const void *const *inputs, void *y);

typedef struct {
    int32_t elem_size;
    int32_t rank;
    int32_t in_dims[KILN_MAX_RANK];
    int32_t out_dims[KILN_MAX_RANK];
    int32_t pad_begin[KILN_MAX_RANK];     /* may be negative (crop) */
    uint8_t value[8];                     /* one element's bytes, host byte order */
    int32_t mode;                         /* KILN_PAD_CONSTANT, _REFLECT or _EDGE */
} kiln_pad_params;

enum { KILN_PAD_CONSTANT = 0, KILN_PAD_REFLECT = 1, KILN_PAD_EDGE = 2 };

/* Pad: constant fills with value; reflect mirrors without repeating the border (pads must
 * be smaller than the dim); edge repeats the border element. */
void kiln_pad(const kiln_pad_params *p, const void *x, void *y);

typedef struct {
    int32_t elem_size;
    int32_t outer, axis_len, inner;  /* data viewed as [outer][axis_len][inner] */
    int32_t n_indices;
} kiln_gather_params;

/* Returns 0, or -1 when an index is out of [-axis_len, axis_len). */
int kiln_gather(const kiln_gather_params *p, const void *x, const int64_t *indices, void *y);

typedef struct {
    int32_t elem_size;
    int32_t batch, rows, cols;   /* x viewed as [batch][rows][cols] */
    int32_t k;                   /* diagonal offset */
    int32_t upper;               /* 1: keep j - i >= k; 0: keep j - i <= k */
} kiln_trilu_params;

/* Trilu: copies the kept triangle, zeroes the rest (all-zero bytes is 0 in every type). */
void kiln_trilu(const kiln_trilu_params *p, const void *x, void *y);

/* ---- Indexing with run-time int64 indices (negative counts from the end) ----------
 * Each returns 0, or -1 as soon as an index is out of range (output then partly written). */
typedef struct {
    int32_t elem_size;
    int32_t rank;
    int32_t dims[KILN_MAX_RANK];          /* of indices (= of the output) */
    int32_t data_strides[KILN_MAX_RANK];  /* element strides of data */
    int32_t axis, axis_len;               /* axis_len: data's size on axis */
} kiln_gather_elements_params;

/* y[i...] = data[i... with i[axis] replaced by indices[i...]] */
int kiln_gather_elements(const kiln_gather_elements_params *p, const void *data,
                         const int64_t *indices, void *y);

typedef struct {
    int32_t batch;                        /* product of the batch_dims leading dims */
    int32_t n_tuples;                     /* index tuples per batch */
    int32_t k;                            /* length of one index tuple */
    int32_t data_dims[KILN_MAX_RANK];     /* data dims after the batch dims (first k used) */
    int32_t data_strides[KILN_MAX_RANK];  /* their element strides */
    int32_t slice;                        /* elements copied per tuple */
    int32_t data_batch;                   /* data elements per batch */
    int32_t elem_size;
} kiln_gather_nd_params;

int kiln_gather_nd(const kiln_gather_nd_params *p, const void *data, const int64_t *indices,
                   void *y);

typedef enum {
    KILN_REDUCE_NONE = 0, KILN_REDUCE_ADD, KILN_REDUCE_MUL, KILN_REDUCE_MAX, KILN_REDUCE_MIN
} kiln_reduce_op;

typedef enum { KILN_TYPE_OTHER = 0, KILN_TYPE_F32, KILN_TYPE_S32, KILN_TYPE_S64 } kiln_elem_type;

/* *dst = reduce(*dst, *src) for one element; NONE copies (any type), the others need a
 * typed element (f32, s32, s64; integers wrap). */
void kiln_reduce_elem(kiln_reduce_op op, kiln_elem_type type, int32_t elem_size, void *dst,
                      const void *src);

typedef struct {
    kiln_gather_elements_params g;        /* dims of indices/updates, strides of data */
    int32_t data_numel;
    kiln_reduce_op reduction;
    kiln_elem_type type;
} kiln_scatter_elements_params;

/* y = data, then y[i... with i[axis] = indices[i...]] (reduce)= updates[i...]; y may be data. */
int kiln_scatter_elements(const kiln_scatter_elements_params *p, const void *data,
                          const int64_t *indices, const void *updates, void *y);

typedef struct {
    kiln_gather_nd_params g;              /* batch 1 */
    int32_t data_numel;
    kiln_reduce_op reduction;
    kiln_elem_type type;
} kiln_scatter_nd_params;

int kiln_scatter_nd(const kiln_scatter_nd_params *p, const void *data, const int64_t *indices,
                    const void *updates, void *y);

typedef struct {
    int32_t elem_size;
    int32_t outer, depth, inner;          /* y viewed as [outer][depth][inner] */
    kiln_elem_type index_type;            /* f32, s32 or s64 indices */
} kiln_one_hot_params;

/* y = values[1] where the index (made non-negative by adding depth) equals the position on
 * the depth axis, values[0] elsewhere; indices outside [-depth, depth) give all values[0]. */
void kiln_one_hot(const kiln_one_hot_params *p, const void *indices, const void *values, void *y);

/* Plain copy of n bytes (memcpy without <string.h> in generated code). */
void kiln_copy(void *dst, const void *src, size_t n);

/* ---- Helpers shared by several kernels (additions; not called by generated code) -- */

/* Shared GEMM core used by Conv, Gemm and MatMul:
 *   y[i*ldy + j] = (sum over p = 0..k-1, in that order, of A(i,p) * b[p*ldb + j])
 *                  + (bias ? bias[i] : nothing)
 * for i < m, j < n, with A(i,p) = a[i*a_rs + p*a_cs]. Each sum starts at 0.0f, so the
 * result is the same whatever tiling the core picks. y must not overlap a or b. */
void kiln_gemm_nn_f32(int32_t m, int32_t n, int32_t k,
                      const float *a, int32_t a_rs, int32_t a_cs,
                      const float *b, int32_t ldb,
                      const float *bias, float *y, int32_t ldy);

/* The u in [0, n) with 0 <= base + u * step < limit (step > 0) form the range
 * [*lo, *hi); *lo == *hi when there is none. Used to clip kernel windows to the input
 * so inner loops need no per-element bounds checks. */
static inline void kiln_range_inside(int32_t base, int32_t step, int32_t limit, int32_t n,
                                     int32_t *lo, int32_t *hi)
{
    int32_t l = base >= 0 ? 0 : (-base + step - 1) / step;
    int32_t h = base >= limit ? 0 : (limit - 1 - base) / step + 1;
    if (h > n)
        h = n;
    if (l > h)
        l = h;
    *lo = l;
    *hi = h;
}

/* GCC's loop vectorizer turns register-blocked accumulations into slow in-order
 * reductions over the k loop (no -ffast-math); hot micro-kernels opt out of it and get
 * straight-line SLP vectorization of their independent accumulators instead. */
#if defined(__GNUC__) && !defined(__clang__)
#define KILN_NO_LOOP_VECTORIZE __attribute__((optimize("no-tree-loop-vectorize")))
#else
#define KILN_NO_LOOP_VECTORIZE
#endif

#endif
