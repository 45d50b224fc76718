/* SPDX-License-Identifier: MIT */
/* Pre-quantized QDQ models: runs first, before shape inference folds DequantizeLinear of
 * constant weights into plain float weights and the pattern is gone.
 *
 *  - DequantizeLinear of a constant (int8/uint8 weights, int32 bias) becomes the float
 *    constant it denotes; int8 weights with zero point 0 keep the model's scales
 *    (Tensor.ch_scale, per axis or per tensor) so pass_quantize re-derives exactly the
 *    model's int8 values instead of choosing its own scale.
 *  - QuantizeLinear(x) whose every consumer is a DequantizeLinear with the same per-tensor
 *    scale and zero point is removed with them: x gets the model's (q_scale, q_zero_point),
 *    uint8 ones offset by -128 (the same real values in int8), and the consumers read x.
 *
 *  - QLinearConv / QLinearMatMul chains between such a QuantizeLinear and DequantizeLinear
 *    nodes become Conv / MatMul on float tensors carrying the ops' parameters, with their
 *    int8 weights and int32 bias (ones that do not connect that way stay reference ops).
 *
 * What is left is the float model with its quantization attached; pass_quantize then
 * lowers it to kiln's int8 ops with those parameters instead of calibrating. Q/DQ nodes
 * that do not fit (per-axis activations, mismatched pairs, non-constant scales) stay and
 * run as the reference ops. */
#include "ops.h"
#include "passes.h"

#include <string.h>

static int is_type(const Node *n, const char *op) { return !n->dead && !strcmp(n->op_type, op); }

static int const_of(const Tensor *t, DType dt)
{
    return t && t->data && t->dtype == dt && t->rank >= 0;
}

/* Zero point of a Q/DQ node as an int8 zero point; its dtype through *u8. 0 if absent. */
static int zero_point_at(const Node *n, int64_t i, int *u8)
{
    const Tensor *z = n->n_inputs > 2 ? n->inputs[2] : NULL;
    *u8 = !z || z->dtype == DT_U8;
    if (!z)
        return 0;
    return (int)ir_const_int(z, z->rank == 0 || ir_numel(z) == 1 ? 0 : i);
}

static int zero_point_ok(const Node *n)
{
    const Tensor *z = n->n_inputs > 2 ? n->inputs[2] : NULL;
    return !z || ((z->dtype == DT_U8 || z->dtype == DT_S8 || z->dtype == DT_S32) && z->data);
}

static int64_t zp_value(const Tensor *z, int64_t i)
{
    return z ? ir_const_int(z, ir_numel(z) == 1 ? 0 : i) : 0;
}

/* Whether dequantized() accepts these operands. */
static int weights_fit(const Tensor *x, const Tensor *s, const Tensor *z, int64_t axis)
{
    if (!(const_of(x, DT_S8) || const_of(x, DT_U8)) || !const_of(s, DT_F32) ||
        (z && !(const_of(z, DT_U8) || const_of(z, DT_S8))))
        return 0;
    const int64_t ns = ir_numel(s);
    if (ns > 1 && (axis >= x->rank || x->dims[axis] != ns))
        return 0;
    return !z || ir_numel(z) == 1 || ir_numel(z) == ns;
}

/* The float constant (x - z) * s, scales along `axis` when s has more than one; NULL if
 * the operands do not fit. int8 values with zero point 0, and uint8 ones with zero point
 * 128 (the same as int8 with 0), keep their scales for pass_quantize. */
static Tensor *dequantized(Graph *g, const char *name, const Tensor *x, const Tensor *s,
                           const Tensor *z, int64_t axis)
{
    if (!(const_of(x, DT_S8) || const_of(x, DT_U8) || const_of(x, DT_S32)) ||
        !const_of(s, DT_F32) ||
        (z && !(const_of(z, DT_U8) || const_of(z, DT_S8) || const_of(z, DT_S32))))
        return NULL;
    int64_t ns = ir_numel(s);
    if (axis < 0)
        axis += x->rank;
    if (ns > 1 && (axis < 0 || axis >= x->rank || x->dims[axis] != ns))
        return NULL;   /* malformed: left to the op's own checks */
    if (z && ir_numel(z) != 1 && ir_numel(z) != ns)
        return NULL;
    int64_t inner = 1;
    for (int k = (int)axis + 1; ns > 1 && k < x->rank; k++)
        inner *= x->dims[k];
    Tensor *f = ir_tensor_new(g, name);
    ir_set_shape(f, DT_F32, x->rank, x->dims);
    float *v = ir_alloc_data(g, f);
    const int64_t symmetric = x->dtype == DT_U8 ? 128 : 0;
    int fits = x->dtype != DT_S32;
    for (int64_t i = 0; i < ir_numel(x); i++) {
        int64_t c = ns > 1 ? (i / inner) % ns : 0, zp = zp_value(z, c);
        fits &= zp == symmetric;
        v[i] = (float)(ir_const_int(x, i) - zp) * ((const float *)s->data)[c];
    }
    if (fits) {
        f->ch_scale = s->data;
        f->n_ch_scale = (int)ns;
        f->ch_axis = (int)axis;
    }
    return f;
}

/* DequantizeLinear of a constant: the float constant, with the weight scales kept. */
static void import_constant(Graph *g, Node *n)
{
    Tensor *x = n->inputs[0], *s = n->inputs[1], *y = n->outputs[0];
    if (!y || !const_of(s, DT_F32))
        return;
    Tensor *z = n->n_inputs > 2 ? n->inputs[2] : NULL;
    Tensor *f = dequantized(g, arena_printf(g->arena, "%s.dq", y->name), x, s, z,
                            ir_numel(s) > 1 ? ir_attr_int(n, "axis", 1) : 0);
    if (!f)
        return;
    ir_replace_uses(g, y, f);
    n->dead = 1;
}

static float scalar_scale(const Node *n)
{
    const Tensor *s = n->inputs[1];
    return const_of(s, DT_F32) && ir_numel(s) == 1 ? ((const float *)s->data)[0] : 0.0f;
}

/* The output tensor of graph output slot k takes over the name of `old`. */
static void take_output_name(Graph *g, Tensor *x, const Tensor *old)
{
    for (int k = 0; k < g->n_outputs; k++) {
        if (g->outputs[k] == old) {
            g->outputs[k] = x;
            x->name = old->name;
            x->is_output = 1;
        }
    }
}

/* QuantizeLinear(x) -> DequantizeLinear... with matching parameters, or QuantizeLinear
 * into an int8 graph output: x carries the parameters. */
static int import_pair(Graph *g, Node *q)
{
    Tensor *x = q->inputs[0], *yq = q->outputs[0];
    float s = scalar_scale(q);
    if (!(s > 0) || !zero_point_ok(q))
        return 0;   /* scale or zero point computed at run time: the reference op stays */
    int u8, zp = zero_point_at(q, 0, &u8);
    if (x->is_output || x->data || !yq || (yq->is_output && u8))
        return 0;
    if (q->n_inputs > 2 && q->inputs[2] && ir_numel(q->inputs[2]) != 1)
        return 0;
    int uses = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        for (int j = 0; !n->dead && j < n->n_inputs; j++) {
            if (n->inputs[j] != yq)
                continue;
            int u8b;
            if (!is_type(n, "DequantizeLinear") || j != 0 || scalar_scale(n) != s ||
                !zero_point_ok(n) || zero_point_at(n, 0, &u8b) != zp || u8b != u8 ||
                (n->n_inputs > 2 && n->inputs[2] && ir_numel(n->inputs[2]) != 1))
                return 0;
            uses++;
        }
    }
    if (uses == 0 && !yq->is_output)
        return 0;
    if (yq->is_output && !x->is_input)
        take_output_name(g, x, yq);   /* an int8 graph output: kiln's output is int8 too */
    else if (yq->is_output)
        return 0;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (is_type(n, "DequantizeLinear") && n->inputs[0] == yq) {
            Tensor *y = n->outputs[0];
            if (y->is_output && !x->is_input && !x->is_output)
                take_output_name(g, x, y);
            ir_replace_uses(g, y, x);
            n->dead = 1;
        }
    }
    x->q_scale = s;
    x->q_zero_point = u8 ? zp - 128 : zp;
    q->dead = 1;
    return 1;
}

/* ---- QLinearConv / QLinearMatMul ------------------------------------------------------ */

static int is_qlinear(const Node *n)
{
    return is_type(n, "QLinearConv") || is_type(n, "QLinearMatMul");
}

/* Scalar scale and int8-equivalent zero point of a quantized activation. */
static int act_params(const Tensor *s, const Tensor *z, float *scale, int32_t *zp)
{
    if (!const_of(s, DT_F32) || ir_numel(s) != 1 || !(((const float *)s->data)[0] > 0) ||
        !z || !(const_of(z, DT_U8) || const_of(z, DT_S8)) || ir_numel(z) != 1)
        return 0;
    *scale = ((const float *)s->data)[0];
    *zp = (int32_t)ir_const_int(z, 0) - (z->dtype == DT_U8 ? 128 : 0);
    return 1;
}

/* A QLinear node whose own operands fit: activation scales scalar and constant, weights
 * constant. (Whether its neighbours fit is decided by qlinear_feasible.) */
static int qlinear_local(const Node *n)
{
    float s;
    int32_t z;
    const int conv = is_type(n, "QLinearConv");
    if (n->n_inputs < 8 || !act_params(n->inputs[1], n->inputs[2], &s, &z) ||
        !act_params(n->inputs[6], n->inputs[7], &s, &z) || !n->inputs[3] ||
        !n->inputs[3]->data || n->outputs[0]->is_output)
        return 0;
    if (conv && n->n_inputs > 8 && n->inputs[8] && !const_of(n->inputs[8], DT_S32))
        return 0;
    return (conv ? n->inputs[3]->rank >= 3 : n->inputs[3]->rank == 2) &&
           weights_fit(n->inputs[3], n->inputs[4], n->inputs[5], conv ? 0 : 1) &&
           (!conv || n->n_inputs < 9 || !n->inputs[8] ||
            ir_numel(n->inputs[8]) == n->inputs[3]->dims[0]);
}

/* The QuantizeLinear producing x if it quantizes a float tensor with the given params. */
static const Node *quantizer_of(const Tensor *x, float scale, int32_t zp)
{
    const Node *p = x->producer;
    float s;
    int32_t z;
    if (!p || !is_type(p, "QuantizeLinear") || p->n_inputs < 3 ||
        !act_params(p->inputs[1], p->inputs[2], &s, &z) || s != scale || z != zp ||
        p->inputs[0]->data)
        return NULL;
    return p;
}

/* Marks the QLinear nodes that can become float ops: their input comes from a matching
 * QuantizeLinear or another marked node, and their output goes only to marked nodes or
 * to DequantizeLinear nodes with the same parameters. */
static void qlinear_feasible(Graph *g, unsigned char *ok)
{
    for (int i = 0; i < g->n_nodes; i++)
        ok[i] = is_qlinear(g->nodes[i]) && qlinear_local(g->nodes[i]);
    for (int changed = 1; changed;) {
        changed = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            Node *n = g->nodes[i];
            if (!ok[i])
                continue;
            float s;
            int32_t z;
            act_params(n->inputs[1], n->inputs[2], &s, &z);
            const Node *p = n->inputs[0]->producer;
            int fits = quantizer_of(n->inputs[0], s, z) != NULL;
            for (int k = 0; !fits && p && k < g->n_nodes; k++) {
                float s2;
                int32_t z2;
                fits = g->nodes[k] == p && ok[k] &&
                       act_params(p->inputs[6], p->inputs[7], &s2, &z2) && s2 == s && z2 == z;
            }
            act_params(n->inputs[6], n->inputs[7], &s, &z);
            for (int k = 0; fits && k < g->n_nodes; k++) {
                Node *c = g->nodes[k];
                for (int j = 0; fits && !c->dead && j < c->n_inputs; j++) {
                    if (c->inputs[j] != n->outputs[0])
                        continue;
                    float s2;
                    int32_t z2;
                    fits = (ok[k] && j == 0) ||
                           (is_type(c, "DequantizeLinear") && j == 0 && c->n_inputs > 2 &&
                            act_params(c->inputs[1], c->inputs[2], &s2, &z2) && s2 == s &&
                            z2 == z);
                }
            }
            if (!fits) {
                ok[i] = 0;
                changed = 1;
            }
        }
    }
}

/* Bias of QLinearConv: int32 with scale x_scale * w_scale[c], as float. */
static Tensor *qlinear_bias(Graph *g, const Node *n, const Tensor *ws, float xs)
{
    const Tensor *b = n->n_inputs > 8 ? n->inputs[8] : NULL;
    if (!b)
        return NULL;
    Tensor *f = ir_tensor_new(g, arena_printf(g->arena, "%s.bias", n->outputs[0]->name));
    ir_set_shape(f, DT_F32, b->rank, b->dims);
    float *v = ir_alloc_data(g, f);
    for (int64_t c = 0; c < ir_numel(b); c++)
        v[c] = (float)((double)((const int32_t *)b->data)[c] * xs *
                       ((const float *)ws->data)[ir_numel(ws) == 1 ? 0 : c]);
    return f;
}

/* Rewrites marked QLinear node n in place into Conv / MatMul on float tensors; twin[id]
 * is the float tensor standing for quantized tensor id. 0 if the weights do not fit. */
static int qlinear_rewrite(Graph *g, Node *n, Tensor **twin)
{
    const int conv = is_type(n, "QLinearConv");
    Tensor *xq = n->inputs[0], *yq = n->outputs[0];
    float xs, ys;
    int32_t xz, yz;
    act_params(n->inputs[1], n->inputs[2], &xs, &xz);
    act_params(n->inputs[6], n->inputs[7], &ys, &yz);
    Tensor *w = dequantized(g, arena_printf(g->arena, "%s.w", yq->name), n->inputs[3],
                            n->inputs[4], n->inputs[5], conv ? 0 : 1);
    if (!w)
        return 0;
    Tensor *x = twin[xq->id];
    if (!x) {
        const Node *q = quantizer_of(xq, xs, xz);
        x = q->inputs[0];
        x->q_scale = xs;
        x->q_zero_point = xz;
    }
    Tensor *y = ir_tensor_new(g, arena_printf(g->arena, "%s.f", yq->name));
    y->q_scale = ys;
    y->q_zero_point = yz;
    y->producer = n;
    twin[yq->id] = y;
    Tensor *b = conv ? qlinear_bias(g, n, n->inputs[4], xs) : NULL;
    n->op_type = conv ? "Conv" : "MatMul";
    n->op = op_find(n->op_type);
    n->n_inputs = b ? 3 : 2;
    n->inputs[0] = x;
    n->inputs[1] = w;
    n->inputs[2] = b;
    n->outputs[0] = y;
    return 1;
}

/* QLinearConv / QLinearMatMul chains between QuantizeLinear and DequantizeLinear become
 * Conv / MatMul on float tensors that carry the model's quantization, like QDQ models. */
static int import_qlinear(Graph *g)
{
    unsigned char *ok = arena_alloc(g->arena, (size_t)g->n_nodes + 1);
    int any = 0;
    qlinear_feasible(g, ok);
    for (int i = 0; i < g->n_nodes; i++)
        any |= ok[i];
    if (!any)
        return 0;
    Tensor **twin = arena_array(g->arena, (size_t)(g->n_tensors + 4 * g->n_nodes + 16),
                                sizeof(Tensor *));
    const int n_old = g->n_tensors;
    for (int i = 0; i < g->n_nodes; i++)
        if (ok[i] && !qlinear_rewrite(g, g->nodes[i], twin))
            KILN_UNREACHABLE("qdq-import: QLinear weights checked feasible");
    /* consumers: DequantizeLinear of a rewritten output reads its float twin */
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!is_type(n, "DequantizeLinear") || n->inputs[0]->id >= n_old ||
            !twin[n->inputs[0]->id])
            continue;
        Tensor *y = n->outputs[0], *x = twin[n->inputs[0]->id];
        if (y->is_output && !x->is_output)
            take_output_name(g, x, y);
        ir_replace_uses(g, y, x);
        n->dead = 1;
    }
    /* QuantizeLinear nodes left without consumers */
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (is_type(n, "QuantizeLinear") && !n->outputs[0]->is_output &&
            ir_count_uses(g, n->outputs[0]) == 0)
            n->dead = 1;
    }
    return 1;
}

int pass_qdq_import(Graph *g, const PassOptions *o, Diag *d)
{
    (void)d;
    if (o->quant)
        return 0;   /* --quantize int8 calibrates instead */
    g->qdq_imported |= import_qlinear(g);
    for (int i = 0; i < g->n_nodes; i++)
        if (is_type(g->nodes[i], "DequantizeLinear"))
            import_constant(g, g->nodes[i]);
    for (int i = 0; i < g->n_nodes; i++)
        if (is_type(g->nodes[i], "QuantizeLinear") && g->nodes[i]->n_inputs >= 2)
            g->qdq_imported |= import_pair(g, g->nodes[i]);
    ir_compact(g);
    return 0;
}
