/* SPDX-License-Identifier: MIT */
/* --const NAME=FILE: graph inputs fixed at compile time. kiln is ahead-of-time, so an
 * input that decides a shape (Reshape's shape, Slice's starts, Resize's sizes, ...) must
 * be known when compiling; the user (or kiln verify, from its data set) gives its value. */
#include "pipeline.h"

#include <string.h>

static int read_value(const ConstInput *c, Arena *a, Tensor *t, Diag *d)
{
    Diag sub = {.file = d->file, .quiet = d->quiet};
    int rc = str_ends_with(c->path, ".npy") ? fe_read_npy(c->path, a, t, &sub)
                                            : fe_read_tensor_pb(c->path, a, t, &sub);
    d->errors += sub.errors;
    return rc;
}

int consts_load(const Options *o, Arena *a, Tensor **vals, ShapeOverride **shapes,
                int *n_shapes, Diag *d)
{
    *vals = arena_array(a, (size_t)o->n_consts + 1, sizeof(Tensor));
    *shapes = arena_array(a, (size_t)(o->n_shapes + o->n_consts) + 1, sizeof(ShapeOverride));
    memcpy(*shapes, o->shapes, sizeof(ShapeOverride) * (size_t)o->n_shapes);
    *n_shapes = o->n_shapes;
    for (int i = 0; i < o->n_consts; i++) {
        const ConstInput *c = &o->consts[i];
        if (read_value(c, a, &(*vals)[i], d))
            return -1;
        int has_shape = 0;
        for (int k = 0; k < *n_shapes; k++)
            has_shape |= !strcmp((*shapes)[k].name, c->name);
        if (has_shape)
            continue;
        if (strlen(c->name) >= sizeof(*shapes)[0].name) {
            diag_error(d, "--const: input name too long");
            return -1;
        }
        ShapeOverride *s = &(*shapes)[(*n_shapes)++];
        snprintf(s->name, sizeof s->name, "%s", c->name);
        s->rank = (*vals)[i].rank;
        memcpy(s->dims, (*vals)[i].dims, sizeof s->dims);
        s->from_const = 1;
    }
    return 0;
}

static void drop_input(Graph *g, const Tensor *t)
{
    int k = 0;
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] != t)
            g->inputs[k++] = g->inputs[i];
    g->n_inputs = k;
}

int consts_apply(Graph *g, const Options *o, const Tensor *vals, Diag *d)
{
    for (int i = 0; i < o->n_consts; i++) {
        const ConstInput *c = &o->consts[i];
        Tensor *t = ir_tensor_find(g, c->name);
        if (!t || !t->is_input) {
            diag_error(d, "--const names '%s', which is not an input of the model%s", c->name,
                       t && t->data ? " (it is an initializer, already constant)" : "");
            return -1;
        }
        const Tensor *v = &vals[i];
        if (v->dtype != t->dtype || ir_numel(v) != ir_numel(t)) {
            char sv[128], st[128];
            diag_error(d, "--const %s: '%s' holds %s %s, but the input is %s %s", c->name,
                       c->path, dtype_name(v->dtype), ir_shape_str(v, sv, sizeof sv),
                       dtype_name(t->dtype), ir_shape_str(t, st, sizeof st));
            return -1;
        }
        void *data = ir_alloc_data(g, t);
        memcpy(data, v->data, (size_t)ir_bytes(t));
        t->is_input = 0;
        drop_input(g, t);
    }
    return 0;
}

void consts_collect_needs(const Graph *g, ConstNeeds *needs)
{
    needs->count = 0;
    for (int i = 0; i < g->n_tensors && needs->count < MAX_DATA; i++) {
        const Tensor *t = g->tensors[i];
        if (!t->is_input || !t->needs_const)
            continue;
        snprintf(needs->names[needs->count], sizeof needs->names[0], "%s", t->name);
        needs->why[needs->count] = t->needs_const;
        needs->index[needs->count++] = t->decl_index;
    }
}
