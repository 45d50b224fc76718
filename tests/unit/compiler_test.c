/* SPDX-License-Identifier: MIT */
/* Compiler unit tests: option parsing, broadcasting, .npy round trip, the pipeline's
 * rewrites (BN folding, activation fusion, views) and the memory plan checker run on
 * every golden model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>
#include <limits.h>
#include <string.h>

#include "ops.h"
#include "passes.h"
#include "pipeline.h"

static void shape_override_parses(void **state)
{
    ShapeOverride s;
    Diag d = {.quiet = 1};
    assert_int_equal(fe_parse_shape_override("input=1x3x96x96", &s, &d), 0);
    assert_string_equal(s.name, "input");
    assert_int_equal(s.rank, 4);
    assert_int_equal(s.dims[3], 96);
    assert_int_equal(fe_parse_shape_override("x=1x0", &s, &d), -1);
    assert_int_equal(fe_parse_shape_override("x=", &s, &d), -1);
    assert_int_equal(fe_parse_shape_override("noequals", &s, &d), -1);
}

static void broadcast_shapes_and_strides(void **state)
{
    Node n = {.name = "n", .op_type = "Add"};
    Tensor a = {.rank = 4, .dims = {2, 3, 4, 5}}, b = {.rank = 3, .dims = {3, 1, 1}};
    int rank;
    int64_t dims[IR_MAX_RANK];
    Diag d = {.quiet = 1};
    assert_int_equal(op_broadcast_shape(&n, &a, &b, &rank, dims, &d), 0);
    assert_int_equal(rank, 4);
    int32_t strides[IR_MAX_RANK];
    op_broadcast_strides(&b, rank, strides);
    assert_int_equal(strides[0], 0);
    assert_int_equal(strides[1], 1);
    assert_int_equal(strides[2], 0);
    assert_int_equal(strides[3], 0);
    Tensor c = {.rank = 2, .dims = {4, 6}};
    assert_int_equal(op_broadcast_shape(&n, &a, &c, &rank, dims, &d), -1);
    assert_int_equal(d.errors, 1);
}

static void npy_round_trip(void **state)
{
    Arena *a = arena_new();
    float v[6] = {1, -2, 3.5f, 0, 1e-3f, 7};
    Tensor t = {.dtype = DT_F32, .rank = 2, .dims = {2, 3}, .data = v};
    Diag d = {.quiet = 1};
    char path[] = "/tmp/kiln_npy_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(fe_write_npy(path, &t, &d), 0);
    Tensor r = {0};
    assert_int_equal(fe_read_npy(path, a, &r, &d), 0);
    assert_int_equal(r.dtype, DT_F32);
    assert_int_equal(r.rank, 2);
    assert_int_equal(r.dims[1], 3);
    assert_memory_equal(r.data, v, sizeof v);
    remove(path);
    arena_free(a);
}

static Graph *compile_model(const char *path)
{
    Options o = {.model = path};
    Diag d = {.file = path};
    return pipeline_compile(&o, &d);
}

static int count_op(const Graph *g, const char *op)
{
    int c = 0;
    for (int i = 0; i < g->n_nodes; i++)
        c += !strcmp(g->nodes[i]->op->name, op);
    return c;
}

static void bn_folded_and_relu_fused(void **state)
{
    Graph *g = compile_model("examples/digits/model.onnx");
    assert_non_null(g);
    assert_int_equal(count_op(g, "BatchNormalization"), 0);
    assert_int_equal(count_op(g, "Relu"), 0);
    assert_int_equal(count_op(g, "Conv"), 2);
    for (int i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i]->op->name, "Conv"))
            assert_int_equal(g->nodes[i]->op->act_slot(g->nodes[i])->kind, KILN_ACT_RELU);
    ir_graph_free(g);
    g = compile_model("tests/golden/mlperf_ad_fc_autoencoder/model.onnx");
    assert_non_null(g);
    assert_int_equal(count_op(g, "BatchNormalization"), 0);
    ir_graph_free(g);
}

static void views_take_no_memory(void **state)
{
    Graph *g = compile_model("examples/digits/model.onnx");
    assert_non_null(g);
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        if (n->op->flags & OPF_VIEW) {
            assert_non_null(n->outputs[0]->alias_of);
            assert_int_equal(n->outputs[0]->offset, -1);
        }
    }
    ir_graph_free(g);
}

static void plans_are_valid_on_every_golden_model(void **state)
{
    DIR *dir = opendir("tests/golden");
    assert_non_null(dir);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(dir))) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "tests/golden/%s/model.onnx", e->d_name);
        if (!path_exists(path))
            continue;
        Graph *g = compile_model(path);
        assert_non_null(g);
        Diag d = {.file = path};
        assert_int_equal(plan_check(g, &d), 0);
        ir_graph_free(g);
        checked++;
    }
    closedir(dir);
    assert_true(checked > 100);
}

/* int8 plans: every one passes the checker; DS-CNN's int8 convs run in place (1x1 and
 * depthwise), ResNet-8's residual Adds accumulate in place, and DS-CNN's arena drops to
 * at most 0.6x the file order's bound. */
static Graph *compile_int8(const char *model, const char *calib)
{
    Options o = {.model = model, .quantize = "int8", .calib = {calib}, .n_calib = 1};
    Diag d = {.file = model};
    return pipeline_compile(&o, &d);
}

static int count_in_place(const Graph *g, const char *op)
{
    int c = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        c += !strcmp(n->op->name, op) && n->n_outputs && n->outputs[0]->reuses &&
             (!n->op->in_place_mode || n->op->in_place_mode(n));
    }
    return c;
}

static void int8_plans_run_in_place(void **state)
{
    Graph *g = compile_int8("tests/golden/mlperf_kws_dscnn/model.onnx",
                            "tests/quant/mlperf_kws_dscnn_calib.npy");
    assert_non_null(g);
    Diag d = {.file = "kws int8"};
    assert_int_equal(plan_check(g, &d), 0);
    assert_true(count_in_place(g, "Conv.s8") >= 8);   /* 4 depthwise, 4 pointwise */
    assert_true(g->arena_bytes * 10 <= g->file_order_bound * 6);
    ir_graph_free(g);
    g = compile_int8("tests/golden/mlperf_ic_resnet8/model.onnx",
                     "tests/quant/mlperf_ic_resnet8_calib.npy");
    assert_non_null(g);
    d = (Diag){.file = "resnet8 int8"};
    assert_int_equal(plan_check(g, &d), 0);
    assert_true(count_in_place(g, "Add.s8") >= 2);
    ir_graph_free(g);
}

static void unsupported_ops_listed_together(void **state)
{
    Diag d = {.quiet = 1};
    Graph *g = fe_load_onnx("tests/malformed/unknown_ops.onnx", NULL, 0, &d);
    assert_null(g);
    assert_int_equal(d.errors, 1);   /* one error naming both ops */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shape_override_parses),
        cmocka_unit_test(broadcast_shapes_and_strides),
        cmocka_unit_test(npy_round_trip),
        cmocka_unit_test(bn_folded_and_relu_fused),
        cmocka_unit_test(views_take_no_memory),
        cmocka_unit_test(plans_are_valid_on_every_golden_model),
        cmocka_unit_test(int8_plans_run_in_place),
        cmocka_unit_test(unsupported_ops_listed_together),
    };
    return cmocka_run_group_tests_name("compiler", tests, NULL, NULL);
}
