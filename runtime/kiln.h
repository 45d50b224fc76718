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
    int32_t in_place;            /* KILN_CONV_* below: y starts at x (batch 1 only) */
} kiln_conv2d_params;

/* In-place modes, chosen by the memory planner. With them y == x and every output is
 * written only after the inputs it overwrites have been read (same bits as separate):
 *  - KILN_CONV_SEPARATE: y does not overlap x;
 *  - KILN_CONV_IN_PLACE: 1x1 stride-1 group-1 convs copy 32 pixels (all channels) to
 *    scratch, then write those pixels' outputs; depthwise copies each channel's plane to
 *    scratch before writing that channel (needs h_out * w_out <= h_in * w_in);
 *  - KILN_CONV_IN_PLACE_SMALL: the same with the least scratch, a little slower: 1x1
 *    convs go 8 pixels at a time; depthwise keeps output rows in a line buffer until the
 *    input rows they overwrite are no longer needed. */
enum { KILN_CONV_SEPARATE = 0, KILN_CONV_IN_PLACE = 1, KILN_CONV_IN_PLACE_SMALL = 2 };

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

/* ---- Sparse weights (unstructured pruning): per-output-row index lists ---------- */
/* Row r (an output channel of Conv, an output column of Gemm) keeps its count[r] nonzero
 * weights val[] at positions idx[] of the dense row (Conv: (c_in/group, k_h, k_w)
 * flattened; Gemm: p of op(B)[p][r]), in increasing position; rows follow each other.
 * The sparse kernels add the products of one output in the dense kernels' order
 * (increasing position, from 0.0f, then bias), so with -ffp-contract=off they give the
 * dense results exactly, up to the sign of a zero sum (a skipped w * x was +-0). */
typedef struct {
    const uint16_t *count;   /* per row */
    const uint16_t *idx;     /* sum(count) positions */
    const float *val;        /* sum(count) weights */
} kiln_sparse_f32;

/* Same contract as kiln_conv2d_f32 with the weights in w; needs no scratch. */
void kiln_conv2d_sparse_f32(const kiln_conv2d_params *p, const float *x,
                            const kiln_sparse_f32 *w, const float *b, float *y);
/* Same contract as kiln_gemm_f32 with op(B) in w (trans_b is ignored). */
void kiln_gemm_sparse_f32(const kiln_gemm_params *p, const float *a, const kiln_sparse_f32 *w,
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
    KILN_BIN_MAX, KILN_BIN_MIN, KILN_BIN_POW,
    KILN_BIN_PRELU                        /* a < 0 ? a * b : a (b is the slope) */
} kiln_binary_op;

typedef struct {
    kiln_binary_op op;
    int32_t rank;                         /* rank of the output (>= 1) */
    int32_t dims[KILN_MAX_RANK];          /* output dims */
    int32_t a_strides[KILN_MAX_RANK];     /* element strides of A per output dim, 0 = broadcast */
    int32_t b_strides[KILN_MAX_RANK];
    kiln_act act;
} kiln_binary_params;

/* One step of a broadcast walk over g's output in row-major order: idx is the output
 * index, *ia and *ib the element offsets into A and B. */
static inline void kiln_broadcast_next(const kiln_binary_params *g, int32_t *idx, ptrdiff_t *ia,
                                       ptrdiff_t *ib)
{
    for (int32_t d = g->rank - 1; d >= 0; d--) {
        *ia += g->a_strides[d];
        *ib += g->b_strides[d];
        if (++idx[d] < g->dims[d])
            return;
        *ia -= (ptrdiff_t)g->a_strides[d] * g->dims[d];
        *ib -= (ptrdiff_t)g->b_strides[d] * g->dims[d];
        idx[d] = 0;
    }
}

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

/* ---- BatchNormalization, training_mode=1 (opset 14+): x viewed as [n][c][inner]; each
 * channel is normalised by its batch mean and (biased) variance:
 * y = (x - mean_b) / sqrt(var_b + epsilon) * scale + bias, and the running statistics are
 * running_mean = mean * momentum + mean_b * (1 - momentum) (likewise running_var).
 * running_mean and running_var may be NULL. */
typedef struct {
    int32_t n, c, inner;
    float epsilon, momentum;
} kiln_batchnorm_train_params;

void kiln_batchnorm_train_f32(const kiln_batchnorm_train_params *p, const float *x,
                              const float *scale, const float *bias, const float *mean,
                              const float *var, float *y, float *running_mean,
                              float *running_var);

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
/* MaxPool on uint8 tensors (int8 ones use kiln_maxpool2d_s8). */
void kiln_maxpool2d_u8(const kiln_pool2d_params *p, const uint8_t *x, uint8_t *y);
/* MaxPool with Indices: idx[i] is the flat input index (over N, C, H, W) of the first cell
 * holding y[i], row-major (layout KILN_INDICES_ROW_MAJOR, storage_order 0), column-major
 * within the H x W plane (KILN_INDICES_COL_MAJOR, 1), or of a 1-D pool (KILN_INDICES_1D:
 * a window wholly in the padding gets plane start - 1, not a row before it). */
enum { KILN_INDICES_ROW_MAJOR, KILN_INDICES_COL_MAJOR, KILN_INDICES_1D };
void kiln_maxpool2d_argmax_f32(const kiln_pool2d_params *p, int32_t layout, const float *x,
                               float *y, int64_t *idx);
/* Padding cells never count beyond the explicit pads (ceil_mode overhang is excluded
 * even with count_include_pad, as in ONNX Runtime). */
void kiln_avgpool2d_f32(const kiln_pool2d_params *p, const float *x, float *y);

/* ---- Pooling (3-D, NCDHW): axes d, h, w in that order --------------------------- */
typedef struct {
    int32_t n, c;
    int32_t in[3], out[3], k[3], stride[3];
    int32_t dil[3];                       /* MaxPool only; 1 for AveragePool */
    int32_t pad[3], pad_end[3];           /* leading and trailing pads */
    int32_t count_include_pad;            /* AveragePool only */
} kiln_pool3d_params;

/* As kiln_maxpool2d_f32 and kiln_avgpool2d_f32 with a depth axis. */
void kiln_maxpool3d_f32(const kiln_pool3d_params *p, const float *x, float *y);
void kiln_avgpool3d_f32(const kiln_pool3d_params *p, const float *x, float *y);

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

/* ---- GridSample (2-D, NCHW): y[n][c][oh][ow] samples x[n][c] at grid[n][oh][ow] = (x, y)
 * in [-1, 1] (ONNX GridSample-16/20 with 2 spatial dims). */
typedef enum { KILN_GS_NEAREST, KILN_GS_LINEAR, KILN_GS_CUBIC } kiln_gs_mode;
typedef enum { KILN_GS_ZEROS, KILN_GS_BORDER, KILN_GS_REFLECTION } kiln_gs_padding;
typedef struct {
    int32_t n, c, h, w;          /* x */
    int32_t out_h, out_w;        /* grid is [n][out_h][out_w][2] */
    int32_t mode, padding;       /* kiln_gs_mode, kiln_gs_padding */
    int32_t align_corners;
} kiln_grid_sample_params;

void kiln_grid_sample_f32(const kiln_grid_sample_params *p, const float *x, const float *grid,
                          float *y);

/* ---- Einsum of 1 or 2 operands: every label (output labels in output order, then the
 * summed ones) has a size and, per operand, an element stride (the sum of the strides of
 * the operand's axes with that label, which makes diagonals; 0 if absent or broadcast).
 * y is contiguous over the output labels. */
#define KILN_EINSUM_MAX_LABELS (2 * KILN_MAX_RANK)
typedef struct {
    int32_t n_in;                                   /* 1: b unused */
    int32_t n_out, n_sum;
    int32_t dims[KILN_EINSUM_MAX_LABELS];
    int32_t strides[2][KILN_EINSUM_MAX_LABELS];
} kiln_einsum_params;

void kiln_einsum_f32(const kiln_einsum_params *p, const float *a, const float *b, float *y);
void kiln_einsum_f64(const kiln_einsum_params *p, const double *a, const double *b, double *y);

/* ---- ReverseSequence: x is [time][batch][inner] (time_axis 0) or [batch][time][inner];
 * the first lens[b] steps of each batch entry are reversed, the rest copied. Returns -1
 * if a length is outside [0, time] (output then partly written). */
typedef struct {
    int32_t elem_size;
    int32_t time_axis;           /* 0 or 1 */
    int32_t time, batch, inner;
} kiln_reverse_sequence_params;

int kiln_reverse_sequence(const kiln_reverse_sequence_params *p, const void *x,
                          const int64_t *lens, void *y);

/* ---- Det: x is [batch][m][m]; y[b] = det of matrix b by LU with partial pivoting in
 * scratch (m * m floats). */
typedef struct {
    int32_t batch, m;
} kiln_det_params;

void kiln_det_f32(const kiln_det_params *p, const float *x, float *y, float *scratch);

/* ---- MaxUnpool: y = 0, then x[i] goes to the position that flat index idx[i] names in
 * the unpooled shape `dims` (as MaxPool's Indices), at the same coordinates of y's shape
 * `out_dims` (larger when output_shape pads it). Returns -1 if an index is outside the
 * unpooled tensor or its position outside y (y then partly written). */
typedef struct {
    int32_t n_in, rank;
    int32_t dims[KILN_MAX_RANK], out_dims[KILN_MAX_RANK];
} kiln_max_unpool_params;

int kiln_max_unpool_f32(const kiln_max_unpool_params *p, const float *x, const int64_t *idx,
                        float *y);

/* ---- RoiAlign (ONNX / ONNX Runtime semantics): y[r][c] is the out_h x out_w pooling of
 * x[batch_indices[r]][c] over roi r = (x1, y1, x2, y2) * spatial_scale, each bin the
 * average (or max of the weighted corners) of bilinear samples. Returns -1 for a batch
 * index outside [0, n) or a roi needing more than KILN_ROI_MAX_SAMPLES samples per bin. */
#define KILN_ROI_MAX_SAMPLES 65536
typedef struct {
    int32_t n, c, h, w;
    int32_t n_rois, out_h, out_w;
    int32_t sampling_ratio;      /* 0: ceil(roi size / out size) per roi */
    float spatial_scale;
    int32_t half_pixel;          /* coordinate_transformation_mode half_pixel (else output_half_pixel) */
    int32_t max_mode;            /* mode max (else avg) */
} kiln_roi_align_params;

int kiln_roi_align_f32(const kiln_roi_align_params *p, const float *x, const float *rois,
                       const int64_t *batch_indices, float *y);

/* ---- DFT / STFT by direct summation (any length). DFT: x is [outer][n_in][inner][1 or 2]
 * (real or complex), y [outer][n_out][inner][2]; the signal is cut or zero-padded to n_fft
 * points; inverse uses e^(+i...) and divides by n_fft. STFT: signal [batch][len][1 or 2],
 * frame f starts at f * step; y [batch][frames][n_out][2]; window may be NULL (ones). */
typedef struct {
    int32_t outer, n_in, inner;
    int32_t complex_in;
    int32_t n_fft, n_out;
    int32_t inverse;
} kiln_dft_params;

typedef struct {
    int32_t batch, len, complex_in;
    int32_t step, frames, frame_len, n_out;
} kiln_stft_params;

void kiln_dft_f32(const kiln_dft_params *p, const float *x, float *y);
void kiln_stft_f32(const kiln_stft_params *p, const float *signal, const float *window, float *y);

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

/* acc += a * b with the product rounded before the sum, as -ffp-contract=off compiles it:
 * one VMLA.F32 on Arm's scalar FPU (not fused, so the same bits), where GCC would emit a
 * VMUL and a VADD. Left to GCC under Helium with float lanes, which vectorises the plain
 * form, and in the tests' reference builds (KILN_PLAIN_FMAC). A statement on every target,
 * so a use inside an expression fails on the host too; acc, a and b are floats. */
#if defined(__ARM_FP) && (__ARM_FP & 4) && !(defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 2)) && \
    !defined(KILN_PLAIN_FMAC)
#define KILN_FMAC(acc, a, b) \
    do { \
        __asm__("vmla.f32 %0, %1, %2" : "+t"(acc) : "t"(a), "t"(b)); \
    } while (0)
#else
#define KILN_FMAC(acc, a, b) \
    do { \
        (acc) += (a) * (b); \
    } while (0)
#endif

/* ---- int8 (s8) kernels ------------------------------------------------------------
 * The scheme of TensorFlow Lite and CMSIS-NN: real = scale * (q - zero_point). Weights are
 * symmetric per output channel (zero point 0), activations asymmetric per tensor, biases
 * int32 with scale input_scale * weight_scale. Every scale ratio is folded at compile time
 * into a (multiplier, shift) pair applied by kiln_requantize(), so s8 kernels use integer
 * arithmetic only. Offsets follow CMSIS-NN: input_offset = -input_zero_point,
 * output_offset = +output_zero_point. Faster variants (DSP, MVE) keep these signatures. */

/* Rounding doubling high multiply: round(a * b / 2^31), saturating the one overflow case
 * (a == b == INT32_MIN). gemmlowp's rule, bit-exact with TensorFlow Lite: a positive tie
 * rounds up, a negative tie towards zero (-50.5 -> -50). */
static inline int32_t kiln_mul_high_s32(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN)
        return INT32_MAX;
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30);
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero (0 <= exponent <= 31). Relies
 * on >> of a negative int32 being arithmetic, as on every compiler kiln targets. */
static inline int32_t kiln_rounding_shift_s32(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0);
    return (x >> exponent) + (remainder > threshold);
}

/* acc * multiplier * 2^(shift - 31), rounded twice as TensorFlow Lite and CMSIS-NN do
 * (kiln_mul_high_s32, then kiln_rounding_shift_s32): the one requantization rule of every
 * s8 kernel and of the compiler, within 1 of the exactly rounded value. multiplier is in [2^30, 2^31) (or 0); shift > 0 multiplies
 * by 2^shift first, saturating to int32, shift < 0 is a rounding right shift. */
static inline int32_t kiln_requantize(int32_t acc, int32_t multiplier, int32_t shift)
{
    int64_t v = (int64_t)acc * ((int64_t)1 << (shift > 0 ? shift : 0));
    v = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v;
    return kiln_rounding_shift_s32(kiln_mul_high_s32((int32_t)v, multiplier),
                                   shift < 0 ? -shift : 0);
}

static inline int8_t kiln_clamp_s8(int32_t v, int32_t lo, int32_t hi)
{
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

/* Per-output-channel requantization: channel c uses multiplier[c], shift[c] (shifts lie
 * in [-31, 30], so one byte each). */
typedef struct {
    const int32_t *multiplier;
    const int8_t *shift;
} kiln_per_channel_quant;

/* Offsets and the fused activation as a clamp on the output's int8 range. */
typedef struct {
    int32_t input_offset;     /* -input zero point */
    int32_t output_offset;    /* +output zero point */
    int32_t act_min, act_max; /* in [-128, 127] */
} kiln_s8_io;

/* Conv: geometry as for f32 (its act field is unused), w int8 [c_out][c_in/group][k_h][k_w]
 * symmetric per output channel, bias int32 [c_out] or NULL. Padding reads the input zero
 * point (a real 0). */
typedef struct {
    kiln_conv2d_params conv;
    kiln_s8_io io;
} kiln_conv2d_s8_params;

void kiln_conv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                    const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);
/* Same result for 1x1 kernels, stride 1, no padding, group 1. */
void kiln_conv2d_s8_1x1(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                        const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);
/* Same result for depthwise convolutions (group == c_in, c_out a multiple of c_in). */
void kiln_dwconv2d_s8(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                      const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y);

/* Fully connected (Gemm, MatMul with constant weights): y[m][n] =
 * requant(bias[n] + sum_k w[n][k] * (x[m][k] + input_offset)) + output_offset, clamped. */
typedef struct {
    int32_t m, n, k;
    kiln_s8_io io;
} kiln_fully_connected_s8_params;

void kiln_fully_connected_s8(const kiln_fully_connected_s8_params *p,
                             const kiln_per_channel_quant *q, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y);

/* Shared core of the Cortex-M DSP variants (runtime/dsp/kiln_s8_gemm_dsp.c): y[oc * oc_stride
 * + j * col_stride] = requant(bias[oc] + sum_i w[oc * k + i] * col_j[i]) for oc < n_oc and the n_cols (1
 * or 2) columns j. cols holds x + input_offset as int16 at kiln_s8_col_slot(i, j, k): groups
 * of four of both columns side by side, each in the order (0, 2, 1, 3) that SXTB16 widens
 * the weights in, then the k % 4 tails. Up to KILN_S8_COL_MAX values per column fit the
 * variants' stack buffer; longer columns take a plain C path. */
#define KILN_S8_COL_MAX 768
static inline int32_t kiln_s8_col_slot(int32_t i, int32_t j, int32_t k)
{
    const int32_t k4 = k & ~3;
    if (i >= k4)
        return 2 * k4 + j * (k - k4) + i - k4;
    return 2 * (i & ~3) + 4 * j + ((i & 1) << 1) + ((i >> 1) & 1);
}
/* kiln_requantize for right shifts (shift = -e, e >= 1, the usual case), same bits in a
 * third of the instructions. With Q = acc * m + 2^30 the doubling high multiply is
 * floor(Q / 2^31), and its rounding shift by e (half away from zero) is
 * floor((x + 2^(e-1) - [x < 0]) / 2^e); nested floors of divisions compose, so the result
 * is floor((acc * m + 2^30 - [Q < 0] 2^31 + 2^(30+e)) / 2^(31+e)): one SMLAL onto a per-
 * channel constant. [Q < 0] may be replaced by [acc < 0] (m >= 0): they differ only when
 * 0 <= Q < 2^30, where both give 0 for e >= 1. For e >= 2 the 2^(30+e) is a whole multiple
 * of 2^32 and goes to the high word (hi_round); for e = 1 it is 2^31 in the constant. */
typedef struct {
    uint32_t init_lo;          /* the SMLAL accumulator's low word for acc >= 0 */
    int32_t hi_mask, hi_round; /* high word: acc < 0 and e >= 2 give -1; 2^(e-2) */
    int32_t e;
} kiln_requant_right_params;

static inline kiln_requant_right_params kiln_requant_right_setup(int32_t shift)
{
    const int32_t e = -shift;
    const kiln_requant_right_params r = {e == 1 ? 0xc0000000u : 0x40000000u, e >= 2 ? -1 : 0,
                                      e >= 2 ? (int32_t)1 << (e - 2) : 0, e};
    return r;
}

/* The constant for acc < 0 is the one for acc >= 0 minus 2^31: the low word's top bit
 * flips, and for e >= 2 (where that bit is set) the high word borrows. */
static inline int32_t kiln_requant_right(int32_t acc, int32_t m, const kiln_requant_right_params *r)
{
    uint32_t lo = r->init_lo ^ ((uint32_t)acc & 0x80000000u);
    int32_t hi = (acc >> 31) & r->hi_mask;
#if defined(__ARM_FEATURE_DSP) /* GCC 12 adds an instruction around its own SMLAL */
    __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(acc), "r"(m));
#else
    const int64_t q = (int64_t)(((uint64_t)(uint32_t)hi << 32) | lo) + (int64_t)acc * m;
    hi = (int32_t)(q >> 32);
#endif
    return (hi + r->hi_round) >> (r->e - 1);
}
#if defined(__ARM_FEATURE_DSP)
/* kiln_requantize in a few instructions, same bits: the doubling high multiply
 * (a * b + nudge) / 2^31, truncated, equals (a * b + 2^30) >> 31 for either sign of a * b
 * (a negative numerator rounds toward zero: add 2^31 - 1, then floor), so one SMLAL onto
 * 2^30 does it; the multiplier is never INT32_MIN, so it cannot saturate. */
static inline int32_t kiln_requantize_dsp(int32_t acc, int32_t multiplier, int32_t shift)
{
    if (shift > 0) {
        const int64_t v = (int64_t)acc * ((int64_t)1 << shift);
        acc = v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
    }
    uint32_t lo = 1u << 30;
    int32_t hi = 0;
    __asm__("smlal %0, %1, %2, %3" : "+r"(lo), "+r"(hi) : "r"(acc), "r"(multiplier));
    const int32_t x = (int32_t)(((uint32_t)hi << 1) | (lo >> 31));
    if (shift >= 0)
        return x;
    const int32_t e = -shift, mask = (int32_t)((1u << e) - 1u);
    const int32_t threshold = (mask >> 1) + (x < 0);
    return (x >> e) + ((x & mask) > threshold);
}

#endif
void kiln_s8_gemm_dsp(const int8_t *w, int32_t n_oc, int32_t k, const int16_t *cols,
                      int32_t n_cols, const int32_t *bias, const int32_t *multiplier,
                      const int8_t *shift, const kiln_s8_io *io, int8_t *y, ptrdiff_t oc_stride,
                      ptrdiff_t col_stride);

#if defined(__ARM_FEATURE_MVE)
/* Helium depthwise core (runtime/mve/kiln_dwconv2d_s8.c): output rows [oh_lo, oh_hi) of
 * channel oc from its input plane xc into dst (row pitch w_out), as kiln_dwconv2d_s8. */
void kiln_dwconv2d_s8_rows_mve(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                               const int8_t *xc, const int8_t *w, const int32_t *bias, int32_t oc,
                               int32_t oh_lo, int32_t oh_hi, int8_t *dst);
#endif
/* Pools keep the input's scale and zero point. */
void kiln_maxpool2d_s8(const kiln_pool2d_params *p, const int8_t *x, int8_t *y);
/* Average of (x - zero_point) rounded half away from zero, plus zero_point; the divisor
 * follows kiln_avgpool2d_f32. */
void kiln_avgpool2d_s8(const kiln_pool2d_params *p, int32_t zero_point, const int8_t *x,
                       int8_t *y);
void kiln_global_avgpool_s8(const kiln_global_pool_params *p, int32_t zero_point,
                            const int8_t *x, int8_t *y);

/* Add with rescaling (TFLite's scheme): both inputs are shifted left by left_shift and
 * rescaled to a common scale, summed, then requantized to the output. Mul: the product of
 * the offset inputs requantized with output_multiplier/shift. Broadcasting through geometry
 * (op, act unused). */
typedef struct {
    kiln_binary_params geometry;
    int32_t a_offset, b_offset, output_offset;
    int32_t left_shift;                      /* Add only */
    int32_t a_multiplier, a_shift;           /* Add only */
    int32_t b_multiplier, b_shift;           /* Add only */
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
} kiln_binary_s8_params;

void kiln_add_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);
void kiln_mul_s8(const kiln_binary_s8_params *p, const int8_t *a, const int8_t *b, int8_t *y);

/* Table lookup y = table[x + 128]: any elementwise function of one int8 (activations,
 * rescaling between two scales). The compiler fills the 256 entries. y may alias x. */
void kiln_lut_s8(int32_t n, const int8_t *table, const int8_t *x, int8_t *y);

/* Softmax, int8 in and out (output scale 1/256, zero point -128). exp_table[d] holds
 * exp(-d * input_scale) in Q20 for d = max - x in [0, 255]; each output is
 * round(256 * e / sum) - 128 computed in integers. x viewed as [outer][len][inner]. */
void kiln_softmax_s8(const kiln_softmax_params *p, const int32_t *exp_table, const int8_t *x,
                     int8_t *y);

/* Boundaries between int8 and float ops (and the float wrappers of the generated API):
 * q = clamp(round_half_away(x / scale) + zero_point); x = scale * (q - zero_point). These
 * two use float arithmetic by design; they are not s8 compute kernels. */
typedef struct {
    int32_t n;
    float scale;
    int32_t zero_point;
} kiln_quant_params;

void kiln_quantize_f32_s8(const kiln_quant_params *p, const float *x, int8_t *y);
void kiln_dequantize_s8_f32(const kiln_quant_params *p, const int8_t *x, float *y);

/* ---- Sparse int8 weights: a bitmap of the nonzeros and their values ------------- */
/* Row r (a Conv output channel, a fully connected output) has row_len weights (Conv:
 * (c_in/group, k_h, k_w) flattened; fully connected: k); bit r * row_len + u of mask
 * (LSB first in each byte, rows packed without padding) is set when weight u of row r is
 * nonzero, and val holds the nonzero weights in that order. One bit per weight plus one
 * byte per nonzero: at 80 % zeros 0.325 bytes per weight against 1. The requantization
 * shift is one int8 per row (as in kiln_per_channel_quant), and the bias int16 when every
 * entry fits (bias16), else int32 (bias32), or neither. The sparse kernels give the dense
 * s8 kernels' bits exactly: the int32 sum over the nonzero products is the same sum. */
typedef struct {
    const uint8_t *mask;
    const int8_t *val;
    const int32_t *bias32;
    const int16_t *bias16;
    const int32_t *multiplier;   /* per row, as kiln_per_channel_quant */
    const int8_t *shift;
} kiln_sparse_s8;

/* Index of the one set bit of a byte `lowest` (x & -x): a de Bruijn multiply, no CLZ
 * needed. The kernels walk the mask a byte at a time, so empty bytes cost one test. */
static inline int32_t kiln_sparse_s8_bit(uint32_t lowest)
{
    static const uint8_t pos[8] = {0, 1, 6, 2, 7, 5, 4, 3};
    return pos[((lowest * 0x1Du) & 0xFFu) >> 5];
}

static inline int32_t kiln_sparse_s8_bias(const kiln_sparse_s8 *w, int32_t r)
{
    return w->bias16 ? w->bias16[r] : w->bias32 ? w->bias32[r] : 0;
}

/* Conv with sparse weights, any geometry: the result of kiln_conv2d_s8 bit for bit.
 * acc is scratch of h_out * w_out int32 (kiln_conv2d_sparse_s8_scratch). */
void kiln_conv2d_sparse_s8(const kiln_conv2d_s8_params *p, const int8_t *x,
                           const kiln_sparse_s8 *w, int32_t *acc, int8_t *y);
size_t kiln_conv2d_sparse_s8_scratch(const kiln_conv2d_params *p);
/* Fully connected with sparse weights: the result of kiln_fully_connected_s8. */
void kiln_fully_connected_sparse_s8(const kiln_fully_connected_s8_params *p, const int8_t *x,
                                    const kiln_sparse_s8 *w, int8_t *y);

/* ---- Recurrent layers: LSTM, GRU, RNN (ONNX semantics) ------------------------- */
typedef enum {
    KILN_RNN_RELU = 0, KILN_RNN_TANH, KILN_RNN_SIGMOID,
    KILN_RNN_AFFINE,           /* alpha * x + beta */
    KILN_RNN_LEAKY_RELU,       /* x >= 0 ? x : alpha * x */
    KILN_RNN_THRESHOLDED_RELU, /* x > alpha ? x : 0 */
    KILN_RNN_SCALED_TANH,      /* alpha * tanh(beta * x) */
    KILN_RNN_HARD_SIGMOID,     /* min(max(alpha * x + beta, 0), 1) */
    KILN_RNN_ELU,              /* x >= 0 ? x : alpha * (exp(x) - 1) */
    KILN_RNN_SOFTSIGN,         /* x / (1 + |x|) */
    KILN_RNN_SOFTPLUS          /* log(1 + exp(x)) */
} kiln_rnn_act_kind;

typedef struct {
    kiln_rnn_act_kind kind;
    float alpha, beta;
} kiln_rnn_act;

#define KILN_RNN_MAX_ACTS 6   /* 3 per direction (LSTM f, g, h) */

typedef struct {
    int32_t seq_len, batch, input_size, hidden;
    int32_t num_dirs;            /* 1, or 2 for bidirectional */
    int32_t reverse;             /* with num_dirs 1: the sequence runs backwards */
    int32_t layout;              /* 0: X [seq][batch][in]; 1: X [batch][seq][in] (opset 14) */
    int32_t has_clip;
    float clip;                  /* gate inputs (not the LSTM cell) clipped to [-clip, clip] */
    int32_t input_forget;        /* LSTM: forget gate = 1 - input gate */
    int32_t linear_before_reset; /* GRU */
    kiln_rnn_act acts[KILN_RNN_MAX_ACTS];  /* per direction, in ONNX order */
} kiln_rnn_params;

/* Weights in ONNX layout: W [dirs][gates*hidden][in], R [dirs][gates*hidden][hidden],
 * B [dirs][2*gates*hidden] (or NULL: zero), seq_lens [batch] (or NULL: all seq_len),
 * h0/c0 like Y_h (or NULL: zero), P [dirs][3*hidden] (or NULL: no peepholes).
 * Outputs Y, Y_h, Y_c may each be NULL. Y steps past a sequence's length are zero.
 * Each returns 0, or -1 (outputs unspecified) when a sequence length is outside
 * [1, seq_len]. */
int kiln_lstm_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                  const float *b, const int32_t *seq_lens, const float *h0, const float *c0,
                  const float *peep, float *y, float *y_h, float *y_c, float *scratch);
size_t kiln_lstm_f32_scratch_size(const kiln_rnn_params *p);   /* in bytes */
int kiln_gru_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq_lens, const float *h0, float *y,
                 float *y_h, float *scratch);
size_t kiln_gru_f32_scratch_size(const kiln_rnn_params *p);
int kiln_rnn_f32(const kiln_rnn_params *p, const float *x, const float *w, const float *r,
                 const float *b, const int32_t *seq_lens, const float *h0, float *y,
                 float *y_h, float *scratch);
size_t kiln_rnn_f32_scratch_size(const kiln_rnn_params *p);

/* Helpers of the recurrent kernels (kiln_rnn_common_f32.c). */
/* Clips to [-clip, clip] (when clip > 0) and applies act to n floats in place. */
void kiln_rnn_act_f32(const kiln_rnn_act *act, float clip, float *x, int32_t n);
/* Length of batch entry b's sequence, or -1 when seq_lens holds an invalid one. */
int32_t kiln_rnn_length(const kiln_rnn_params *p, const int32_t *seq_lens, int32_t b);
/* Element offsets of X[t][b], Y[t][dir][b] and Y_h[dir][b] for the params' layout. */
size_t kiln_rnn_x_at(const kiln_rnn_params *p, int32_t t, int32_t b);
size_t kiln_rnn_y_at(const kiln_rnn_params *p, int32_t t, int32_t dir, int32_t b);
size_t kiln_rnn_h_at(const kiln_rnn_params *p, int32_t dir, int32_t b);
/* acc[j] = sum_k v[k] * m[j*cols + k] + acc[j] for j < rows (v times m transposed). */
void kiln_rnn_matvec_f32(const float *m, const float *v, int32_t rows, int32_t cols, float *acc);

/* ---- ONNX quantized ops, reference semantics (float scales read at run time) ----- */
typedef enum { KILN_QT_U8 = 0, KILN_QT_S8, KILN_QT_S32 } kiln_qtype;

/* Element i of a u8/s8/s32 array as int32. */
static inline int32_t kiln_q_load(const void *p, size_t i, int32_t type)
{
    return type == KILN_QT_U8 ? (int32_t)((const uint8_t *)p)[i]
         : type == KILN_QT_S8 ? (int32_t)((const int8_t *)p)[i]
         : ((const int32_t *)p)[i];
}

/* y[i] = saturate(round_half_to_even(v) + zp) for a u8/s8 type; NaN gives zp. */
void kiln_q_store(void *y, size_t i, float v, int32_t zp, int32_t type);

typedef struct {
    int32_t outer, axis_len, inner;   /* x viewed as [outer][axis_len][inner] */
    int32_t per_axis;                 /* scale/zero point have axis_len entries, else one */
    int32_t type;                     /* quantized side: y of Quantize, x of Dequantize */
} kiln_qlinear_params;

/* y = saturate(round(x / scale) + zp); zp may be NULL (0). */
void kiln_quantize_linear(const kiln_qlinear_params *p, const float *x, const float *scale,
                          const void *zp, void *y);
/* y = (x - zp) * scale; zp may be NULL (0). */
void kiln_dequantize_linear(const kiln_qlinear_params *p, const void *x, const float *scale,
                            const void *zp, float *y);
/* DynamicQuantizeLinear to u8: scale and zero point from min/max of x (range holds 0);
 * y_scale and y_zp may be NULL. */
void kiln_dynamic_quantize_linear(int32_t n, const float *x, uint8_t *y, float *y_scale,
                                  uint8_t *y_zp);

typedef struct {
    int32_t m, n, k;
    int32_t batch_rank;               /* as kiln_matmul_params */
    int32_t batch_dims[6];
    int32_t a_batch_strides[6];
    int32_t b_batch_strides[6];
    int32_t a_type, b_type;           /* KILN_QT_U8 or KILN_QT_S8 */
    int32_t a_zp_per_row, b_zp_per_col;  /* zero point per row of A / column of B, else one */
} kiln_matmul_integer_params;

/* y = (a - a_zp) x (b - b_zp) in int32; zero points may be NULL (0). */
void kiln_matmul_integer(const kiln_matmul_integer_params *p, const void *a, const void *b,
                         const void *a_zp, const void *b_zp, int32_t *y);

typedef struct {
    kiln_matmul_integer_params mm;
    int32_t a_scale_per_row, b_scale_per_col;
    int32_t y_type;
} kiln_qlinear_matmul_params;

/* y = saturate(round(acc * (a_scale * b_scale / y_scale)) + y_zp), acc from
 * kiln_matmul_integer; scratch holds the int32 products. */
void kiln_qlinear_matmul(const kiln_qlinear_matmul_params *p, const void *a,
                         const float *a_scale, const void *a_zp, const void *b,
                         const float *b_scale, const void *b_zp, const float *y_scale,
                         const void *y_zp, void *y, int32_t *scratch);
size_t kiln_qlinear_matmul_scratch_size(const kiln_qlinear_matmul_params *p);

typedef struct {
    kiln_conv2d_params g;             /* geometry (act unused) */
    int32_t x_type, w_type;
    int32_t w_zp_per_channel;         /* w zero point per output channel, else one */
} kiln_conv_integer_params;

/* y = conv(x - x_zp, w - w_zp) in int32; padding counts as x_zp (contributes 0). */
void kiln_conv_integer(const kiln_conv_integer_params *p, const void *x, const void *w,
                       const void *x_zp, const void *w_zp, int32_t *y);

typedef struct {
    kiln_conv_integer_params c;
    int32_t w_scale_per_channel;
    int32_t y_type;
} kiln_qlinear_conv_params;

/* y = saturate(round((acc + bias) * (x_scale * w_scale / y_scale)) + y_zp); bias (int32,
 * per output channel) may be NULL; scratch holds the int32 accumulators. */
void kiln_qlinear_conv(const kiln_qlinear_conv_params *p, const void *x, const float *x_scale,
                       const void *x_zp, const void *w, const float *w_scale, const void *w_zp,
                       const float *y_scale, const void *y_zp, const int32_t *bias, void *y,
                       int32_t *scratch);
size_t kiln_qlinear_conv_scratch_size(const kiln_qlinear_conv_params *p);


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

/* Clip with bounds given at run time: lo and hi point at one element of type t, or are
 * NULL when that bound is absent; y = min(max(x, lo), hi). y may alias x. */
void kiln_clip_rt(kiln_dtype t, int32_t n, const void *x, const void *lo, const void *hi, void *y);

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
} kiln_axes_reduce_op;

/* The input is split into kept dims (outputs, in order) and reduced dims, each with its
 * input element strides; both lists hold at least one dim (a dim of 1 when empty). */
typedef struct {
    kiln_axes_reduce_op op;
    int32_t n_keep, n_red;
    int32_t keep_dims[KILN_MAX_RANK], keep_strides[KILN_MAX_RANK];
    int32_t red_dims[KILN_MAX_RANK], red_strides[KILN_MAX_RANK];
} kiln_reduce_params;

void kiln_reduce_f32(const kiln_reduce_params *p, const float *x, float *y);
void kiln_reduce_f64(const kiln_reduce_params *p, const double *x, double *y);

/* ---- MeanVarianceNormalization: y = (x - mean) / (sqrt(var) + 1e-9), mean and (biased)
 * variance over the reduced dims of kiln_reduce_params (op unused), per kept position. */
void kiln_mvn_f32(const kiln_reduce_params *p, const float *x, float *y);

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

/* ---- NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss ------------------------------
 * x is [n][c][inner] (N x C x d1..dk), target [n][inner] int64, w [c] or NULL (all 1).
 * A target equal to ignore_index (when has_ignore) contributes loss 0 and weight 0. */
typedef enum { KILN_LOSS_NONE = 0, KILN_LOSS_SUM, KILN_LOSS_MEAN } kiln_loss_reduction;

typedef struct {
    int32_t n, c, inner;
    kiln_loss_reduction reduction;
    int32_t has_ignore;
    int64_t ignore_index;
} kiln_loss_params;

/* y is [n][inner] (none) or one value (sum; mean: divided by the summed weights of the
 * targets not ignored). Returns -1, reading nothing out of bounds, when a target that is
 * not ignore_index lies outside [0, c); y is then unspecified. */
int kiln_nll_loss_f32(const kiln_loss_params *p, const float *x, const int64_t *target,
                      const float *w, float *y);
/* NLL of the log-softmax of x over c; log_prob (x's shape) receives it, or is NULL.
 * log_prob must not alias x. */
int kiln_sce_loss_f32(const kiln_loss_params *p, const float *x, const int64_t *target,
                      const float *w, float *y, float *log_prob);
/* Shared by the two kernels (kiln_nll_loss_f32.c). */
typedef struct {
    float sum, weight;   /* of the losses and of the weights of the targets not ignored */
} kiln_loss_acc;
/* The class of target t: t in [0, c), -1 when ignored, -2 when out of range. */
int32_t kiln_loss_class(const kiln_loss_params *p, int64_t t);
/* Records element e's loss and weight: stored in y (none) or added to acc. */
void kiln_loss_put(const kiln_loss_params *p, kiln_loss_acc *acc, float *y, ptrdiff_t e,
                   float loss, float weight);
/* Writes the reduced value of acc to y[0] (sum or mean; nothing for none). */
void kiln_loss_finish(const kiln_loss_params *p, const kiln_loss_acc *acc, float *y);


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

/* ---- int8 convs written over their input (chosen by the memory planner) ------------
 * Batch 1, y == x, p->conv.in_place KILN_CONV_IN_PLACE or KILN_CONV_IN_PLACE_SMALL (the
 * least scratch); same bits as the separate kernels. scratch holds the bytes below. */
/* 1x1 convs as kiln_conv2d_s8_1x1 (c_out may exceed c_in: the output runs past x). */
void kiln_conv2d_s8_1x1_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                                 int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *scratch);
size_t kiln_conv2d_s8_1x1_in_place_scratch_size(const kiln_conv2d_s8_params *p);
/* Depthwise convs as kiln_dwconv2d_s8 with c_out == c_in and h_out * w_out <= h_in * w_in. */
void kiln_dwconv2d_s8_in_place(const kiln_conv2d_s8_params *p, const kiln_per_channel_quant *q,
                               int8_t *xy, const int8_t *w, const int32_t *bias, int8_t *scratch);
size_t kiln_dwconv2d_s8_in_place_scratch_size(const kiln_conv2d_s8_params *p);

/* ---- TfIdfVectorizer: n-gram counts of int32/int64 rows against a pool of n-grams ----
 * Gram g is pool[gram_start[g] .. + gram_len[g]) and counts into output gram_out[g]. An
 * n-gram with skip s takes items start, start + s + 1, ...; unigrams count only once (at
 * skip 0). weight[g] weighs gram g (NULL: 1): TF counts, TFIDF sums the weights of the
 * occurrences, IDF gives the weight if the gram occurs at all. gram_out is one-to-one. */
enum { KILN_TFIDF_TF, KILN_TFIDF_IDF, KILN_TFIDF_TFIDF };
typedef struct {
    int32_t rows, cols;          /* x viewed as [rows][cols] */
    int32_t x_is_64;             /* int64 items, else int32 */
    int32_t min_n, max_n, max_skip;
    int32_t n_grams, out_size;
    int32_t mode;                /* KILN_TFIDF_* */
    const int64_t *pool;
    const int32_t *gram_start, *gram_len, *gram_out;
    const float *weight;
} kiln_tfidf_params;

/* y is [rows][out_size] floats. */
void kiln_tfidf_vectorizer(const kiln_tfidf_params *p, const void *x, float *y);

#endif
