/* SPDX-License-Identifier: MIT */
/* Einsum (opset 12+) of one or two f32/f64 operands. The equation is parsed here into
 * per-label sizes and operand strides; the kernel sums products over the labels. Letters
 * (a-z, A-Z) and one ellipsis per term (numpy broadcasting of the ellipsis dims); explicit
 * (->) or implicit output (the ellipsis dims, then the letters used once, in ASCII order). */
#include "op_common.h"

#include <ctype.h>
#include <string.h>

#define EIN_LETTERS 52                 /* label ids: letters, then ellipsis dims */
#define EIN_IDS (EIN_LETTERS + KILN_MAX_RANK)
#define EIN_TERM 64                    /* longest term (labels or "...") accepted */

typedef struct {
    int n;                             /* labels in the term, "..." counted as one */
    int ids[EIN_TERM];                 /* label ids; -1 marks the ellipsis */
    int has_ellipsis;
} EinTerm;

typedef struct {
    int n_in;
    EinTerm in[2], out;
    int explicit_out;
    int n_ell;                         /* ellipsis dims (the broadcast of every operand's) */
} Equation;

static int letter_id(char c)
{
    return islower((unsigned char)c) ? c - 'a' : 26 + (c - 'A');
}

/* One term: letters and at most one "...". */
static int parse_term(Node *n, const char *s, size_t len, EinTerm *t, Diag *d)
{
    t->n = 0;
    t->has_ellipsis = 0;
    for (size_t i = 0; i < len; i++) {
        if (t->n == EIN_TERM) {
            node_error(d, n, "equation term '%.*s' is too long", (int)len, s);
            return -1;
        }
        if (s[i] == '.' && i + 2 < len && s[i + 1] == '.' && s[i + 2] == '.' && !t->has_ellipsis) {
            t->has_ellipsis = 1;
            t->ids[t->n++] = -1;
            i += 2;
        } else if (isalpha((unsigned char)s[i])) {
            t->ids[t->n++] = letter_id(s[i]);
        } else {
            node_error(d, n, "equation term '%.*s': unexpected '%c' (letters and one '...' "
                             "per term are supported)", (int)len, s, s[i]);
            return -1;
        }
    }
    return 0;
}

/* The equation without spaces, split into input terms and the output term. */
static int parse_equation(Node *n, Equation *q, Diag *d)
{
    const char *raw = ir_attr_str(n, "equation", NULL);
    if (!raw) {
        node_error(d, n, "needs the equation attribute");
        return -1;
    }
    char eq[512];
    size_t len = 0;
    for (const char *c = raw; *c; c++)
        if (!isspace((unsigned char)*c)) {
            if (len + 1 == sizeof eq) {
                node_error(d, n, "equation is too long");
                return -1;
            }
            eq[len++] = *c;
        }
    eq[len] = 0;
    const char *arrow = strstr(eq, "->");
    size_t lhs_len = arrow ? (size_t)(arrow - eq) : len;
    q->explicit_out = arrow != NULL;
    q->n_in = 0;
    for (size_t start = 0;;) {
        size_t end = start;
        while (end < lhs_len && eq[end] != ',')
            end++;
        if (q->n_in == 2) {
            node_error(d, n, "equation '%s': only 1 or 2 operands are supported", raw);
            return -1;
        }
        if (parse_term(n, eq + start, end - start, &q->in[q->n_in++], d))
            return -1;
        if (end == lhs_len)
            break;
        start = end + 1;
    }
    if (q->n_in != n->n_inputs) {
        node_error(d, n, "equation '%s' has %d operand(s) but the node has %d input(s)", raw,
                   q->n_in, n->n_inputs);
        return -1;
    }
    return arrow ? parse_term(n, arrow + 2, strlen(arrow + 2), &q->out, d) : 0;
}

/* Ellipsis dims of operand k: its rank minus its letters (-1 with an error if negative or
 * if the term has no ellipsis and the counts differ). */
static int ellipsis_dims(Node *n, const EinTerm *t, const Tensor *x, int k, Diag *d)
{
    int letters = t->n - t->has_ellipsis, e = x->rank - letters;
    if (e < 0 || (!t->has_ellipsis && e != 0)) {
        node_error(d, n, "operand %d has rank %d but its term has %d label(s)%s", k, x->rank,
                   letters, t->has_ellipsis ? " and '...'" : "");
        return -1;
    }
    return e;
}

/* Label id of operand axis a (ellipsis axes are right-aligned onto the shared ellipsis ids). */
static void axis_ids(const EinTerm *t, int rank, int n_ell, int *ids)
{
    int a = 0, e = rank - (t->n - t->has_ellipsis);
    for (int i = 0; i < t->n; i++) {
        if (t->ids[i] >= 0) {
            ids[a++] = t->ids[i];
            continue;
        }
        for (int j = 0; j < e; j++)
            ids[a++] = EIN_LETTERS + n_ell - e + j;
    }
}

/* Output label ids in order: explicit term, or the ellipsis then letters used once. */
static int output_ids(Node *n, const Equation *q, const int *count, int *out, Diag *d)
{
    int m = 0;
    if (!q->explicit_out) {
        for (int j = 0; j < q->n_ell; j++)
            out[m++] = EIN_LETTERS + j;
        static const char order[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (const char *c = order; *c; c++)
            if (count[letter_id(*c)] == 1)
                out[m++] = letter_id(*c);
        return m;
    }
    int seen[EIN_IDS] = {0};
    for (int i = 0; i < q->out.n; i++) {
        int id = q->out.ids[i];
        if (id < 0) {
            for (int j = 0; j < q->n_ell; j++)
                out[m++] = EIN_LETTERS + j;
            continue;
        }
        if (!count[id] || seen[id]++) {
            node_error(d, n, "output label '%c' %s", id < 26 ? 'a' + id : 'A' + id - 26,
                       count[id] ? "appears twice" : "is not in any input");
            return -1;
        }
        out[m++] = id;
    }
    if (q->n_ell && !q->out.has_ellipsis) {
        node_error(d, n, "the inputs' '...' dims must appear in the output ('...')");
        return -1;
    }
    return m;
}

/* Sizes of every label (ellipsis dims broadcast), -1 with an error on a conflict. */
static int label_sizes(Node *n, const Equation *q, int64_t *size, int *count, Diag *d)
{
    for (int i = 0; i < EIN_IDS; i++)
        size[i] = -1, count[i] = 0;
    for (int k = 0; k < q->n_in; k++) {
        const Tensor *x = n->inputs[k];
        int ids[IR_MAX_RANK];
        axis_ids(&q->in[k], x->rank, q->n_ell, ids);
        for (int a = 0; a < x->rank; a++) {
            int id = ids[a];
            int64_t v = x->dims[a];
            count[id]++;
            if (size[id] < 0 || (id >= EIN_LETTERS && size[id] == 1))
                size[id] = v;
            else if (size[id] != v && !(id >= EIN_LETTERS && v == 1)) {
                node_error(d, n, "operand %d axis %d has size %lld where the label needs %lld",
                           k, a, (long long)v, (long long)size[id]);
                return -1;
            }
        }
    }
    return 0;
}

/* Fills the kernel params: output labels, then summed ones, with operand strides. */
static int build_params(Node *n, const Equation *q, const int64_t *size, const int *out, int n_out,
                        kiln_einsum_params *p, Diag *d)
{
    int order[EIN_IDS], m = 0, used[EIN_IDS] = {0};
    for (int i = 0; i < n_out; i++)
        order[m++] = out[i], used[out[i]] = 1;
    for (int id = 0; id < EIN_IDS; id++)
        if (size[id] >= 0 && !used[id])
            order[m++] = id;
    if (m > KILN_EINSUM_MAX_LABELS) {
        node_error(d, n, "the equation has %d labels (at most %d)", m, KILN_EINSUM_MAX_LABELS);
        return -1;
    }
    memset(p, 0, sizeof *p);
    p->n_in = q->n_in, p->n_out = n_out, p->n_sum = m - n_out;
    for (int k = 0; k < q->n_in; k++) {
        const Tensor *x = n->inputs[k];
        int ids[IR_MAX_RANK];
        int64_t stride = 1, reach = 0;
        axis_ids(&q->in[k], x->rank, q->n_ell, ids);
        for (int a = x->rank - 1; a >= 0; a--) {
            for (int l = 0; l < m; l++)
                if (order[l] == ids[a] && x->dims[a] != 1)
                    p->strides[k][l] += (int32_t)stride;
            reach += stride * x->dims[a];
            stride *= x->dims[a];
        }
        if (op_fits_i32(n, reach, "operand offset", d))
            return -1;
    }
    for (int l = 0; l < m; l++)
        p->dims[l] = (int32_t)size[order[l]];
    return 0;
}

static int einsum_infer(Graph *g, Node *n, Diag *d)
{
    Equation q;
    if (parse_equation(n, &q, d))
        return -1;
    DType dt = n->inputs[0]->dtype;
    for (int k = 0; k < q.n_in; k++) {
        if (n->inputs[k]->dtype != dt || (dt != DT_F32 && dt != DT_F64)) {
            node_error(d, n, "operands must all be f32 or all f64 (input %d is %s)", k,
                       dtype_name(n->inputs[k]->dtype));
            return -1;
        }
        if (op_fits_i32(n, ir_numel(n->inputs[k]), "operand size", d))
            return -1;
    }
    q.n_ell = 0;
    for (int k = 0; k < q.n_in; k++) {
        int e = ellipsis_dims(n, &q.in[k], n->inputs[k], k, d);
        if (e < 0)
            return -1;
        q.n_ell = e > q.n_ell ? e : q.n_ell;
    }
    int64_t size[EIN_IDS];
    int count[EIN_IDS], out[EIN_IDS];
    if (label_sizes(n, &q, size, count, d))
        return -1;
    int n_out = output_ids(n, &q, count, out, d);
    if (n_out < 0)
        return -1;
    if (n_out > IR_MAX_RANK) {
        node_error(d, n, "the output would have rank %d (at most %d)", n_out, IR_MAX_RANK);
        return -1;
    }
    int64_t dims[IR_MAX_RANK];
    for (int i = 0; i < n_out; i++)
        dims[i] = size[out[i]];
    ir_set_shape(n->outputs[0], dt, n_out, dims);
    if (op_fits_i32(n, ir_numel(n->outputs[0]), "output size", d))
        return -1;
    kiln_einsum_params *p = arena_alloc(g->arena, sizeof *p);
    if (build_params(n, &q, size, out, n_out, p, d))
        return -1;
    n->params = p;
    return 0;
}

static int einsum_eval(Graph *g, Node *n, Diag *d)
{
    op_allocate_outputs(g, n);
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const void *b = n->n_inputs > 1 ? n->inputs[1]->data : NULL;
    if (n->outputs[0]->dtype == DT_F32)
        kiln_einsum_f32(n->params, n->inputs[0]->data, b, n->outputs[0]->data);
    else
        kiln_einsum_f64(n->params, n->inputs[0]->data, b, n->outputs[0]->data);
    return 0;
}

static int einsum_emit(Emit *e, Node *n, Diag *d)
{
    const kiln_einsum_params *p = n->params;
    if (ir_numel(n->outputs[0]) == 0)
        return 0;
    const char *pn = cg_new_params(e, "kiln_einsum_params");
    cg_decl(e, "{%d, %d, %d, %s, {%s, %s}};\n", p->n_in, p->n_out, p->n_sum,
            cg_i32_list(e, p->dims, KILN_EINSUM_MAX_LABELS),
            cg_i32_list(e, p->strides[0], KILN_EINSUM_MAX_LABELS),
            cg_i32_list(e, p->strides[1], KILN_EINSUM_MAX_LABELS));
    cg_stmt(e, "kiln_einsum_%s(&%s, %s, %s, %s);\n", n->outputs[0]->dtype == DT_F32 ? "f32" : "f64",
            pn, cg_ptr(e, n->inputs[0]), n->n_inputs > 1 ? cg_ptr(e, n->inputs[1]) : "NULL",
            cg_ptr(e, n->outputs[0]));
    cg_use_kernel(e, "kiln_einsum");
    return 0;
}

const OpDef op_einsum = {
    .name = "Einsum", .min_opset = 12, .max_opset = 1000,
    .min_inputs = 1, .max_inputs = 2, .min_outputs = 1, .max_outputs = 1,
    .infer = einsum_infer, .eval = einsum_eval, .emit = einsum_emit,
};
