/* SPDX-License-Identifier: MIT */
/* Totals, the compile summary and the JSON report (cJSON). */
#include "ops.h"
#include "pipeline.h"
#include "memory_report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int64_t node_macs(const Node *n) { return n->op->macs ? n->op->macs(n) : 0; }

int64_t node_params(const Node *n)
{
    const SparseInfo *si = op_sparse_info(n);
    int64_t p = si ? si->nnz : 0;   /* stored weights, not the index arrays */
    for (int i = si ? 4 : 0; i < n->n_inputs; i++)
        if (n->inputs[i] && ir_is_const(n->inputs[i]))
            p += ir_numel(n->inputs[i]);
    return p;
}

int node_weight_stats(const Node *n, WeightStats *ws)
{
    const SparseInfo *si = op_sparse_info(n);
    if (si) {
        int64_t dense = si->rows * si->row_len;
        *ws = (WeightStats){.sparsity = dense ? 1.0 - (double)si->nnz / (double)dense : 0.0,
                            .encoding = "sparse", .dense_macs = si->dense_macs,
                            .bytes = si->bytes, .dense_bytes = si->dense_bytes};
        return 1;
    }
    const int s8 = n->op == &op_conv_s8 || n->op == &op_fc_s8;
    if ((strcmp(n->op->name, "Conv") && strcmp(n->op->name, "Gemm") && !s8) ||
        !ir_is_const(n->inputs[1]) || n->inputs[1]->dtype != (s8 ? DT_S8 : DT_F32))
        return 0;
    const Tensor *w = n->inputs[1];
    int64_t zeros = 0, numel = ir_numel(w);
    for (int64_t i = 0; i < numel; i++)
        zeros += s8 ? ((const int8_t *)w->data)[i] == 0 : ((const float *)w->data)[i] == 0.0f;
    *ws = (WeightStats){.sparsity = numel ? (double)zeros / (double)numel : 0.0,
                        .encoding = "dense", .dense_macs = node_macs(n),
                        .bytes = ir_bytes(w), .dense_bytes = ir_bytes(w)};
    return 1;
}

/* Input j of an int8 Conv/fully connected node: weights, bias, multiplier, shift. */
static void add_s8_part(Totals *t, const Node *n, int j, int64_t bytes)
{
    if (n->op != &op_conv_s8 && n->op != &op_fc_s8)
        return;
    if (j == 1)
        t->s8_weight_bytes += bytes;
    else if (j == 2)
        t->s8_bias_bytes += bytes;
    else if (j == 3 || j == 4)
        t->s8_requant_bytes += bytes;
}

/* What the int8 weight and bias tensors took in float32: 4 bytes per int8 weight, and the
 * int32 biases were float32 biases of the same count. */
static int64_t s8_float_bytes(const Totals *t) { return 4 * t->s8_weight_bytes + t->s8_bias_bytes; }

static double s8_weight_ratio(const Totals *t)
{
    return (double)(t->s8_weight_bytes + t->s8_bias_bytes) / (double)s8_float_bytes(t);
}

Totals pipeline_totals(const Graph *g)
{
    Totals t = {0};
    for (int i = 0; i < g->n_nodes; i++) {
        t.macs += node_macs(g->nodes[i]);
        t.params += node_params(g->nodes[i]);
        t.nodes++;
    }
    /* weights: every distinct constant read by a node or returned as an output */
    unsigned char *seen = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++) {
            Tensor *x = g->nodes[i]->inputs[j];
            if (x && x->data && !seen[x->id]++) {
                t.weights_bytes += ir_bytes(x);
                add_s8_part(&t, g->nodes[i], j, ir_bytes(x));
            }
        }
    t.code_bytes = cg_code_estimate(g);
    return t;
}

static void count_ops(const Graph *g, const char **names, int *counts, int *n_ops)
{
    *n_ops = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const char *op = g->nodes[i]->op->name;
        int k = 0;
        while (k < *n_ops && strcmp(names[k], op))
            k++;
        if (k == *n_ops) {
            names[k] = op;
            counts[k] = 0;
            (*n_ops)++;
        }
        counts[k]++;
    }
}

/* One line per layer that lost channels to pass_prune. */
static void print_pruning(const Graph *g, FILE *out)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        if (n->pruned_out)
            fprintf(out, "  pruned %s (%s): %d of %lld output channels removed\n", n->name,
                    n->op->name, n->pruned_out,
                    (long long)(n->outputs[0]->dims[1] + n->pruned_out));
        else if (n->pruned_in)
            fprintf(out, "  pruned %s (%s): %d input channels removed\n", n->name, n->op->name,
                    n->pruned_in);
    }
}

void print_summary(const Graph *g, FILE *out)
{
    Totals t = pipeline_totals(g);
    const char *names[128];
    int counts[128], n_ops;
    count_ops(g, names, counts, &n_ops);
    fprintf(out, "kiln: %s: %d ops (", g->name, t.nodes);
    for (int i = 0; i < n_ops; i++)
        fprintf(out, "%s%s x%d", i ? ", " : "", names[i], counts[i]);
    fprintf(out, ")\n");
    fprintf(out, "  params %lld, MACs %lld\n", (long long)t.params, (long long)t.macs);
    fprintf(out, "  arena %lld bytes (RAM), weights %lld bytes + code ~%lld bytes (flash, "
            "estimate)\n", (long long)g->arena_bytes, (long long)t.weights_bytes,
            (long long)t.code_bytes);
    if (t.s8_weight_bytes)
        fprintf(out, "  int8 weights %lld bytes, biases %lld, requantization %lld, other "
                "constants %lld\n", (long long)t.s8_weight_bytes, (long long)t.s8_bias_bytes,
                (long long)t.s8_requant_bytes, (long long)(t.weights_bytes - t.s8_weight_bytes -
                t.s8_bias_bytes - t.s8_requant_bytes));
    if (t.s8_weight_bytes)
        fprintf(out, "  int8 weights + biases: %.4fx of their float32 bytes (%lld)\n",
                s8_weight_ratio(&t), (long long)s8_float_bytes(&t));
    print_pruning(g, out);
}

static cJSON *shape_json(const Tensor *t)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < t->rank; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)t->dims[i]));
    return a;
}

static const char *tensor_kind(const Tensor *t)
{
    if (t->data)
        return "weight";
    if (t->is_input)
        return "input";
    if (t->is_output)
        return "output";
    if (t->alias_of)
        return "view";
    return "activation";
}

/* Tensors that matter to the user: graph I/O, live activations and used weights. */
static int reported(const Graph *g, const Tensor *t)
{
    if (t->is_input || t->is_output || t->offset >= 0 || t->alias_of || t->output_home)
        return 1;
    return t->data && t->c_name;
}

cJSON *report_nodes_json(const Graph *g)
{
    cJSON *nodes = cJSON_CreateArray();
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", n->name);
        cJSON_AddStringToObject(o, "op", n->op->name);
        cJSON_AddItemToObject(o, "output_shape", shape_json(n->outputs[0]));
        cJSON_AddNumberToObject(o, "macs", (double)node_macs(n));
        cJSON_AddNumberToObject(o, "params", (double)node_params(n));
        if (n->scratch_offset >= 0)
            cJSON_AddNumberToObject(o, "scratch_offset", (double)n->scratch_offset);
        WeightStats ws;
        if (node_weight_stats(n, &ws)) {
            cJSON_AddNumberToObject(o, "sparsity", ws.sparsity);
            cJSON_AddStringToObject(o, "encoding", ws.encoding);
            cJSON_AddNumberToObject(o, "dense_macs", (double)ws.dense_macs);
            cJSON_AddNumberToObject(o, "weight_bytes", (double)ws.bytes);
            cJSON_AddNumberToObject(o, "dense_weight_bytes", (double)ws.dense_bytes);
        }
        if (n->pruned_out || n->pruned_in) {
            cJSON_AddNumberToObject(o, "pruned_out_channels", n->pruned_out);
            cJSON_AddNumberToObject(o, "pruned_in_channels", n->pruned_in);
        }
        cJSON_AddItemToArray(nodes, o);
    }
    return nodes;
}

void print_json(cJSON *root)
{
    char *s = cJSON_Print(root);
    if (s)
        puts(s);
    free(s);
    cJSON_Delete(root);
}

int write_report(const Graph *g, const char *path, cJSON *footprint, Diag *d)
{
    Totals t = pipeline_totals(g);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "kiln_version", KILN_VERSION);
    cJSON_AddStringToObject(root, "name", g->name);
    cJSON_AddNumberToObject(root, "arena_bytes", (double)g->arena_bytes);
    memory_report_json(g, root);
    cJSON_AddNumberToObject(root, "weights_bytes", (double)t.weights_bytes);
    if (t.s8_weight_bytes) {
        cJSON_AddNumberToObject(root, "int8_weight_tensor_bytes", (double)t.s8_weight_bytes);
        cJSON_AddNumberToObject(root, "int8_bias_bytes", (double)t.s8_bias_bytes);
        cJSON_AddNumberToObject(root, "int8_requant_bytes", (double)t.s8_requant_bytes);
        cJSON_AddNumberToObject(root, "int8_weight_ratio", s8_weight_ratio(&t));
    }
    cJSON_AddNumberToObject(root, "code_bytes_estimate", (double)t.code_bytes);
    cJSON_AddNumberToObject(root, "macs", (double)t.macs);
    cJSON_AddNumberToObject(root, "params", (double)t.params);
    if (footprint)
        cJSON_AddItemToObject(root, "footprint", footprint);
    const char *names[128];
    int counts[128], n_ops;
    count_ops(g, names, counts, &n_ops);
    cJSON *ops = cJSON_AddObjectToObject(root, "ops");
    for (int i = 0; i < n_ops; i++)
        cJSON_AddNumberToObject(ops, names[i], counts[i]);
    cJSON_AddItemToObject(root, "nodes", report_nodes_json(g));
    cJSON *tensors = cJSON_AddArrayToObject(root, "tensors");
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *x = g->tensors[i];
        if (!reported(g, x))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", x->name);
        cJSON_AddStringToObject(o, "kind", tensor_kind(x));
        cJSON_AddItemToObject(o, "shape", shape_json(x));
        cJSON_AddStringToObject(o, "dtype", dtype_name(x->dtype));
        cJSON_AddNumberToObject(o, "bytes", (double)ir_bytes(x));
        if (x->offset >= 0)
            cJSON_AddNumberToObject(o, "offset", (double)x->offset);
        if (x->alias_of)
            cJSON_AddStringToObject(o, "alias_of", ir_storage((Tensor *)x)->name);
        memory_tensor_json(x, o);
        cJSON_AddItemToArray(tensors, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    int rc = text ? write_file(path, text, strlen(text), d) : -1;
    if (!text)
        diag_error(d, "out of memory writing the report");
    free(text);
    return rc;
}
