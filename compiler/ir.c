/* SPDX-License-Identifier: MIT */
/* Graph construction, tensor helpers, attribute access, IR dump and check. */
#include "ir.h"
#include "ops.h"

#include <string.h>

static const struct {
    const char *name, *c_type;
    size_t size;
} dtype_info[DT_COUNT] = {
    [DT_UNDEF] = {"undef", "void", 0},    [DT_F32] = {"f32", "float", 4},
    [DT_F64] = {"f64", "double", 8},      [DT_S8] = {"s8", "int8_t", 1},
    [DT_U8] = {"u8", "uint8_t", 1},       [DT_S16] = {"s16", "int16_t", 2},
    [DT_U16] = {"u16", "uint16_t", 2},    [DT_S32] = {"s32", "int32_t", 4},
    [DT_U32] = {"u32", "uint32_t", 4},    [DT_S64] = {"s64", "int64_t", 8},
    [DT_U64] = {"u64", "uint64_t", 8},    [DT_BOOL] = {"bool", "uint8_t", 1},
};

const char *dtype_name(DType t) { return t < DT_COUNT ? dtype_info[t].name : "?"; }
const char *dtype_c_type(DType t) { return t < DT_COUNT ? dtype_info[t].c_type : "void"; }
size_t dtype_size(DType t) { return t < DT_COUNT ? dtype_info[t].size : 0; }

Graph *ir_graph_new(const char *path)
{
    Arena *a = arena_new();
    Graph *g = arena_alloc(a, sizeof *g);
    g->arena = a;
    g->path = path ? arena_strdup(a, path) : "model";
    return g;
}

void ir_graph_free(Graph *g)
{
    if (g)
        arena_free(g->arena);
}

static void *grow(Arena *a, void *old, int count, int *cap, size_t elem)
{
    if (count < *cap)
        return old;
    int ncap = *cap ? *cap * 2 : 64;
    void *p = arena_array(a, (size_t)ncap, elem);
    if (old)
        memcpy(p, old, (size_t)count * elem);
    *cap = ncap;
    return p;
}

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void index_insert(Graph *g, Tensor *t)
{
    uint32_t mask = (uint32_t)g->by_name_cap - 1;
    uint32_t i = name_hash(t->name) & mask;
    while (g->by_name[i])
        i = (i + 1) & mask;
    g->by_name[i] = t;
}

/* Keeps the name index at most half full; reinserting in id order keeps the first tensor
 * of a name the one ir_tensor_find returns. Lookups stay O(1), so a hostile graph with
 * 10^5 tensors costs no quadratic time. */
static void index_grow(Graph *g)
{
    if (2 * (g->n_tensors + 1) <= g->by_name_cap)
        return;
    g->by_name_cap = g->by_name_cap ? 2 * g->by_name_cap : 128;
    g->by_name = arena_array(g->arena, (size_t)g->by_name_cap, sizeof(Tensor *));
    for (int i = 0; i < g->n_tensors; i++)
        index_insert(g, g->tensors[i]);
}

Tensor *ir_tensor_new(Graph *g, const char *name)
{
    Tensor *t = arena_alloc(g->arena, sizeof *t);
    t->name = arena_strdup(g->arena, name ? name : "");
    t->id = g->n_tensors;
    t->rank = -1;
    t->offset = -1;
    t->first_step = t->last_step = -1;
    index_grow(g);
    index_insert(g, t);
    g->tensors = grow(g->arena, g->tensors, g->n_tensors, &g->cap_tensors, sizeof(Tensor *));
    g->tensors[g->n_tensors++] = t;
    return t;
}

Tensor *ir_tensor_find(Graph *g, const char *name)
{
    if (!g->by_name_cap)
        return NULL;
    uint32_t mask = (uint32_t)g->by_name_cap - 1;
    for (uint32_t i = name_hash(name) & mask; g->by_name[i]; i = (i + 1) & mask)
        if (strcmp(g->by_name[i]->name, name) == 0)
            return g->by_name[i];
    return NULL;
}

Node *ir_node_new(Graph *g, const char *name, const char *op_type, int n_inputs, int n_outputs)
{
    Node *n = arena_alloc(g->arena, sizeof *n);
    n->name = arena_strdup(g->arena, name ? name : "");
    n->op_type = arena_strdup(g->arena, op_type);
    n->index = g->n_nodes;
    n->opset = g->opset;
    n->n_inputs = n_inputs;
    n->n_outputs = n_outputs;
    n->inputs = arena_array(g->arena, (size_t)n_inputs + 1, sizeof(Tensor *));
    n->outputs = arena_array(g->arena, (size_t)n_outputs + 1, sizeof(Tensor *));
    g->nodes = grow(g->arena, g->nodes, g->n_nodes, &g->cap_nodes, sizeof(Node *));
    g->nodes[g->n_nodes++] = n;
    return n;
}

void ir_replace_uses(Graph *g, Tensor *from, Tensor *to)
{
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (n->dead)
            continue;
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j] == from)
                n->inputs[j] = to;
    }
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == from)
            g->outputs[i] = to;
}

int ir_count_uses(const Graph *g, const Tensor *t)
{
    int uses = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        if (n->dead)
            continue;
        for (int j = 0; j < n->n_inputs; j++)
            uses += n->inputs[j] == t;
    }
    for (int i = 0; i < g->n_outputs; i++)
        uses += g->outputs[i] == t;
    return uses;
}

Node *ir_single_consumer(const Graph *g, const Tensor *t)
{
    if (t->is_output || ir_count_uses(g, t) != 1)
        return NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (n->dead)
            continue;
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j] == t)
                return n;
    }
    return NULL;
}

void ir_compact(Graph *g)
{
    int k = 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (!g->nodes[i]->dead)
            g->nodes[k++] = g->nodes[i];
    g->n_nodes = k;
}

/* Saturates at INT64_MAX (and treats a negative dim as huge): a hostile shape must read as
 * "too large" to the checks that follow, never overflow. */
int64_t ir_numel(const Tensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] == 0)
            return 0;
        if (t->dims[i] < 0 || __builtin_mul_overflow(n, t->dims[i], &n))
            n = INT64_MAX;
    }
    return n;
}

int64_t ir_bytes(const Tensor *t)
{
    int64_t bytes;
    if (__builtin_mul_overflow(ir_numel(t), (int64_t)dtype_size(t->dtype), &bytes))
        return INT64_MAX;
    return bytes;
}

int ir_is_const(const Tensor *t) { return t && t->data != NULL; }

void ir_set_shape(Tensor *t, DType dt, int rank, const int64_t *dims)
{
    t->dtype = dt;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
}

int ir_same_shape(const Tensor *a, const Tensor *b)
{
    if (a->rank != b->rank)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

const char *ir_shape_str(const Tensor *t, char *buf, size_t size)
{
    if (t->rank < 0) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (t->rank == 0) {
        snprintf(buf, size, "scalar");
        return buf;
    }
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < t->rank && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, i ? "x%lld" : "%lld",
                                 (long long)t->dims[i]);
    return buf;
}

/* Float to int64 without undefined behaviour: out-of-range values saturate, NaN is 0
 * (a float tensor where an integer one belongs comes from a hostile or broken file). */
static int64_t saturate_i64(double v)
{
    if (v != v)
        return 0;
    if (v >= 9223372036854775807.0)
        return INT64_MAX;
    if (v <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)v;
}

int64_t ir_const_int(const Tensor *t, int64_t i)
{
    const void *p = t->data;
    switch (t->dtype) {
    case DT_S8: return ((const int8_t *)p)[i];
    case DT_U8: case DT_BOOL: return ((const uint8_t *)p)[i];
    case DT_S16: return ((const int16_t *)p)[i];
    case DT_U16: return ((const uint16_t *)p)[i];
    case DT_S32: return ((const int32_t *)p)[i];
    case DT_U32: return ((const uint32_t *)p)[i];
    case DT_S64: return ((const int64_t *)p)[i];
    case DT_U64: return (int64_t)((const uint64_t *)p)[i];
    case DT_F32: return saturate_i64(((const float *)p)[i]);
    case DT_F64: return saturate_i64(((const double *)p)[i]);
    default: return 0;
    }
}

float ir_const_float(const Tensor *t, int64_t i)
{
    if (t->dtype == DT_F32)
        return ((const float *)t->data)[i];
    if (t->dtype == DT_F64)
        return (float)((const double *)t->data)[i];
    return (float)ir_const_int(t, i);
}

int ir_outputs_empty(const Node *n)
{
    int any = 0;
    for (int i = 0; i < n->n_outputs; i++) {
        if (!n->outputs[i])
            continue;
        if (ir_numel(n->outputs[i]) != 0)
            return 0;
        any = 1;
    }
    return any;
}

void *ir_alloc_data(Graph *g, Tensor *t)
{
    int64_t bytes = ir_bytes(t);
    t->data = arena_alloc(g->arena, (size_t)(bytes > 0 ? bytes : 1));
    return t->data;
}

Tensor *ir_storage(Tensor *t)
{
    while (t->alias_of)
        t = t->alias_of;
    return t;
}

/* ---- attributes ------------------------------------------------------------------- */

const char *ir_attr_type_name(AttrType t)
{
    static const char *names[] = {"FLOAT", "INT", "STRING", "TENSOR", "FLOATS", "INTS",
                                  "STRINGS", "GRAPH or other"};
    return (unsigned)t < KILN_ARRAY_LEN(names) ? names[t] : "?";
}

static Attr *find_attr(Node *n, const char *name)
{
    for (int i = 0; i < n->n_attrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return &n->attrs[i];
    return NULL;
}

Attr *ir_attr(Node *n, const char *name)
{
    Attr *a = find_attr(n, name);
    if (a)
        a->used = 1;
    return a;
}

/* The attribute if it has type t (or t2), marked used; else NULL, noting a mismatch. */
static Attr *typed_attr(Node *n, const char *name, AttrType t, AttrType t2)
{
    Attr *a = find_attr(n, name);
    if (a && a->type != t && a->type != t2) {
        a->mistyped = 1;
        a->wanted = t;
        return NULL;
    }
    if (a)
        a->used = 1;
    return a;
}

/* Adds the attribute if the node lacks it; for passes that rewrite attributes. */
static Attr *attr_for_write(Graph *g, Node *n, const char *name)
{
    Attr *a = ir_attr(n, name);
    if (a)
        return a;
    Attr *attrs = arena_alloc(g->arena, (size_t)(n->n_attrs + 1) * sizeof *attrs);
    if (n->n_attrs)
        memcpy(attrs, n->attrs, (size_t)n->n_attrs * sizeof *attrs);
    n->attrs = attrs;
    a = &attrs[n->n_attrs++];
    a->name = arena_strdup(g->arena, name);
    a->used = 1;
    return a;
}

void ir_set_attr_ints(Graph *g, Node *n, const char *name, const int64_t *v, int count)
{
    Attr *a = attr_for_write(g, n, name);
    a->type = ATTR_INTS;
    a->n = count;
    a->ints = arena_alloc(g->arena, (size_t)(count ? count : 1) * sizeof *a->ints);
    memcpy(a->ints, v, (size_t)count * sizeof *v);
}

void ir_set_attr_int(Graph *g, Node *n, const char *name, int64_t v)
{
    Attr *a = attr_for_write(g, n, name);
    a->type = ATTR_INT;
    a->i = v;
}

int64_t ir_attr_int(Node *n, const char *name, int64_t dflt)
{
    Attr *a = typed_attr(n, name, ATTR_INT, ATTR_INT);
    return a ? a->i : dflt;
}

float ir_attr_float(Node *n, const char *name, float dflt)
{
    Attr *a = typed_attr(n, name, ATTR_FLOAT, ATTR_INT);
    if (!a)
        return dflt;
    return a->type == ATTR_FLOAT ? a->f : (float)a->i;
}

const char *ir_attr_str(Node *n, const char *name, const char *dflt)
{
    Attr *a = typed_attr(n, name, ATTR_STRING, ATTR_STRING);
    return a ? a->s : dflt;
}

int ir_attr_ints(Node *n, const char *name, int64_t *out, int max)
{
    Attr *a = typed_attr(n, name, ATTR_INTS, ATTR_INTS);
    if (!a)
        return -1;
    for (int i = 0; i < a->n && i < max; i++)
        out[i] = a->ints[i];
    return a->n;
}

void node_error(Diag *d, const Node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(d, "node '%s' (%s, #%d): %s", n->name[0] ? n->name : "<unnamed>", n->op_type,
               n->index, msg);
}

/* ---- dump and check ---------------------------------------------------------------- */

static void dump_tensor(const Tensor *t, FILE *out)
{
    char shape[128];
    if (!t) {
        fprintf(out, "-");
        return;
    }
    fprintf(out, "%%%s:%s[%s]%s", t->name, dtype_name(t->dtype), ir_shape_str(t, shape, sizeof shape),
            t->data ? "=const" : "");
    if (t->alias_of)
        fprintf(out, "@%s", ir_storage((Tensor *)t)->name);
}

void ir_dump(const Graph *g, FILE *out)
{
    fprintf(out, "graph %s opset %d\n", g->name ? g->name : "?", g->opset);
    for (int i = 0; i < g->n_inputs; i++) {
        fprintf(out, "  input ");
        dump_tensor(g->inputs[i], out);
        fputc('\n', out);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        if (n->dead)
            continue;
        fprintf(out, "  ");
        for (int j = 0; j < n->n_outputs; j++) {
            if (j)
                fprintf(out, ", ");
            dump_tensor(n->outputs[j], out);
        }
        fprintf(out, " = %s(", n->op_type);
        for (int j = 0; j < n->n_inputs; j++) {
            if (j)
                fprintf(out, ", ");
            dump_tensor(n->inputs[j], out);
        }
        fprintf(out, ")");
        if (n->op && n->op->act_slot) {
            kiln_act *act = n->op->act_slot((Node *)n);
            if (act && act->kind != KILN_ACT_NONE)
                fprintf(out, " act=%d(%g,%g)", (int)act->kind, (double)act->a, (double)act->b);
        }
        fprintf(out, "  # %s\n", n->name);
    }
    for (int i = 0; i < g->n_outputs; i++) {
        fprintf(out, "  output ");
        dump_tensor(g->outputs[i], out);
        fputc('\n', out);
    }
}

int ir_check(const Graph *g, Diag *d)
{
    int problems = 0;
    /* every input must be available before its consumer runs */
    unsigned char *ready = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    for (int i = 0; i < g->n_tensors; i++)
        ready[i] = g->tensors[i]->is_input || g->tensors[i]->data != NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        if (n->dead)
            continue;
        for (int j = 0; j < n->n_inputs; j++) {
            if (n->inputs[j] && !ready[n->inputs[j]->id]) {
                node_error(d, n, "internal: input '%s' used before it is produced",
                           n->inputs[j]->name);
                problems++;
            }
        }
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j])
                ready[n->outputs[j]->id] = 1;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        if (!ready[g->outputs[i]->id]) {
            diag_error(d, "internal: graph output '%s' is never produced", g->outputs[i]->name);
            problems++;
        }
    }
    return problems;
}
