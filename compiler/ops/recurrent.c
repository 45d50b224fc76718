/* SPDX-License-Identifier: MIT */
/* LSTM, GRU and RNN: every direction, the activations attribute with alpha/beta, clip,
 * input_forget, linear_before_reset, layout (opset 14), optional inputs and outputs. The
 * three ops share one parser; a small table row says what differs between them. */
#include "op_common.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

typedef enum { CELL_LSTM, CELL_GRU, CELL_RNN } CellKind;

typedef struct {
    CellKind kind;
    int gates;               /* rows of W per direction, in units of hidden_size */
    int acts;                /* activation functions per direction */
    kiln_rnn_act_kind defaults[3];
} CellInfo;

static const CellInfo cells[] = {
    [CELL_LSTM] = {CELL_LSTM, 4, 3, {KILN_RNN_SIGMOID, KILN_RNN_TANH, KILN_RNN_TANH}},
    [CELL_GRU] = {CELL_GRU, 3, 2, {KILN_RNN_SIGMOID, KILN_RNN_TANH, KILN_RNN_TANH}},
    [CELL_RNN] = {CELL_RNN, 1, 1, {KILN_RNN_TANH, KILN_RNN_TANH, KILN_RNN_TANH}},
};

typedef struct {
    kiln_rnn_params k;
    CellKind kind;
    int y_unused;    /* the model omits output Y */
} RnnParams;

/* ONNX names, how many of alpha/beta each consumes, and the ONNX operators' defaults. */
static const struct {
    const char *name;
    kiln_rnn_act_kind kind;
    int n_params;
    float alpha, beta;
} act_names[] = {
    {"Relu", KILN_RNN_RELU, 0, 0.0f, 0.0f},
    {"Tanh", KILN_RNN_TANH, 0, 0.0f, 0.0f},
    {"Sigmoid", KILN_RNN_SIGMOID, 0, 0.0f, 0.0f},
    {"Affine", KILN_RNN_AFFINE, 2, 1.0f, 0.0f},
    {"LeakyRelu", KILN_RNN_LEAKY_RELU, 1, 0.01f, 0.0f},
    {"ThresholdedRelu", KILN_RNN_THRESHOLDED_RELU, 1, 1.0f, 0.0f},
    {"ScaledTanh", KILN_RNN_SCALED_TANH, 2, 1.0f, 1.0f},
    {"HardSigmoid", KILN_RNN_HARD_SIGMOID, 2, 0.2f, 0.5f},
    {"Elu", KILN_RNN_ELU, 1, 1.0f, 0.0f},
    {"Softsign", KILN_RNN_SOFTSIGN, 0, 0.0f, 0.0f},
    {"Softplus", KILN_RNN_SOFTPLUS, 0, 0.0f, 0.0f},
};

/* activation_alpha/beta values are consumed in order by the functions that take them
 * (as ONNX Runtime does); names match without regard to case. */
static int parse_acts(Node *n, const CellInfo *ci, int num_dirs, kiln_rnn_params *k, Diag *d)
{
    Attr *names = ir_attr(n, "activations");
    Attr *alphas = ir_attr(n, "activation_alpha"), *betas = ir_attr(n, "activation_beta");
    int want = ci->acts * num_dirs;
    int given = names ? names->n : 0;
    if ((names && names->type != ATTR_STRINGS) || (alphas && alphas->type != ATTR_FLOATS) ||
        (betas && betas->type != ATTR_FLOATS)) {
        node_error(d, n, "'activations' must be a list of strings and 'activation_alpha', "
                   "'activation_beta' lists of floats");
        return -1;
    }
    if (given && given != want && !(num_dirs == 2 && given == ci->acts)) {
        node_error(d, n, "'activations' lists %d functions; %s takes %d per direction (%d here)",
                   given, n->op_type, ci->acts, want);
        return -1;
    }
    int ia = 0, ib = 0;
    for (int i = 0; i < want; i++) {
        kiln_rnn_act *a = &k->acts[i];
        if (!given) {
            a->kind = ci->defaults[i % ci->acts];
            continue;
        }
        const char *s = names->strings[i % given];
        size_t e = 0;
        while (e < KILN_ARRAY_LEN(act_names) && strcasecmp(act_names[e].name, s))
            e++;
        if (e == KILN_ARRAY_LEN(act_names)) {
            node_error(d, n, "activation '%s' is not one of the ONNX recurrent activations", s);
            return -1;
        }
        a->kind = act_names[e].kind;
        a->alpha = act_names[e].alpha;
        a->beta = act_names[e].beta;
        if (act_names[e].n_params >= 1 && alphas && ia < alphas->n)
            a->alpha = alphas->floats[ia++];
        if (act_names[e].n_params >= 2 && betas && ib < betas->n)
            a->beta = betas->floats[ib++];
    }
    return 0;
}

static int parse_direction(Node *n, kiln_rnn_params *k, Diag *d)
{
    const char *dir = ir_attr_str(n, "direction", "forward");
    k->num_dirs = 1;
    if (!strcmp(dir, "reverse"))
        k->reverse = 1;
    else if (!strcmp(dir, "bidirectional"))
        k->num_dirs = 2;
    else if (strcmp(dir, "forward")) {
        node_error(d, n, "direction '%s' is not forward, reverse or bidirectional", dir);
        return -1;
    }
    return 0;
}

/* Checks an optional input has the given shape (and f32 or int32 type). */
static int check_input(Node *n, int i, const char *what, DType dt, int rank, const int64_t *dims,
                       Diag *d)
{
    Tensor *t = i < n->n_inputs ? n->inputs[i] : NULL;
    if (!t)
        return 0;
    Tensor want = {.rank = rank, .dtype = dt};
    memcpy(want.dims, dims, sizeof(int64_t) * (size_t)rank);
    if (t->dtype != dt || !ir_same_shape(t, &want)) {
        char s1[128], s2[128];
        node_error(d, n, "input %s ('%s') is %s %s, expected %s %s", what, t->name,
                   dtype_name(t->dtype), ir_shape_str(t, s1, sizeof s1), dtype_name(dt),
                   ir_shape_str(&want, s2, sizeof s2));
        return -1;
    }
    return 0;
}

static Tensor *opt_in(const Node *n, int i) { return i < n->n_inputs ? n->inputs[i] : NULL; }
static Tensor *opt_out(const Node *n, int i) { return i < n->n_outputs ? n->outputs[i] : NULL; }
static void *data_of(const Tensor *t) { return t ? t->data : NULL; }

/* Constant sequence lengths are checked at compile time; lengths that arrive at run
 * time are checked by the kernel, whose status the run function returns. */
static int check_const_lens(Node *n, int32_t seq_len, Diag *d)
{
    Tensor *l = opt_in(n, 4);
    for (int64_t i = 0; l && ir_is_const(l) && i < ir_numel(l); i++)
        if (ir_const_int(l, i) < 1 || ir_const_int(l, i) > seq_len) {
            node_error(d, n, "sequence_lens[%lld] is %lld, outside [1, %d]", (long long)i,
                       (long long)ir_const_int(l, i), seq_len);
            return -1;
        }
    return 0;
}

static int rnn_infer_common(Graph *g, Node *n, CellKind kind, Diag *d)
{
    const CellInfo *ci = &cells[kind];
    Tensor *x = n->inputs[0], *w = n->inputs[1], *r = n->inputs[2];
    if (op_require_float(n, 0, d) || op_require_float(n, 1, d) || op_require_float(n, 2, d))
        return -1;
    kiln_rnn_params k = {0};
    k.layout = (int32_t)ir_attr_int(n, "layout", 0);
    if (k.layout != 0 && k.layout != 1) {
        node_error(d, n, "layout %d must be 0 or 1", k.layout);
        return -1;
    }
    if (parse_direction(n, &k, d) || parse_acts(n, ci, k.num_dirs, &k, d))
        return -1;
    Attr *clip = ir_attr(n, "clip");
    if (clip) {
        if (clip->type != ATTR_FLOAT || !(clip->f > 0.0f)) {
            node_error(d, n, "clip must be a positive float");
            return -1;
        }
        k.has_clip = 1;
        k.clip = clip->f;
    }
    if (kind == CELL_LSTM)
        k.input_forget = ir_attr_int(n, "input_forget", 0) != 0;
    if (kind == CELL_GRU)
        k.linear_before_reset = ir_attr_int(n, "linear_before_reset", 0) != 0;
    (void)ir_attr_int(n, "output_sequence", 0);   /* opset 1: Y is optional anyway */
    if (x->rank != 3 || w->rank != 3 || r->rank != 3) {
        node_error(d, n, "X, W and R must be 3-D (they are %d-D, %d-D, %d-D)", x->rank, w->rank,
                   r->rank);
        return -1;
    }
    int64_t hs = ir_attr_int(n, "hidden_size", r->dims[2]);
    if (hs <= 0 || hs > INT32_MAX / 8 || op_fits_i32(n, ir_numel(x), "input size", d)) {
        if (hs <= 0 || hs > INT32_MAX / 8)
            node_error(d, n, "hidden_size %lld is not in [1, %d]", (long long)hs, INT32_MAX / 8);
        return -1;
    }
    int64_t seq = x->dims[k.layout ? 1 : 0], batch = x->dims[k.layout ? 0 : 1];
    int64_t in = x->dims[2], nd = k.num_dirs, gh = ci->gates * hs;
    int64_t wd[3] = {nd, gh, in}, rd[3] = {nd, gh, hs}, bd[2] = {nd, 2 * gh}, ld[1] = {batch};
    int64_t hd[3] = {k.layout ? batch : nd, k.layout ? nd : batch, hs}, pd[2] = {nd, 3 * hs};
    if (check_input(n, 1, "W", DT_F32, 3, wd, d) ||
        check_input(n, 2, "R", DT_F32, 3, rd, d) || check_input(n, 3, "B", DT_F32, 2, bd, d) ||
        check_input(n, 4, "sequence_lens", DT_S32, 1, ld, d) ||
        check_input(n, 5, "initial_h", DT_F32, 3, hd, d) ||
        (kind == CELL_LSTM && (check_input(n, 6, "initial_c", DT_F32, 3, hd, d) ||
                               check_input(n, 7, "P", DT_F32, 2, pd, d))))
        return -1;
    if (op_fits_i32(n, seq * batch * nd * gh, "output size", d) ||
        op_fits_i32(n, nd * gh * (in > hs ? in : hs), "weight size", d))
        return -1;
    int64_t yd[4] = {seq, nd, batch, hs}, yl[4] = {batch, seq, nd, hs};
    RnnParams *p = arena_alloc(g->arena, sizeof *p);
    if (!n->outputs[0]) {
        /* Y omitted: a placeholder keeps output 0 defined; the kernel does not write it */
        p->y_unused = 1;
        n->outputs[0] = ir_tensor_new(g, arena_printf(g->arena, "%s#%d:Y.unused", n->name,
                                                       n->index));
        n->outputs[0]->producer = n;
    }
    ir_set_shape(n->outputs[0], DT_F32, 4, k.layout ? yl : yd);
    for (int i = 1; i < n->n_outputs; i++)
        if (n->outputs[i])
            ir_set_shape(n->outputs[i], DT_F32, 3, hd);
    k.seq_len = (int32_t)seq;
    if (check_const_lens(n, k.seq_len, d))
        return -1;
    k.batch = (int32_t)batch;
    k.input_size = (int32_t)in;
    k.hidden = (int32_t)hs;
    p->k = k;
    p->kind = kind;
    n->params = p;
    return 0;
}

static int lstm_infer(Graph *g, Node *n, Diag *d) { return rnn_infer_common(g, n, CELL_LSTM, d); }
static int gru_infer(Graph *g, Node *n, Diag *d) { return rnn_infer_common(g, n, CELL_GRU, d); }
static int rnn_infer(Graph *g, Node *n, Diag *d) { return rnn_infer_common(g, n, CELL_RNN, d); }


static int rnn_eval(Graph *g, Node *n, Diag *d)
{
    RnnParams *p = n->params;
    op_allocate_outputs(g, n);
    size_t bytes = p->kind == CELL_LSTM ? kiln_lstm_f32_scratch_size(&p->k)
                 : p->kind == CELL_GRU ? kiln_gru_f32_scratch_size(&p->k)
                 : kiln_rnn_f32_scratch_size(&p->k);
    float *s = arena_alloc(g->arena, bytes);
    const float *x = n->inputs[0]->data, *w = n->inputs[1]->data, *r = n->inputs[2]->data;
    const float *b = data_of(opt_in(n, 3)), *h0 = data_of(opt_in(n, 5));
    const int32_t *lens = data_of(opt_in(n, 4));
    float *y = p->y_unused ? NULL : data_of(opt_out(n, 0)), *yh = data_of(opt_out(n, 1));
    int rc = p->kind == CELL_LSTM
        ? kiln_lstm_f32(&p->k, x, w, r, b, lens, h0, data_of(opt_in(n, 6)), data_of(opt_in(n, 7)),
                        y, yh, data_of(opt_out(n, 2)), s)
        : p->kind == CELL_GRU ? kiln_gru_f32(&p->k, x, w, r, b, lens, h0, y, yh, s)
        : kiln_rnn_f32(&p->k, x, w, r, b, lens, h0, y, yh, s);
    if (rc) {
        node_error(d, n, "a sequence length is outside [1, %d]", p->k.seq_len);
        return -1;
    }
    return 0;
}

static const char *ptr_or_null(Emit *e, Tensor *t) { return t ? cg_ptr(e, t) : "0"; }

static const char *act_list(Emit *e, const kiln_rnn_params *k)
{
    static const char *names[] = {"KILN_RNN_RELU", "KILN_RNN_TANH", "KILN_RNN_SIGMOID",
        "KILN_RNN_AFFINE", "KILN_RNN_LEAKY_RELU", "KILN_RNN_THRESHOLDED_RELU",
        "KILN_RNN_SCALED_TANH", "KILN_RNN_HARD_SIGMOID", "KILN_RNN_ELU", "KILN_RNN_SOFTSIGN",
        "KILN_RNN_SOFTPLUS"};
    Buf b = {0};
    buf_puts(&b, "{");
    for (int i = 0; i < KILN_RNN_MAX_ACTS; i++)
        buf_printf(&b, "%s{%s, %s, %s}", i ? ", " : "", names[k->acts[i].kind],
                   cg_float(e, k->acts[i].alpha), cg_float(e, k->acts[i].beta));
    buf_puts(&b, "}");
    const char *s = arena_strdup(e->g->arena, b.data);
    buf_free(&b);
    return s;
}

static int rnn_emit(Emit *e, Node *n, Diag *d)
{
    RnnParams *p = n->params;
    const kiln_rnn_params *k = &p->k;
    const char *pn = cg_new_params(e, "kiln_rnn_params");
    cg_decl(e, "{%d, %d, %d, %d, %d, %d, %d, %d, %s, %d, %d, %s};\n", k->seq_len, k->batch,
            k->input_size, k->hidden, k->num_dirs, k->reverse, k->layout, k->has_clip,
            cg_float(e, k->clip), k->input_forget, k->linear_before_reset, act_list(e, k));
    static const char *fn[] = {"kiln_lstm_f32", "kiln_gru_f32", "kiln_rnn_f32"};
    Buf args = {0};
    buf_printf(&args, "&%s, %s, %s, %s, %s, %s, %s", pn, cg_ptr(e, n->inputs[0]),
               cg_ptr(e, n->inputs[1]), cg_ptr(e, n->inputs[2]), ptr_or_null(e, opt_in(n, 3)),
               ptr_or_null(e, opt_in(n, 4)), ptr_or_null(e, opt_in(n, 5)));
    if (p->kind == CELL_LSTM)
        buf_printf(&args, ", %s, %s", ptr_or_null(e, opt_in(n, 6)), ptr_or_null(e, opt_in(n, 7)));
    buf_printf(&args, ", %s, %s", p->y_unused ? "0" : cg_ptr(e, n->outputs[0]), ptr_or_null(e, opt_out(n, 1)));
    if (p->kind == CELL_LSTM)
        buf_printf(&args, ", %s", ptr_or_null(e, opt_out(n, 2)));
    buf_printf(&args, ", %s", cg_scratch(e, n, "float"));
    if (opt_in(n, 4) && !ir_is_const(opt_in(n, 4)))
        cg_stmt(e, "if (%s(%s) != 0)\n        return 1;\n", fn[p->kind], args.data);
    else
        cg_stmt(e, "(void)%s(%s);\n", fn[p->kind], args.data);
    buf_free(&args);
    cg_use_kernel(e, fn[p->kind]);
    return 0;
}

static int64_t rnn_macs(const Node *n)
{
    const RnnParams *p = n->params;
    const kiln_rnn_params *k = &p->k;
    return (int64_t)k->num_dirs * k->seq_len * k->batch * cells[p->kind].gates * k->hidden *
           (k->input_size + k->hidden);
}

static int64_t rnn_scratch(const Node *n)
{
    const RnnParams *p = n->params;
    return (int64_t)(p->kind == CELL_LSTM ? kiln_lstm_f32_scratch_size(&p->k)
                   : p->kind == CELL_GRU ? kiln_gru_f32_scratch_size(&p->k)
                   : kiln_rnn_f32_scratch_size(&p->k));
}

const OpDef op_lstm = {
    .name = "LSTM", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 8, .min_outputs = 0, .max_outputs = 3,
    .infer = lstm_infer, .eval = rnn_eval, .emit = rnn_emit, .macs = rnn_macs,
    .scratch_bytes = rnn_scratch,
};

const OpDef op_gru = {
    .name = "GRU", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 6, .min_outputs = 0, .max_outputs = 2,
    .infer = gru_infer, .eval = rnn_eval, .emit = rnn_emit, .macs = rnn_macs,
    .scratch_bytes = rnn_scratch,
};

const OpDef op_rnn = {
    .name = "RNN", .min_opset = 1, .max_opset = 1000,
    .min_inputs = 3, .max_inputs = 6, .min_outputs = 0, .max_outputs = 2,
    .infer = rnn_infer, .eval = rnn_eval, .emit = rnn_emit, .macs = rnn_macs,
    .scratch_bytes = rnn_scratch,
};
