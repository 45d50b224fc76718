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

/* DequantizeLinear of a constant: the float constant, with the weight scales kept. */
static void import_constant(Graph *g, Node *n)
{
    Tensor *x = n->inputs[0], *s = n->inputs[1], *y = n->outputs[0];
    if (!(const_of(x, DT_S8) || const_of(x, DT_U8) || const_of(x, DT_S32)) ||
        !const_of(s, DT_F32) || !zero_point_ok(n) || !y)
        return;
    int64_t ns = ir_numel(s), axis = ns > 1 ? ir_attr_int(n, "axis", 1) : 0;
    if (axis < 0)
        axis += x->rank;
    if (ns > 1 && (axis < 0 || axis >= x->rank || x->dims[axis] != ns))
        return;   /* malformed: left to the op's own checks */
    int64_t inner = 1;
    for (int k = (int)axis + 1; ns > 1 && k < x->rank; k++)
        inner *= x->dims[k];
    Tensor *f = ir_tensor_new(g, arena_printf(g->arena, "%s.dq", y->name));
    ir_set_shape(f, DT_F32, x->rank, x->dims);
    float *v = ir_alloc_data(g, f);
    int zero = 1, u8 = 0;
    for (int64_t i = 0; i < ir_numel(x); i++) {
        int64_t c = ns > 1 ? (i / inner) % ns : 0;
        int zp = zero_point_at(n, c, &u8);
        zero &= zp == 0;
        v[i] = (float)(ir_const_int(x, i) - zp) * ((const float *)s->data)[c];
    }
    if (x->dtype == DT_S8 && zero) {
        f->ch_scale = s->data;
        f->n_ch_scale = (int)ns;
        f->ch_axis = (int)axis;
    }
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
    int u8, zp = zero_point_at(q, 0, &u8);
    if (!(s > 0) || !zero_point_ok(q) || x->is_output || x->data || !yq || (yq->is_output && u8))
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

int pass_qdq_import(Graph *g, const PassOptions *o, Diag *d)
{
    (void)d;
    if (o->quant)
        return 0;   /* --quantize int8 calibrates instead */
    for (int i = 0; i < g->n_nodes; i++)
        if (is_type(g->nodes[i], "DequantizeLinear"))
            import_constant(g, g->nodes[i]);
    for (int i = 0; i < g->n_nodes; i++)
        if (is_type(g->nodes[i], "QuantizeLinear") && g->nodes[i]->n_inputs >= 2)
            g->qdq_imported |= import_pair(g, g->nodes[i]);
    ir_compact(g);
    return 0;
}
