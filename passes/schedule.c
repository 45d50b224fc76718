/* SPDX-License-Identifier: MIT */
/* Scheduling for memory: on graphs with branches (residuals, concats) the order of the
 * independent nodes changes how many activations are alive together.
 *
 * Candidate orders: the file's order, and a greedy list schedule that repeatedly runs,
 * among the nodes whose inputs are ready, the one that adds the fewest live bytes (its
 * outputs and scratch, minus the inputs it is the last reader of; ties: file order).
 * Each order is scored by its peak of simultaneously live arena bytes (every tensor in
 * its own buffer, scratch included); the lower peak wins, the file order on ties, so a
 * chain keeps its order and the result is deterministic. The file order's peak is kept
 * as Graph.file_order_bound, the reference the planner's result is measured against. */
#include "passes.h"
#include "ops.h"

#include <string.h>

static int in_arena(const Tensor *t)
{
    return !t->data && !t->is_input && !t->is_output && !t->alias_of && !t->output_home;
}

static int64_t scratch_of(const Node *n)
{
    return n->op->scratch_bytes ? n->op->scratch_bytes(n) : 0;
}

static int64_t align_up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

/* Peak live bytes of the order (node indices into g->nodes), each buffer aligned. */
static int64_t order_peak(const Graph *g, const int *order, int *last, int64_t align)
{
    for (int i = 0; i < g->n_tensors; i++)
        last[i] = -1;
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[order[s]];
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j])
                last[ir_storage(n->inputs[j])->id] = s;
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j] && last[ir_storage(n->outputs[j])->id] < s)
                last[ir_storage(n->outputs[j])->id] = s;
    }
    int64_t live = 0, peak = 0;
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[order[s]];
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j] && in_arena(n->outputs[j]))
                live += align_up(ir_bytes(n->outputs[j]), align);
        int64_t here = live + align_up(scratch_of(n), align);
        peak = here > peak ? here : peak;
        for (int i = 0; i < g->n_tensors; i++)
            if (last[i] == s && in_arena(g->tensors[i]))
                live -= align_up(ir_bytes(g->tensors[i]), align);
    }
    return peak;
}

/* Unscheduled readers of each storage root. */
static void count_readers(const Graph *g, int *readers)
{
    memset(readers, 0, sizeof *readers * (size_t)g->n_tensors);
    for (int s = 0; s < g->n_nodes; s++)
        for (int j = 0; j < g->nodes[s]->n_inputs; j++)
            if (g->nodes[s]->inputs[j])
                readers[ir_storage(g->nodes[s]->inputs[j])->id]++;
}

/* Every input is a constant, a graph input or the output of a scheduled node. */
static int ready(const Node *n, const unsigned char *done_tensor)
{
    for (int j = 0; j < n->n_inputs; j++) {
        const Tensor *x = n->inputs[j];
        if (x && !x->data && !x->is_input && !done_tensor[x->id])
            return 0;
    }
    return 1;
}

/* Bytes node n adds to the live set if run now. */
static int64_t growth(const Node *n, const int *readers)
{
    int64_t grow = scratch_of(n);
    for (int j = 0; j < n->n_outputs; j++)
        if (n->outputs[j] && in_arena(n->outputs[j]))
            grow += ir_bytes(n->outputs[j]);
    for (int j = 0; j < n->n_inputs; j++) {
        Tensor *x = n->inputs[j];
        if (!x || !in_arena(ir_storage(x)))
            continue;
        int uses = 0;   /* how many of n's own inputs read this root */
        for (int k = 0; k < n->n_inputs; k++)
            uses += n->inputs[k] && ir_storage(n->inputs[k]) == ir_storage(x);
        int first = 1;
        for (int k = 0; k < j; k++)
            first &= !(n->inputs[k] && ir_storage(n->inputs[k]) == ir_storage(x));
        if (first && readers[ir_storage(x)->id] == uses)
            grow -= ir_bytes(ir_storage(x));
    }
    return grow;
}

static void greedy_order(Graph *g, int *order, int *readers, unsigned char *done_node,
                         unsigned char *done_tensor)
{
    count_readers(g, readers);
    memset(done_node, 0, (size_t)g->n_nodes);
    memset(done_tensor, 0, (size_t)g->n_tensors);
    for (int s = 0; s < g->n_nodes; s++) {
        int best = -1;
        int64_t best_grow = 0;
        for (int i = 0; i < g->n_nodes; i++) {
            if (done_node[i] || !ready(g->nodes[i], done_tensor))
                continue;
            int64_t grow = growth(g->nodes[i], readers);
            if (best < 0 || grow < best_grow) {
                best = i;
                best_grow = grow;
            }
        }
        if (best < 0)
            KILN_UNREACHABLE("no ready node: the graph is not topologically sortable");
        Node *n = g->nodes[best];
        order[s] = best;
        done_node[best] = 1;
        for (int j = 0; j < n->n_outputs; j++)
            if (n->outputs[j])
                done_tensor[n->outputs[j]->id] = 1;
        for (int j = 0; j < n->n_inputs; j++)
            if (n->inputs[j])
                readers[ir_storage(n->inputs[j])->id]--;
    }
}

int pass_schedule(Graph *g, const PassOptions *o, Diag *d)
{
    int64_t align = o->alignment > 0 ? o->alignment : 16;
    int *file = arena_array(g->arena, (size_t)g->n_nodes, sizeof(int));
    int *greedy = arena_array(g->arena, (size_t)g->n_nodes, sizeof(int));
    int *scratch = arena_array(g->arena, (size_t)g->n_tensors + 1, sizeof(int));
    unsigned char *done_node = arena_alloc(g->arena, (size_t)g->n_nodes + 1);
    unsigned char *done_tensor = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    for (int i = 0; i < g->n_nodes; i++)
        file[i] = i;
    g->file_order_bound = order_peak(g, file, scratch, align);
    greedy_order(g, greedy, scratch, done_node, done_tensor);
    if (order_peak(g, greedy, scratch, align) >= g->file_order_bound)
        return 0;
    Node **nodes = arena_array(g->arena, (size_t)g->n_nodes, sizeof(Node *));
    for (int s = 0; s < g->n_nodes; s++)
        nodes[s] = g->nodes[greedy[s]];
    memcpy(g->nodes, nodes, sizeof *nodes * (size_t)g->n_nodes);
    return 0;
}
