/* SPDX-License-Identifier: MIT */
/* Static memory planning (simple and correct; the memory-planning work refines it).
 *
 * Buffers: every tensor that lives in the arena (not a constant, graph input, graph
 * output or alias) and every node's scratch. Liveness: a buffer is live from the step
 * of its producer to the last step that reads it or any view of it. Offsets: buffers are
 * placed largest first, each at the lowest aligned offset that does not overlap a placed
 * buffer whose lifetime intersects its own (first fit). */
#include "passes.h"
#include "ops.h"

#include <stdlib.h>

typedef struct {
    Tensor *t;       /* NULL for scratch */
    Node *scratch_of;
    int64_t bytes, offset;
    int first, last;
} Buffer;

/* No microcontroller has a gigabyte of RAM: a bigger arena is a hostile or mistaken model,
 * and rejecting it keeps arena offsets far from the runtime's 32-bit limits. */
#define MAX_ARENA_BYTES ((int64_t)1 << 30)

static int in_arena(const Tensor *t)
{
    return !t->data && !t->is_input && !t->is_output && !t->alias_of && !t->output_home;
}

static int by_size_desc(const void *a, const void *b)
{
    const Buffer *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    if (x->first != y->first)
        return x->first - y->first;
    /* a total order keeps plans identical across libc qsort implementations */
    int xid = x->t ? x->t->id : -1 - x->scratch_of->index;
    int yid = y->t ? y->t->id : -1 - y->scratch_of->index;
    return (xid > yid) - (xid < yid);
}

static int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

static void place(Buffer *bufs, int count, int64_t align)
{
    for (int i = 0; i < count; i++) {
        int64_t offset = 0;
        for (int moved = 1; moved;) {
            moved = 0;
            for (int j = 0; j < i; j++) {
                Buffer *o = &bufs[j];
                int overlap_time = o->first <= bufs[i].last && bufs[i].first <= o->last;
                int overlap_mem = offset < o->offset + o->bytes && o->offset < offset + bufs[i].bytes;
                if (overlap_time && overlap_mem) {
                    offset = align_up(o->offset + o->bytes, align);
                    moved = 1;
                }
            }
        }
        bufs[i].offset = offset;
    }
}

int pass_plan(Graph *g, const PassOptions *o, Diag *d)
{
    int64_t align = o->alignment > 0 ? o->alignment : 16;
    for (int i = 0; i < g->n_tensors; i++)
        g->tensors[i]->first_step = g->tensors[i]->last_step = -1;
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        for (int j = 0; j < n->n_outputs; j++) {
            Tensor *root = n->outputs[j] ? ir_storage(n->outputs[j]) : NULL;
            if (root && root->first_step < 0)
                root->first_step = s;
            if (root)
                root->last_step = s;   /* an unused output still occupies its step */
        }
        for (int j = 0; j < n->n_inputs; j++) {
            if (!n->inputs[j])
                continue;
            Tensor *root = ir_storage(n->inputs[j]);
            root->last_step = s > root->last_step ? s : root->last_step;
        }
    }
    Buffer *bufs = arena_array(g->arena, (size_t)(g->n_tensors + g->n_nodes) + 1, sizeof(Buffer));
    int count = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        Tensor *t = g->tensors[i];
        if (in_arena(t) && t->first_step >= 0)
            bufs[count++] = (Buffer){.t = t, .bytes = align_up(ir_bytes(t), align),
                                     .first = t->first_step, .last = t->last_step};
    }
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        int64_t bytes = n->op->scratch_bytes ? n->op->scratch_bytes(n) : 0;
        n->scratch_offset = -1;
        if (bytes > 0)
            bufs[count++] = (Buffer){.scratch_of = n, .bytes = align_up(bytes, align),
                                     .first = s, .last = s};
    }
    qsort(bufs, (size_t)count, sizeof *bufs, by_size_desc);
    place(bufs, count, align);
    g->arena_bytes = 0;
    for (int i = 0; i < count; i++) {
        if (bufs[i].t)
            bufs[i].t->offset = bufs[i].offset;
        else
            bufs[i].scratch_of->scratch_offset = bufs[i].offset;
        if (bufs[i].offset + bufs[i].bytes > g->arena_bytes)
            g->arena_bytes = bufs[i].offset + bufs[i].bytes;
    }
    if (g->arena_bytes > MAX_ARENA_BYTES) {
        diag_error(d, "the arena would need %lld bytes (limit %lld, 1 GiB): the model's "
                   "intermediate tensors are too large to compile", (long long)g->arena_bytes,
                   (long long)MAX_ARENA_BYTES);
        return -1;
    }
    return 0;
}

int plan_check(const Graph *g, Diag *d)
{
    int bad = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *a = g->tensors[i];
        if (a->offset < 0)
            continue;
        if (a->offset + ir_bytes(a) > g->arena_bytes) {
            diag_error(d, "plan: tensor '%s' ends past the arena", a->name);
            bad++;
        }
        for (int j = i + 1; j < g->n_tensors; j++) {
            const Tensor *b = g->tensors[j];
            if (b->offset < 0 || a->last_step < b->first_step || b->last_step < a->first_step)
                continue;
            if (a->offset < b->offset + ir_bytes(b) && b->offset < a->offset + ir_bytes(a)) {
                diag_error(d, "plan: '%s' and '%s' are live together and overlap", a->name,
                           b->name);
                bad++;
            }
        }
        for (int s = a->first_step; s <= a->last_step; s++) {
            const Node *n = g->nodes[s];
            int64_t sb = n->op->scratch_bytes ? n->op->scratch_bytes(n) : 0;
            if (sb > 0 && a->offset < n->scratch_offset + sb && n->scratch_offset < a->offset + ir_bytes(a)) {
                diag_error(d, "plan: '%s' overlaps the scratch of step %d", a->name, s);
                bad++;
            }
        }
    }
    return bad;
}
