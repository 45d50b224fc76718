/* SPDX-License-Identifier: MIT */
/* HannWindow, HammingWindow, BlackmanWindow (opset 17): generalised cosine windows of a
 * constant size, folded at compile time like the other generators. */
#include "op_common.h"

#include <math.h>

/* w[n] = a0 - a1 cos(2 pi n / N') + a2 cos(4 pi n / N'), N' = size (periodic) or size - 1 */
typedef struct {
    double a0, a1, a2;
} WindowCoeffs;

static const DType window_dtypes[] = {DT_UNDEF, DT_F32, DT_U8, DT_S8, DT_U16, DT_S16, DT_S32,
                                      DT_S64, DT_UNDEF, DT_UNDEF, DT_UNDEF, DT_F64, DT_U32,
                                      DT_U64};

/* output_datatype (an ONNX TensorProto code) as a DType; DT_UNDEF if not a numeric type
 * kiln has. */
static DType window_dtype(int64_t code)
{
    return code > 0 && code < (int64_t)KILN_ARRAY_LEN(window_dtypes) ? window_dtypes[code] : DT_UNDEF;
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

static void store(Tensor *t, int64_t i, double v)
{
    void *p = t->data;
    switch (t->dtype) {
    case DT_F32: ((float *)p)[i] = (float)v; break;
    case DT_F64: ((double *)p)[i] = v; break;
    case DT_S8: ((int8_t *)p)[i] = (int8_t)v; break;
    case DT_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case DT_S16: ((int16_t *)p)[i] = (int16_t)v; break;
    case DT_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case DT_S32: ((int32_t *)p)[i] = (int32_t)v; break;
    case DT_U32: ((uint32_t *)p)[i] = (uint32_t)v; break;
    case DT_S64: ((int64_t *)p)[i] = (int64_t)v; break;
    case DT_U64: ((uint64_t *)p)[i] = (uint64_t)v; break;
    default: break;
    }
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
        store(y, i, v < 0 && y->dtype != DT_F32 && y->dtype != DT_F64 ? 0.0 : v);
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
