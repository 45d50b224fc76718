/* SPDX-License-Identifier: MIT */
/* ONNX ModelProto → IR: opset, initializers, Constant nodes, inputs with static shapes,
 * nodes with raw attributes (model-local functions inlined, see functions.c), topological
 * order. Nothing from the file is trusted. */
#include "frontend.h"
#include "onnx_internal.h"
#include "ops.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Upper bounds that keep compile-time work finite on hostile files. Some passes look at
 * every consumer of every tensor (quadratic in the graph size), so the graph is bounded
 * well above any model that fits a microcontroller (those have hundreds of nodes). */
#define FE_MAX_NODES 20000
#define FE_MAX_NODE_EDGES 200000   /* node inputs + outputs, summed over the graph */
#define FE_MAX_ATTR_ELEMS 4096
/* Newest default-domain opset whose semantics kiln's op table follows. */
#define FE_MAX_OPSET 18

int fe_parse_shape_override(const char *arg, ShapeOverride *out, Diag *d)
{
    const char *eq = strrchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        diag_error(d, "--shape expects NAME=D1xD2x..., got '%s'", arg);
        return -1;
    }
    if ((size_t)(eq - arg) >= sizeof out->name) {
        diag_error(d, "--shape: input name too long");
        return -1;
    }
    memcpy(out->name, arg, (size_t)(eq - arg));
    out->name[eq - arg] = 0;
    out->rank = 0;
    const char *p = eq + 1;
    while (*p) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v <= 0 || out->rank == IR_MAX_RANK || (*end && *end != 'x')) {
            diag_error(d, "--shape '%s': dimensions must be positive integers joined by 'x'", arg);
            return -1;
        }
        out->dims[out->rank++] = v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static AttrType attr_type_from_onnx(Onnx__AttributeProto__AttributeType t)
{
    switch (t) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return ATTR_FLOAT;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return ATTR_INT;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return ATTR_STRING;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return ATTR_TENSOR;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return ATTR_FLOATS;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return ATTR_INTS;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: return ATTR_STRINGS;
    default: return ATTR_OTHER;
    }
}

static char *bytes_to_str(Arena *a, ProtobufCBinaryData b)
{
    char *s = arena_alloc(a, b.len + 1);
    if (b.len)
        memcpy(s, b.data, b.len);
    return s;
}

/* Weights must be finite: NaN or Inf in a constant is a broken export (a diverged training
 * run, an overflowed conversion), would propagate through folding, and cannot be
 * quantized, so kiln rejects it rather than compiling a model that outputs garbage.
 * A single-value constant may be +-inf: that is a pad value or a bound (MaxPool's -inf
 * padding, an open Clip range), not a weight. */
static int check_finite(const Tensor *t, Diag *d)
{
    if (t->dtype != DT_F32 && t->dtype != DT_F64)
        return 0;
    int64_t n = ir_numel(t);
    for (int64_t i = 0; i < n; i++) {
        double v = t->dtype == DT_F32 ? ((const float *)t->data)[i] : ((const double *)t->data)[i];
        if (isnan(v) || (isinf(v) && n > 1)) {
            diag_error(d, "constant '%s' holds %s at element %lld: kiln rejects weights that are "
                       "not finite", t->name ? t->name : "", isnan(v) ? "NaN"
                       : v > 0 ? "an infinite value (+inf)" : "an infinite value (-inf)",
                       (long long)i);
            return -1;
        }
    }
    return 0;
}

static int convert_attr(Graph *g, Node *n, const Onnx__AttributeProto *ap, Attr *at,
                        const char *model_dir, Diag *d)
{
    Arena *a = g->arena;
    at->name = arena_strdup(a, ap->name ? ap->name : "");
    at->type = attr_type_from_onnx(ap->type);
    switch (at->type) {
    case ATTR_FLOAT: at->f = ap->f; break;
    case ATTR_INT: at->i = ap->i; break;
    case ATTR_STRING: at->s = bytes_to_str(a, ap->s); break;
    case ATTR_TENSOR:
        if (!ap->t) {
            node_error(d, n, "attribute '%s' declares a tensor but holds none", at->name);
            return -1;
        }
        at->t = arena_alloc(a, sizeof(Tensor));
        at->t->rank = -1;
        at->t->offset = -1;
        at->t->name = at->name;
        if (fe_tensor_from_proto(ap->t, model_dir, a, at->t, d) || check_finite(at->t, d))
            return -1;
        break;
    case ATTR_FLOATS:
    case ATTR_INTS:
    case ATTR_STRINGS: {
        size_t cnt = at->type == ATTR_FLOATS ? ap->n_floats
                   : at->type == ATTR_INTS ? ap->n_ints : ap->n_strings;
        if (cnt > FE_MAX_ATTR_ELEMS) {
            node_error(d, n, "attribute '%s' has %zu elements (more than %d)", at->name, cnt,
                       FE_MAX_ATTR_ELEMS);
            return -1;
        }
        at->n = (int)cnt;
        /* cnt may be 0 with a NULL source array: memcpy must not see it */
        if (at->type == ATTR_FLOATS) {
            at->floats = arena_array(a, cnt + 1, sizeof(float));
            if (cnt)
                memcpy(at->floats, ap->floats, cnt * sizeof(float));
        } else if (at->type == ATTR_INTS) {
            at->ints = arena_array(a, cnt + 1, sizeof(int64_t));
            if (cnt)
                memcpy(at->ints, ap->ints, cnt * sizeof(int64_t));
        } else {
            at->strings = arena_array(a, cnt + 1, sizeof(char *));
            for (size_t i = 0; i < cnt; i++)
                at->strings[i] = bytes_to_str(a, ap->strings[i]);
        }
        break;
    }
    default:
        break;   /* graphs etc.: the op's parser reports it as unsupported if it sees it */
    }
    return 0;
}

static int load_initializers(Graph *g, const Onnx__GraphProto *gp, const char *model_dir,
                             Diag *d)
{
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        const char *name = tp->name ? tp->name : "";
        if (!*name) {
            diag_error(d, "initializer #%zu has no name", i);
            return -1;
        }
        if (ir_tensor_find(g, name)) {
            diag_error(d, "initializer '%s' is defined twice", name);
            return -1;
        }
        Tensor *t = ir_tensor_new(g, name);
        if (fe_tensor_from_proto(tp, model_dir, g->arena, t, d) || check_finite(t, d))
            return -1;
    }
    return 0;
}

static const ShapeOverride *find_override(const ShapeOverride *s, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!s[i].data_input && strcmp(s[i].name, name) == 0)
            return &s[i];
    return NULL;
}

/* The data set's shape for the declared input at position index (kiln verify), if any. */
static const ShapeOverride *find_data_shape(const ShapeOverride *s, int n, int index)
{
    for (int i = 0; i < n; i++)
        if (s[i].data_input == index + 1)
            return &s[i];
    return NULL;
}

/* A symbolic or unknown dimension k of input t: bound from the data set when it has one of
 * the same rank, else an error that says how to give it. */
static int bind_dimension(Tensor *t, size_t k, size_t rank, const char *sym,
                          const ShapeOverride *data, int64_t *dim, Diag *d)
{
    if (data && data->rank == (int)rank && data->dims[k] >= 0) {
        *dim = data->dims[k];
        t->dims_from_data = 1;
        return 0;
    }
    if (data && data->rank != (int)rank)
        diag_error(d, "graph input '%s' has rank %zu, but the data set's input_%d.pb has rank %d",
                   t->name, rank, data->data_input - 1, data->rank);
    else
        diag_error(d, "graph input '%s' has a symbolic or unknown dimension %zu ('%s'); "
                   "kiln needs static shapes: give them with --shape %s=1x...",
                   t->name, k, sym, t->name);
    return -1;
}

static const char *value_kind(const Onnx__TypeProto *tp)
{
    switch (tp ? tp->value_case : ONNX__TYPE_PROTO__VALUE__NOT_SET) {
    case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE: return "sequence-typed values; kiln handles tensors only";
    case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE: return "optional-typed values; kiln handles tensors only";
    case ONNX__TYPE_PROTO__VALUE_MAP_TYPE: return "map-typed values; kiln handles tensors only";
    default: return "the input declares no tensor type";
    }
}

/* Graph inputs that are not initializers become the model's inputs; they need a
 * static shape (from the file or --shape). */
static int load_inputs(Graph *g, const Onnx__GraphProto *gp, const ShapeOverride *shapes,
                       int n_shapes, Diag *d)
{
    g->inputs = arena_array(g->arena, gp->n_input + 1, sizeof(Tensor *));
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        const char *name = vi->name ? vi->name : "";
        Tensor *t = ir_tensor_find(g, name);
        if (t && t->data)
            continue;   /* an initializer: its value is the default, kiln treats it as constant */
        if (t) {
            diag_error(d, "graph input '%s' is declared twice", name);
            return -1;
        }
        const Onnx__TypeProto *tp = vi->type;
        if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type) {
            diag_error(d, "graph input '%s' is not a tensor (not supported: %s)", name,
                       value_kind(tp));
            return -1;
        }
        DType dt = fe_dtype_from_onnx(tp->tensor_type->elem_type);
        if (dt == DT_UNDEF) {
            diag_error(d, "graph input '%s' has unsupported element type %s%s", name,
                       fe_onnx_type_name(tp->tensor_type->elem_type),
                       tp->tensor_type->elem_type == ONNX__TENSOR_PROTO__DATA_TYPE__STRING
                           ? " (not supported: string tensors; kiln generates numeric code only)"
                           : "");
            return -1;
        }
        t = ir_tensor_new(g, name);
        t->is_input = 1;
        t->decl_index = g->n_inputs;
        const ShapeOverride *ov = find_override(shapes, n_shapes, name);
        const Onnx__TensorShapeProto *sp = tp->tensor_type->shape;
        if (ov) {
            ir_set_shape(t, dt, ov->rank, ov->dims);
        } else {
            if (!sp) {
                diag_error(d, "graph input '%s' has no shape; give one with --shape %s=D1xD2x...",
                           name, name);
                return -1;
            }
            if (sp->n_dim > IR_MAX_RANK) {
                diag_error(d, "graph input '%s' has rank %zu; kiln supports up to %d", name,
                           sp->n_dim, IR_MAX_RANK);
                return -1;
            }
            int64_t dims[IR_MAX_RANK];
            for (size_t k = 0; k < sp->n_dim; k++) {
                const Onnx__TensorShapeProto__Dimension *dim = sp->dim[k];
                if (dim->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ||
                    dim->dim_value <= 0) {
                    const char *sym = dim->value_case ==
                            ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM && dim->dim_param
                        ? dim->dim_param : "?";
                    if (bind_dimension(t, k, sp->n_dim, sym,
                                       find_data_shape(shapes, n_shapes, t->decl_index), &dims[k], d))
                        return -1;
                    continue;
                }
                dims[k] = dim->dim_value;
            }
            ir_set_shape(t, dt, (int)sp->n_dim, dims);
        }
        int64_t numel;
        char what[300];
        snprintf(what, sizeof what, "graph input '%s'", name);
        if (fe_checked_numel(t->rank, t->dims, what, &numel, d))
            return -1;
        g->inputs[g->n_inputs++] = t;
    }
    for (int i = 0; i < n_shapes; i++) {
        Tensor *t = ir_tensor_find(g, shapes[i].name);
        if (shapes[i].data_input)
            continue;   /* a data set may hold inputs that became constants */
        if (!t || !t->is_input) {
            diag_error(d, "%s names '%s', which is not an input of the model",
                       shapes[i].from_const ? "--const" : "--shape", shapes[i].name);
            return -1;
        }
    }
    return 0;
}

static int is_default_domain(const char *dom)
{
    return !dom || !*dom || !strcmp(dom, "ai.onnx");
}

/* Creates the node and its tensors. Unknown ops are collected into `unsupported`. */
static int load_node(Graph *g, const Onnx__NodeProto *np, size_t index, const char *model_dir,
                     Buf *unsupported, Diag *d)
{
    const char *op_type = np->op_type ? np->op_type : "";
    Node *n = ir_node_new(g, np->name, op_type, (int)np->n_input, (int)np->n_output);
    n->index = (int)index;
    if (!is_default_domain(np->domain)) {
        const char *why = fe_unsupported_domain_reason(np->domain);
        buf_printf(unsupported, "%s  node '%s' (#%zu): %s.%s (domain '%s' is not supported%s%s)",
                   unsupported->len ? "\n" : "", n->name, index, np->domain, op_type, np->domain,
                   why ? ": " : "", why ? why : "");
    } else {
        n->op = op_find(op_type);
        const char *why = n->op ? NULL : fe_unsupported_reason(op_type);
        if (!n->op)
            buf_printf(unsupported, "%s  node '%s' (#%zu): %s%s%s%s", unsupported->len ? "\n" : "",
                       n->name, index, op_type, why ? " (not supported: " : "", why ? why : "",
                       why ? ")" : "");
        else if (n->opset < n->op->min_opset || n->opset > n->op->max_opset)
            buf_printf(unsupported, "%s  node '%s' (#%zu): %s at opset %d (kiln supports opsets "
                       "%d-%d for it)", unsupported->len ? "\n" : "", n->name, index, op_type,
                       n->opset, n->op->min_opset, n->op->max_opset);
    }
    if (np->n_attribute > FE_MAX_ATTR_ELEMS) {
        node_error(d, n, "has %zu attributes", np->n_attribute);
        return -1;
    }
    n->n_attrs = (int)np->n_attribute;
    n->attrs = arena_array(g->arena, np->n_attribute + 1, sizeof(Attr));
    for (size_t i = 0; i < np->n_attribute; i++)
        if (convert_attr(g, n, np->attribute[i], &n->attrs[i], model_dir, d))
            return -1;
    for (size_t i = 0; i < np->n_input; i++) {
        const char *in = np->input[i];
        if (!in || !*in)
            continue;   /* omitted optional input */
        Tensor *t = ir_tensor_find(g, in);
        if (!t)
            t = ir_tensor_new(g, in);   /* produced by a later node, or dangling (checked later) */
        n->inputs[i] = t;
    }
    for (size_t i = 0; i < np->n_output; i++) {
        const char *out = np->output[i];
        if (!out || !*out)
            continue;
        Tensor *t = ir_tensor_find(g, out);
        if (t && (t->producer || t->is_input || t->data)) {
            node_error(d, n, "output '%s' is already defined by another node, input or "
                       "initializer", out);
            return -1;
        }
        if (!t)
            t = ir_tensor_new(g, out);
        t->producer = n;
        n->outputs[i] = t;
    }
    return 0;
}

/* Orders nodes so producers come first (files should already be sorted); fails on cycles
 * and on inputs nobody produces. */
static int topo_sort(Graph *g, Diag *d)
{
    int n = g->n_nodes;
    Node **order = arena_array(g->arena, (size_t)n + 1, sizeof(Node *));
    unsigned char *ready = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    unsigned char *placed = arena_alloc(g->arena, (size_t)n + 1);
    for (int i = 0; i < g->n_tensors; i++) {
        Tensor *t = g->tensors[i];
        ready[i] = t->is_input || t->data;
        if (!ready[i] && !t->producer) {
            for (int k = 0; k < n; k++)
                for (int j = 0; j < g->nodes[k]->n_inputs; j++)
                    if (g->nodes[k]->inputs[j] == t) {
                        node_error(d, g->nodes[k], "input '%s' is not a graph input, an "
                                   "initializer or the output of any node", t->name);
                        return -1;
                    }
        }
    }
    int count = 0, progress = 1;
    while (count < n && progress) {
        progress = 0;
        for (int k = 0; k < n; k++) {
            Node *node = g->nodes[k];
            if (placed[k])
                continue;
            int ok = 1;
            for (int j = 0; j < node->n_inputs && ok; j++)
                ok = !node->inputs[j] || ready[node->inputs[j]->id];
            if (!ok)
                continue;
            placed[k] = 1;
            order[count++] = node;
            progress = 1;
            for (int j = 0; j < node->n_outputs; j++)
                if (node->outputs[j])
                    ready[node->outputs[j]->id] = 1;
        }
    }
    if (count < n) {
        for (int k = 0; k < n; k++)
            if (!placed[k]) {
                node_error(d, g->nodes[k], "is part of a cycle in the graph");
                return -1;
            }
    }
    memcpy(g->nodes, order, (size_t)n * sizeof(Node *));
    return 0;
}

static int load_outputs(Graph *g, const Onnx__GraphProto *gp, Diag *d)
{
    if (gp->n_output == 0) {
        diag_error(d, "the graph has no outputs");
        return -1;
    }
    g->outputs = arena_array(g->arena, gp->n_output + 1, sizeof(Tensor *));
    for (size_t i = 0; i < gp->n_output; i++) {
        const char *name = gp->output[i]->name ? gp->output[i]->name : "";
        Tensor *t = ir_tensor_find(g, name);
        if (!t) {
            diag_error(d, "graph output '%s' is not produced by any node", name);
            return -1;
        }
        t->is_output = 1;
        g->outputs[g->n_outputs++] = t;
    }
    return 0;
}

static int graph_opset(const Onnx__ModelProto *m, Diag *d)
{
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        if (!is_default_domain(o->domain))
            continue;
        if (o->version < 1 || o->version > FE_MAX_OPSET) {
            diag_error(d, "the model uses ONNX opset %lld; kiln supports opsets 1 to %d (convert "
                       "it with onnx.version_converter)", (long long)o->version, FE_MAX_OPSET);
            return -1;
        }
        return (int)o->version;
    }
    if (m->n_opset_import == 0)
        return 1;   /* IR version 2 models carry no opset_import; opset 1 is implied */
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const char *why = fe_unsupported_domain_reason(m->opset_import[i]->domain);
        if (why) {
            diag_error(d, "the model uses domain '%s' (not supported: %s)",
                       m->opset_import[i]->domain, why);
            return -1;
        }
    }
    diag_error(d, "the model imports no opset of the default ONNX domain");
    return -1;
}

static Graph *convert_model(const Onnx__ModelProto *m, const char *path,
                            const ShapeOverride *shapes, int n_shapes, Diag *d)
{
    if (!m->graph) {
        diag_error(d, "the file holds no graph (is it an ONNX model?)");
        return NULL;
    }
    const Onnx__GraphProto *gp = m->graph;
    if (gp->n_node > FE_MAX_NODES) {
        diag_error(d, "the graph has %zu nodes (more than %d)", gp->n_node, FE_MAX_NODES);
        return NULL;
    }
    size_t edges = 0;
    for (size_t i = 0; i < gp->n_node; i++)
        edges += gp->node[i]->n_input + gp->node[i]->n_output;
    if (edges > FE_MAX_NODE_EDGES) {
        diag_error(d, "the graph's nodes have %zu inputs and outputs in all (more than %d)",
                   edges, FE_MAX_NODE_EDGES);
        return NULL;
    }
    Graph *g = ir_graph_new(path);
    g->opset = graph_opset(m, d);
    char model_dir[PATH_MAX];
    path_dirname(path, model_dir, sizeof model_dir);
    Buf unsupported = {0};
    Onnx__NodeProto **nodes = NULL;
    size_t n_nodes = 0;
    int ok = g->opset > 0 && fe_inline_functions(m, g->arena, &nodes, &n_nodes, d) == 0 &&
             load_initializers(g, gp, model_dir, d) == 0 &&
             load_inputs(g, gp, shapes, n_shapes, d) == 0;
    if (ok && n_nodes > FE_MAX_NODES) {
        diag_error(d, "the graph has %zu nodes after inlining functions (more than %d)", n_nodes,
                   FE_MAX_NODES);
        ok = 0;
    }
    for (size_t i = 0; ok && i < n_nodes; i++)
        ok = load_node(g, nodes[i], i, model_dir, &unsupported, d) == 0;
    if (ok && unsupported.len) {
        diag_error(d, "unsupported operators (opset %d):\n%s", g->opset, unsupported.data);
        ok = 0;
    }
    buf_free(&unsupported);
    ok = ok && load_outputs(g, gp, d) == 0 && topo_sort(g, d) == 0;
    if (!ok) {
        ir_graph_free(g);
        return NULL;
    }
    return g;
}

Graph *fe_load_onnx_buffer(const void *data, size_t len, const char *path,
                          const ShapeOverride *shapes, int n_shapes, Diag *d)
{
    if (len == 0) {
        diag_error(d, "the file is empty");
        return NULL;
    }
    if (fe_pb_prescan(data, len, &onnx__model_proto__descriptor, d))
        return NULL;
    Onnx__ModelProto *m = onnx__model_proto__unpack(&fe_pb_allocator, len, data);
    if (!m) {
        diag_error(d, "not a valid ONNX model (protobuf decoding failed: truncated or "
                   "corrupt file?)");
        return NULL;
    }
    Graph *g = convert_model(m, path, shapes, n_shapes, d);
    onnx__model_proto__free_unpacked(m, &fe_pb_allocator);
    return g;
}

Graph *fe_load_onnx(const char *path, const ShapeOverride *shapes, int n_shapes, Diag *d)
{
    Buf buf = {0};
    if (read_file(path, &buf, d))
        return NULL;
    Graph *g = fe_load_onnx_buffer(buf.data, buf.len, path, shapes, n_shapes, d);
    buf_free(&buf);
    return g;
}
