/* SPDX-License-Identifier: MIT */
/* ONNX model-local functions (ModelProto.functions, written by newer PyTorch exporters):
 * every node that calls one is replaced by the function's body before the graph is built,
 * so shape inference and everything after it see plain ops.
 *
 * Inlining one call: the function's formal inputs and outputs are renamed to the call's
 * actual tensor names (an omitted optional input becomes ""), every other tensor of the
 * body gets a prefix unique to the call ("<call-output-0>/<fn>/<name>"), and an attribute
 * with ref_attr_name takes the caller's attribute of that name (or is dropped when the
 * caller has none, leaving the op's default). Bodies that call functions are expanded
 * recursively, up to FE_MAX_FN_DEPTH levels (a cycle is reported, not followed). */
#include "onnx_internal.h"

#include <string.h>

#define FE_MAX_FN_DEPTH 16

typedef struct {
    const Onnx__ModelProto *m;
    Arena *a;
    Onnx__NodeProto **out;
    size_t n, cap;
    int calls;     /* numbers call sites, for unique prefixes */
} Inliner;

static const Onnx__FunctionProto *find_function(const Onnx__ModelProto *m,
                                                const Onnx__NodeProto *np)
{
    const char *dom = np->domain ? np->domain : "";
    for (size_t i = 0; i < m->n_functions; i++) {
        const Onnx__FunctionProto *f = m->functions[i];
        const char *fd = f->domain ? f->domain : "";
        if (f->name && np->op_type && !strcmp(f->name, np->op_type) && !strcmp(fd, dom))
            return f;
    }
    return NULL;
}

static int push(Inliner *in, Onnx__NodeProto *np, Diag *d)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 64;
        if (cap > 1000000) {
            diag_error(d, "inlining model-local functions gives more than %zu nodes", in->cap);
            return -1;
        }
        Onnx__NodeProto **grown = arena_array(in->a, cap, sizeof *grown);
        if (in->n)
            memcpy(grown, in->out, in->n * sizeof *grown);
        in->out = grown;
        in->cap = cap;
    }
    in->out[in->n++] = np;
    return 0;
}

/* The caller-side name of a body tensor. */
static char *caller_name(Inliner *in, const Onnx__FunctionProto *f, const Onnx__NodeProto *call,
                    const char *prefix, const char *name)
{
    if (!name || !*name)
        return "";
    for (size_t i = 0; i < f->n_input; i++)
        if (!strcmp(f->input[i], name))
            return i < call->n_input ? call->input[i] : "";
    for (size_t i = 0; i < f->n_output; i++)
        if (!strcmp(f->output[i], name))
            return i < call->n_output ? call->output[i] : "";
    return arena_printf(in->a, "%s/%s", prefix, name);
}

static const Onnx__AttributeProto *call_attr(const Onnx__NodeProto *call, const char *name)
{
    for (size_t i = 0; i < call->n_attribute; i++)
        if (call->attribute[i]->name && !strcmp(call->attribute[i]->name, name))
            return call->attribute[i];
    return NULL;
}

static int expand(Inliner *in, Onnx__NodeProto *np, int depth, Diag *d);

/* Appends a copy of body node b with names and attribute references resolved. */
static int inline_node(Inliner *in, const Onnx__FunctionProto *f, const Onnx__NodeProto *call,
                       const char *prefix, const Onnx__NodeProto *b, int depth, Diag *d)
{
    Onnx__NodeProto *c = arena_alloc(in->a, sizeof *c);
    *c = *b;
    c->name = arena_printf(in->a, "%s/%s", prefix, b->name ? b->name : "");
    c->input = arena_array(in->a, b->n_input + 1, sizeof(char *));
    c->output = arena_array(in->a, b->n_output + 1, sizeof(char *));
    for (size_t i = 0; i < b->n_input; i++)
        c->input[i] = caller_name(in, f, call, prefix, b->input[i]);
    for (size_t i = 0; i < b->n_output; i++)
        c->output[i] = caller_name(in, f, call, prefix, b->output[i]);
    c->attribute = arena_array(in->a, b->n_attribute + 1, sizeof(Onnx__AttributeProto *));
    c->n_attribute = 0;
    for (size_t i = 0; i < b->n_attribute; i++) {
        Onnx__AttributeProto *at = b->attribute[i];
        if (at->ref_attr_name && *at->ref_attr_name) {
            const Onnx__AttributeProto *given = call_attr(call, at->ref_attr_name);
            if (!given)
                continue;
            Onnx__AttributeProto *r = arena_alloc(in->a, sizeof *r);
            *r = *given;
            r->name = at->name;
            at = r;
        }
        c->attribute[c->n_attribute++] = at;
    }
    return expand(in, c, depth + 1, d);
}

/* Appends np, or the inlined body of the function it calls. */
static int expand(Inliner *in, Onnx__NodeProto *np, int depth, Diag *d)
{
    const Onnx__FunctionProto *f = find_function(in->m, np);
    if (!f)
        return push(in, np, d);
    if (depth >= FE_MAX_FN_DEPTH) {
        diag_error(d, "model-local function '%s' calls functions more than %d levels deep (a "
                   "recursive function?)", f->name, FE_MAX_FN_DEPTH);
        return -1;
    }
    if (np->n_input > f->n_input || np->n_output > f->n_output) {
        diag_error(d, "node '%s' calls function '%s' with %zu inputs and %zu outputs; it "
                   "declares %zu and %zu", np->name ? np->name : "", f->name, np->n_input,
                   np->n_output, f->n_input, f->n_output);
        return -1;
    }
    const char *prefix = arena_printf(in->a, "%s#%d", f->name, in->calls++);
    for (size_t i = 0; i < f->n_node; i++)
        if (inline_node(in, f, np, prefix, f->node[i], depth, d))
            return -1;
    return 0;
}

int fe_inline_functions(const Onnx__ModelProto *m, Arena *a, Onnx__NodeProto ***nodes,
                        size_t *n_nodes, Diag *d)
{
    const Onnx__GraphProto *gp = m->graph;
    if (m->n_functions == 0) {
        *nodes = gp->node;
        *n_nodes = gp->n_node;
        return 0;
    }
    Inliner in = {.m = m, .a = a};
    for (size_t i = 0; i < gp->n_node; i++)
        if (expand(&in, gp->node[i], 0, d))
            return -1;
    *nodes = in.out;
    *n_nodes = in.n;
    return 0;
}
