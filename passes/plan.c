/* SPDX-License-Identifier: MIT */
/* Static memory planning: one arena, offsets fixed at compile time.
 *
 * 1. Liveness. Every tensor that lives in the arena (not a constant, graph input, graph
 *    output or view) is live from its producer's step to the last step that reads it or
 *    any view of it; every node's scratch is live at its own step.
 * 2. In-place. A node whose op declares that output 0 may start at input i's address
 *    (OpDef.in_place_inputs: elementwise ops, residual Add, batch-1 pointwise and
 *    depthwise Conv) takes over that input's storage when the input dies at this node.
 *    The tensors chained this way form one buffer: several (lifetime, size) rectangles
 *    sharing one base offset. Depthwise convs whose step sets the peak switch from the
 *    fast mode to the small one (depthwise: line buffer instead of a plane copy;
 *    pointwise: 8-pixel blocks instead of 32).
 *    A Concat whose inputs are contiguous runs of its output (batch 1, axis 1) lets each
 *    input's producer write straight into its slice (OpDef.input_slice): the inputs get
 *    no buffer of their own and the output lives from the first producer on.
 * 3. Lower bound: the most bytes live at one step. No placement can beat it.
 * 4. Placement. Each strategy orders the buffers and puts each at the lowest (first
 *    fit) or tightest (best fit) aligned offset where none of its rectangles overlaps a
 *    placed rectangle live at the same time: by size, by lifetime, by start step
 *    (interval colouring), by conflicting bytes, and best fit by size. The smallest
 *    arena wins (ties: the earlier strategy). Small graphs then get a branch-and-bound
 *    search over placement orders, cut at a node limit; it stops once it reaches the
 *    lower bound, which proves that plan optimal.
 * Everything is ordered by totals with index tie-breaks, so plans are deterministic. */
#include "passes.h"
#include "ops.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    int first, last;
    int64_t bytes;
} Rect;

typedef struct {
    Tensor *t;          /* first tensor of the chain; NULL for scratch */
    Node *scratch_of;
    Rect *rects;
    int n_rects;
    int64_t bytes;      /* largest rectangle */
    int first, last;
    int64_t offset;
} Buffer;

/* No microcontroller has a gigabyte of RAM: a bigger arena is a hostile or mistaken model,
 * and rejecting it keeps arena offsets far from the runtime's 32-bit limits. */
#define MAX_ARENA_BYTES ((int64_t)1 << 30)
/* Placement keeps one forbidden interval per pair of buffer pieces; bound that memory. */
#define MAX_PLAN_CONFLICTS ((size_t)1 << 23)

typedef struct {
    Graph *g;
    int64_t align;
    Buffer *bufs;
    int count;
    int *group;         /* tensor id -> buffer index, -1 if none */
    int *mode;          /* per step: in-place mode if the node overwrites its input */
    Tensor **members;   /* scratch list for build_tensor_buffers */
} Plan;

static int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/* Storage the arena holds: activations, and with --io-in-arena graph inputs, outputs
 * and the intermediates that are written straight into an output. */
static int in_arena(const Graph *g, const Tensor *t)
{
    if (t->data || t->alias_of || t->slice_of)
        return 0;
    return g->io_in_arena || (!t->is_input && !t->is_output && !t->output_home);
}

/* With I/O in the arena the caller fills inputs before step 0 and reads outputs after
 * the last step. */
static void extend_io(const Graph *g, const Tensor *t, int *first, int *last)
{
    if (!g->io_in_arena || g->n_nodes == 0)
        return;
    if (t->is_input) {
        *first = 0;
        *last = *last < 0 ? 0 : *last;
    }
    if (t->is_output || t->output_home)
        *last = g->n_nodes - 1;
}

static int64_t scratch_of(const Node *n)
{
    return n->op->scratch_bytes ? n->op->scratch_bytes(n) : 0;
}

/* Where t's bytes live: its storage root, or the Concat output it is a slice of. */
static Tensor *home(Tensor *t)
{
    Tensor *r = ir_storage(t);
    while (r->slice_of)
        r = ir_storage(r->slice_of);
    return r;
}

static int64_t home_offset(const Tensor *t)
{
    int64_t off = 0;
    for (const Tensor *r = ir_storage((Tensor *)t); r->slice_of; r = ir_storage(r->slice_of))
        off += r->slice_offset;
    return off;
}

/* An input a producer may write straight into a Concat output: produced by a real
 * kernel, not shared through views or I/O, read once by this Concat. */
static int can_slice(const Graph *g, const Node *n, int i)
{
    Tensor *x = n->inputs[i];
    if (!x->producer || x->producer->op->flags & OPF_VIEW || !in_arena(g, x) ||
        x->is_input || x->is_output || x->output_home)
        return 0;
    for (int j = 0; j < n->n_inputs; j++)
        if (j != i && n->inputs[j] == x)
            return 0;
    for (int k = 0; k < g->n_tensors; k++)
        if (g->tensors[k]->alias_of == x)
            return 0;
    return 1;
}

/* Concat in place: every input of a qualifying Concat becomes a slice of its output. */
static void concat_slices(Graph *g)
{
    for (int i = 0; i < g->n_tensors; i++)
        g->tensors[i]->slice_of = NULL;
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        Tensor *y = n->n_outputs ? n->outputs[0] : NULL;
        if (!n->op->input_slice || !y || !in_arena(g, y))
            continue;
        int ok = 1;
        for (int i = 0; i < n->n_inputs && ok; i++)
            ok = n->inputs[i] && n->op->input_slice(n, i) >= 0 && can_slice(g, n, i);
        for (int i = 0; i < n->n_inputs && ok; i++) {
            n->inputs[i]->slice_of = y;
            n->inputs[i]->slice_offset = n->op->input_slice(n, i);
        }
    }
}

/* first_step/last_step of every storage home (views and slices count as its reads). */
static void liveness(Graph *g)
{
    for (int i = 0; i < g->n_tensors; i++)
        g->tensors[i]->first_step = g->tensors[i]->last_step = -1;
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        for (int j = 0; j < n->n_outputs; j++) {
            Tensor *root = n->outputs[j] ? home(n->outputs[j]) : NULL;
            if (root && root->first_step < 0)
                root->first_step = s;
            if (root)
                root->last_step = s;   /* an unused output still occupies its step */
        }
        for (int j = 0; j < n->n_inputs; j++) {
            if (!n->inputs[j])
                continue;
            Tensor *root = home(n->inputs[j]);
            root->last_step = s > root->last_step ? s : root->last_step;
        }
    }
    for (int i = 0; i < g->n_tensors; i++)
        extend_io(g, g->tensors[i], &g->tensors[i]->first_step, &g->tensors[i]->last_step);
}

/* The input root node n at step s may overwrite with output 0, or NULL. */
static Tensor *in_place_victim(const Graph *g, const Node *n, int s)
{
    if (!n->op->in_place_inputs || n->n_outputs < 1 || !n->outputs[0])
        return NULL;
    const Tensor *y = n->outputs[0];
    if (!in_arena(g, y) || y->first_step != s)
        return NULL;
    unsigned mask = n->op->in_place_inputs(n);
    for (int i = 0; i < n->n_inputs && i < 32; i++) {
        if (!(mask >> i & 1u) || !n->inputs[i])
            continue;
        Tensor *r = ir_storage(n->inputs[i]);
        if (!in_arena(g, r) || r->last_step != s || r->first_step > s)
            continue;
        /* another input reading the same storage must be an allowed one too */
        int ok = 1;
        for (int j = 0; j < n->n_inputs; j++)
            if (j != i && n->inputs[j] && ir_storage(n->inputs[j]) == r && !(mask >> j & 1u))
                ok = 0;
        if (ok)
            return r;
    }
    return NULL;
}

static void add_rect(Plan *p, Buffer *b, const Tensor *t)
{
    b->rects[b->n_rects++] = (Rect){t->first_step, t->last_step, align_up(ir_bytes(t), p->align)};
}

/* Chains in-place tensors into buffers (mode[s]: the in-place mode node s runs in when
 * it overwrites its input); every arena tensor ends in one. */
static void build_tensor_buffers(Plan *p)
{
    Graph *g = p->g;
    for (int i = 0; i < g->n_tensors; i++) {
        g->tensors[i]->reuses = NULL;
        p->group[g->tensors[i]->id] = -1;
    }
    int n_members = 0;   /* arena tensors in birth order; their buffers in p->group */
    for (int i = 0; i < g->n_inputs; i++) {   /* only with --io-in-arena */
        Tensor *t = g->inputs[i];
        if (!in_arena(g, t) || t->first_step < 0)
            continue;
        p->group[t->id] = p->count;
        p->bufs[p->count++] = (Buffer){.t = t};
        p->members[n_members++] = t;
    }
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        if (n->op->set_in_place)
            n->op->set_in_place(n, 0);
        Tensor *victim = in_place_victim(g, n, s);
        if (victim && (!n->op->set_in_place || n->op->set_in_place(n, p->mode[s]) == 0))
            n->outputs[0]->reuses = victim;
        for (int j = 0; j < n->n_outputs; j++) {
            Tensor *t = n->outputs[j] ? home(n->outputs[j]) : NULL;   /* a Concat output is */
            if (!t || !in_arena(g, t) || t->first_step != s || p->group[t->id] >= 0)
                continue;                                             /* born with a slice */
            int b = t->reuses ? p->group[t->reuses->id] : p->count++;
            if (!t->reuses)
                p->bufs[b] = (Buffer){.t = t};
            p->group[t->id] = b;
            p->members[n_members++] = t;
        }
    }
    /* each buffer's rectangles, exactly sized (this runs once per line-buffer switch) */
    for (int k = 0; k < n_members; k++)
        p->bufs[p->group[p->members[k]->id]].n_rects++;
    for (int b = 0; b < p->count; b++) {
        p->bufs[b].rects = arena_array(g->arena, (size_t)p->bufs[b].n_rects, sizeof(Rect));
        p->bufs[b].n_rects = 0;
    }
    for (int k = 0; k < n_members; k++)
        add_rect(p, &p->bufs[p->group[p->members[k]->id]], p->members[k]);
}

static void finish_buffer(Buffer *b)
{
    b->bytes = 0;
    b->first = b->rects[0].first;
    b->last = b->rects[0].last;
    for (int k = 0; k < b->n_rects; k++) {
        b->bytes = b->rects[k].bytes > b->bytes ? b->rects[k].bytes : b->bytes;
        b->first = b->rects[k].first < b->first ? b->rects[k].first : b->first;
        b->last = b->rects[k].last > b->last ? b->rects[k].last : b->last;
    }
}

static void add_scratch_buffers(Plan *p)
{
    Graph *g = p->g;
    for (int s = 0; s < g->n_nodes; s++) {
        Node *n = g->nodes[s];
        int64_t bytes = scratch_of(n);
        n->scratch_offset = -1;
        if (bytes <= 0)
            continue;
        Buffer *b = &p->bufs[p->count++];
        *b = (Buffer){.scratch_of = n, .n_rects = 1};
        b->rects = arena_array(g->arena, 1, sizeof(Rect));
        b->rects[0] = (Rect){s, s, align_up(bytes, p->align)};
    }
    for (int i = 0; i < p->count; i++)
        finish_buffer(&p->bufs[i]);
}

/* Bytes live at step s: each buffer counts its largest rectangle live then. */
static void step_live(const Plan *p, int64_t *live)
{
    memset(live, 0, sizeof *live * (size_t)p->g->n_nodes);
    for (int i = 0; i < p->count; i++) {
        const Buffer *b = &p->bufs[i];
        for (int s = b->first; s <= b->last; s++) {
            int64_t most = 0;
            for (int k = 0; k < b->n_rects; k++)
                if (b->rects[k].first <= s && s <= b->rects[k].last && b->rects[k].bytes > most)
                    most = b->rects[k].bytes;
            live[s] += most;
        }
    }
}

static int64_t max_of(const int64_t *v, int n)
{
    int64_t m = 0;
    for (int i = 0; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

/* Builds the buffers; an in-place conv at a peak step switches to its small-scratch mode
 * when that shrinks its scratch, and the buffers are rebuilt, until no peak step
 * has one left. Modes only go from 1 to 2, so this ends. */
static void build_buffers(Plan *p)
{
    Graph *g = p->g;
    for (int s = 0; s < g->n_nodes; s++)
        p->mode[s] = 1;
    for (;;) {
        p->count = 0;
        build_tensor_buffers(p);
        add_scratch_buffers(p);
        step_live(p, g->step_live);
        int64_t peak = max_of(g->step_live, g->n_nodes);
        int changed = 0;
        for (int s = 0; s < g->n_nodes; s++) {
            Node *n = g->nodes[s];
            if (g->step_live[s] != peak || p->mode[s] != 1 || !n->n_outputs ||
                !n->outputs[0] || !n->outputs[0]->reuses || !n->op->set_in_place)
                continue;
            int64_t before = scratch_of(n);
            if (n->op->set_in_place(n, 2) == 0 && scratch_of(n) < before) {
                p->mode[s] = 2;
                changed = 1;
            } else {
                n->op->set_in_place(n, 1);
            }
        }
        if (!changed)
            return;
    }
}

/* ---- placement ------------------------------------------------------------------------ */

typedef struct {
    int64_t lo, hi;     /* bases in [lo, hi) would overlap */
} Forbid;

static int by_lo(const void *a, const void *b)
{
    const Forbid *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Bases where b would overlap a placed buffer live at the same time. */
static int forbidden(const Buffer *bufs, const int *placed, int n_placed, const Buffer *b,
                     Forbid *out)
{
    int n = 0;
    for (int i = 0; i < n_placed; i++) {
        const Buffer *o = &bufs[placed[i]];
        if (o->last < b->first || b->last < o->first)
            continue;
        for (int x = 0; x < b->n_rects; x++)
            for (int y = 0; y < o->n_rects; y++) {
                const Rect *rb = &b->rects[x], *ro = &o->rects[y];
                if (ro->last < rb->first || rb->last < ro->first)
                    continue;
                out[n++] = (Forbid){o->offset - rb->bytes + 1, o->offset + ro->bytes};
            }
    }
    qsort(out, (size_t)n, sizeof *out, by_lo);
    return n;
}

/* Merges the sorted intervals into disjoint ones; returns their count. */
static int merge(Forbid *f, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (f[i].hi <= f[i].lo)
            continue;
        if (m && f[i].lo <= f[m - 1].hi)
            f[m - 1].hi = f[i].hi > f[m - 1].hi ? f[i].hi : f[m - 1].hi;
        else
            f[m++] = f[i];
    }
    return m;
}

/* The lowest aligned base >= 0 outside every interval (first fit), or with best_fit the
 * feasible base whose free run up to the next interval is shortest (lowest on ties). */
static int64_t choose_base(Forbid *f, int n, int64_t align, int best_fit)
{
    n = merge(f, n);
    int64_t best = -1, best_gap = INT64_MAX;
    for (int c = -1; c < n; c++) {
        int64_t base = c < 0 ? 0 : align_up(f[c].hi, align);
        int k = c + 1;
        while (k < n && f[k].hi <= base)
            k++;
        if (k < n && f[k].lo <= base)
            continue;   /* inside the next interval */
        if (!best_fit)
            return base;   /* candidates rise with c, so the first feasible is lowest */
        int64_t gap = k < n ? f[k].lo - base : INT64_MAX;
        if (best < 0 || gap < best_gap) {
            best = base;
            best_gap = gap;
        }
    }
    return best;
}

/* Places bufs in order; returns the arena size (stops early past `limit`). */
static int64_t place_order(Buffer *bufs, const int *order, int n, int64_t align, int best_fit,
                           Forbid *tmp, int64_t limit)
{
    int64_t top = 0;
    for (int i = 0; i < n; i++) {
        Buffer *b = &bufs[order[i]];
        int nf = forbidden(bufs, order, i, b, tmp);
        b->offset = choose_base(tmp, nf, align, best_fit);
        top = b->offset + b->bytes > top ? b->offset + b->bytes : top;
        if (top > limit)
            return top;
    }
    return top;
}

typedef enum { KEY_SIZE, KEY_LIFETIME, KEY_START, KEY_CONFLICTS } SortKey;

static const Buffer *sort_bufs;
static const int64_t *sort_weight;

static int by_weight(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    if (sort_weight[x] != sort_weight[y])
        return sort_weight[x] < sort_weight[y] ? 1 : -1;
    if (sort_bufs[x].bytes != sort_bufs[y].bytes)
        return sort_bufs[x].bytes < sort_bufs[y].bytes ? 1 : -1;
    return (x > y) - (x < y);
}

/* The buffer order of one strategy (heaviest first, then larger, then index). */
static void strategy_order(const Plan *p, SortKey key, int *order, int64_t *weight)
{
    for (int i = 0; i < p->count; i++) {
        const Buffer *b = &p->bufs[i];
        order[i] = i;
        switch (key) {
        case KEY_SIZE: weight[i] = b->bytes; break;
        case KEY_LIFETIME: weight[i] = b->last - b->first; break;
        case KEY_START: weight[i] = -b->first; break;
        case KEY_CONFLICTS:
            weight[i] = 0;
            for (int j = 0; j < p->count; j++)
                if (j != i && !(p->bufs[j].last < b->first || b->last < p->bufs[j].first))
                    weight[i] += p->bufs[j].bytes;
            break;
        }
    }
    sort_bufs = p->bufs;
    sort_weight = weight;
    qsort(order, (size_t)p->count, sizeof *order, by_weight);
}

/* ---- exact search over placement orders ------------------------------------------------ */

#define SEARCH_MAX_BUFFERS 12
#define SEARCH_NODE_LIMIT 200000

typedef struct {
    Buffer *bufs;
    int n;
    int64_t align, bound, best;
    int order[SEARCH_MAX_BUFFERS], best_order[SEARCH_MAX_BUFFERS];
    int used[SEARCH_MAX_BUFFERS];
    long nodes;
    Forbid *tmp;
} Search;

static void search(Search *s, int depth, int64_t top)
{
    if (s->best == s->bound || ++s->nodes > SEARCH_NODE_LIMIT)
        return;
    if (depth == s->n) {
        s->best = top;
        memcpy(s->best_order, s->order, sizeof s->order);
        return;
    }
    for (int i = 0; i < s->n; i++) {
        if (s->used[i])
            continue;
        Buffer *b = &s->bufs[i];
        int nf = forbidden(s->bufs, s->order, depth, b, s->tmp);
        b->offset = choose_base(s->tmp, nf, s->align, 0);
        int64_t t = b->offset + b->bytes > top ? b->offset + b->bytes : top;
        if (t >= s->best)
            continue;
        s->used[i] = 1;
        s->order[depth] = i;
        search(s, depth + 1, t);
        s->used[i] = 0;
    }
}

/* ---- the pass --------------------------------------------------------------------------- */

static void apply(Plan *p, const int *order, int best_fit, Forbid *tmp)
{
    p->g->arena_bytes = place_order(p->bufs, order, p->count, p->align, best_fit, tmp, INT64_MAX);
}

int pass_plan(Graph *g, const PassOptions *o, Diag *d)
{
    Plan p = {.g = g, .align = o->alignment > 0 ? o->alignment : 16};
    concat_slices(g);
    liveness(g);
    size_t nb = (size_t)(g->n_tensors + g->n_nodes) + 1;
    p.bufs = arena_array(g->arena, nb, sizeof(Buffer));
    p.group = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(int));
    p.mode = arena_array(g->arena, (size_t)g->n_nodes + 1, sizeof(int));
    p.members = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(Tensor *));
    g->step_live = arena_array(g->arena, (size_t)g->n_nodes + 1, sizeof(int64_t));
    build_buffers(&p);
    g->arena_lower_bound = max_of(g->step_live, g->n_nodes);

    static const struct {
        const char *name;
        SortKey key;
        int best_fit;
    } strategies[] = {{"greedy-by-size", KEY_SIZE, 0}, {"greedy-by-lifetime", KEY_LIFETIME, 0},
                      {"interval-colouring", KEY_START, 0},
                      {"greedy-by-conflicts", KEY_CONFLICTS, 0},
                      {"best-fit-by-size", KEY_SIZE, 1}};
    int *order = arena_array(g->arena, nb, sizeof(int));
    int *best_order = arena_array(g->arena, nb, sizeof(int));
    int64_t *weight = arena_array(g->arena, nb, sizeof(int64_t));
    size_t total_rects = 0, most_rects = 0;   /* a buffer meets at most most x total */
    for (int i = 0; i < p.count; i++) {
        total_rects += (size_t)p.bufs[i].n_rects;
        most_rects = (size_t)p.bufs[i].n_rects > most_rects ? (size_t)p.bufs[i].n_rects : most_rects;
    }
    if (most_rects * total_rects > MAX_PLAN_CONFLICTS) {   /* e.g. a very long in-place chain */
        diag_error(d, "the memory plan would compare %zu buffer pieces (limit %lld): the graph "
                   "is too large to plan", most_rects * total_rects, (long long)MAX_PLAN_CONFLICTS);
        return -1;
    }
    Forbid *tmp = arena_array(g->arena, most_rects * total_rects + 1, sizeof(Forbid));
    int64_t best = INT64_MAX;
    int best_strategy = 0;
    for (size_t k = 0; k < KILN_ARRAY_LEN(strategies); k++) {
        strategy_order(&p, strategies[k].key, order, weight);
        int64_t a = place_order(p.bufs, order, p.count, p.align, strategies[k].best_fit, tmp, best);
        if (a < best) {
            best = a;
            best_strategy = (int)k;
            memcpy(best_order, order, sizeof *order * (size_t)p.count);
        }
    }
    g->plan_strategy = strategies[best_strategy].name;
    int best_fit = strategies[best_strategy].best_fit;
    if (p.count <= SEARCH_MAX_BUFFERS && best > g->arena_lower_bound) {
        Search s = {.bufs = p.bufs, .n = p.count, .align = p.align,
                    .bound = g->arena_lower_bound, .best = best, .tmp = tmp};
        search(&s, 0, 0);
        if (s.best < best) {
            memcpy(best_order, s.best_order, sizeof *order * (size_t)p.count);
            best_fit = 0;
            g->plan_strategy = "search";
        }
    }
    apply(&p, best_order, best_fit, tmp);
    for (int i = 0; i < g->n_tensors; i++) {
        Tensor *t = g->tensors[i];
        t->offset = p.group[t->id] >= 0 ? p.bufs[p.group[t->id]].offset : -1;
    }
    for (int i = 0; i < g->n_tensors; i++) {   /* slices: inside their Concat output */
        Tensor *t = g->tensors[i];
        if (t->slice_of)
            t->offset = home(t)->offset + home_offset(t);
    }
    for (int i = 0; i < p.count; i++)
        if (p.bufs[i].scratch_of)
            p.bufs[i].scratch_of->scratch_offset = p.bufs[i].offset;
    if (g->arena_bytes > MAX_ARENA_BYTES) {
        diag_error(d, "the arena would need %lld bytes (limit %lld, 1 GiB): the model's "
                   "intermediate tensors are too large to compile", (long long)g->arena_bytes,
                   (long long)MAX_ARENA_BYTES);
        return -1;
    }
    return 0;
}

/* ---- the checker ------------------------------------------------------------------------ */

/* Liveness recomputed from the nodes alone (not trusting the planner's). */
static void check_liveness(const Graph *g, int *first, int *last)
{
    for (int i = 0; i < g->n_tensors; i++)
        first[i] = last[i] = -1;
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[s];
        for (int j = 0; j < n->n_outputs + n->n_inputs; j++) {
            Tensor *x = j < n->n_outputs ? n->outputs[j] : n->inputs[j - n->n_outputs];
            if (!x)
                continue;
            int id = home(x)->id;
            if (first[id] < 0)
                first[id] = s;
            last[id] = s > last[id] ? s : last[id];
        }
    }
    for (int i = 0; i < g->n_tensors; i++)
        extend_io(g, g->tensors[i], &first[i], &last[i]);
}

/* b overwrote a in place at the step where a dies and b is born, at a's address, and
 * b's producer allows output 0 to start at an input stored in a. */
static int valid_in_place(const Graph *g, const Tensor *a, const Tensor *b, const int *first,
                          const int *last)
{
    if (b->reuses != a || a->offset != b->offset || last[a->id] != first[b->id])
        return 0;
    const Node *n = g->nodes[first[b->id]];
    if (n->outputs[0] != b || !n->op->in_place_inputs)
        return 0;
    if (n->op->set_in_place && (!n->op->in_place_mode || n->op->in_place_mode(n) == 0))
        return 0;   /* the kernel was not switched to its in-place mode */
    unsigned mask = n->op->in_place_inputs(n);
    int reads = 0, allowed = 1;
    for (int i = 0; i < n->n_inputs; i++) {
        if (!n->inputs[i] || ir_storage(n->inputs[i]) != a)
            continue;
        reads = 1;
        allowed &= i < 32 && (mask >> i & 1u);
    }
    return reads && allowed;
}

/* A Concat input placed inside the output: at the offset its Concat gives that input,
 * within the output's bytes (the output's lifetime covers every read of the slice). */
static int valid_slice(const Graph *g, const Tensor *a)
{
    Tensor *y = a->slice_of;
    if (a->offset != home((Tensor *)a)->offset + home_offset(a) ||
        a->slice_offset < 0 || a->slice_offset + ir_bytes(a) > ir_bytes(y))
        return 0;
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[s];
        if (!n->n_outputs || n->outputs[0] != y || !n->op->input_slice)
            continue;
        for (int i = 0; i < n->n_inputs; i++)
            if (n->inputs[i] == a && n->op->input_slice(n, i) == a->slice_offset)
                return 1;
    }
    return 0;
}

int plan_check(const Graph *g, Diag *d)
{
    int bad = 0;
    int *first = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(int));
    int *last = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(int));
    check_liveness(g, first, last);
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *a = g->tensors[i];
        if (a->offset < 0)
            continue;
        if (a->slice_of) {
            if (!valid_slice(g, a)) {
                diag_error(d, "plan: '%s' is not at its slice of '%s'", a->name, a->slice_of->name);
                bad++;
            }
            continue;
        }
        if (!in_arena(g, a) || first[a->id] < 0) {
            diag_error(d, "plan: '%s' has an arena offset but no arena storage", a->name);
            bad++;
            continue;
        }
        if (a->offset % g->alignment || a->offset + ir_bytes(a) > g->arena_bytes) {
            diag_error(d, "plan: tensor '%s' is misaligned or ends past the arena", a->name);
            bad++;
        }
        for (int j = i + 1; j < g->n_tensors; j++) {
            const Tensor *b = g->tensors[j];
            if (b->offset < 0 || b->slice_of || first[b->id] < 0 || last[a->id] < first[b->id] ||
                last[b->id] < first[a->id])
                continue;
            if (a->offset < b->offset + ir_bytes(b) && b->offset < a->offset + ir_bytes(a) &&
                !valid_in_place(g, a, b, first, last) && !valid_in_place(g, b, a, first, last)) {
                diag_error(d, "plan: '%s' and '%s' are live together and overlap", a->name,
                           b->name);
                bad++;
            }
        }
        for (int s = first[a->id]; s <= last[a->id]; s++) {
            const Node *n = g->nodes[s];
            int64_t sb = scratch_of(n);
            if (sb > 0 && a->offset < n->scratch_offset + sb && n->scratch_offset < a->offset + ir_bytes(a)) {
                diag_error(d, "plan: '%s' overlaps the scratch of step %d", a->name, s);
                bad++;
            }
        }
    }
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[s];
        /* an in-place kernel mode reads its input from the output's address */
        if (n->op->in_place_mode && n->op->in_place_mode(n) &&
            (!n->outputs[0]->reuses || ir_storage(n->inputs[0]) != n->outputs[0]->reuses ||
             n->outputs[0]->offset != n->outputs[0]->reuses->offset)) {
            diag_error(d, "plan: step %d runs in place but its output does not start at its "
                       "input", s);
            bad++;
        }
        int64_t sb = scratch_of(n);
        if (sb > 0 && (n->scratch_offset < 0 || n->scratch_offset % g->alignment ||
                       n->scratch_offset + sb > g->arena_bytes)) {
            diag_error(d, "plan: the scratch of step %d lies outside the arena", s);
            bad++;
        }
    }
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = g->tensors[i];
        if (in_arena(g, t) && first[t->id] >= 0 && t->offset < 0) {
            diag_error(d, "plan: '%s' needs arena storage but has none", t->name);
            bad++;
        }
    }
    return bad;
}
