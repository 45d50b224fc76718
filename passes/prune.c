/* SPDX-License-Identifier: MIT */
/* Structured pruning: remove channels that carry a constant instead of data.
 *
 * Algorithm. A "channel set" is a group of tensors whose axis-1 channels correspond one
 * to one: it is grown from the output of a contracting producer (a "source": Conv with
 * group 1 or Gemm, constant weights) through channel-wise ops ("passes": activations,
 * depthwise Conv, pools, Flatten of [N,C,1,1], same-shape Add/Mul, e.g. residuals) to the
 * contracting consumers ("sinks": Conv with group 1, Gemm with A = the tensor). A Concat
 * on the channel axis joins its inputs' channels side by side: every member has a base,
 * the global index of its channel 0, so a concatenated tensor's channel j is global
 * channel base + j. Anything else touching the set (a graph output, Softmax, Reshape, a
 * tensor reached with two different bases, ...) blocks it whole.
 * Then, in node order, each channel of each tensor is either live or a known constant:
 * a source row whose weights are all zero yields its bias, and constants propagate
 * through the passes only where the result is exactly uniform (e.g. zero through an
 * average pool, anything through a max pool or an unpadded depthwise conv). A channel
 * that is constant in every tensor of the set, and that every sink can absorb (a zero,
 * or a constant v into a sink's bias: Gemm always, Conv only without padding, where
 * v * sum(W[o][c]) is exact up to rounding), is removed everywhere: source rows,
 * depthwise rows, sink input columns. Affected nodes are re-inferred.
 *
 * Runs after BatchNormalization folding (a BN beta on a dead channel is its bias then)
 * and before activation fusion (activations are still nodes here). New constants are
 * made; weights shared with other nodes are never changed. */
#include "passes.h"
#include "ops.h"

#include <string.h>

typedef enum { ROLE_NONE, ROLE_SOURCE, ROLE_PASS, ROLE_SINK } Role;

typedef struct {
    Graph *g;
    char *in_set;         /* per tensor id */
    Role *role;           /* per node position in g->nodes */
    Tensor **members;
    int n_members;
    int64_t *base;        /* per tensor id: global index of its channel 0 */
    int64_t lo, hi;       /* global channel range [lo, hi) */
    int blocked;
    /* per tensor id, after analysis: constant value and liveness of each channel */
    float **val;
    char **live;
    int serial;           /* names new constants uniquely */
} ChanSet;

static int is_op(const Node *n, const char *name) { return !strcmp(n->op->name, name); }

static int consts_ok(const Node *n, int from)
{
    for (int i = from; i < n->n_inputs; i++)
        if (n->inputs[i] && !ir_is_const(n->inputs[i]))
            return 0;
    return 1;
}

static int64_t conv_group(const Node *n)
{
    return n->inputs[0]->dims[1] / n->inputs[1]->dims[1];
}

static int is_dense_conv(const Node *n)
{
    return is_op(n, "Conv") && conv_group(n) == 1 && consts_ok(n, 1) &&
           n->inputs[1]->dtype == DT_F32;
}

static int is_depthwise(const Node *n)
{
    return is_op(n, "Conv") && n->inputs[0]->dims[1] > 1 &&
           conv_group(n) == n->inputs[0]->dims[1] && n->inputs[1]->dims[0] == conv_group(n) &&
           consts_ok(n, 1);
}

static int is_gemm(Node *n)
{
    return is_op(n, "Gemm") && consts_ok(n, 1) && !op_gemm_params(n)->trans_a &&
           n->inputs[1]->dtype == DT_F32;
}

/* Channel-wise op whose channel input is `t` (or any same-shape input of Add/Mul). */
static int is_pass(Node *n, const Tensor *t)
{
    const Tensor *y = n->outputs[0];
    if (n->inputs[0] != t && !(is_op(n, "Add") || is_op(n, "Mul")))
        return 0;
    if ((n->op->flags & OPF_ACTIVATION) && consts_ok(n, 1))
        return 1;
    /* MaxPool's Indices count the channels before it: pruning one would change them */
    if (is_op(n, "MaxPool") && n->n_outputs > 1 && n->outputs[1])
        return 0;
    if (is_depthwise(n) || is_op(n, "MaxPool") || is_op(n, "AveragePool") ||
        is_op(n, "GlobalAveragePool") || is_op(n, "GlobalMaxPool"))
        return 1;
    if (is_op(n, "Flatten"))
        return t->rank == 2 || (t->rank == 4 && t->dims[2] * t->dims[3] == 1 &&
                                y->rank == 2 && y->dims[1] == t->dims[1]);
    if (is_op(n, "Add") || is_op(n, "Mul"))
        return n->n_inputs == 2 && ir_same_shape(n->inputs[0], y) &&
               ir_same_shape(n->inputs[1], y) && n->inputs[0] != n->inputs[1];
    return 0;
}

static int is_source(Node *n) { return is_dense_conv(n) || is_gemm(n); }

static int is_sink(Node *n, const Tensor *t)
{
    if (n->inputs[0] != t)
        return 0;
    for (int i = 1; i < n->n_inputs; i++)
        if (n->inputs[i] == t)
            return 0;
    return is_dense_conv(n) || is_gemm(n);
}

/* Concat of non-constant tensors along axis 1. */
static int is_channel_concat(Node *n)
{
    if (!is_op(n, "Concat") || n->outputs[0]->rank < 2)
        return 0;
    int64_t axis = ir_attr_int(n, "axis", 0);
    if (axis < 0)
        axis += n->outputs[0]->rank;
    for (int i = 0; i < n->n_inputs; i++)
        if (ir_is_const(n->inputs[i]))
            return 0;
    return axis == 1;
}

/* Channel offset of Concat input k in the output. */
static int64_t concat_offset(const Node *n, int k)
{
    int64_t off = 0;
    for (int i = 0; i < k; i++)
        off += n->inputs[i]->dims[1];
    return off;
}

static void add_member(ChanSet *s, Tensor *t, int64_t base)
{
    if (s->in_set[t->id]) {
        if (s->base[t->id] != base)
            s->blocked = 1;   /* e.g. one tensor concatenated twice */
        return;
    }
    if (t->rank < 2 || t->dims[1] < 1 || t->dtype != DT_F32 || t->is_input || t->is_output ||
        ir_is_const(t))
        s->blocked = 1;
    s->in_set[t->id] = 1;
    s->base[t->id] = base;
    if (base < s->lo)
        s->lo = base;
    if (t->rank >= 2 && base + t->dims[1] > s->hi)
        s->hi = base + t->dims[1];
    s->members[s->n_members++] = t;
}

/* Adds Concat n's output and inputs, given that input k (or the output, k < 0) has base b. */
static void add_concat(ChanSet *s, Node *n, int k, int64_t b)
{
    int64_t out_base = k < 0 ? b : b - concat_offset(n, k);
    add_member(s, n->outputs[0], out_base);
    for (int i = 0; i < n->n_inputs; i++)
        add_member(s, n->inputs[i], out_base + concat_offset(n, i));
}

static int node_pos(const Graph *g, const Node *n)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i] == n)
            return i;
    KILN_UNREACHABLE("node not in graph");
}

/* Classifies the producer and every consumer of member t, growing the set. */
static void visit(ChanSet *s, Tensor *t)
{
    Graph *g = s->g;
    Node *p = t->producer;
    int64_t b = s->base[t->id];
    if (!p || p->outputs[0] != t) {
        s->blocked = 1;
    } else if (s->role[node_pos(g, p)] == ROLE_SINK) {
        s->blocked = 1;   /* a sink feeding its own set (a loop through a residual) */
    } else if (!s->role[node_pos(g, p)]) {
        int pi = node_pos(g, p);
        if (is_source(p)) {
            s->role[pi] = ROLE_SOURCE;
        } else if (is_channel_concat(p)) {
            s->role[pi] = ROLE_PASS;
            add_concat(s, p, -1, b);
        } else if (is_pass(p, p->inputs[0])) {
            s->role[pi] = ROLE_PASS;
            add_member(s, p->inputs[0], b);
            if (is_op(p, "Add") || is_op(p, "Mul"))
                add_member(s, p->inputs[1], b);
        } else {
            s->blocked = 1;
        }
    }
    for (int i = 0; i < g->n_nodes && !s->blocked; i++) {
        Node *n = g->nodes[i];
        int uses = 0;
        for (int k = 0; k < n->n_inputs; k++)
            uses |= n->inputs[k] == t;
        if (n->dead || !uses || s->role[i] == ROLE_PASS ||
            (s->role[i] == ROLE_SINK && is_sink(n, t)))
            continue;
        if (!s->role[i] && is_sink(n, t)) {
            s->role[i] = ROLE_SINK;
        } else if (!s->role[i] && is_channel_concat(n)) {
            s->role[i] = ROLE_PASS;
            for (int k = 0; k < n->n_inputs; k++)
                if (n->inputs[k] == t) {
                    add_concat(s, n, k, b);
                    break;
                }
        } else if (!s->role[i] && is_pass(n, t)) {
            s->role[i] = ROLE_PASS;
            add_member(s, n->outputs[0], b);
            for (int k = 0; k < n->n_inputs; k++)
                if (n->inputs[k] && n->inputs[k]->rank > 0 && !ir_is_const(n->inputs[k]))
                    add_member(s, n->inputs[k], b);
        } else {
            s->blocked = 1;
        }
    }
}

static void grow_set(ChanSet *s, Tensor *seed)
{
    s->lo = s->hi = 0;
    add_member(s, seed, 0);
    for (int i = 0; i < s->n_members && !s->blocked; i++)
        visit(s, s->members[i]);
}

/* ---- analysis: which channels are constants ------------------------------------ */

static float *state_val(ChanSet *s, const Tensor *t) { return s->val[t->id]; }

static void alloc_state(ChanSet *s, const Tensor *t)
{
    s->val[t->id] = arena_alloc(s->g->arena, (size_t)t->dims[1] * sizeof(float));
    s->live[t->id] = arena_alloc(s->g->arena, (size_t)t->dims[1]);
}

/* Row o of the weights is all zero: for Conv W[o], for Gemm output column o of op(B). */
static int zero_row(Node *n, int64_t o)
{
    const Tensor *w = n->inputs[1];
    const float *wd = w->data;
    if (is_op(n, "Conv")) {
        int64_t per = ir_numel(w) / w->dims[0];
        for (int64_t k = 0; k < per; k++)
            if (wd[o * per + k] != 0.0f)
                return 0;
        return 1;
    }
    int tb = op_gemm_params(n)->trans_b;
    int64_t k_len = tb ? w->dims[1] : w->dims[0], nn = tb ? w->dims[0] : w->dims[1];
    for (int64_t k = 0; k < k_len; k++)
        if (wd[tb ? o * k_len + k : k * nn + o] != 0.0f)
            return 0;
    return 1;
}

static float conv_bias(const Node *n, int64_t o)
{
    const Tensor *b = n->n_inputs > 2 ? n->inputs[2] : NULL;
    return b ? ((const float *)b->data)[o] : 0.0f;
}

static void source_state(ChanSet *s, Node *n, float *val, char *live)
{
    int64_t ch = n->outputs[0]->dims[1];
    if (is_op(n, "Conv")) {
        for (int64_t o = 0; o < ch; o++) {
            live[o] = !zero_row(n, o);
            val[o] = live[o] ? 0.0f : 0.0f + conv_bias(n, o);   /* the kernel's 0 + bias */
        }
        return;
    }
    kiln_gemm_params *p = op_gemm_params(n);
    const Tensor *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    for (int64_t o = 0; o < ch; o++) {
        /* y = alpha * 0 + beta * C[i][o]: constant when C does not vary over rows */
        live[o] = !zero_row(n, o) || (c && p->m > 1 && p->c_stride_m != 0);
        val[o] = live[o] || !c ? 0.0f
                               : 0.0f + p->beta * ((const float *)c->data)[o * p->c_stride_n];
    }
}

static int depthwise_unpadded(Node *n)
{
    const kiln_conv2d_params *k = op_conv_params(n);
    return k->pad_top == 0 && k->pad_left == 0 &&
           (k->h_out - 1) * k->stride_h + (k->k_h - 1) * k->dil_h + 1 <= k->h_in &&
           (k->w_out - 1) * k->stride_w + (k->k_w - 1) * k->dil_w + 1 <= k->w_in;
}

/* A depthwise channel fed a constant v: exact (summed in the kernel's tap order) where
 * every output sees all taps, or where v == 0 (the sum is zero either way). */
static void depthwise_state(ChanSet *s, Node *n, const float *xv, const char *xl, float *val,
                            char *live)
{
    const Tensor *w = n->inputs[1];
    int64_t taps = ir_numel(w) / w->dims[0];
    int unpadded = depthwise_unpadded(n);
    for (int64_t o = 0; o < n->outputs[0]->dims[1]; o++) {
        const float *wo = (const float *)w->data + o * taps;
        if (zero_row(n, o) || (!xl[o] && xv[o] == 0.0f)) {
            live[o] = 0;
            val[o] = 0.0f + conv_bias(n, o);
        } else if (!xl[o] && unpadded) {
            float acc = 0.0f;
            for (int64_t t = 0; t < taps; t++)
                acc += wo[t] * xv[o];
            live[o] = 0;
            val[o] = acc + conv_bias(n, o);
        } else {
            live[o] = 1;
        }
    }
}

static void pass_state(ChanSet *s, Node *n, float *val, char *live)
{
    if (is_op(n, "Concat")) {   /* the inputs' states side by side */
        for (int k = 0, o = 0; k < n->n_inputs; k++)
            for (int64_t j = 0; j < n->inputs[k]->dims[1]; j++, o++) {
                val[o] = state_val(s, n->inputs[k])[j];
                live[o] = s->live[n->inputs[k]->id][j];
            }
        return;
    }
    const float *xv = state_val(s, n->inputs[0]);
    const char *xl = s->live[n->inputs[0]->id];
    if (is_depthwise(n)) {
        depthwise_state(s, n, xv, xl, val, live);
        return;
    }
    kiln_act act;
    int is_act = (n->op->flags & OPF_ACTIVATION) && n->op->to_act(n, &act);
    int binary = is_op(n, "Add") || is_op(n, "Mul");
    int averaging = is_op(n, "AveragePool") || is_op(n, "GlobalAveragePool");
    for (int64_t o = 0; o < n->outputs[0]->dims[1]; o++) {
        live[o] = xl[o];
        val[o] = xv[o];
        if (is_act && !live[o]) {
            kiln_act_f32(&act, &val[o], 1);
        } else if (binary) {
            const Tensor *b = n->inputs[1];
            live[o] = xl[o] || s->live[b->id][o];
            if (!live[o])
                val[o] = is_op(n, "Add") ? xv[o] + state_val(s, b)[o] : xv[o] * state_val(s, b)[o];
        } else if (averaging && !live[o] && val[o] != 0.0f) {
            live[o] = 1;   /* sum / count need not give v back exactly */
        }
    }
}

static void analyse(ChanSet *s)
{
    Graph *g = s->g;
    for (int i = 0; i < s->n_members; i++)
        alloc_state(s, s->members[i]);
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        Tensor *y = n->outputs[0];
        if (s->role[i] == ROLE_SOURCE)
            source_state(s, n, state_val(s, y), s->live[y->id]);
        else if (s->role[i] == ROLE_PASS)
            pass_state(s, n, state_val(s, y), s->live[y->id]);
    }
}

/* Whether sink n can take channel c of its input as the constant v. */
static int sink_absorbs(Node *n, float v)
{
    if (v == 0.0f || is_op(n, "Gemm"))
        return 1;
    const kiln_conv2d_params *k = op_conv_params(n);
    return k->pad_top == 0 && k->pad_left == 0 &&
           (k->h_out - 1) * k->stride_h + (k->k_h - 1) * k->dil_h + 1 <= k->h_in &&
           (k->w_out - 1) * k->stride_w + (k->k_w - 1) * k->dil_w + 1 <= k->w_in;
}

/* The keep flags of member t's channels: a slice of the global flags. */
static char *local_keep(const ChanSet *s, char *keep, const Tensor *t)
{
    return keep + (s->base[t->id] - s->lo);
}

static int64_t local_gone(const ChanSet *s, char *keep, const Tensor *t)
{
    const char *k = local_keep(s, keep, t);
    int64_t gone = 0;
    for (int64_t j = 0; j < t->dims[1]; j++)
        gone += !k[j];
    return gone;
}

/* keep[c - lo] = 0 for every global channel c that goes; returns how many go. */
static int64_t choose(ChanSet *s, char *keep)
{
    Graph *g = s->g;
    int64_t n = s->hi - s->lo, gone = 0;
    memset(keep, 0, (size_t)n);
    for (int i = 0; i < s->n_members; i++) {
        const Tensor *t = s->members[i];
        char *k = local_keep(s, keep, t);
        for (int64_t j = 0; j < t->dims[1]; j++)
            k[j] |= s->live[t->id][j];
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Tensor *t = g->nodes[i]->inputs[0];
        if (s->role[i] != ROLE_SINK)
            continue;
        char *k = local_keep(s, keep, t);
        for (int64_t j = 0; j < t->dims[1]; j++)
            k[j] |= !sink_absorbs(g->nodes[i], state_val(s, t)[j]);
    }
    /* no tensor may lose all its channels (keeping a channel is always correct) */
    for (int i = 0; i < s->n_members; i++)
        if (local_gone(s, keep, s->members[i]) == s->members[i]->dims[1])
            memset(local_keep(s, keep, s->members[i]), 1, (size_t)s->members[i]->dims[1]);
    for (int64_t c = 0; c < n; c++)
        gone += !keep[c];
    return gone;
}

/* ---- rewriting ------------------------------------------------------------------ */

static Tensor *new_const(ChanSet *s, const Tensor *like, int rank, const int64_t *dims)
{
    Tensor *t = ir_tensor_new(s->g, arena_printf(s->g->arena, "%s.pruned%d", like->name,
                                                 ++s->serial));
    ir_set_shape(t, DT_F32, rank, dims);
    ir_alloc_data(s->g, t);
    return t;
}

/* Copies t keeping only the indices i of axis `axis` with keep[i]. */
static Tensor *select_axis(ChanSet *s, const Tensor *t, int axis, const char *keep)
{
    int64_t dims[IR_MAX_RANK], outer = 1, inner = 1, kept = 0;
    for (int i = 0; i < t->rank; i++) {
        dims[i] = t->dims[i];
        if (i < axis)
            outer *= t->dims[i];
        if (i > axis)
            inner *= t->dims[i];
    }
    for (int64_t i = 0; i < t->dims[axis]; i++)
        kept += keep[i] != 0;
    dims[axis] = kept;
    Tensor *r = new_const(s, t, t->rank, dims);
    const float *src = t->data;
    float *dst = r->data;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < t->dims[axis]; i++)
            if (keep[i]) {
                memcpy(dst, src + (o * t->dims[axis] + i) * inner, (size_t)inner * sizeof(float));
                dst += inner;
            }
    return r;
}

static void prune_rows(ChanSet *s, Node *n, const char *keep, int64_t gone)
{
    int64_t ch = n->outputs[0]->dims[1];
    if (is_op(n, "Conv")) {
        n->inputs[1] = select_axis(s, n->inputs[1], 0, keep);
        if (n->n_inputs > 2 && n->inputs[2])
            n->inputs[2] = select_axis(s, n->inputs[2], 0, keep);
        Attr *a = conv_group(n) > 1 ? ir_attr(n, "group") : NULL;
        if (a)
            a->i -= gone;
    } else {
        int tb = op_gemm_params(n)->trans_b;
        n->inputs[1] = select_axis(s, n->inputs[1], tb ? 0 : 1, keep);
        Tensor *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
        if (c && c->rank >= 1 && c->dims[c->rank - 1] == ch)
            n->inputs[2] = select_axis(s, c, c->rank - 1, keep);
    }
    n->pruned_out += (int)gone;
}

static void set_gemm_beta_one(Node *n)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (!strcmp(n->attrs[i].name, "beta"))
            n->attrs[i].f = 1.0f;
}

/* Gemm sink: C'[i][j] = beta * C(i, j) + alpha * sum_c v[c] * B[c][j] over removed c. */
static void gemm_absorb(ChanSet *s, Node *n, const float *v, const char *keep)
{
    kiln_gemm_params *p = op_gemm_params(n);
    const Tensor *b = n->inputs[1], *c = n->n_inputs > 2 ? n->inputs[2] : NULL;
    const float *bd = b->data;
    int64_t dims[2] = {p->m, p->n};
    Tensor *c2 = new_const(s, c ? c : b, 2, dims);
    float *cd = c2->data;
    for (int64_t i = 0; i < p->m; i++)
        for (int64_t j = 0; j < p->n; j++) {
            float acc = c ? p->beta * ((const float *)c->data)[i * p->c_stride_m +
                                                               j * p->c_stride_n]
                          : 0.0f;
            for (int64_t k = 0; k < p->k; k++)
                if (!keep[k] && v[k] != 0.0f)
                    acc += p->alpha * v[k] * bd[p->trans_b ? j * p->k + k : k * p->n + j];
            cd[i * p->n + j] = acc;
        }
    if (n->n_inputs < 3) {
        Tensor **in = arena_alloc(s->g->arena, 3 * sizeof *in);
        in[0] = n->inputs[0];
        in[1] = n->inputs[1];
        n->inputs = in;
        n->n_inputs = 3;
    }
    n->inputs[2] = c2;
    set_gemm_beta_one(n);
}

/* Conv sink (unpadded where v != 0): b'[o] = b[o] + sum_c v[c] * sum_k W[o][c][k]. */
static void conv_absorb(ChanSet *s, Node *n, const float *v, const char *keep)
{
    const Tensor *w = n->inputs[1];
    int64_t c_out = w->dims[0], c_in = w->dims[1], per = ir_numel(w) / (c_out * c_in);
    int64_t dims[1] = {c_out};
    Tensor *b2 = new_const(s, w, 1, dims);
    float *bd = b2->data;
    for (int64_t o = 0; o < c_out; o++) {
        float acc = conv_bias(n, o);
        for (int64_t c = 0; c < c_in; c++)
            for (int64_t k = 0; k < per && !keep[c] && v[c] != 0.0f; k++)
                acc += v[c] * ((const float *)w->data)[(o * c_in + c) * per + k];
        bd[o] = acc;
    }
    if (n->n_inputs < 3) {
        Tensor **in = arena_alloc(s->g->arena, 3 * sizeof *in);
        in[0] = n->inputs[0];
        in[1] = n->inputs[1];
        n->inputs = in;
        n->n_inputs = 3;
    }
    n->inputs[2] = b2;
}

static void prune_sink(ChanSet *s, Node *n, const char *keep, int64_t gone)
{
    const float *v = state_val(s, n->inputs[0]);
    int any_const = 0;
    for (int64_t c = 0; c < n->inputs[0]->dims[1]; c++)
        any_const |= !keep[c] && v[c] != 0.0f;
    if (is_op(n, "Conv")) {
        if (any_const)
            conv_absorb(s, n, v, keep);
        n->inputs[1] = select_axis(s, n->inputs[1], 1, keep);
    } else {
        if (any_const)
            gemm_absorb(s, n, v, keep);
        n->inputs[1] = select_axis(s, n->inputs[1], op_gemm_params(n)->trans_b ? 1 : 0, keep);
    }
    n->pruned_in += (int)gone;
}

static int reinfer(ChanSet *s, Diag *d)
{
    Graph *g = s->g;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (!s->role[i])
            continue;
        if ((n->op->parse && n->op->parse(g, n, d)) || n->op->infer(g, n, d))
            return -1;
    }
    return 0;
}

static int apply(ChanSet *s, char *keep, Diag *d)
{
    Graph *g = s->g;
    int64_t *gone = arena_alloc(g->arena, (size_t)s->n_members * sizeof *gone);
    for (int i = 0; i < s->n_members; i++)
        gone[i] = local_gone(s, keep, s->members[i]);
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        Tensor *y = n->outputs[0], *x = n->inputs[0];
        if (s->role[i] == ROLE_SOURCE || (s->role[i] == ROLE_PASS && is_depthwise(n)))
            prune_rows(s, n, local_keep(s, keep, y), local_gone(s, keep, y));
        else if (s->role[i] == ROLE_SINK)
            prune_sink(s, n, local_keep(s, keep, x), local_gone(s, keep, x));
    }
    for (int i = 0; i < s->n_members; i++)
        s->members[i]->dims[1] -= gone[i];
    return reinfer(s, d);
}

static void reset(ChanSet *s)
{
    Graph *g = s->g;
    for (int i = 0; i < s->n_members; i++)
        s->in_set[s->members[i]->id] = 0;
    memset(s->role, 0, (size_t)g->n_nodes * sizeof *s->role);
    s->n_members = 0;
    s->blocked = 0;
}

int pass_prune(Graph *g, const PassOptions *o, Diag *d)
{
    ChanSet s = {.g = g};
    int n_tensors = g->n_tensors;   /* new constants are never members */
    s.in_set = arena_alloc(g->arena, (size_t)n_tensors);
    s.role = arena_alloc(g->arena, (size_t)g->n_nodes * sizeof *s.role);
    s.members = arena_alloc(g->arena, (size_t)n_tensors * sizeof *s.members);
    s.base = arena_alloc(g->arena, (size_t)n_tensors * sizeof *s.base);
    s.val = arena_alloc(g->arena, (size_t)n_tensors * sizeof *s.val);
    s.live = arena_alloc(g->arena, (size_t)n_tensors * sizeof *s.live);
    char *done = arena_alloc(g->arena, (size_t)n_tensors);
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        Tensor *y = n->outputs[0];
        if (n->dead || !is_source(n) || y->id >= n_tensors || done[y->id] || y->rank < 2)
            continue;
        grow_set(&s, y);
        for (int k = 0; k < s.n_members; k++)
            done[s.members[k]->id] = 1;
        if (!s.blocked) {
            analyse(&s);
            char *keep = arena_alloc(g->arena, (size_t)(s.hi - s.lo));
            if (choose(&s, keep) && apply(&s, keep, d))
                return -1;
        }
        reset(&s);
    }
    return 0;
}
