/* SPDX-License-Identifier: MIT */
/* Robustness unit tests: the protobuf wire-format pre-scan (nesting bound, lengths,
 * truncation), mistyped attributes, the tensor-name index and the fold budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "onnx_internal.h"
#include "ops.h"
#include "passes.h"

/* Appends a length-delimited field (number, payload) to out; returns the new length. */
static size_t put_field(uint8_t *out, unsigned num, const uint8_t *payload, size_t len)
{
    size_t n = 0;
    uint64_t key = (uint64_t)num << 3 | 2;
    for (uint64_t v = key; ; v >>= 7) {
        out[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    for (uint64_t v = len; ; v >>= 7) {
        out[n++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    memmove(out + n, payload, len);
    return n + len;
}

/* ModelProto.graph holding `levels` of Graph.node -> Node.attribute -> Attribute.g. */
static size_t nested_model(uint8_t *buf, size_t cap, int levels)
{
    static uint8_t tmp[1 << 16];
    size_t len = 0;
    for (int i = 0; i < levels; i++) {
        len = put_field(tmp, 6, buf, len);      /* AttributeProto.g */
        len = put_field(buf, 5, tmp, len);      /* NodeProto.attribute */
        len = put_field(tmp, 1, buf, len);      /* GraphProto.node */
        memcpy(buf, tmp, len);
        assert_true(len < cap / 2);
    }
    len = put_field(tmp, 7, buf, len);          /* ModelProto.graph */
    memcpy(buf, tmp, len);
    return len;
}

static void prescan_bounds_nesting_depth(void **state)
{
    static uint8_t buf[1 << 16];
    Diag d = {.quiet = 1};
    /* 21 levels of 3 messages + the graph = depth 64: accepted; one more level is not */
    size_t len = nested_model(buf, sizeof buf, 21);
    assert_int_equal(fe_pb_prescan(buf, len, &onnx__model_proto__descriptor, &d), 0);
    len = nested_model(buf, sizeof buf, 22);
    assert_int_equal(fe_pb_prescan(buf, len, &onnx__model_proto__descriptor, &d), -1);
    assert_int_equal(d.errors, 1);
}

static void prescan_rejects_bad_framing(void **state)
{
    Diag d = {.quiet = 1};
    const ProtobufCMessageDescriptor *m = &onnx__model_proto__descriptor;
    static const uint8_t ok[] = {0x08, 0x08};                   /* ir_version = 8 */
    static const uint8_t long_len[] = {0x3a, 0x05, 0x0a, 0x00}; /* graph: 5 bytes, 2 there */
    static const uint8_t cut_varint[] = {0x08, 0x80};           /* varint never ends */
    static const uint8_t group[] = {0x0b};                      /* wire type 3 */
    static const uint8_t field0[] = {0x00, 0x01};               /* field number 0 */
    assert_int_equal(fe_pb_prescan(ok, sizeof ok, m, &d), 0);
    assert_int_equal(fe_pb_prescan(long_len, sizeof long_len, m, &d), -1);
    assert_int_equal(fe_pb_prescan(cut_varint, sizeof cut_varint, m, &d), -1);
    assert_int_equal(fe_pb_prescan(group, sizeof group, m, &d), -1);
    assert_int_equal(fe_pb_prescan(field0, sizeof field0, m, &d), -1);
    assert_int_equal(d.errors, 4);
}

static void mistyped_attribute_is_an_error(void **state)
{
    Graph *g = ir_graph_new("t.onnx");
    Node *n = ir_node_new(g, "conv0", "Conv", 1, 1);
    Attr attrs[1] = {{.name = "strides", .type = ATTR_INT, .i = 2}};
    n->attrs = attrs;
    n->n_attrs = 1;
    int64_t v[2];
    assert_int_equal(ir_attr_ints(n, "strides", v, 2), -1);   /* not INTS: no value */
    Diag d = {.quiet = 1};
    assert_int_equal(op_check_unused_attrs(n, &d), -1);       /* ... and reported */
    attrs[0].type = ATTR_INTS;
    attrs[0].mistyped = 0;
    int64_t two[2] = {2, 2};
    attrs[0].ints = two;
    attrs[0].n = 2;
    assert_int_equal(ir_attr_ints(n, "strides", v, 2), 2);
    assert_int_equal(op_check_unused_attrs(n, &d), 0);
    ir_graph_free(g);
}

static void tensor_index_finds_first_of_each_name(void **state)
{
    Graph *g = ir_graph_new("t.onnx");
    char name[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof name, "t%d", i);
        ir_tensor_new(g, name);
    }
    Tensor *dup = ir_tensor_new(g, "t17");
    assert_int_equal(ir_tensor_find(g, "t4999")->id, 4999);
    assert_int_equal(ir_tensor_find(g, "t17")->id, 17);
    assert_true(dup->id == 5000);
    assert_null(ir_tensor_find(g, "t5000"));
    assert_null(ir_tensor_find(g, ""));
    ir_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prescan_bounds_nesting_depth),
        cmocka_unit_test(prescan_rejects_bad_framing),
        cmocka_unit_test(mistyped_attribute_is_an_error),
        cmocka_unit_test(tensor_index_finds_first_of_each_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
