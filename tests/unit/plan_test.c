/* SPDX-License-Identifier: MIT */
/* Memory planner property tests: thousands of random DAGs (elementwise ops, residual
 * adds, views, concats, pointwise and depthwise convs, stride 2, several outputs) from a fixed
 * seed are planned and every plan must pass plan_check, be at least the lower bound and
 * be reproducible; plus hand-made cases that the checker must reject. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "passes.h"

typedef struct { uint32_t s; } Rng;

static uint32_t rnd(Rng *r, uint32_t n)
{
    r->s = r->s * 1664525u + 1013904223u;
    return (r->s >> 8) % n;
}

static Tensor *weight(Graph *g, int64_t co, int64_t ci, int64_t k, Rng *r)
{
    Tensor *w = ir_tensor_new(g, arena_printf(g->arena, "w%d", g->n_tensors));
    int64_t dims[4] = {co, ci, k, k};
    ir_set_shape(w, DT_F32, 4, dims);
    float *v = ir_alloc_data(g, w);
    for (int64_t i = 0; i < ir_numel(w); i++)
        v[i] = (float)rnd(r, 100) / 50.0f - 1.0f;
    return w;
}

static Node *node(Graph *g, const char *op, int n_in)
{
    Node *n = ir_node_new(g, arena_printf(g->arena, "n%d", g->n_nodes), op, n_in, 1);
    n->op = op_find(op);
    n->opset = 13;
    n->attrs = arena_array(g->arena, 4, sizeof(Attr));
    Tensor *y = ir_tensor_new(g, arena_printf(g->arena, "t%d", g->n_tensors));
    y->producer = n;
    n->outputs[0] = y;
    return n;
}

static void int_attr(Graph *g, Node *n, const char *name, int64_t v)
{
    n->attrs[n->n_attrs++] = (Attr){.name = name, .type = ATTR_INT, .i = v};
}

static void ints_attr(Graph *g, Node *n, const char *name, int64_t v, int count)
{
    int64_t *ints = arena_array(g->arena, (size_t)count, sizeof(int64_t));
    for (int i = 0; i < count; i++)
        ints[i] = v;
    n->attrs[n->n_attrs++] = (Attr){.name = name, .type = ATTR_INTS, .ints = ints, .n = count};
}

/* A random tensor produced so far with the same shape as t (or t itself). */
static Tensor *same_shape(Graph *g, Tensor **made, int n_made, Tensor *t, Rng *r)
{
    for (int tries = 0; tries < 8; tries++) {
        Tensor *c = made[rnd(r, (uint32_t)n_made)];
        if (ir_same_shape(c, t))
            return c;
    }
    return t;
}

/* A random graph: one 1xCxHxW input, 2-30 nodes, each reading recent tensors. */
static Graph *random_graph(Rng *r)
{
    Graph *g = ir_graph_new("random.onnx");
    g->opset = 13;
    g->name = "random";
    g->inputs = arena_array(g->arena, 2, sizeof(Tensor *));
    g->outputs = arena_array(g->arena, 3, sizeof(Tensor *));
    Tensor *x = ir_tensor_new(g, "x");
    int64_t dims[4] = {1, 4 + 4 * rnd(r, 2), 4 + rnd(r, 6), 4 + rnd(r, 6)};
    ir_set_shape(x, DT_F32, 4, dims);
    x->is_input = 1;
    g->inputs[g->n_inputs++] = x;
    Tensor *made[64];
    int n_made = 0;
    made[n_made++] = x;
    int count = 2 + (int)rnd(r, 29);
    for (int i = 0; i < count; i++) {
        /* read one of the last few tensors, so chains and branches both occur */
        Tensor *a = made[n_made - 1 - (int)rnd(r, (uint32_t)(n_made < 4 ? n_made : 4))];
        int64_t c = a->dims[1];
        Node *n;
        switch (rnd(r, 8)) {
        case 0:
            n = node(g, rnd(r, 2) ? "Relu" : "Sigmoid", 1);
            n->inputs[0] = a;
            break;
        case 1:
        case 2:
            n = node(g, rnd(r, 3) ? "Add" : "Mul", 2);
            n->inputs[0] = a;
            n->inputs[1] = same_shape(g, made, n_made, a, r);
            break;
        case 3:
            n = node(g, "Identity", 1);
            n->inputs[0] = a;
            break;
        case 7: {   /* axis 1 of two maps of the same size: in place when possible */
            Tensor *b = made[rnd(r, (uint32_t)n_made)];
            if (b->dims[2] != a->dims[2] || b->dims[3] != a->dims[3] || a->dims[1] + b->dims[1] > 16)
                b = a;
            n = node(g, "Concat", 2);
            n->inputs[0] = a;
            n->inputs[1] = b;
            int_attr(g, n, "axis", 1);
            break;
        }
        case 4: {
            n = node(g, "Conv", 2);
            n->inputs[0] = a;
            n->inputs[1] = weight(g, rnd(r, 2) ? c : c == 4 ? 8 : 4, c, 1, r);
            break;
        }
        default: {
            int stride = a->dims[2] > 4 && rnd(r, 3) == 0 ? 2 : 1;
            n = node(g, "Conv", 2);
            n->inputs[0] = a;
            n->inputs[1] = weight(g, c, 1, 3, r);
            int_attr(g, n, "group", c);
            ints_attr(g, n, "pads", 1, 4);
            ints_attr(g, n, "strides", stride, 2);
            break;
        }
        }
        if (pass_shapes(g, &(PassOptions){.max_fold_bytes = 1 << 20, .alignment = 16},
                        &(Diag){.quiet = 1}))
            fail_msg("random graph %d does not infer", i);
        made[n_made++] = n->outputs[0];
    }
    Tensor *last = made[n_made - 1];
    last->is_output = 1;
    g->outputs[g->n_outputs++] = last;
    Tensor *extra = made[1 + rnd(r, (uint32_t)(n_made - 1))];
    if (!extra->is_output && rnd(r, 3) == 0) {
        extra->is_output = 1;
        g->outputs[g->n_outputs++] = extra;
    }
    return g;
}

static int plan_graph(Graph *g, int64_t align)
{
    PassOptions po = {.max_fold_bytes = 1 << 20, .alignment = align};
    Diag d = {.quiet = 1};
    g->alignment = align;
    return pass_views(g, &po, &d) || pass_plan(g, &po, &d);
}

/* 3000 random graphs (a quarter with inputs and outputs in the arena): every plan checks, is at least the lower bound and comes out the
 * same when planned again. In-place reuse must actually happen, and most plans must
 * reach the lower bound. */
static void random_plans_are_valid(void **state)
{
    Rng r = {20261121u};
    int in_place = 0, at_bound = 0, slices = 0, moved_slice = 0;
    for (int k = 0; k < 3000; k++) {
        Graph *g = random_graph(&r);
        int64_t align = k % 3 == 0 ? 4 : 16;
        g->io_in_arena = k % 4 == 1;
        assert_int_equal(plan_graph(g, align), 0);
        Diag d = {.file = "random.onnx"};
        if (plan_check(g, &d)) {
            ir_dump(g, stdout);
            fail_msg("random graph %d: invalid plan", k);
        }
        assert_true(g->arena_bytes >= g->arena_lower_bound);
        at_bound += g->arena_bytes == g->arena_lower_bound;
        int64_t *offsets = malloc(sizeof(int64_t) * (size_t)g->n_tensors);
        for (int i = 0; i < g->n_tensors; i++) {
            offsets[i] = g->tensors[i]->offset;
            in_place += g->tensors[i]->reuses != NULL;
            slices += g->tensors[i]->slice_of != NULL;
        }
        for (int i = 0; i < g->n_tensors && !moved_slice; i++) {
            Tensor *t = g->tensors[i];
            if (!t->slice_of)
                continue;
            t->offset += align;   /* a slice away from its place must be caught */
            assert_true(plan_check(g, &(Diag){.quiet = 1}) > 0);
            t->offset -= align;
            moved_slice = 1;
        }
        int64_t arena = g->arena_bytes;
        assert_int_equal(pass_plan(g, &(PassOptions){.alignment = align}, &d), 0);
        assert_int_equal(g->arena_bytes, arena);
        for (int i = 0; i < g->n_tensors; i++)
            assert_int_equal(g->tensors[i]->offset, offsets[i]);
        free(offsets);
        ir_graph_free(g);
    }
    printf("  %d in-place tensors, %d concat slices, %d of 3000 plans at the lower bound\n",
           in_place, slices, at_bound);
    assert_true(in_place > 1000);
    assert_true(slices > 300 && moved_slice);
    assert_true(at_bound > 1500);
}

/* The checker rejects overlapping live tensors, in-place reuse the op does not allow,
 * and tensors outside the arena. */
static void checker_rejects_bad_plans(void **state)
{
    Rng r = {7u};
    Graph *g = ir_graph_new("bad.onnx");
    g->opset = 13;
    g->inputs = arena_array(g->arena, 2, sizeof(Tensor *));
    g->outputs = arena_array(g->arena, 2, sizeof(Tensor *));
    Tensor *x = ir_tensor_new(g, "x");
    int64_t dims[4] = {1, 4, 5, 5};
    ir_set_shape(x, DT_F32, 4, dims);
    x->is_input = 1;
    g->inputs[g->n_inputs++] = x;
    Node *a = node(g, "Relu", 1);
    a->inputs[0] = x;
    Node *b = node(g, "Conv", 2);   /* 3x3 conv: may not run in place */
    b->inputs[0] = a->outputs[0];
    b->inputs[1] = weight(g, 4, 4, 3, &r);
    ints_attr(g, b, "pads", 1, 4);
    Node *c = node(g, "Add", 2);
    c->inputs[0] = b->outputs[0];
    c->inputs[1] = a->outputs[0];
    c->outputs[0]->is_output = 1;
    g->outputs[g->n_outputs++] = c->outputs[0];
    assert_int_equal(pass_shapes(g, &(PassOptions){.alignment = 16}, &(Diag){.quiet = 1}), 0);
    assert_int_equal(plan_graph(g, 16), 0);
    Diag d = {.quiet = 1};
    assert_int_equal(plan_check(g, &d), 0);
    Tensor *t1 = a->outputs[0], *t2 = b->outputs[0];
    assert_int_not_equal(t1->offset, t2->offset);   /* both live at the Add */
    int64_t keep = t2->offset;
    t2->offset = t1->offset;
    assert_true(plan_check(g, &d) > 0);
    t2->reuses = t1;   /* claiming in-place does not help: Conv 3x3 forbids it */
    assert_true(plan_check(g, &d) > 0);
    t2->reuses = NULL;
    t2->offset = keep;
    g->arena_bytes -= 16;
    assert_true(plan_check(g, &d) > 0);
    g->arena_bytes += 16;
    assert_int_equal(plan_check(g, &d), 0);
    /* a kernel left in its in-place mode while the output has its own buffer */
    b->op->set_in_place(b, KILN_CONV_IN_PLACE);
    assert_true(plan_check(g, &d) > 0);
    b->op->set_in_place(b, KILN_CONV_SEPARATE);
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_plans_are_valid),
        cmocka_unit_test(checker_rejects_bad_plans),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
