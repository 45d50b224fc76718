/* SPDX-License-Identifier: MIT */
/* The audio front-end generators of opset 17, folded at compile time like the other
 * generators: HannWindow, HammingWindow, BlackmanWindow (generalised cosine windows of a
 * constant size) and MelWeightMatrix (triangular mel filter banks). */
#include "op_common.h"

#include <math.h>

/* w[n] = a0 - a1 cos(2 pi n / N') + a2 cos(4 pi n / N'), N' = size (periodic) or size - 1 */
typedef struct {
    double a0, a1, a2;
} WindowCoeffs;

/* output_datatype as a DType: any numeric type (not bool); DT_UNDEF otherwise. */
static DType window_dtype(int64_t code)
{
    DType dt = op_dtype_from_onnx(code);
    return dt == DT_BOOL ? DT_UNDEF : dt;
}

static int window_infer(Graph *g, Node *n, Diag *d)
{
    if (op_require_shape_input(n, 0, d))
        return -1;
    const Tensor *s = n->inputs[0];
    if (ir_numel(s) != 1 || (s->dtype != DT_S32 && s->dtype != DT_S64)) {
        node_error(d, n, "size must be an int32 or int64 scalar");
        return -1;
    }
    int64_t size = ir_const_int(s, 0);
    if (size < 0 || size > INT32_MAX) {
        node_error(d, n, "size %lld is out of range (0 to 2^31 - 1)", (long long)size);
        return -1;
    }
    int64_t code = ir_attr_int(n, "output_datatype", 1);
    DType dt = window_dtype(code);
    if (dt == DT_UNDEF) {
        node_error(d, n, "output_datatype %lld is not supported (a numeric type is needed)",
                   (long long)code);
        return -1;
    }
    ir_attr_int(n, "periodic", 1);   /* read in eval; marked used here */
    ir_set_shape(n->outputs[0], dt, 1, &size);
    return 0;
}

/* Computed in double and rounded once. A symmetric window of size 1 is [1] (the limit;
 * the formula would divide by zero). */
static void window_fill(Graph *g, Node *n, const WindowCoeffs *c)
{
    Tensor *y = n->outputs[0];
    ir_alloc_data(g, y);
    const int64_t size = ir_numel(y);
    const double len = ir_attr_int(n, "periodic", 1) ? (double)size : (double)(size - 1);
    const double tau = 6.283185307179586476925;
    for (int64_t i = 0; i < size; i++) {
        /* outside [0, 1] only by rounding (Blackman's ends): kept at 0 for integer types */
        double v = len > 0 ? c->a0 - c->a1 * cos(tau * (double)i / len) +
                                 c->a2 * cos(2.0 * tau * (double)i / len)
                           : 1.0;
        op_store_double(y, i, v < 0 && y->dtype != DT_F32 && y->dtype != DT_F64 ? 0.0 : v);
    }
}

static int hann_eval(Graph *g, Node *n, Diag *d)
{
    const WindowCoeffs c = {0.5, 0.5, 0.0};
    window_fill(g, n, &c);
    return 0;
}

static int hamming_eval(Graph *g, Node *n, Diag *d)
{
    const WindowCoeffs c = {25.0 / 46.0, 21.0 / 46.0, 0.0};
    window_fill(g, n, &c);
    return 0;
}

static int blackman_eval(Graph *g, Node *n, Diag *d)
{
    const WindowCoeffs c = {0.42, 0.5, 0.08};
    window_fill(g, n, &c);
    return 0;
}

const OpDef op_hann_window = {
    .name = "HannWindow", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = window_infer, .eval = hann_eval,
};

const OpDef op_hamming_window = {
    .name = "HammingWindow", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = window_infer, .eval = hamming_eval,
};

const OpDef op_blackman_window = {
    .name = "BlackmanWindow", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = window_infer, .eval = blackman_eval,
};

/* MelWeightMatrix: all five inputs are compile-time scalars; the matrix is
 * [dft_length / 2 + 1, num_mel_bins]. Kept below 2^24 elements (64 MiB of f32). */
typedef struct {
    int64_t bins, dft, rate;
    double lower, upper;
} MelArgs;

static int mel_scalar(Node *n, int i, int want_int, Diag *d)
{
    if (op_require_shape_input(n, i, d))
        return -1;
    const Tensor *t = n->inputs[i];
    int is_int = t->dtype == DT_S32 || t->dtype == DT_S64;
    int is_float = t->dtype == DT_F32 || t->dtype == DT_F64;
    if (ir_numel(t) != 1 || (want_int ? !is_int : !is_float)) {
        node_error(d, n, "input %d ('%s') must be a%s scalar", i, t->name,
                   want_int ? "n int32 or int64" : " float or double");
        return -1;
    }
    return 0;
}

static MelArgs mel_args(const Node *n)
{
    MelArgs a = {ir_const_int(n->inputs[0], 0), ir_const_int(n->inputs[1], 0),
                 ir_const_int(n->inputs[2], 0), ir_const_float(n->inputs[3], 0),
                 ir_const_float(n->inputs[4], 0)};
    return a;
}

/* Band edges as spectrogram bin indices, as the ONNX reference computes them: the edge
 * mels in float32 (the edge inputs' type), the rest in double, then floored. */
static void mel_edges(const MelArgs *a, int64_t *edge)
{
    float lo = (float)a->lower, hi = (float)a->upper;
    float lo_mel = 2595.0f * log10f(1.0f + lo / 700.0f);
    float hi_mel = 2595.0f * log10f(1.0f + hi / 700.0f);
    float step = (hi_mel - lo_mel) / (float)(a->bins + 2);
    for (int64_t k = 0; k < a->bins + 2; k++) {
        double mel = (double)k * (double)step + (double)lo_mel;
        double hz = 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
        edge[k] = (int64_t)floor((double)(a->dft + 1) * hz / (double)a->rate);
    }
}

static int mel_infer(Graph *g, Node *n, Diag *d)
{
    for (int i = 0; i < 5; i++)
        if (mel_scalar(n, i, i < 3, d))
            return -1;
    MelArgs a = mel_args(n);
    if (a.bins < 1 || a.bins > 65536 || a.dft < 1 || a.dft > (1 << 24) || a.rate < 1 ||
        !(a.lower >= 0) || !(a.upper > a.lower) || a.upper > 1e9) {
        node_error(d, n, "needs 1 <= num_mel_bins <= 65536, 1 <= dft_length <= 2^24, "
                   "sample_rate >= 1 and 0 <= lower_edge_hertz < upper_edge_hertz");
        return -1;
    }
    int64_t spec = a.dft / 2 + 1, *edge = arena_array(g->arena, (size_t)a.bins + 2, sizeof *edge);
    mel_edges(&a, edge);
    /* the reference writes rows edge[0] .. edge[bins]; they must be spectrogram bins */
    if (edge[0] < 0 || edge[a.bins] >= spec || edge[a.bins + 1] > spec) {
        node_error(d, n, "upper_edge_hertz %g is above the Nyquist frequency of sample_rate "
                   "%lld (the filter banks would leave the %lld spectrogram bins)", a.upper,
                   (long long)a.rate, (long long)spec);
        return -1;
    }
    if (spec * a.bins > (1 << 24)) {
        node_error(d, n, "the matrix would have %lld elements (kiln folds at most 2^24)",
                   (long long)(spec * a.bins));
        return -1;
    }
    DType dt = window_dtype(ir_attr_int(n, "output_datatype", 1));
    if (dt == DT_UNDEF) {
        node_error(d, n, "output_datatype is not supported (a numeric type is needed)");
        return -1;
    }
    int64_t dims[2] = {spec, a.bins};
    ir_set_shape(n->outputs[0], dt, 2, dims);
    return 0;
}

/* Triangle i rises from edge[i] to 1 at edge[i + 1] and falls to 0 at edge[i + 2]. */
static int mel_eval(Graph *g, Node *n, Diag *d)
{
    Tensor *y = n->outputs[0];
    ir_alloc_data(g, y);   /* zeroed */
    MelArgs a = mel_args(n);
    int64_t *edge = arena_array(g->arena, (size_t)a.bins + 2, sizeof *edge);
    mel_edges(&a, edge);
    for (int64_t i = 0; i < a.bins; i++) {
        int64_t lo = edge[i], mid = edge[i + 1], hi = edge[i + 2];
        if (mid == lo)
            op_store_double(y, mid * a.bins + i, 1.0);
        for (int64_t j = lo; mid > lo && j <= mid; j++)
            op_store_double(y, j * a.bins + i, (double)(j - lo) / (double)(mid - lo));
        for (int64_t j = mid; j < hi; j++)
            op_store_double(y, j * a.bins + i, (double)(hi - j) / (double)(hi - mid));
    }
    return 0;
}

const OpDef op_mel_weight_matrix = {
    .name = "MelWeightMatrix", .min_opset = 17, .max_opset = 1000,
    .min_inputs = 5, .max_inputs = 5, .min_outputs = 1, .max_outputs = 1,
    .infer = mel_infer, .eval = mel_eval,
};
