/* SPDX-License-Identifier: MIT */
/* TfIdfVectorizer (opset 9): n-gram counts of an int32/int64 [C] or [N, C] input against
 * a pool of integer n-grams given as attributes. String pools are not supported (kiln has
 * no string tensors). */
#include "op_common.h"

#include <string.h>

#define TFIDF_MAX_GRAM 64          /* n-gram lengths and skips stay far from overflow */
#define TFIDF_MAX_SKIP (1 << 20)
#define TFIDF_MAX_OUT (1 << 24)

/* An INTS/FLOATS attribute's values and count; NULL (count 0) if absent. */
static const Attr *list_attr(Node *n, const char *name, AttrType type, Diag *d, int *bad)
{
    const Attr *a = ir_attr(n, name);
    if (a && a->type != type) {
        node_error(d, n, "attribute '%s' must be a list of %s", name,
                   type == ATTR_INTS ? "ints" : "floats");
        *bad = 1;
        return NULL;
    }
    return a;
}

static int tfidf_mode(Node *n, Diag *d)
{
    const char *m = ir_attr_str(n, "mode", "");
    if (!strcmp(m, "TF"))
        return KILN_TFIDF_TF;
    if (!strcmp(m, "IDF"))
        return KILN_TFIDF_IDF;
    if (!strcmp(m, "TFIDF"))
        return KILN_TFIDF_TFIDF;
    node_error(d, n, "mode '%s' is not one of TF, IDF, TFIDF", m);
    return -1;
}

/* Splits the pool into n-grams from ngram_counts (start of the (i+1)-grams in the pool)
 * and gives each its output position from ngram_indexes. */
static int tfidf_grams(Graph *g, Node *n, kiln_tfidf_params *p, const Attr *counts,
                       const Attr *indexes, int64_t pool_len, Diag *d)
{
    int32_t total = 0;
    for (int i = 0; i < counts->n; i++) {
        int64_t start = counts->ints[i], end = i + 1 < counts->n ? counts->ints[i + 1] : pool_len;
        if (start < 0 || end < start || end > pool_len || (end - start) % (i + 1)) {
            node_error(d, n, "ngram_counts must start at 0, not decrease, stay within the "
                       "pool (%lld items) and split it into whole %d-grams",
                       (long long)pool_len, i + 1);
            return -1;
        }
        total += (int32_t)((end - start) / (i + 1));
    }
    if (counts->ints[0] != 0 || total != indexes->n || total == 0) {
        node_error(d, n, "the pool holds %d n-grams but ngram_indexes has %d (both must "
                   "match, at least one; ngram_counts starts at 0)", total, indexes->n);
        return -1;
    }
    int32_t *start = arena_array(g->arena, (size_t)total, sizeof *start);
    int32_t *len = arena_array(g->arena, (size_t)total, sizeof *len);
    int32_t *out = arena_array(g->arena, (size_t)total, sizeof *out);
    int64_t max_out = 0;
    for (int k = 0; k < total; k++) {
        int64_t o = indexes->ints[k];
        if (o < 0 || o >= TFIDF_MAX_OUT) {
            node_error(d, n, "ngram_indexes[%d] = %lld is outside [0, 2^24)", k, (long long)o);
            return -1;
        }
        max_out = o > max_out ? o : max_out;
    }
    uint8_t *taken = arena_alloc(g->arena, (size_t)max_out / 8 + 1);
    int32_t k = 0;
    for (int i = 0; i < counts->n; i++) {
        int64_t end = i + 1 < counts->n ? counts->ints[i + 1] : pool_len;
        for (int64_t s = counts->ints[i]; s < end; s += i + 1, k++) {
            int64_t o = indexes->ints[k];
            if (taken[o / 8] & (1u << (o % 8))) {
                node_error(d, n, "ngram_indexes[%d] = %lld repeats an earlier index (each "
                           "n-gram needs its own output)", k, (long long)o);
                return -1;
            }
            taken[o / 8] |= (uint8_t)(1u << (o % 8));
            start[k] = (int32_t)s, len[k] = i + 1, out[k] = (int32_t)o;
        }
    }
    p->n_grams = total, p->out_size = (int32_t)max_out + 1;
    p->gram_start = start, p->gram_len = len, p->gram_out = out;
    return 0;
}

static int tfidf_sizes(Node *n, kiln_tfidf_params *p, Diag *d)
{
    int64_t lo = ir_attr_int(n, "min_gram_length", 0), hi = ir_attr_int(n, "max_gram_length", 0);
    int64_t skip = ir_attr_int(n, "max_skip_count", 0);
    if (lo < 1 || hi < lo || hi > TFIDF_MAX_GRAM || skip < 0 || skip > TFIDF_MAX_SKIP) {
        node_error(d, n, "needs 1 <= min_gram_length <= max_gram_length <= %d and 0 <= "
                   "max_skip_count <= 2^20 (got %lld, %lld, %lld)", TFIDF_MAX_GRAM,
                   (long long)lo, (long long)hi, (long long)skip);
        return -1;
    }
    p->min_n = (int32_t)lo, p->max_n = (int32_t)hi, p->max_skip = (int32_t)skip;
    return 0;
}

static int tfidf_input(Node *n, kiln_tfidf_params *p, Diag *d)
{
    const Tensor *x = n->inputs[0];
    if ((x->dtype != DT_S32 && x->dtype != DT_S64) || x->rank < 1 || x->rank > 2) {
        node_error(d, n, "X must be int32 or int64 of rank 1 or 2 (got %s, rank %d)",
                   dtype_name(x->dtype), x->rank);
        return -1;
    }
    if (op_fits_i32(n, ir_numel(x), "input size", d))
        return -1;
    p->rows = x->rank == 2 ? (int32_t)x->dims[0] : 1;
    p->cols = (int32_t)x->dims[x->rank - 1];
    p->x_is_64 = x->dtype == DT_S64;
    return 0;
}

static int tfidf_infer(Graph *g, Node *n, Diag *d)
{
    if (ir_attr(n, "pool_strings")) {
        node_error(d, n, "pool_strings is not supported (string tensors; kiln generates "
                   "numeric code only): use pool_int64s");
        return -1;
    }
    int bad = 0;
    const Attr *counts = list_attr(n, "ngram_counts", ATTR_INTS, d, &bad);
    const Attr *indexes = list_attr(n, "ngram_indexes", ATTR_INTS, d, &bad);
    const Attr *pool = list_attr(n, "pool_int64s", ATTR_INTS, d, &bad);
    const Attr *weights = list_attr(n, "weights", ATTR_FLOATS, d, &bad);
    if (bad)
        return -1;
    if (!counts || !indexes || !pool || counts->n == 0) {
        node_error(d, n, "needs the attributes ngram_counts, ngram_indexes and pool_int64s");
        return -1;
    }
    kiln_tfidf_params *p = arena_alloc(g->arena, sizeof *p);
    p->mode = tfidf_mode(n, d);
    if (p->mode < 0 || tfidf_sizes(n, p, d) || tfidf_input(n, p, d) ||
        tfidf_grams(g, n, p, counts, indexes, pool->n, d))
        return -1;
    if (weights && weights->n != p->n_grams) {
        node_error(d, n, "weights has %d values for %d n-grams", weights->n, p->n_grams);
        return -1;
    }
    p->pool = pool->ints;
    p->weight = weights ? weights->floats : NULL;
    const Tensor *x = n->inputs[0];
    int64_t dims[2] = {x->dims[0], p->out_size};
    if (x->rank == 1)
        dims[0] = p->out_size;
    ir_set_shape(n->outputs[0], DT_F32, x->rank, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    n->params = p;
    return 0;
}

static int tfidf_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    kiln_tfidf_vectorizer(n->params, n->inputs[0]->data, n->outputs[0]->data);
    return 0;
}

/* Item comparisons of the linear pool search (the op's work; bounds constant folding),
 * saturated at INT64_MAX. */
static int64_t tfidf_macs(const Node *n)
{
    const kiln_tfidf_params *p = n->params;
    if (!p)
        return 0;
    double work = (double)p->rows * (double)p->cols * ((double)p->max_skip + 1.0) *
                  (double)p->n_grams * (double)p->max_n;
    return work >= 9.2e18 ? INT64_MAX : (int64_t)work;
}

static const char *int_table(Emit *e, const char *type, const int32_t *v, int count)
{
    const char *name = cg_new_array(e, type, count);
    cg_decl(e, "%s;\n", cg_i32_list(e, v, count));
    return name;
}

static int tfidf_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_tfidf_params *p = n->params;
    int32_t pool_len = p->gram_start[p->n_grams - 1] + p->gram_len[p->n_grams - 1];
    const char *pool = cg_new_array(e, "int64_t", pool_len);
    Buf b = {0};
    for (int32_t i = 0; i < pool_len; i++) {
        long long v = (long long)p->pool[i];
        if (v == INT64_MIN)
            buf_printf(&b, "%s(-9223372036854775807LL - 1)", i ? ", " : "");
        else
            buf_printf(&b, "%s%lldLL", i ? ", " : "", v);
    }
    cg_decl(e, "{%s};\n", b.data);
    buf_free(&b);
    const char *start = int_table(e, "int32_t", p->gram_start, p->n_grams);
    const char *len = int_table(e, "int32_t", p->gram_len, p->n_grams);
    const char *out = int_table(e, "int32_t", p->gram_out, p->n_grams);
    const char *weight = "0";
    if (p->weight) {
        weight = cg_new_array(e, "float", p->n_grams);
        for (int32_t i = 0; i < p->n_grams; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", cg_float(e, p->weight[i]));
        cg_decl(e, "{%s};\n", b.data);
        buf_free(&b);
    }
    const char *pn = cg_new_params(e, "kiln_tfidf_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %d, %s, %s, %s, %s, %s};\n", p->rows, p->cols,
            p->x_is_64, p->min_n, p->max_n, p->max_skip, p->n_grams, p->out_size, p->mode, pool,
            start, len, out, weight);
    cg_stmt(e, "kiln_tfidf_vectorizer(&%s, %s, %s);\n", pn, cg_ptr(e, n->inputs[0]),
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_tfidf_vectorizer");
    return 0;
}

const OpDef op_tf_idf_vectorizer = {
    .name = "TfIdfVectorizer", .min_opset = 9, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 1, .min_outputs = 1, .max_outputs = 1,
    .infer = tfidf_infer, .eval = tfidf_eval, .emit = tfidf_emit,
    .macs = tfidf_macs,
};
