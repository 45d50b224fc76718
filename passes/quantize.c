/* SPDX-License-Identifier: MIT */
/* int8 quantization (--quantize int8): calibrate, then rewrite every op that has an int8
 * kernel into its s8 form.
 *
 * The scheme is TensorFlow Lite's and CMSIS-NN's: activations int8 asymmetric per tensor
 * (scale, zero point from the calibrated range widened to include 0), weights int8
 * symmetric per output channel (zero point 0, range +-127), biases int32 with scale
 * input_scale * weight_scale, and every ratio of scales turned here into an integer
 * (multiplier, shift) for kiln_requantize(). Fused Relu/Clip become clamps on the output's
 * int8 range.
 *
 * Nodes are visited in order; a tensor is int8 once its producer is (graph inputs are
 * int8 from the start, so the API takes int8). An op without an int8 form stays float:
 * its int8 inputs pass through a Dequantize node and its consumers quantize its outputs
 * through a Quantize node (one per tensor, shared). Graph outputs are always int8.
 * Views, Transpose, Pad, Concat and Gather move int8 bytes unchanged (their output keeps
 * the input's scale; Concat rescales inputs whose scale differs through a lookup table).
 * New nodes are placed just before their consumer, so the order stays topological. */
#include "ops.h"
#include "passes.h"

#include <math.h>
#include <string.h>

typedef struct {
    Graph *g;
    Diag *d;
    CalibRange *ranges;      /* by tensor id (ids of tensors that existed at calibration) */
    int n_ranged;
    Tensor **as_s8, **as_f32;/* by tensor id: the int8 / float twin made for a consumer */
    int cap;
    Node **order;            /* the new node list */
    int n_order;
    const char *fallback[64];/* op types left in float, for the note */
    int fallback_count[64];
    int n_fallback;
    int model_params;        /* QDQ model: scales from the model (q_scale), no calibration */
    int bias_correction;     /* --bias-correction: ranges[].mean corrects the biases */
    int weight_mse;          /* --weight-clip mse */
} Quant;

/* ---- scales ---------------------------------------------------------------------------- */

void quant_affine(float lo, float hi, float *scale, int32_t *zero_point)
{
    lo = lo < 0 ? lo : 0;
    hi = hi > 0 ? hi : 0;
    if (!(hi - lo > 1e-30f)) {
        *scale = 1.0f;
        *zero_point = 0;
        return;
    }
    *scale = (hi - lo) / 255.0f;
    double zp = -128.0 - round((double)lo / *scale);
    *zero_point = (int32_t)(zp < -128 ? -128 : zp > 127 ? 127 : zp);
}

void quant_multiplier(double real, int32_t *multiplier, int32_t *shift)
{
    if (!(real > 0)) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    int exp;
    double frac = frexp(real, &exp);          /* real = frac * 2^exp, frac in [0.5, 1) */
    int64_t m = (int64_t)round(frac * (double)(1LL << 31));
    if (m == (1LL << 31)) {
        m /= 2;
        exp++;
    }
    if (exp < -31) {                          /* too small to matter: rounds to 0 */
        m = 0;
        exp = 0;
    }
    if (exp > 30)
        exp = 30;
    *multiplier = (int32_t)m;
    *shift = exp;
}

static int8_t quantize_value(float x, float scale, int32_t zp)
{
    double v = round((double)x / scale) + zp;
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/* ---- graph editing ------------------------------------------------------------------ */

static void place(Quant *q, Node *n)
{
    q->order[q->n_order++] = n;
}

static Tensor *new_tensor(Quant *q, const Tensor *like, const char *suffix, DType dt)
{
    Tensor *t = ir_tensor_new(q->g, arena_printf(q->g->arena, "%s%s", like->name, suffix));
    ir_set_shape(t, dt, like->rank, like->dims);
    if (t->id >= q->cap)
        KILN_UNREACHABLE("quantize: tensor table too small");
    return t;
}

static Tensor *new_const(Quant *q, const char *name, DType dt, int64_t count)
{
    Tensor *t = ir_tensor_new(q->g, name);
    int64_t dims[1] = {count};
    ir_set_shape(t, dt, 1, dims);
    ir_alloc_data(q->g, t);
    if (t->id >= q->cap)
        KILN_UNREACHABLE("quantize: tensor table too small");
    return t;
}

static Node *new_node(Quant *q, const OpDef *op, const char *name, Tensor *in, Tensor *out)
{
    Node *n = ir_node_new(q->g, name, op->name, 1, 1);
    n->op = op;
    n->inputs[0] = in;
    n->outputs[0] = out;
    out->producer = n;
    place(q, n);
    return n;
}

static void set_qparams(Quant *q, Tensor *t, const Tensor *range_of)
{
    if (range_of->q_scale > 0) {
        t->scale = range_of->q_scale;
        t->zero_point = range_of->q_zero_point;
        return;
    }
    const CalibRange *r = range_of->id < q->n_ranged ? &q->ranges[range_of->id] : NULL;
    quant_affine(r && r->seen ? r->lo : 0, r && r->seen ? r->hi : 0, &t->scale, &t->zero_point);
}

static Node *boundary(Quant *q, const OpDef *op, Tensor *x, Tensor *y, const Tensor *qt)
{
    Node *n = new_node(q, op, arena_printf(q->g->arena, "%s/%s", x->name, op->name), x, y);
    QuantizeParams *p = arena_alloc(q->g->arena, sizeof *p);
    p->k = (kiln_quant_params){(int32_t)ir_numel(x), qt->scale, qt->zero_point};
    n->params = p;
    return n;
}

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

static int is_s8(const Tensor *t) { return t && t->dtype == DT_S8 && t->scale > 0; }

/* The int8 form of activation x for an int8 consumer. */
static Tensor *need_s8(Quant *q, Tensor *x)
{
    if (is_s8(x))
        return x;
    if (!q->as_s8[x->id]) {
        Tensor *t = new_tensor(q, x, ".q", DT_S8);
        set_qparams(q, t, x);
        boundary(q, &op_quantize_s8, x, t, t);
        q->as_s8[x->id] = t;
    }
    return q->as_s8[x->id];
}

/* The float form of x for a float consumer. */
static Tensor *need_f32(Quant *q, Tensor *x)
{
    if (!is_s8(x))
        return x;
    if (!q->as_f32[x->id]) {
        Tensor *t = new_tensor(q, x, ".f", DT_F32);
        boundary(q, &op_dequantize_s8, x, t, x);
        q->as_f32[x->id] = t;
    }
    return q->as_f32[x->id];
}

/* Output y of an int8 node: int8 with its calibrated range. */
static void make_s8_output(Quant *q, Tensor *y)
{
    y->dtype = DT_S8;
    set_qparams(q, y, y);
}

/* ---- pieces shared by Conv and the fully connected ops ---------------------------------- */

/* The fused activation as a clamp on y's int8 range; 0 if it is not a clamp. */
static int act_clamp(const kiln_act *a, const Tensor *y, int32_t *lo, int32_t *hi)
{
    *lo = -128;
    *hi = 127;
    if (a->kind == KILN_ACT_NONE)
        return 1;
    if (a->kind == KILN_ACT_RELU || a->kind == KILN_ACT_CLIP) {
        float amin = a->kind == KILN_ACT_RELU ? 0.0f : a->a;
        if (amin > -HUGE_VALF)
            *lo = quantize_value(amin, y->scale, y->zero_point);
        if (a->kind == KILN_ACT_CLIP && a->b < HUGE_VALF)
            *hi = quantize_value(a->b, y->scale, y->zero_point);
        return 1;
    }
    return 0;
}

/* The model's scale of output channel c of weight tensor w (QDQ models), whose channels
 * lie on `axis`; 0 if the model gave none that fits. */
static float model_weight_scale(const Tensor *w, int axis, int64_t channels, int64_t c)
{
    if (!w->ch_scale)
        return 0.0f;
    if (w->n_ch_scale == 1)
        return w->ch_scale[0];
    if (w->ch_axis != axis || w->n_ch_scale != channels)
        return 0.0f;
    return w->ch_scale[c];
}

/* Bias correction: the expected change of a channel's output that rounding its weights
 * causes, sum_i (q_i * scale - w_i) * E[x_i], with E[x] from calibration. Subtracted from
 * the bias, it keeps the output's mean where the float model has it. */
static double weight_error_mean(const float *w, const int8_t *wq, int64_t per, float mul,
                                float scale, const double *x_mean)
{
    double e = 0;
    for (int64_t i = 0; i < per; i++)
        e += ((double)wq[i] * scale - (double)(w[i] * mul)) * x_mean[i];
    return e;
}

/* Squared error of one channel's weights quantized symmetric with scale s. */
static double weight_sq_error(const float *w, int64_t per, float mul, float s)
{
    double e = 0;
    for (int64_t i = 0; i < per; i++) {
        const double v = (double)(w[i] * mul), r = round(v / s);
        const double d = v - (r < -127 ? -127 : r > 127 ? 127 : r) * s;
        e += d * d;
    }
    return e;
}

/* The scale of a channel's weights: of the clipping ranges amax * 1.00, 0.99, ... 0.50,
 * the one with the least squared error (amax itself unless clipping outliers pays). */
static float mse_weight_scale(const float *w, int64_t per, float mul, float amax)
{
    float best = amax / 127.0f;
    double best_err = weight_sq_error(w, per, mul, best);
    for (int k = 1; k <= 50; k++) {
        const float s = amax * (1.0f - (float)k / 100.0f) / 127.0f;
        const double e = weight_sq_error(w, per, mul, s);
        if (e < best_err) {
            best_err = e;
            best = s;
        }
    }
    return best;
}

/* Quantizes weights laid out [channels][per] (times `mul`) symmetric per channel, the
 * bias (times bias_mul) to int32, and the per-channel requantization of
 * in_scale * w_scale / out_scale. Fills node inputs 1..4. The scale of channel c is the
 * model's (wt, channels on wt_axis: QDQ models) or max |w| / 127. */
static const float *quantize_weights(Quant *q, Node *n, const float *w, int64_t channels,
                                    int64_t per, float mul, const float *bias,
                                    int64_t bias_stride, float bias_mul, const Tensor *x,
                                    const Tensor *y, const Tensor *wt, int wt_axis,
                                    const double *col_mean, int64_t ch_per_group)
{
    Graph *g = q->g;
    const char *base = n->name[0] ? n->name : n->op_type;
    Tensor *wq = new_const(q, arena_printf(g->arena, "%s.w_s8", base), DT_S8, channels * per);
    int64_t wdims[2] = {channels, per};
    ir_set_shape(wq, DT_S8, 2, wdims);
    Tensor *bq = bias || col_mean
                 ? new_const(q, arena_printf(g->arena, "%s.b_s32", base), DT_S32, channels)
                 : NULL;
    Tensor *mq = new_const(q, arena_printf(g->arena, "%s.multiplier", base), DT_S32, channels);
    Tensor *sq = new_const(q, arena_printf(g->arena, "%s.shift", base), DT_S8, channels);
    int8_t *wd = wq->data;
    float *scales = arena_array(g->arena, (size_t)channels + 1, sizeof(float));
    for (int64_t c = 0; c < channels; c++) {
        float amax = 0;
        for (int64_t i = 0; i < per; i++) {
            float v = fabsf(w[c * per + i] * mul);
            amax = v > amax ? v : amax;
        }
        const float given = model_weight_scale(wt, wt_axis, channels, c) * fabsf(mul);
        const float ws = scales[c] = given > 0 ? given
                                   : amax > 0 && q->weight_mse
                                   ? mse_weight_scale(w + c * per, per, mul, amax)
                                   : amax > 0 ? amax / 127.0f
                                   : 1.0f;
        for (int64_t i = 0; i < per; i++) {
            double v = round((double)(w[c * per + i] * mul) / ws);
            wd[c * per + i] = (int8_t)(v < -127 ? -127 : v > 127 ? 127 : v);
        }
        const double bias_scale = (double)x->scale * ws;
        if (bq) {
            double bf = bias ? (double)(bias[c * bias_stride] * bias_mul) : 0.0;
            if (col_mean)
                bf -= weight_error_mean(w + c * per, wd + c * per, per, mul, ws,
                                        col_mean + (c / ch_per_group) * per);
            double b = round(bf / bias_scale);
            ((int32_t *)bq->data)[c] = (int32_t)(b > 2147483647.0 ? 2147483647.0
                                                 : b < -2147483648.0 ? -2147483648.0 : b);
        }
        int32_t shift;
        quant_multiplier(bias_scale / y->scale, &((int32_t *)mq->data)[c], &shift);
        ((int8_t *)sq->data)[c] = (int8_t)shift;   /* in [-31, 30] */
    }
    n->inputs[1] = wq;
    n->inputs[2] = bq;
    n->inputs[3] = mq;
    n->inputs[4] = sq;
    return scales;
}

/* Gives n room for `count` inputs, keeping the first ones. */
static void resize_inputs(Quant *q, Node *n, int count)
{
    Tensor **in = arena_array(q->g->arena, (size_t)count + 1, sizeof(Tensor *));
    for (int i = 0; i < n->n_inputs && i < count; i++)
        in[i] = n->inputs[i];
    n->inputs = in;
    n->n_inputs = count;
}

/* ---- per-op lowering: each returns 1 if it made n int8, 0 to leave it float ---------- */

/* E[x] seen by each weight of a group of a Conv (layout [c_in/group][kh][kw] per group):
 * its input channel's mean over the calibration samples and positions. NULL if x has no
 * calibrated mean (QDQ models, or a tensor made after calibration). */
static const double *conv_col_mean(Quant *q, const Tensor *x, const kiln_conv2d_params *k,
                                   int64_t per)
{
    const double *m = q->bias_correction && x->id < q->n_ranged ? q->ranges[x->id].mean : NULL;
    if (!m)
        return NULL;
    const int64_t hw = (int64_t)k->h_in * k->w_in, taps = (int64_t)k->k_h * k->k_w;
    const int64_t cin_g = k->c_in / k->group;
    double *ch = arena_array(q->g->arena, (size_t)k->c_in + 1, sizeof(double));
    for (int64_t c = 0; c < k->c_in; c++) {
        for (int64_t b = 0; b < k->n; b++)
            for (int64_t i = 0; i < hw; i++)
                ch[c] += m[(b * k->c_in + c) * hw + i];
        ch[c] /= (double)(hw * k->n);
    }
    double *col = arena_array(q->g->arena, (size_t)(k->group * per) + 1, sizeof(double));
    for (int64_t g = 0; g < k->group; g++)
        for (int64_t i = 0; i < per; i++)
            col[g * per + i] = ch[g * cin_g + i / taps];
    return col;
}

/* E[x] of each of the kk input features of a fully connected op (x as [m][kk]). */
static const double *fc_col_mean(Quant *q, const Tensor *x, int64_t kk)
{
    const double *m = q->bias_correction && x->id < q->n_ranged ? q->ranges[x->id].mean : NULL;
    if (!m || kk <= 0)
        return NULL;
    const int64_t rows = ir_numel(x) / kk;
    double *col = arena_array(q->g->arena, (size_t)kk + 1, sizeof(double));
    for (int64_t r = 0; r < rows; r++)
        for (int64_t i = 0; i < kk; i++)
            col[i] += m[r * kk + i] / (double)rows;
    return col;
}

static int lower_conv(Quant *q, Node *n)
{
    const kiln_conv2d_params *k = n->params;
    Tensor *x = n->inputs[0], *w = n->inputs[1], *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor *y = n->outputs[0];
    int32_t lo, hi;
    if (!ir_is_const(w) || (b && !ir_is_const(b)) || ir_is_const(x))
        return 0;
    make_s8_output(q, y);
    if (!act_clamp(&k->act, y, &lo, &hi)) {
        y->dtype = DT_F32;
        y->scale = 0;
        return 0;
    }
    Tensor *xs = need_s8(q, x);
    ConvS8Params *p = arena_alloc(q->g->arena, sizeof *p);
    p->k.conv = *k;
    p->k.conv.act = (kiln_act){KILN_ACT_NONE, 0.0f, 0.0f};
    p->k.io = (kiln_s8_io){-xs->zero_point, y->zero_point, lo, hi};
    int pointwise = k->k_h == 1 && k->k_w == 1 && k->stride_h == 1 && k->stride_w == 1 &&
                    k->pad_top == 0 && k->pad_left == 0 && k->group == 1 &&
                    k->h_out == k->h_in && k->w_out == k->w_in;
    p->kernel = pointwise ? "kiln_conv2d_s8_1x1"
              : k->group == k->c_in && k->group > 1 ? "kiln_dwconv2d_s8" : "kiln_conv2d_s8";
    resize_inputs(q, n, 5);
    n->inputs[0] = xs;
    const int64_t per = ir_numel(w) / k->c_out;
    p->w_scale = quantize_weights(q, n, w->data, k->c_out, per, 1.0f, b ? b->data : NULL, 1,
                                  1.0f, xs, y, w, 0, conv_col_mean(q, x, k, per),
                                  k->c_out / k->group);
    ir_set_shape(n->inputs[1], DT_S8, w->rank, w->dims);
    n->op = &op_conv_s8;
    n->params = p;
    return 1;
}

/* Gemm with constant B and a bias that varies only along N; MatMul with a constant 2-D B. */
static int lower_fc(Quant *q, Node *n)
{
    Tensor *x = n->inputs[0], *w = n->inputs[1], *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor *y = n->outputs[0];
    int64_t m, nn, kk, trans_b;
    float alpha = 1.0f, beta = 1.0f;
    const kiln_act *act;
    int64_t c_stride = 0;
    if (!ir_is_const(w) || w->dtype != DT_F32 || ir_is_const(x))
        return 0;
    if (is_op(n, "Gemm")) {
        const kiln_gemm_params *k = n->params;
        if (k->trans_a || (c && (!ir_is_const(c) || (k->c_stride_m != 0 && k->m > 1))))
            return 0;
        m = k->m, nn = k->n, kk = k->k, trans_b = k->trans_b;
        alpha = k->alpha, beta = k->beta, act = &k->act, c_stride = k->c_stride_n;
    } else {
        const kiln_matmul_params *k = n->params;
        if (w->rank != 2 || x->rank < 1)
            return 0;
        kk = w->dims[0], nn = w->dims[1], m = ir_numel(x) / kk, trans_b = 0, act = &k->act;
        c = NULL;
    }
    int32_t lo, hi;
    make_s8_output(q, y);
    if (!act_clamp(act, y, &lo, &hi)) {
        y->dtype = DT_F32;
        y->scale = 0;
        return 0;
    }
    /* weights as [n][k] */
    const float *wf = w->data;
    float *wt = arena_array(q->g->arena, (size_t)(nn * kk) + 1, sizeof(float));
    for (int64_t j = 0; j < nn; j++)
        for (int64_t i = 0; i < kk; i++)
            wt[j * kk + i] = trans_b ? wf[j * kk + i] : wf[i * nn + j];
    Tensor *xs = need_s8(q, x);
    FcS8Params *p = arena_alloc(q->g->arena, sizeof *p);
    p->k = (kiln_fully_connected_s8_params){(int32_t)m, (int32_t)nn, (int32_t)kk,
                                            {-xs->zero_point, y->zero_point, lo, hi}};
    resize_inputs(q, n, 5);
    n->inputs[0] = xs;
    p->w_scale = quantize_weights(q, n, wt, nn, kk, alpha, c ? c->data : NULL, c_stride, beta,
                                  xs, y, w, trans_b ? 0 : 1, fc_col_mean(q, x, kk), nn);
    n->op = &op_fc_s8;
    n->params = p;
    return 1;
}

/* Elements an average pool sums per output (0 for MaxPool). */
static int64_t avg_window(const Node *n)
{
    if (is_op(n, "GlobalAveragePool"))
        return ((const kiln_global_pool_params *)n->params)->size;
    if (!is_op(n, "AveragePool"))
        return 0;
    const kiln_pool2d_params *k = n->params;
    return (int64_t)k->k_h * k->k_w;
}

static int lower_pool(Quant *q, Node *n)
{
    if (n->n_outputs > 1 && n->outputs[1])
        return 0;   /* MaxPool indices */
    if (n->inputs[0]->rank == 5)
        return 0;   /* 3-D pools have no int8 kernel */
    if (avg_window(n) > ((int64_t)1 << 23))
        return 0;   /* the int8 kernels sum a window in int32 */
    Tensor *xs = need_s8(q, n->inputs[0]), *y = n->outputs[0];
    PoolS8Params *p = arena_alloc(q->g->arena, sizeof *p);
    if (is_op(n, "GlobalAveragePool"))
        p->global = *(const kiln_global_pool_params *)n->params;
    else
        p->k = *(const kiln_pool2d_params *)n->params;
    p->zero_point = xs->zero_point;
    n->op = is_op(n, "MaxPool") ? &op_maxpool_s8
          : is_op(n, "AveragePool") ? &op_avgpool_s8 : &op_global_avgpool_s8;
    n->params = p;
    n->inputs[0] = xs;
    n->n_outputs = 1;
    y->dtype = DT_S8;
    y->scale = xs->scale;
    y->zero_point = xs->zero_point;
    return 1;
}

/* A constant operand of Add/Mul becomes an int8 constant with its own range. */
static Tensor *operand_s8(Quant *q, Tensor *t)
{
    if (!ir_is_const(t))
        return need_s8(q, t);
    if (t->dtype != DT_F32)
        return NULL;
    float lo = 0, hi = 0;
    const float *v = t->data;
    for (int64_t i = 0; i < ir_numel(t); i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    Tensor *c = new_tensor(q, t, ".q", DT_S8);
    ir_alloc_data(q->g, c);
    quant_affine(lo, hi, &c->scale, &c->zero_point);
    for (int64_t i = 0; i < ir_numel(t); i++)
        ((int8_t *)c->data)[i] = quantize_value(v[i], c->scale, c->zero_point);
    return c;
}

static int lower_binary(Quant *q, Node *n)
{
    const kiln_binary_params *k = n->params;
    Tensor *y = n->outputs[0];
    if (ir_is_const(n->inputs[0]) && ir_is_const(n->inputs[1]))
        return 0;
    int32_t lo, hi;
    make_s8_output(q, y);
    if (!act_clamp(&k->act, y, &lo, &hi)) {
        y->dtype = DT_F32;
        y->scale = 0;
        return 0;
    }
    Tensor *a = operand_s8(q, n->inputs[0]), *b = operand_s8(q, n->inputs[1]);
    if (!a || !b)
        return 0;
    BinaryS8Params *p = arena_alloc(q->g->arena, sizeof *p);
    kiln_binary_s8_params *s = &p->k;
    s->geometry = *k;
    s->a_offset = -a->zero_point;
    s->b_offset = -b->zero_point;
    s->output_offset = y->zero_point;
    s->act_min = lo;
    s->act_max = hi;
    if (is_op(n, "Mul")) {
        quant_multiplier((double)a->scale * b->scale / y->scale, &s->output_multiplier,
                         &s->output_shift);
    } else {
        const double twice = 2.0 * (a->scale > b->scale ? a->scale : b->scale);
        s->left_shift = 20;
        quant_multiplier(a->scale / twice, &s->a_multiplier, &s->a_shift);
        quant_multiplier(b->scale / twice, &s->b_multiplier, &s->b_shift);
        quant_multiplier(twice / ((double)(1 << 20) * y->scale), &s->output_multiplier,
                         &s->output_shift);
        if (is_op(n, "Sub"))
            s->b_multiplier = -s->b_multiplier;
    }
    n->inputs[0] = a;
    n->inputs[1] = b;
    n->op = is_op(n, "Mul") ? &op_mul_s8 : &op_add_s8;
    n->params = p;
    return 1;
}

/* A 256-entry table from x's int8 values to y's: f applied in float at compile time. */
static Tensor *lut_table(Quant *q, const char *name, const Tensor *x, const Tensor *y,
                         const kiln_unary_params *f)
{
    float in[256], out[256];
    for (int i = 0; i < 256; i++)
        in[i] = x->scale * (float)(i - 128 - x->zero_point);
    if (f) {
        kiln_unary_params u = *f;
        u.n = 256;
        kiln_unary_f32(&u, in, out);
    } else {
        memcpy(out, in, sizeof out);
    }
    Tensor *t = new_const(q, name, DT_S8, 256);
    for (int i = 0; i < 256; i++)
        ((int8_t *)t->data)[i] = quantize_value(out[i], y->scale, y->zero_point);
    return t;
}

static int lower_unary(Quant *q, Node *n)
{
    Tensor *xs = need_s8(q, n->inputs[0]), *y = n->outputs[0];
    make_s8_output(q, y);
    const char *base = n->name[0] ? n->name : n->op_type;
    Tensor *table = lut_table(q, arena_printf(q->g->arena, "%s.table", base), xs, y, n->params);
    resize_inputs(q, n, 2);
    n->inputs[0] = xs;
    n->inputs[1] = table;
    n->op = &op_lut_s8;   /* params stay: the activation, for --emit-qdq */
    return 1;
}

static int lower_softmax(Quant *q, Node *n)
{
    Tensor *xs = need_s8(q, n->inputs[0]), *y = n->outputs[0];
    SoftmaxS8Params *p = arena_alloc(q->g->arena, sizeof *p);
    p->k = *(const kiln_softmax_params *)n->params;
    const char *base = n->name[0] ? n->name : n->op_type;
    Tensor *table = new_const(q, arena_printf(q->g->arena, "%s.exp", base), DT_S32, 256);
    for (int i = 0; i < 256; i++)
        ((int32_t *)table->data)[i] = (int32_t)round(exp(-(double)i * xs->scale) * (1 << 20));
    resize_inputs(q, n, 2);
    n->inputs[0] = xs;
    n->inputs[1] = table;
    n->op = &op_softmax_s8;
    n->params = p;
    y->dtype = DT_S8;
    y->scale = 1.0f / 256.0f;
    y->zero_point = -128;
    return 1;
}

/* Ops that move bytes: retype and let the op's infer recompute its params for s8. */
static int lower_movement(Quant *q, Node *n)
{
    Tensor *y = n->outputs[0];
    if (is_op(n, "Concat")) {
        make_s8_output(q, y);
        for (int i = 0; i < n->n_inputs; i++) {
            Tensor *xs = need_s8(q, n->inputs[i]);
            if (xs->scale != y->scale || xs->zero_point != y->zero_point) {
                Tensor *r = new_tensor(q, xs, ".rescaled", DT_S8);
                r->scale = y->scale;
                r->zero_point = y->zero_point;
                Node *lut = ir_node_new(q->g, arena_printf(q->g->arena, "%s/rescale%d", n->name, i),
                                        "Rescale", 2, 1);
                lut->op = &op_lut_s8;
                lut->inputs[0] = xs;
                lut->inputs[1] = lut_table(q, arena_printf(q->g->arena, "%s.rescale%d", n->name, i),
                                           xs, r, NULL);
                lut->outputs[0] = r;
                r->producer = lut;
                place(q, lut);
                xs = r;
            }
            n->inputs[i] = xs;
        }
    } else {
        Tensor *xs = need_s8(q, n->inputs[0]);
        n->inputs[0] = xs;
        y->scale = xs->scale;
        y->zero_point = xs->zero_point;
    }
    float scale = y->scale;
    int32_t zp = y->zero_point;
    if (n->op->infer(q->g, n, q->d))
        return -1;
    y->scale = scale;
    y->zero_point = zp;
    if (is_op(n, "Pad")) {
        /* the pad value, quantized */
        kiln_pad_params *k = n->params;
        float v = n->opset < 11 ? ir_attr_float(n, "value", 0.0f)
                : n->n_inputs > 2 && n->inputs[2] ? ir_const_float(n->inputs[2], 0) : 0.0f;
        int8_t qv = quantize_value(v, scale, zp);
        memcpy(k->value, &qv, 1);
    }
    return 1;
}

static int has_s8_input(const Node *n)
{
    return is_s8(n->inputs[0]) || (n->inputs[0] && n->inputs[0]->is_input);
}

static int lower_concat(Quant *q, Node *n)
{
    for (int i = 0; i < n->n_inputs; i++)
        if (ir_is_const(n->inputs[i]))
            return 0;
    return lower_movement(q, n);
}

static int lower_view(Quant *q, Node *n)
{
    return has_s8_input(n) ? lower_movement(q, n) : 0;
}

/* The ops with an int8 form. */
static const struct {
    const char *op;
    int (*lower)(Quant *q, Node *n);
} lowerings[] = {
    {"Conv", lower_conv}, {"Gemm", lower_fc}, {"MatMul", lower_fc},
    {"MaxPool", lower_pool}, {"AveragePool", lower_pool}, {"GlobalAveragePool", lower_pool},
    {"Add", lower_binary}, {"Sub", lower_binary}, {"Mul", lower_binary},
    {"Relu", lower_unary}, {"LeakyRelu", lower_unary}, {"Sigmoid", lower_unary},
    {"Tanh", lower_unary}, {"HardSigmoid", lower_unary}, {"HardSwish", lower_unary},
    {"Clip", lower_unary}, {"Softmax", lower_softmax}, {"Concat", lower_concat},
    {"Transpose", lower_view}, {"Pad", lower_view}, {"Gather", lower_view},
    {"Flatten", lower_view}, {"Reshape", lower_view}, {"Squeeze", lower_view},
    {"Unsqueeze", lower_view}, {"Identity", lower_view}, {"Dropout", lower_view},
};

/* QDQ models: an op is int8 only where the model quantized its float inputs and (unless
 * the op keeps its input's scale) its output. */
static int has_model_params(const Node *n)
{
    static const char *const keeps_scale[] = {"MaxPool", "AveragePool", "GlobalAveragePool",
        "Softmax", "Transpose", "Pad", "Gather", "Flatten", "Reshape", "Squeeze",
        "Unsqueeze", "Identity", "Dropout"};
    for (int i = 0; i < n->n_inputs; i++) {
        const Tensor *t = n->inputs[i];
        if (t && !ir_is_const(t) && !is_s8(t) && !(t->q_scale > 0))
            return 0;
        if (i == 0 && (!t || ir_is_const(t)))
            return 0;
    }
    for (size_t i = 0; i < KILN_ARRAY_LEN(keeps_scale); i++)
        if (is_op(n, keeps_scale[i]))
            return 1;
    return n->outputs[0]->q_scale > 0;
}

/* 1 int8, 0 float, -1 error. */
static int lower(Quant *q, Node *n)
{
    if (n->outputs[0]->dtype != DT_F32 || (n->inputs[0] && n->inputs[0]->dtype != DT_F32 &&
                                           !is_s8(n->inputs[0])))
        return 0;
    if (q->model_params && !has_model_params(n))
        return 0;
    for (size_t i = 0; i < KILN_ARRAY_LEN(lowerings); i++)
        if (is_op(n, lowerings[i].op))
            return lowerings[i].lower(q, n);
    return 0;
}

static void note_fallback(Quant *q, const Node *n)
{
    for (int i = 0; i < q->n_fallback; i++) {
        if (!strcmp(q->fallback[i], n->op_type)) {
            q->fallback_count[i]++;
            return;
        }
    }
    if (q->n_fallback < 64) {
        q->fallback[q->n_fallback] = n->op_type;
        q->fallback_count[q->n_fallback++] = 1;
    }
}

/* A float node: its int8 inputs come through Dequantize. */
static void keep_float(Quant *q, Node *n)
{
    for (int i = 0; i < n->n_inputs; i++)
        if (n->inputs[i] && is_s8(n->inputs[i]))
            n->inputs[i] = need_f32(q, n->inputs[i]);
    if (n->outputs[0] && n->outputs[0]->dtype == DT_F32)
        note_fallback(q, n);
}

/* A float graph output is computed into a float twin and quantized into the output. */
static void quantize_output(Quant *q, Tensor *y)
{
    if (y->dtype != DT_F32 || ir_is_const(y) || !y->producer)
        return;
    Node *p = y->producer;
    Tensor *f = new_tensor(q, y, ".f", DT_F32);
    for (int k = 0; k < p->n_outputs; k++)
        if (p->outputs[k] == y)
            p->outputs[k] = f;
    f->producer = p;
    for (int i = 0; i < q->n_order; i++)
        for (int k = 0; k < q->order[i]->n_inputs; k++)
            if (q->order[i]->inputs[k] == y)
                q->order[i]->inputs[k] = f;
    y->dtype = DT_S8;
    set_qparams(q, y, y);
    boundary(q, &op_quantize_s8, f, y, y);
}

static void print_note(const Quant *q, int quiet)
{
    if (quiet || q->n_fallback == 0)
        return;
    fprintf(stderr, "kiln: int8: no int8 kernel, run in float between dequantize/quantize:");
    for (int i = 0; i < q->n_fallback; i++)
        fprintf(stderr, "%s %s (%d)", i ? "," : "", q->fallback[i], q->fallback_count[i]);
    fputc('\n', stderr);
}

int pass_quantize(Graph *g, const PassOptions *o, Diag *d)
{
    if (!o->quant && !g->qdq_imported)
        return 0;
    Quant q = {.g = g, .d = d, .n_ranged = g->n_tensors, .model_params = !o->quant,
               .bias_correction = o->quant && o->quant->bias_correction,
               .weight_mse = o->quant && o->quant->weight_mse};
    q.ranges = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(CalibRange));
    if (o->quant && calib_ranges(g, o->quant, q.ranges, d))
        return -1;
    int n0 = g->n_nodes;
    Node **old = arena_array(g->arena, (size_t)n0 + 1, sizeof(Node *));
    memcpy(old, g->nodes, (size_t)n0 * sizeof(Node *));
    q.cap = 6 * g->n_tensors + 16 * n0 + 64;
    q.as_s8 = arena_array(g->arena, (size_t)q.cap, sizeof(Tensor *));
    q.as_f32 = arena_array(g->arena, (size_t)q.cap, sizeof(Tensor *));
    /* each node adds at most a Quantize or Dequantize (or a Concat rescale) per input */
    int64_t slots = 2 * (int64_t)g->n_outputs + 16;
    for (int i = 0; i < n0; i++)
        slots += 1 + 2 * (int64_t)old[i]->n_inputs;
    q.order = arena_array(g->arena, (size_t)slots, sizeof(Node *));
    for (int i = 0; i < g->n_inputs; i++)
        if (!q.model_params || g->inputs[i]->q_scale > 0)
            make_s8_output(&q, g->inputs[i]);
    for (int i = 0; i < n0; i++) {
        Node *n = old[i];
        if (n->dead)
            continue;
        int rc = lower(&q, n);
        if (rc < 0)
            return -1;
        if (rc == 0)
            keep_float(&q, n);
        place(&q, n);
    }
    for (int i = 0; i < g->n_outputs; i++)
        quantize_output(&q, g->outputs[i]);
    g->nodes = q.order;
    g->n_nodes = g->cap_nodes = q.n_order;
    print_note(&q, o->quiet);
    return 0;
}
