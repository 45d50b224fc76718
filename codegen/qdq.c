/* SPDX-License-Identifier: MIT */
/* --emit-qdq: writes the graph right after the quantize pass as a QDQ ONNX model (opset
 * 13), so ONNX Runtime can run kiln's quantization and the int8 outputs can be compared.
 *
 * Every int8 tensor keeps its name and type; an int8 op becomes DequantizeLinear of its
 * inputs (weights per output channel on axis 0, biases int32 with scale input_scale *
 * weight_scale), the float op, a Clip for a fused clamp, and QuantizeLinear into its
 * output. Float inputs of the graph are quantized by a first QuantizeLinear, as
 * NAME_run_f32 does; float ops stay as they are. All memory comes from the graph arena. */
#include "codegen.h"
#include "ops.h"
#include "onnx.pb-c.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    Graph *g;
    Diag *d;
    Onnx__NodeProto **nodes;
    size_t n_nodes, cap_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits, cap_inits;
    const char **deq;        /* by tensor id: name of its DequantizeLinear output */
    int counter;
} Qdq;

static void *grow(Arena *a, void *p, size_t n, size_t *cap)
{
    if (n < *cap)
        return p;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *q = arena_array(a, ncap, sizeof(void *));
    if (p)
        memcpy(q, p, n * sizeof(void *));
    *cap = ncap;
    return q;
}

static const char *fresh(Qdq *q, const char *base)
{
    return arena_printf(q->g->arena, "%s_kq%d", base, q->counter++);
}

static int onnx_type(DType t)
{
    switch (t) {
    case DT_F32: return ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    case DT_S8: return ONNX__TENSOR_PROTO__DATA_TYPE__INT8;
    case DT_S32: return ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
    case DT_S64: return ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    default: return 0;
    }
}

/* An initializer of `count` elements (rank 1, or scalar when rank 0). */
static const char *add_init(Qdq *q, const char *name, DType dt, const void *data, int rank,
                            const int64_t *dims)
{
    Arena *a = q->g->arena;
    Onnx__TensorProto *t = arena_alloc(a, sizeof *t);
    *t = (Onnx__TensorProto)ONNX__TENSOR_PROTO__INIT;
    t->name = arena_strdup(a, name);
    t->has_data_type = 1;
    t->data_type = onnx_type(dt);
    t->n_dims = (size_t)rank;
    t->dims = arena_array(a, (size_t)rank + 1, sizeof(int64_t));
    int64_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= t->dims[i] = dims[i];
    t->has_raw_data = 1;
    t->raw_data.len = (size_t)n * dtype_size(dt);
    t->raw_data.data = arena_alloc(a, t->raw_data.len + 1);
    memcpy(t->raw_data.data, data, t->raw_data.len);
    q->inits = grow(a, q->inits, q->n_inits, &q->cap_inits);
    q->inits[q->n_inits++] = t;
    return t->name;
}

static const char *scalar_f32(Qdq *q, const char *base, float v)
{
    return add_init(q, fresh(q, base), DT_F32, &v, 0, NULL);
}

static Onnx__NodeProto *add_node(Qdq *q, const char *op, int n_in, const char *const *in,
                                 const char *out)
{
    Arena *a = q->g->arena;
    Onnx__NodeProto *n = arena_alloc(a, sizeof *n);
    *n = (Onnx__NodeProto)ONNX__NODE_PROTO__INIT;
    n->op_type = arena_strdup(a, op);
    n->name = (char *)fresh(q, op);
    n->n_input = (size_t)n_in;
    n->input = arena_array(a, (size_t)n_in + 1, sizeof(char *));
    for (int i = 0; i < n_in; i++)
        n->input[i] = (char *)(in[i] ? in[i] : "");
    n->n_output = 1;
    n->output = arena_array(a, 1, sizeof(char *));
    n->output[0] = (char *)out;
    q->nodes = grow(a, q->nodes, q->n_nodes, &q->cap_nodes);
    q->nodes[q->n_nodes++] = n;
    return n;
}

static Onnx__AttributeProto *attr(Qdq *q, Onnx__NodeProto *n, const char *name, int type)
{
    Arena *a = q->g->arena;
    Onnx__AttributeProto *at = arena_alloc(a, sizeof *at);
    *at = (Onnx__AttributeProto)ONNX__ATTRIBUTE_PROTO__INIT;
    at->name = arena_strdup(a, name);
    at->has_type = 1;
    at->type = type;
    Onnx__AttributeProto **list = arena_array(a, n->n_attribute + 1, sizeof *list);
    if (n->n_attribute)
        memcpy(list, n->attribute, n->n_attribute * sizeof *list);
    list[n->n_attribute++] = at;
    n->attribute = list;
    return at;
}

static void attr_int(Qdq *q, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *at = attr(q, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    at->has_i = 1;
    at->i = v;
}

static void attr_ints(Qdq *q, Onnx__NodeProto *n, const char *name, const int64_t *v, int count)
{
    Onnx__AttributeProto *at = attr(q, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    at->n_ints = (size_t)count;
    at->ints = arena_array(q->g->arena, (size_t)count + 1, sizeof(int64_t));
    memcpy(at->ints, v, (size_t)count * sizeof(int64_t));
}

/* The node's own ONNX attributes, as read from the file. */
static void copy_attrs(Qdq *q, Onnx__NodeProto *out, const Node *n)
{
    for (int i = 0; i < n->n_attrs; i++) {
        const Attr *s = &n->attrs[i];
        Onnx__AttributeProto *at;
        switch (s->type) {
        case ATTR_FLOAT:
            at = attr(q, out, s->name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
            at->has_f = 1;
            at->f = s->f;
            break;
        case ATTR_INT:
            attr_int(q, out, s->name, s->i);
            break;
        case ATTR_INTS:
            attr_ints(q, out, s->name, s->ints, s->n);
            break;
        case ATTR_STRING:
            at = attr(q, out, s->name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
            at->has_s = 1;
            at->s.data = (uint8_t *)arena_strdup(q->g->arena, s->s);
            at->s.len = strlen(s->s);
            break;
        case ATTR_FLOATS:
            at = attr(q, out, s->name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
            at->n_floats = (size_t)s->n;
            at->floats = s->floats;
            break;
        default:
            break;
        }
    }
}

/* ---- tensors -------------------------------------------------------------------------- */

static int is_s8(const Tensor *t) { return t && t->dtype == DT_S8 && t->scale > 0; }

/* Name of t in the ONNX graph; constants become initializers on first use. */
static const char *use(Qdq *q, Tensor *t)
{
    if (!t)
        return NULL;
    if (t->data && !t->c_name) {
        add_init(q, t->name, t->dtype, t->data, t->rank, t->dims);
        t->c_name = t->name;   /* marks it written; codegen renames constants later */
    }
    return t->name;
}

static const char *qparam_scale(Qdq *q, const Tensor *t)
{
    return scalar_f32(q, t->name, t->scale);
}

static const char *qparam_zp(Qdq *q, const Tensor *t)
{
    int8_t z = (int8_t)t->zero_point;
    return add_init(q, fresh(q, t->name), DT_S8, &z, 0, NULL);
}

/* The float value of an int8 tensor. */
static const char *deq(Qdq *q, Tensor *t)
{
    if (!is_s8(t))
        return use(q, t);
    if (!q->deq[t->id]) {
        const char *in[3] = {use(q, t), qparam_scale(q, t), qparam_zp(q, t)};
        q->deq[t->id] = fresh(q, t->name);
        add_node(q, "DequantizeLinear", 3, in, q->deq[t->id]);
    }
    return q->deq[t->id];
}

static void quant_into(Qdq *q, const char *f, Tensor *y)
{
    const char *in[3] = {f, qparam_scale(q, y), qparam_zp(q, y)};
    add_node(q, "QuantizeLinear", 3, in, y->name);
}

/* Clip for an int8 clamp narrower than [-128, 127], in y's real values. */
static const char *clamp(Qdq *q, const char *f, const Tensor *y, int32_t lo, int32_t hi)
{
    if (lo <= -128 && hi >= 127)
        return f;
    const char *in[3] = {f, scalar_f32(q, "min", y->scale * (float)(lo - y->zero_point)),
                         scalar_f32(q, "max", y->scale * (float)(hi - y->zero_point))};
    const char *out = fresh(q, y->name);
    add_node(q, "Clip", 3, in, out);
    return out;
}

/* Per-channel weights and bias: DequantizeLinear on `axis`. */
static const char *deq_weights(Qdq *q, Tensor *w, int axis, int64_t channels,
                               const float *w_scale)
{
    int64_t dims[1] = {channels};
    int8_t *zeros = arena_alloc(q->g->arena, (size_t)channels + 1);
    const char *in[3] = {use(q, w), add_init(q, fresh(q, w->name), DT_F32, w_scale, 1, dims),
                         add_init(q, fresh(q, w->name), DT_S8, zeros, 1, dims)};
    const char *out = fresh(q, w->name);
    attr_int(q, add_node(q, "DequantizeLinear", 3, in, out), "axis", axis);
    return out;
}

static const char *deq_bias(Qdq *q, Tensor *b, const Tensor *x, int64_t channels,
                            const float *w_scale)
{
    if (!b)
        return NULL;
    int64_t dims[1] = {channels};
    float *s = arena_array(q->g->arena, (size_t)channels + 1, sizeof(float));
    for (int64_t c = 0; c < channels; c++)
        s[c] = (float)((double)x->scale * w_scale[c]);
    int32_t *zeros = arena_array(q->g->arena, (size_t)channels + 1, sizeof(int32_t));
    const char *in[3] = {use(q, b), add_init(q, fresh(q, b->name), DT_F32, s, 1, dims),
                         add_init(q, fresh(q, b->name), DT_S32, zeros, 1, dims)};
    const char *out = fresh(q, b->name);
    attr_int(q, add_node(q, "DequantizeLinear", 3, in, out), "axis", 0);
    return out;
}

/* ---- ops ---------------------------------------------------------------------------------- */

static int emit_conv(Qdq *q, Node *n)
{
    const ConvS8Params *p = n->params;
    const kiln_conv2d_params *k = &p->k.conv;
    Tensor *x = n->inputs[0], *y = n->outputs[0];
    const char *in[3] = {deq(q, x), deq_weights(q, n->inputs[1], 0, k->c_out, p->w_scale),
                         deq_bias(q, n->inputs[2], x, k->c_out, p->w_scale)};
    const char *f = fresh(q, y->name);
    Onnx__NodeProto *c = add_node(q, "Conv", in[2] ? 3 : 2, in, f);
    int two = x->rank == 4;
    int64_t pb = (int64_t)(k->h_out - 1) * k->stride_h + (int64_t)k->dil_h * (k->k_h - 1) + 1 -
                 k->h_in - k->pad_top;
    int64_t pr = (int64_t)(k->w_out - 1) * k->stride_w + (int64_t)k->dil_w * (k->k_w - 1) + 1 -
                 k->w_in - k->pad_left;
    int64_t ks[2] = {k->k_h, k->k_w}, st[2] = {k->stride_h, k->stride_w};
    int64_t dl[2] = {k->dil_h, k->dil_w};
    int64_t pads[4] = {k->pad_top, k->pad_left, pb > 0 ? pb : 0, pr > 0 ? pr : 0};
    int64_t pads1[2] = {k->pad_left, pr > 0 ? pr : 0};
    attr_ints(q, c, "kernel_shape", ks + !two, 1 + two);
    attr_ints(q, c, "strides", st + !two, 1 + two);
    attr_ints(q, c, "dilations", dl + !two, 1 + two);
    attr_ints(q, c, "pads", two ? pads : pads1, 2 + 2 * two);
    attr_int(q, c, "group", k->group);
    quant_into(q, clamp(q, f, y, p->k.io.act_min, p->k.io.act_max), y);
    return 0;
}

static int emit_fc(Qdq *q, Node *n)
{
    const FcS8Params *p = n->params;
    Tensor *x = n->inputs[0], *w = n->inputs[1], *y = n->outputs[0];
    /* weights [N][K] -> [K][N] for MatMul, per channel on axis 1 */
    Tensor *wt = ir_tensor_new(q->g, arena_printf(q->g->arena, "%s.t", w->name));
    int64_t dims[2] = {p->k.k, p->k.n};
    ir_set_shape(wt, DT_S8, 2, dims);
    ir_alloc_data(q->g, wt);
    for (int32_t j = 0; j < p->k.n; j++)
        for (int32_t i = 0; i < p->k.k; i++)
            ((int8_t *)wt->data)[(int64_t)i * p->k.n + j] =
                ((const int8_t *)w->data)[(int64_t)j * p->k.k + i];
    const char *in[2] = {deq(q, x), deq_weights(q, wt, 1, p->k.n, p->w_scale)};
    const char *f = fresh(q, y->name);
    add_node(q, "MatMul", 2, in, f);
    if (n->inputs[2]) {
        const char *add_in[2] = {f, deq_bias(q, n->inputs[2], x, p->k.n, p->w_scale)};
        f = fresh(q, y->name);
        add_node(q, "Add", 2, add_in, f);
    }
    quant_into(q, clamp(q, f, y, p->k.io.act_min, p->k.io.act_max), y);
    return 0;
}

static int emit_pool(Qdq *q, Node *n)
{
    const PoolS8Params *p = n->params;
    Tensor *x = n->inputs[0], *y = n->outputs[0];
    const char *in[1] = {deq(q, x)}, *f = fresh(q, y->name);
    if (n->op == &op_global_avgpool_s8) {
        add_node(q, "GlobalAveragePool", 1, in, f);
    } else {
        const kiln_pool2d_params *k = &p->k;
        if (x->rank != 4) {
            diag_error(q->d, "--emit-qdq: node '%s': only 2-D pools are written", n->name);
            return -1;
        }
        int is_max = n->op == &op_maxpool_s8;
        Onnx__NodeProto *o = add_node(q, is_max ? "MaxPool" : "AveragePool", 1, in, f);
        int64_t ks[2] = {k->k_h, k->k_w}, st[2] = {k->stride_h, k->stride_w};
        int64_t dl[2] = {k->dil_h, k->dil_w};
        int64_t pads[4] = {k->pad_top, k->pad_left, k->pad_bottom, k->pad_right};
        int64_t floor_h = (k->h_in + k->pad_top + k->pad_bottom - (k->k_h - 1) * k->dil_h - 1) /
                          k->stride_h + 1;
        int64_t floor_w = (k->w_in + k->pad_left + k->pad_right - (k->k_w - 1) * k->dil_w - 1) /
                          k->stride_w + 1;
        attr_ints(q, o, "kernel_shape", ks, 2);
        attr_ints(q, o, "strides", st, 2);
        attr_ints(q, o, "pads", pads, 4);
        if (is_max)
            attr_ints(q, o, "dilations", dl, 2);
        else
            attr_int(q, o, "count_include_pad", k->count_include_pad);
        if (floor_h != k->h_out || floor_w != k->w_out)
            attr_int(q, o, "ceil_mode", 1);
    }
    quant_into(q, f, y);
    return 0;
}

static int emit_binary(Qdq *q, Node *n)
{
    const kiln_binary_s8_params *k = &((const BinaryS8Params *)n->params)->k;
    Tensor *y = n->outputs[0];
    const char *in[2] = {deq(q, n->inputs[0]), deq(q, n->inputs[1])}, *f = fresh(q, y->name);
    add_node(q, n->op_type, 2, in, f);
    quant_into(q, clamp(q, f, y, k->act_min, k->act_max), y);
    return 0;
}

static const char *unary_name(kiln_unary_op op)
{
    switch (op) {
    case KILN_UN_RELU: return "Relu";
    case KILN_UN_LEAKY_RELU: return "LeakyRelu";
    case KILN_UN_SIGMOID: return "Sigmoid";
    case KILN_UN_TANH: return "Tanh";
    case KILN_UN_HARD_SIGMOID: return "HardSigmoid";
    case KILN_UN_HARD_SWISH: return "HardSwish";
    case KILN_UN_CLIP: return "Clip";
    default: return NULL;
    }
}

/* A table: the activation it was made from (params) or a rescale (Identity). */
static int emit_lut(Qdq *q, Node *n)
{
    const kiln_unary_params *u = n->params;
    Tensor *y = n->outputs[0];
    const char *f = fresh(q, y->name);
    const char *name = u ? unary_name(u->op) : "Identity";
    if (u && u->op == KILN_UN_CLIP) {
        const char *in[3] = {deq(q, n->inputs[0]), scalar_f32(q, "min", u->a),
                             scalar_f32(q, "max", u->b)};
        add_node(q, "Clip", 3, in, f);
    } else {
        const char *in[1] = {deq(q, n->inputs[0])};
        Onnx__NodeProto *o = add_node(q, name, 1, in, f);
        if (u && u->op == KILN_UN_LEAKY_RELU) {
            Onnx__AttributeProto *at = attr(q, o, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
            at->has_f = 1, at->f = u->a;
        } else if (u && u->op == KILN_UN_HARD_SIGMOID) {
            Onnx__AttributeProto *a = attr(q, o, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
            a->has_f = 1, a->f = u->a;
            Onnx__AttributeProto *b = attr(q, o, "beta", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
            b->has_f = 1, b->f = u->b;
        }
    }
    quant_into(q, f, y);
    return 0;
}

static int emit_softmax(Qdq *q, Node *n)
{
    Tensor *y = n->outputs[0];
    const char *in[1] = {deq(q, n->inputs[0])}, *f = fresh(q, y->name);
    copy_attrs(q, add_node(q, "Softmax", 1, in, f), n);
    quant_into(q, f, y);
    return 0;
}

static void emit_act(Qdq *q, const kiln_act *a, const char *in_name, const char *out)
{
    const char *in[3] = {in_name, NULL, NULL};
    static const char *names[] = {"Identity", "Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh",
                                  "HardSigmoid", "HardSwish"};
    if (a->kind == KILN_ACT_CLIP) {
        in[1] = scalar_f32(q, "min", a->a);
        in[2] = scalar_f32(q, "max", a->b);
    }
    Onnx__NodeProto *o = add_node(q, names[a->kind], a->kind == KILN_ACT_CLIP ? 3 : 1, in, out);
    if (a->kind == KILN_ACT_LEAKY_RELU || a->kind == KILN_ACT_HARD_SIGMOID) {
        Onnx__AttributeProto *at = attr(q, o, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
        at->has_f = 1, at->f = a->a;
    }
    if (a->kind == KILN_ACT_HARD_SIGMOID) {
        Onnx__AttributeProto *at = attr(q, o, "beta", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
        at->has_f = 1, at->f = a->b;
    }
}

/* A view or data movement on int8, or an op left in float: the original op on float
 * values (int8 inputs dequantized), then QuantizeLinear if its output is int8. */
static int emit_other(Qdq *q, Node *n)
{
    Tensor *y = n->outputs[0];
    const char **in = arena_array(q->g->arena, (size_t)n->n_inputs + 1, sizeof(char *));
    for (int i = 0; i < n->n_inputs; i++)
        in[i] = i == 0 || !ir_is_const(n->inputs[i]) ? deq(q, n->inputs[i]) : use(q, n->inputs[i]);
    kiln_act *act = n->op->act_slot ? n->op->act_slot(n) : NULL;
    int has_act = act && act->kind != KILN_ACT_NONE;
    const char *f = is_s8(y) || has_act ? fresh(q, y->name) : y->name;
    copy_attrs(q, add_node(q, n->op_type, n->n_inputs, in, f), n);
    if (has_act) {
        const char *g = is_s8(y) ? fresh(q, y->name) : y->name;
        emit_act(q, act, f, g);
        f = g;
    }
    if (is_s8(y))
        quant_into(q, f, y);
    return 0;
}

static int emit_node(Qdq *q, Node *n)
{
    Tensor *y = n->outputs[0];
    if (n->op == &op_quantize_s8) {
        quant_into(q, use(q, n->inputs[0]), y);
        return 0;
    }
    if (n->op == &op_dequantize_s8) {
        const char *in[3] = {use(q, n->inputs[0]), qparam_scale(q, n->inputs[0]),
                             qparam_zp(q, n->inputs[0])};
        add_node(q, "DequantizeLinear", 3, in, y->name);
        return 0;
    }
    if (n->op == &op_conv_s8)
        return emit_conv(q, n);
    if (n->op == &op_fc_s8)
        return emit_fc(q, n);
    if (n->op == &op_maxpool_s8 || n->op == &op_avgpool_s8 || n->op == &op_global_avgpool_s8)
        return emit_pool(q, n);
    if (n->op == &op_add_s8 || n->op == &op_mul_s8)
        return emit_binary(q, n);
    if (n->op == &op_lut_s8)
        return emit_lut(q, n);
    if (n->op == &op_softmax_s8)
        return emit_softmax(q, n);
    return emit_other(q, n);
}

static Onnx__ValueInfoProto *value_info(Qdq *q, const Tensor *t, const char *name, DType dt)
{
    Arena *a = q->g->arena;
    Onnx__ValueInfoProto *v = arena_alloc(a, sizeof *v);
    Onnx__TypeProto *tp = arena_alloc(a, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = arena_alloc(a, sizeof *tt);
    Onnx__TensorShapeProto *sh = arena_alloc(a, sizeof *sh);
    *v = (Onnx__ValueInfoProto)ONNX__VALUE_INFO_PROTO__INIT;
    *tp = (Onnx__TypeProto)ONNX__TYPE_PROTO__INIT;
    *tt = (Onnx__TypeProto__Tensor)ONNX__TYPE_PROTO__TENSOR__INIT;
    *sh = (Onnx__TensorShapeProto)ONNX__TENSOR_SHAPE_PROTO__INIT;
    sh->n_dim = (size_t)t->rank;
    sh->dim = arena_array(a, (size_t)t->rank + 1, sizeof(void *));
    for (int i = 0; i < t->rank; i++) {
        Onnx__TensorShapeProto__Dimension *dm = arena_alloc(a, sizeof *dm);
        *dm = (Onnx__TensorShapeProto__Dimension)ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
        dm->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dm->dim_value = t->dims[i];
        sh->dim[i] = dm;
    }
    tt->has_elem_type = 1;
    tt->elem_type = onnx_type(dt);
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    v->name = (char *)name;
    v->type = tp;
    return v;
}

int cg_write_qdq(Graph *g, const char *path, Diag *d)
{
    if (g->opset < 13) {
        diag_error(d, "--emit-qdq: the model has opset %d; QDQ models are written with opset 13 "
                   "and kiln copies attributes as they are, so the model needs opset 13 or newer",
                   g->opset);
        return -1;
    }
    Arena *a = g->arena;
    Qdq q = {.g = g, .d = d};
    q.deq = arena_array(a, (size_t)g->n_tensors * 4 + 64, sizeof(char *));
    const char **saved = arena_array(a, (size_t)g->n_tensors + 1, sizeof(char *));
    for (int i = 0; i < g->n_tensors; i++)
        saved[i] = g->tensors[i]->c_name, g->tensors[i]->c_name = NULL;
    Onnx__GraphProto gp = ONNX__GRAPH_PROTO__INIT;
    gp.name = (char *)g->name;
    gp.n_input = (size_t)g->n_inputs;
    gp.input = arena_array(a, (size_t)g->n_inputs + 1, sizeof(void *));
    for (int i = 0; i < g->n_inputs; i++) {
        Tensor *t = g->inputs[i];
        /* the float input, quantized into t's name as NAME_run_f32 does */
        const char *fname = is_s8(t) ? arena_printf(a, "%s_f32", t->name) : t->name;
        gp.input[i] = value_info(&q, t, fname, is_s8(t) ? DT_F32 : t->dtype);
        if (is_s8(t))
            quant_into(&q, fname, t);
    }
    int rc = 0;
    for (int i = 0; i < g->n_nodes && rc == 0; i++)
        if (!g->nodes[i]->dead)
            rc = emit_node(&q, g->nodes[i]);
    for (int i = 0; i < g->n_tensors; i++)
        g->tensors[i]->c_name = saved[i];
    if (rc)
        return -1;
    gp.n_output = (size_t)g->n_outputs;
    gp.output = arena_array(a, (size_t)g->n_outputs + 1, sizeof(void *));
    for (int i = 0; i < g->n_outputs; i++)
        gp.output[i] = value_info(&q, g->outputs[i], g->outputs[i]->name, g->outputs[i]->dtype);
    gp.n_node = q.n_nodes;
    gp.node = q.nodes;
    gp.n_initializer = q.n_inits;
    gp.initializer = q.inits;
    Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT, *opsets[1] = {&opset};
    opset.domain = "";
    opset.has_version = 1;
    opset.version = g->opset;
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    m.has_ir_version = 1;
    m.ir_version = 7;
    m.producer_name = "kiln";
    m.producer_version = KILN_VERSION;
    m.n_opset_import = 1;
    m.opset_import = opsets;
    m.graph = &gp;
    size_t size = onnx__model_proto__get_packed_size(&m);
    uint8_t *buf = kiln_malloc(size + 1);
    onnx__model_proto__pack(&m, buf);
    rc = write_file(path, buf, size, d);
    kiln_free(buf);
    return rc;
}
