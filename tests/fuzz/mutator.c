/* SPDX-License-Identifier: MIT */
/* Structure-aware mutations for the fuzz target: half the time, decode the input as an
 * ONNX ModelProto (protobuf-c), change one thing a hostile model would change (an op type,
 * an attribute value, a tensor's dims or type, an input's shape, which tensor a node
 * reads) to an "interesting" value, and encode it again. Byte-level mutations alone spend
 * most of their time breaking the protobuf framing; these reach the passes directly. The
 * other half (and whenever decoding fails) is libFuzzer's own mutation. */
#include "onnx.pb-c.h"
#include "ops.h"
#include "onnx_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

static uint64_t rng_state;

static unsigned pick(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (unsigned)(rng_state % n) : 0;
}

static int64_t interesting_int(void)
{
    static const int64_t v[] = {0, 1, -1, 2, 3, 7, 64, 255, 65536, INT32_MAX, (int64_t)INT32_MAX + 1,
                                INT32_MIN, (int64_t)1 << 40, (int64_t)1 << 62, INT64_MAX, INT64_MIN};
    return v[pick(KILN_ARRAY_LEN(v))];
}

static float interesting_float(void)
{
    static const float v[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-30f, 1e30f, 3.4e38f, NAN, INFINITY,
                              -INFINITY};
    return v[pick(KILN_ARRAY_LEN(v))];
}

static void set_string(char **field, const char *value)
{
    free(*field);   /* unpacked with the default allocator: plain malloc/free */
    *field = strdup(value);
}

static void mutate_attribute(Onnx__AttributeProto *a)
{
    if (a->n_ints && pick(2))
        a->ints[pick((unsigned)a->n_ints)] = interesting_int();
    else if (a->n_floats && pick(2))
        a->floats[pick((unsigned)a->n_floats)] = interesting_float();
    else if (pick(2))
        a->i = interesting_int();
    else
        a->f = interesting_float();
}

static void mutate_tensor(Onnx__TensorProto *t)
{
    if (t->n_dims && pick(3))
        t->dims[pick((unsigned)t->n_dims)] = pick(2) ? interesting_int() : (int64_t)pick(9);
    else
        t->data_type = (int32_t)pick(17);
}

/* A name some node, input or initializer of the graph defines. */
static const char *random_name(const Onnx__GraphProto *g)
{
    unsigned k = pick(3);
    if (k == 0 && g->n_initializer)
        return g->initializer[pick((unsigned)g->n_initializer)]->name;
    if (k == 1 && g->n_input)
        return g->input[pick((unsigned)g->n_input)]->name;
    const Onnx__NodeProto *n = g->node[pick((unsigned)g->n_node)];
    return n->n_output ? n->output[pick((unsigned)n->n_output)] : NULL;
}

static void mutate_graph(Onnx__GraphProto *g)
{
    Onnx__NodeProto *n = g->node[pick((unsigned)g->n_node)];
    switch (pick(6)) {
    case 0: {
        int count;
        const OpDef *const *ops = op_all(&count);
        set_string(&n->op_type, ops[pick((unsigned)count)]->name);
        break;
    }
    case 1:
        if (n->n_attribute)
            mutate_attribute(n->attribute[pick((unsigned)n->n_attribute)]);
        break;
    case 2:
        if (g->n_initializer)
            mutate_tensor(g->initializer[pick((unsigned)g->n_initializer)]);
        break;
    case 3: {
        if (!g->n_input)
            break;
        Onnx__ValueInfoProto *vi = g->input[pick((unsigned)g->n_input)];
        Onnx__TypeProto *tp = vi->type;
        if (tp && tp->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && tp->tensor_type &&
            tp->tensor_type->shape && tp->tensor_type->shape->n_dim) {
            Onnx__TensorShapeProto *s = tp->tensor_type->shape;
            Onnx__TensorShapeProto__Dimension *dim = s->dim[pick((unsigned)s->n_dim)];
            if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
                dim->dim_value = pick(2) ? interesting_int() : (int64_t)pick(17);
        }
        break;
    }
    case 4: {
        const char *name = random_name(g);
        if (name && n->n_input)
            set_string(&n->input[pick((unsigned)n->n_input)], name);
        break;
    }
    default:
        if (n->n_attribute) {
            Onnx__AttributeProto *a = n->attribute[pick((unsigned)n->n_attribute)];
            a->type = (Onnx__AttributeProto__AttributeType)pick(14);
        }
        break;
    }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
    rng_state = (uint64_t)seed * 0x9E3779B97F4A7C15u + 1;
    if (pick(2))
        return LLVMFuzzerMutate(data, size, max_size);
    Diag quiet = {.quiet = 1};
    Onnx__ModelProto *m = NULL;
    if (size && fe_pb_prescan(data, size, &onnx__model_proto__descriptor, &quiet) == 0)
        m = onnx__model_proto__unpack(NULL, size, data);
    if (!m || !m->graph || !m->graph->n_node) {
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    for (unsigned i = 0, n = 1 + pick(3); i < n; i++)
        mutate_graph(m->graph);
    size_t packed = onnx__model_proto__get_packed_size(m);
    if (packed <= max_size)
        size = onnx__model_proto__pack(m, data);
    onnx__model_proto__free_unpacked(m, NULL);
    return size;
}
