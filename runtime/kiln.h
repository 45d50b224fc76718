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
} kiln_pad_params;

/* Constant-mode Pad. */
void kiln_pad(const kiln_pad_params *p, const void *x, void *y);

typedef struct {
    int32_t elem_size;
    int32_t outer, axis_len, inner;  /* data viewed as [outer][axis_len][inner] */
    int32_t n_indices;
} kiln_gather_params;

/* Returns 0, or -1 when an index is out of [-axis_len, axis_len). */
int kiln_gather(const kiln_gather_params *p, const void *x, const int64_t *indices, void *y);

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


/* ---- Any element type: the typed (non-f32) elementwise kernels ------------------ */
/* Element types in the compiler's DType order (kiln_dtype = DType - 1). bool is one byte
 * holding 0 or 1. */
typedef enum {
    KILN_F32 = 0, KILN_F64, KILN_S8, KILN_U8, KILN_S16, KILN_U16, KILN_S32, KILN_U32,
    KILN_S64, KILN_U64, KILN_BOOL
} kiln_dtype;

/* Element access shared by the typed kernels (kiln_elem_io.c). kiln_load_i reads integer
 * types (u64 as its bits); kiln_store_i stores two's-complement bits (low bits kept);
 * kiln_store_f truncates toward zero and saturates for integer types, NaN gives 0. */
int kiln_is_float(kiln_dtype t);
double kiln_load_f(kiln_dtype t, const void *p, ptrdiff_t i);
int64_t kiln_load_i(kiln_dtype t, const void *p, ptrdiff_t i);
void kiln_store_f(kiln_dtype t, void *p, ptrdiff_t i, double v);
void kiln_store_i(kiln_dtype t, void *p, ptrdiff_t i, uint64_t v);

typedef enum {
    KILN_TB_ADD = 0, KILN_TB_SUB, KILN_TB_MUL, KILN_TB_DIV,
    KILN_TB_MOD,    /* integer modulo with the divisor's sign (Python/numpy) */
    KILN_TB_FMOD,   /* remainder with the dividend's sign (C fmod and %) */
    KILN_TB_POW, KILN_TB_MAX, KILN_TB_MIN,
    KILN_TB_EQ, KILN_TB_GT, KILN_TB_LT, KILN_TB_GE, KILN_TB_LE,   /* bool output */
    KILN_TB_AND, KILN_TB_OR, KILN_TB_XOR,                         /* bool operands */
    KILN_TB_SHL, KILN_TB_SHR                                      /* unsigned operands */
} kiln_tbinary_op;

typedef struct {
    kiln_tbinary_op op;
    kiln_dtype a_type, b_type, y_type;
    int32_t rank;                         /* >= 1 */
    int32_t dims[KILN_MAX_RANK];          /* output dims */
    int32_t a_strides[KILN_MAX_RANK];     /* element strides, 0 = broadcast */
    int32_t b_strides[KILN_MAX_RANK];
} kiln_tbinary_params;

/* y = a op b with numpy broadcasting, for any element types. Arithmetic happens in double
 * when an operand is floating point, in uint64 when A is u64, otherwise in int64 with
 * wrap-around; the result is stored in y_type (integers from floats: truncated toward
 * zero and saturated, NaN gives 0). Integer division or modulo by zero gives 0 (ONNX
 * leaves it undefined). y must not overlap a or b. */
void kiln_binary_typed(const kiln_tbinary_params *p, const void *a, const void *b, void *y);

typedef enum {
    KILN_TU_CAST = 0,   /* convert x_type to y_type (same rules as kiln_binary_typed) */
    KILN_TU_NOT,        /* bool */
    KILN_TU_ISNAN,      /* float -> bool */
    KILN_TU_ISINF,      /* float -> bool; detect_positive/negative in flags bits 0/1 */
    KILN_TU_NEG, KILN_TU_ABS, KILN_TU_SIGN,
    KILN_TU_CLIP        /* to [lo, hi]; flags bit 0: lo given, bit 1: hi given */
} kiln_tunary_op;

typedef struct {
    kiln_tunary_op op;
    kiln_dtype x_type, y_type;
    int32_t n;
    int32_t flags;
    double lo, hi;      /* Clip bounds, exact in double (the compiler checks) */
} kiln_tunary_params;

/* y may alias x only when both types have the same size. */
void kiln_unary_typed(const kiln_tunary_params *p, const void *x, void *y);

typedef struct {
    int32_t elem_size;                    /* 1, 2, 4 or 8 */
    int32_t rank;                         /* >= 1 */
    int32_t dims[KILN_MAX_RANK];
    int32_t c_strides[KILN_MAX_RANK];     /* element strides, 0 = broadcast */
    int32_t x_strides[KILN_MAX_RANK];
    int32_t y_strides[KILN_MAX_RANK];
} kiln_where_params;

/* out = cond ? x : y elementwise with broadcasting; cond is bool (one byte). */
void kiln_where(const kiln_where_params *p, const uint8_t *cond, const void *x, const void *y,
                void *out);


/* ---- Reductions over a set of axes ------------------------------------------------ */
typedef enum {
    KILN_RED_SUM = 0, KILN_RED_MEAN, KILN_RED_MAX, KILN_RED_MIN, KILN_RED_PROD,
    KILN_RED_L1, KILN_RED_L2, KILN_RED_LOG_SUM, KILN_RED_LOG_SUM_EXP, KILN_RED_SUM_SQUARE
} kiln_reduce_op;

/* The input is split into kept dims (outputs, in order) and reduced dims, each with its
 * input element strides; both lists hold at least one dim (a dim of 1 when empty). */
typedef struct {
    kiln_reduce_op op;
    int32_t n_keep, n_red;
    int32_t keep_dims[KILN_MAX_RANK], keep_strides[KILN_MAX_RANK];
    int32_t red_dims[KILN_MAX_RANK], red_strides[KILN_MAX_RANK];
} kiln_reduce_params;

void kiln_reduce_f32(const kiln_reduce_params *p, const float *x, float *y);
void kiln_reduce_f64(const kiln_reduce_params *p, const double *x, double *y);

/* ---- ArgMax / ArgMin over one axis: x viewed as [outer][len][inner] ---------------- */
typedef struct {
    int32_t outer, len, inner;
    int32_t is_max;
    int32_t select_last;   /* ties: last index instead of first */
} kiln_argreduce_params;

void kiln_argreduce_f32(const kiln_argreduce_params *p, const float *x, int64_t *y);


/* ---- More elementwise float math (trig, hyperbolic, rounding, activations) --------- */
typedef enum {
    KILN_MATH_SIN = 0, KILN_MATH_COS, KILN_MATH_TAN, KILN_MATH_ASIN, KILN_MATH_ACOS,
    KILN_MATH_ATAN, KILN_MATH_SINH, KILN_MATH_COSH, KILN_MATH_ASINH, KILN_MATH_ACOSH,
    KILN_MATH_ATANH,
    KILN_MATH_ROUND,             /* half to even */
    KILN_MATH_SIGN,              /* -1, 0, 1; NaN stays NaN */
    KILN_MATH_SOFTPLUS,          /* log(1 + exp(x)) */
    KILN_MATH_SOFTSIGN,          /* x / (1 + |x|) */
    KILN_MATH_MISH,              /* x * tanh(softplus(x)) */
    KILN_MATH_ELU,               /* x < 0 ? a * (exp(x) - 1) : x */
    KILN_MATH_SELU,              /* b * (x > 0 ? x : a * (exp(x) - 1)) */
    KILN_MATH_CELU,              /* max(0, x) + min(0, a * (exp(x / a) - 1)) */
    KILN_MATH_THRESHOLDED_RELU,  /* x > a ? x : 0 */
    KILN_MATH_SHRINK             /* x < -a ? x + b : x > a ? x - b : 0 */
} kiln_math_op;

typedef struct {
    kiln_math_op op;
    int32_t n;
    float a, b;
} kiln_math_params;

/* y may alias x. */
void kiln_math_f32(const kiln_math_params *p, const float *x, float *y);

/* LogSoftmax and Hardmax along one axis, with Softmax's params and views. */
void kiln_log_softmax_f32(const kiln_softmax_params *p, const float *x, float *y);
void kiln_hardmax_f32(const kiln_softmax_params *p, const float *x, float *y);


/* ---- CumSum along one axis: x viewed as [outer][len][inner] ------------------------- */
typedef struct {
    kiln_dtype type;       /* f32, f64, s32, s64, u32 or u64 */
    int32_t outer, len, inner;
    int32_t exclusive, reverse;
} kiln_cumsum_params;

/* y must not alias x. */
void kiln_cumsum(const kiln_cumsum_params *p, const void *x, void *y);

/* ---- TopK along one axis: x viewed as [outer][len][inner] --------------------------- */
typedef struct {
    int32_t outer, len, inner;
    int32_t k;
    int32_t largest;       /* else the smallest */
} kiln_topk_params;

/* values and indices are [outer][k][inner], sorted (largest: descending), equal values
 * in index order. O(k * len) per vector, no scratch. */
void kiln_topk_f32(const kiln_topk_params *p, const float *x, float *values, int64_t *indices);

#endif
