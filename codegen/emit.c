/* SPDX-License-Identifier: MIT */
/* The C emitter: NAME.h (API and sizes), NAME.c (params and the run function),
 * NAME_weights.c (constants), and the runtime files the model uses under kiln/.
 * Output depends only on the graph and options, so identical inputs give identical bytes. */
#include "codegen.h"
#include "ops.h"

#include <limits.h>
#include <string.h>

/* ---- helpers for op emitters --------------------------------------------------------- */

static const char *io_param_name(const Graph *g, const Tensor *t)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t)
            return t->c_name;
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == t)
            return t->c_name;
    return NULL;
}

const char *cg_ptr(Emit *e, Tensor *t)
{
    Tensor *root = ir_storage(t);
    const char *type = dtype_c_type(t->dtype);
    if (root->data)
        return root->c_name;
    if (!e->g->io_in_arena && (root->is_input || root->is_output))
        return io_param_name(e->g, root);
    if (!e->g->io_in_arena && root->output_home)
        return root->output_home->c_name;
    int64_t slice = 0;   /* a Concat input written straight into the output */
    while (root->slice_of) {
        slice += root->slice_offset;
        root = ir_storage(root->slice_of);
    }
    if (root->offset < 0)
        KILN_UNREACHABLE("tensor has no storage");
    return arena_printf(e->g->arena, "(%s *)(void *)(arena + %lld)", type,
                        (long long)(root->offset + slice));
}

const char *cg_scratch(Emit *e, const Node *n, const char *type)
{
    if (n->scratch_offset < 0)
        KILN_UNREACHABLE("node has no planned scratch");
    return arena_printf(e->g->arena, "(%s *)(void *)(arena + %lld)", type,
                        (long long)n->scratch_offset);
}

const char *cg_new_params(Emit *e, const char *type)
{
    const char *name = arena_printf(e->g->arena, "kiln_p%d", e->n_params++);
    buf_printf(&e->decls, "static const %s %s = ", type, name);
    return name;
}

const char *cg_new_array(Emit *e, const char *elem_type, int count)
{
    const char *name = arena_printf(e->g->arena, "kiln_p%d", e->n_params++);
    buf_printf(&e->decls, "static const %s %s[%d] = ", elem_type, name, count);
    return name;
}

/* Any length: tables (Resize taps, n-gram pools) make lines of megabytes. */
static void append_formatted(Buf *b, const char *indent, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    buf_puts(b, indent);
    if (n > 0) {
        buf_reserve(b, (size_t)n + 1);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void cg_decl(Emit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_formatted(&e->decls, "", fmt, ap);
    va_end(ap);
}

void cg_stmt(Emit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append_formatted(&e->body, "    ", fmt, ap);
    va_end(ap);
}

void cg_use_kernel(Emit *e, const char *kernel)
{
    for (int i = 0; i < e->n_kernels; i++)
        if (!strcmp(e->kernels[i], kernel))
            return;
    if (e->n_kernels == CG_MAX_KERNELS)
        KILN_UNREACHABLE("too many kernels");
    e->kernels[e->n_kernels++] = kernel;
}

/* Exact float literal: %.9g round-trips every float. */
static void format_float(char *out, size_t size, float f)
{
    if (f != f) {
        snprintf(out, size, "(0.0f / 0.0f)");
        return;
    }
    if (f > 3.4028235e38f || f < -3.4028235e38f) {
        snprintf(out, size, "%sHUGE_VALF", f < 0 ? "-" : "");
        return;
    }
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%.9g", (double)f);
    int has_point = strpbrk(tmp, ".e") != NULL;
    snprintf(out, size, "%s%sf", tmp, has_point ? "" : ".0");
}

const char *cg_float(Emit *e, float f)
{
    char tmp[64];
    format_float(tmp, sizeof tmp, f);
    return arena_strdup(e->g->arena, tmp);
}

const char *cg_conv2d(Emit *e, const kiln_conv2d_params *k)
{
    return arena_printf(e->g->arena, "{%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, "
                        "%d, %d, %s, %d}", k->n, k->c_in, k->h_in, k->w_in, k->c_out, k->h_out,
                        k->w_out, k->k_h, k->k_w, k->stride_h, k->stride_w, k->dil_h, k->dil_w,
                        k->pad_top, k->pad_left, k->group, cg_act(e, &k->act), k->in_place);
}

const char *cg_act(Emit *e, const kiln_act *act)
{
    static const char *kinds[] = {"KILN_ACT_NONE", "KILN_ACT_RELU", "KILN_ACT_CLIP",
                                  "KILN_ACT_LEAKY_RELU", "KILN_ACT_SIGMOID", "KILN_ACT_TANH",
                                  "KILN_ACT_HARD_SIGMOID", "KILN_ACT_HARD_SWISH"};
    return arena_printf(e->g->arena, "{%s, %s, %s}", kinds[act->kind], cg_float(e, act->a),
                        cg_float(e, act->b));
}

const char *cg_i32_list(Emit *e, const int32_t *v, int n)
{
    Buf b = {0};
    buf_puts(&b, "{");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s%d", i ? ", " : "", v[i]);
    buf_puts(&b, "}");
    const char *s = arena_strdup(e->g->arena, b.data);
    buf_free(&b);
    return s;
}

/* ---- naming ------------------------------------------------------------------------- */

static int is_c_keyword(const char *s)
{
    static const char *kw[] = {"auto", "break", "case", "char", "const", "continue", "default",
        "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int",
        "long", "register", "restrict", "return", "short", "signed", "sizeof", "static",
        "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
        "arena", "arena_mem", "main"};
    for (size_t i = 0; i < KILN_ARRAY_LEN(kw); i++)
        if (!strcmp(kw[i], s))
            return 1;
    return !strncmp(s, "kiln_", 5);
}

/* Inputs and outputs keep readable names; clashes get a numeric suffix. */
static void name_io(Graph *g)
{
    int total = g->n_inputs + g->n_outputs;
    for (int i = 0; i < total; i++) {
        Tensor *t = i < g->n_inputs ? g->inputs[i] : g->outputs[i - g->n_inputs];
        char base[96], name[128];
        str_to_c_ident(t->name, base, sizeof base);
        snprintf(name, sizeof name, "%s%s", is_c_keyword(base) ? "t_" : "", base);
        for (int k = 2;; k++) {
            int clash = 0;
            for (int j = 0; j < i; j++) {
                Tensor *o = j < g->n_inputs ? g->inputs[j] : g->outputs[j - g->n_inputs];
                clash |= o->c_name && !strcmp(o->c_name, name);
            }
            if (!clash)
                break;
            snprintf(name, sizeof name, "%s%s_%d", is_c_keyword(base) ? "t_" : "", base, k);
        }
        t->c_name = arena_strdup(g->arena, name);
    }
}

/* Constants read by live nodes become NAME_w<k>, numbered in tensor order. */
static void name_weights(Graph *g)
{
    unsigned char *used = arena_alloc(g->arena, (size_t)g->n_tensors + 1);
    for (int i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i]->n_inputs; j++)
            if (g->nodes[i]->inputs[j] && g->nodes[i]->inputs[j]->data)
                used[g->nodes[i]->inputs[j]->id] = 1;
    for (int i = 0; i < g->n_outputs; i++)
        if (ir_storage(g->outputs[i])->data)
            used[ir_storage(g->outputs[i])->id] = 1;
    int count = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        Tensor *t = g->tensors[i];
        t->c_name = used[i] ? arena_printf(g->arena, "%s_w%d", g->name, count++) : t->c_name;
        if (!used[i] && t->data)
            t->c_name = NULL;
    }
}

/* ---- files ---------------------------------------------------------------------------- */

/* Names from the model (node and tensor names, the file name) quoted inside a C comment:
 * a hostile name must not end the comment ("*" "/") and inject code, nor carry control
 * characters. Copies at most size-1 bytes of s into out with those replaced by '_'. */
static const char *comment_safe(const char *s, char *out, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        int ends_comment = c == '/' && i > 0 && s[i - 1] == '*';
        int starts_comment = c == '*' && i > 0 && s[i - 1] == '/';
        out[i] = c < 0x20 || c >= 0x7f || ends_comment || starts_comment ? '_' : (char)c;
    }
    out[i] = 0;
    return out;
}

static void header_comment(Buf *b, const CgOptions *o, const char *what)
{
    char text[1024];
    buf_printf(b, "/* %s\n * Generated by kiln %s (%s). Do not edit. */\n", what, KILN_VERSION,
               comment_safe(o->options_text ? o->options_text : "", text, sizeof text));
}

static void emit_io_params(Buf *b, const Graph *g)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "%sconst %s *%s", i ? ", " : "", dtype_c_type(g->inputs[i]->dtype),
                   g->inputs[i]->c_name);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "%s%s *%s", g->n_inputs + i ? ", " : "", dtype_c_type(g->outputs[i]->dtype),
                   g->outputs[i]->c_name);
}

static void upper(const char *in, char *out, size_t size)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++)
        out[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
    out[i] = 0;
}

int cg_has_f32_wrapper(const Graph *g)
{
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        const Tensor *t = i < g->n_inputs ? g->inputs[i] : g->outputs[i - g->n_inputs];
        if (t->scale > 0)
            return 1;
    }
    return 0;
}

DType cg_f32_wrapper_dtype(const Tensor *t)
{
    return t->scale > 0 ? DT_F32 : t->dtype;
}

static void emit_io_params_f32(Buf *b, const Graph *g)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "%sconst %s *%s", i ? ", " : "",
                   dtype_c_type(cg_f32_wrapper_dtype(g->inputs[i])), g->inputs[i]->c_name);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "%s%s *%s", g->n_inputs + i ? ", " : "",
                   dtype_c_type(cg_f32_wrapper_dtype(g->outputs[i])), g->outputs[i]->c_name);
}

/* NAME_input_ptr / NAME_output_ptr for I/O 0, NAME_input_K_ptr for the others. */
static const char *io_ptr_name(const Graph *g, int is_in, int k)
{
    return k ? arena_printf(g->arena, "%s_%s_%d_ptr", g->name, is_in ? "input" : "output", k)
             : arena_printf(g->arena, "%s_%s_ptr", g->name, is_in ? "input" : "output");
}

/* --io-in-arena: the zero-copy entry point and where each input and output lives. */
static void emit_io_header(Buf *b, const Graph *g, const char *up)
{
    buf_printf(b, "\n/* Inputs and outputs live inside the arena (--io-in-arena; counted in\n"
                  " * %s_ARENA_SIZE): write the inputs through NAME_input_ptr(arena), call\n"
                  " * NAME_run_in_arena(arena), read the outputs through NAME_output_ptr(arena).\n"
                  " * The run may overwrite the inputs. NAME_run and NAME_run_arena copy in and out. */\n"
                  "int %s_run_in_arena(void *arena_mem);\n", up, g->name);
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        int is_in = i < g->n_inputs;
        const Tensor *t = is_in ? g->inputs[i] : g->outputs[i - g->n_inputs];
        buf_printf(b, "%s *%s(void *arena_mem);\n", dtype_c_type(t->dtype),
                   io_ptr_name(g, is_in, is_in ? i : i - g->n_inputs));
    }
}

static void emit_header(Buf *b, const Graph *g, const CgOptions *o)
{
    char up[256], shape[128];
    upper(g->name, up, sizeof up);
    header_comment(b, o, "Model API.");
    buf_printf(b, "#ifndef %s_H\n#define %s_H\n\n#include <stdint.h>\n\n", up, up);
    buf_printf(b, "/* Bytes of working memory NAME_run_arena needs (align it to %s_ARENA_ALIGN). */\n",
               up);
    buf_printf(b, "#define %s_ARENA_SIZE %lld\n#define %s_ARENA_ALIGN %lld\n", up,
               (long long)g->arena_bytes, up, (long long)g->alignment);
    buf_printf(b, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n\n", up, g->n_inputs, up,
               g->n_outputs);
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        int is_in = i < g->n_inputs;
        const Tensor *t = is_in ? g->inputs[i] : g->outputs[i - g->n_inputs];
        int k = is_in ? i : i - g->n_inputs;
        const char *kind = is_in ? "INPUT" : "OUTPUT";
        char name[256];
        buf_printf(b, "/* %s %d '%s': %s %s */\n", is_in ? "input" : "output", k,
                   comment_safe(t->name, name, sizeof name), dtype_c_type(t->dtype),
                   ir_shape_str(t, shape, sizeof shape));
        buf_printf(b, "#define %s_%s_%d_SIZE %lld\n", up, kind, k, (long long)ir_numel(t));
        buf_printf(b, "#define %s_%s_%d_RANK %d\n", up, kind, k, t->rank);
        if (t->scale > 0) {
            char f[64];
            format_float(f, sizeof f, t->scale);
            buf_printf(b, "/* real value = %s_%s_%d_SCALE * (q - %s_%s_%d_ZERO_POINT) */\n", up,
                       kind, k, up, kind, k);
            buf_printf(b, "#define %s_%s_%d_SCALE %s\n#define %s_%s_%d_ZERO_POINT %d\n", up, kind,
                       k, f, up, kind, k, t->zero_point);
        }
    }
    buf_printf(b, "\n/* Runs one inference with a static arena inside the model (not reentrant).\n"
                  " * Inputs and outputs are dense row-major arrays owned by the caller. Returns 0. */\n");
    buf_printf(b, "int %s_run(", g->name);
    emit_io_params(b, g);
    buf_printf(b, ");\n\n/* Same, with caller-owned working memory of %s_ARENA_SIZE bytes aligned to\n"
                  " * %s_ARENA_ALIGN; it may be reused between calls. Returns 0. */\n", up, up);
    buf_printf(b, "int %s_run_arena(void *arena_mem%s", g->name, g->n_inputs + g->n_outputs ? ", " : "");
    emit_io_params(b, g);
    buf_printf(b, ");\n");
    if (cg_has_f32_wrapper(g)) {
        buf_printf(b, "\n/* Float convenience wrapper: quantizes the inputs with their SCALE and\n"
                      " * ZERO_POINT, runs %s_run, dequantizes the outputs. Not reentrant. */\n",
                   g->name);
        buf_printf(b, "int %s_run_f32(", g->name);
        emit_io_params_f32(b, g);
        buf_printf(b, ");\n");
    }
    if (g->io_in_arena)
        emit_io_header(b, g, up);
    buf_printf(b, "\n#endif\n");
}

/* Graph outputs that no node writes (constants, graph inputs, copies of another output,
 * view outputs that could not alias) are filled by copies at the end of the run. */
static void emit_output_copies(Emit *e)
{
    Graph *g = e->g;
    for (int i = 0; i < g->n_outputs; i++) {
        Tensor *y = g->outputs[i];
        Tensor *root = ir_storage(y);
        if (root == y && y->producer)
            continue;
        if (root != y && root->output_home == y)
            continue;
        if (root == y)
            continue;   /* nothing writes it: only a graph input, rejected earlier */
        Tensor *src = root;   /* a constant, an input, or another output's storage */
        const char *from = src->data ? src->c_name
                         : src->is_input || src->is_output ? io_param_name(g, src)
                         : cg_ptr(e, src);
        cg_stmt(e, "kiln_copy(%s, %s, %lldu);\n", y->c_name, from, (long long)ir_bytes(y));
        cg_use_kernel(e, "kiln_copy");
    }
}

static int emit_nodes(Emit *e, Diag *d)
{
    Graph *g = e->g;
    for (int i = 0; i < g->n_nodes; i++) {
        Node *n = g->nodes[i];
        char name[256];
        cg_stmt(e, "/* %s: %s */\n", n->op_type, comment_safe(n->name, name, sizeof name));
        if (n->op->flags & OPF_VIEW) {
            Tensor *y = n->outputs[0];
            if (y->alias_of)
                continue;
            /* a view that could not alias: copy into the output buffer */
            cg_stmt(e, "kiln_copy(%s, %s, %lldu);\n", cg_ptr(e, y), cg_ptr(e, n->inputs[0]),
                    (long long)ir_bytes(y));
            cg_use_kernel(e, "kiln_copy");
            continue;
        }
        if (ir_outputs_empty(n))   /* no element to compute */
            continue;
        if (!n->op->emit) {
            node_error(d, n, "%s has no code generator (it must be computable at compile time)",
                       n->op_type);
            return -1;
        }
        if (n->op->emit(e, n, d))
            return -1;
    }
    emit_output_copies(e);
    return 0;
}

static void emit_f32_wrapper(Buf *b, Emit *e);

/* A model may leave an input or output untouched (an empty tensor, an input only its
 * shape is read from): -Wunused-parameter must not fire in the user's build. */
static void emit_io_void(Buf *b, const Graph *g)
{
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "    (void)%s;\n", g->inputs[i]->c_name);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "    (void)%s;\n", g->outputs[i]->c_name);
}

/* --io-in-arena: NAME_run_in_arena runs on the arena alone; the accessors point into it;
 * NAME_run_arena copies the caller's buffers in and out around it. */
static void emit_io_source(Buf *b, Emit *e)
{
    Graph *g = e->g;
    buf_printf(b, "int %s_run_in_arena(void *arena_mem)\n{\n"
                  "    unsigned char *arena = (unsigned char *)arena_mem;\n    (void)arena;\n", g->name);
    buf_append(b, e->body.data ? e->body.data : "", e->body.len);
    buf_printf(b, "    return 0;\n}\n\n");
    for (int i = 0; i < g->n_inputs + g->n_outputs; i++) {
        int is_in = i < g->n_inputs;
        Tensor *t = is_in ? g->inputs[i] : g->outputs[i - g->n_inputs];
        const char *type = dtype_c_type(t->dtype);
        buf_printf(b, "%s *%s(void *arena_mem)\n{\n    return (%s *)(void *)((unsigned char *)"
                   "arena_mem + %lld);\n}\n\n", type, io_ptr_name(g, is_in, is_in ? i : i - g->n_inputs),
                   type, (long long)ir_storage(t)->offset);
    }
    buf_printf(b, "int %s_run_arena(void *arena_mem%s", g->name, g->n_inputs + g->n_outputs ? ", " : "");
    emit_io_params(b, g);
    buf_printf(b, ")\n{\n");
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, "    kiln_copy(%s(arena_mem), %s, %lldu);\n", io_ptr_name(g, 1, i),
                   g->inputs[i]->c_name, (long long)ir_bytes(g->inputs[i]));
    buf_printf(b, "    %s_run_in_arena(arena_mem);\n", g->name);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, "    kiln_copy(%s, %s(arena_mem), %lldu);\n", g->outputs[i]->c_name,
                   io_ptr_name(g, 0, i), (long long)ir_bytes(g->outputs[i]));
    buf_printf(b, "    return 0;\n}\n");
    cg_use_kernel(e, "kiln_copy");
}

static void emit_source(Buf *b, Emit *e, const CgOptions *o)
{
    Graph *g = e->g;
    char up[256];
    upper(g->name, up, sizeof up);
    header_comment(b, o, "Model code.");
    buf_printf(b, "#include <math.h>\n#include \"%s.h\"\n#include \"kiln/kiln.h\"\n\n", g->name);
    for (int i = 0; i < g->n_tensors; i++) {
        Tensor *t = g->tensors[i];
        if (t->data && t->c_name)
            buf_printf(b, "extern const %s %s[%lld];\n", dtype_c_type(t->dtype), t->c_name,
                       (long long)(ir_numel(t) ? ir_numel(t) : 1));
    }
    buf_puts(b, "\n");
    buf_append(b, e->decls.data ? e->decls.data : "", e->decls.len);
    buf_printf(b, "\n#if defined(__GNUC__) || defined(__clang__)\n"
                  "#define KILN_ARENA_ALIGNED __attribute__((aligned(%lld)))\n#else\n",
               (long long)g->alignment);
    buf_printf(b, ""
                  "#define KILN_ARENA_ALIGNED\n#endif\n\n");
    buf_printf(b, "static unsigned char %s_arena[%lld] KILN_ARENA_ALIGNED;\n\n", g->name,
               (long long)(g->arena_bytes ? g->arena_bytes : 1));
    if (g->io_in_arena) {
        emit_io_source(b, e);
    } else {
        buf_printf(b, "int %s_run_arena(void *arena_mem%s", g->name,
                   g->n_inputs + g->n_outputs ? ", " : "");
        emit_io_params(b, g);
        buf_printf(b, ")\n{\n    unsigned char *arena = (unsigned char *)arena_mem;\n    (void)arena;\n");
        emit_io_void(b, g);
        buf_append(b, e->body.data ? e->body.data : "", e->body.len);
        buf_printf(b, "    return 0;\n}\n");
    }
    buf_printf(b, "\nint %s_run(", g->name);
    emit_io_params(b, g);
    buf_printf(b, ")\n{\n    return %s_run_arena(%s_arena", g->name, g->name);
    for (int i = 0; i < g->n_inputs; i++)
        buf_printf(b, ", %s", g->inputs[i]->c_name);
    for (int i = 0; i < g->n_outputs; i++)
        buf_printf(b, ", %s", g->outputs[i]->c_name);
    buf_printf(b, ");\n}\n");
    if (cg_has_f32_wrapper(g))
        emit_f32_wrapper(b, e);
}

/* NAME_run_f32: int8 staging buffers (static, like the arena) around NAME_run. */
static void emit_f32_wrapper(Buf *b, Emit *e)
{
    Graph *g = e->g;
    int total = g->n_inputs + g->n_outputs;
    buf_printf(b, "\nint %s_run_f32(", g->name);
    emit_io_params_f32(b, g);
    buf_printf(b, ")\n{\n");
    for (int i = 0; i < total; i++) {
        const Tensor *t = i < g->n_inputs ? g->inputs[i] : g->outputs[i - g->n_inputs];
        if (t->scale <= 0)
            continue;
        char f[64];
        format_float(f, sizeof f, t->scale);
        buf_printf(b, "    static %s q%d[%lld];\n", dtype_c_type(t->dtype), i,
                   (long long)(ir_numel(t) ? ir_numel(t) : 1));
        buf_printf(b, "    static const kiln_quant_params qp%d = {%lld, %s, %d};\n", i,
                   (long long)ir_numel(t), f, t->zero_point);
    }
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i]->scale > 0)
            buf_printf(b, "    kiln_quantize_f32_s8(&qp%d, %s, q%d);\n", i, g->inputs[i]->c_name, i);
    buf_printf(b, "    int rc = %s_run(", g->name);
    for (int i = 0; i < total; i++) {
        const Tensor *t = i < g->n_inputs ? g->inputs[i] : g->outputs[i - g->n_inputs];
        if (t->scale > 0)
            buf_printf(b, "%sq%d", i ? ", " : "", i);
        else
            buf_printf(b, "%s%s", i ? ", " : "", t->c_name);
    }
    buf_printf(b, ");\n");
    for (int i = g->n_inputs; i < total; i++)
        if (g->outputs[i - g->n_inputs]->scale > 0)
            buf_printf(b, "    kiln_dequantize_s8_f32(&qp%d, q%d, %s);\n", i, i,
                       g->outputs[i - g->n_inputs]->c_name);
    buf_printf(b, "    return rc;\n}\n");
    cg_use_kernel(e, "kiln_quantize_f32_s8");
    cg_use_kernel(e, "kiln_dequantize_s8_f32");
}

static void format_value(char *tmp, size_t size, const Tensor *t, int64_t i)
{
    if (t->dtype == DT_F32) {
        format_float(tmp, size, ((const float *)t->data)[i]);
    } else if (t->dtype == DT_F64) {
        snprintf(tmp, size, "%.17g", ((const double *)t->data)[i]);
    } else if (t->dtype == DT_U64) {
        snprintf(tmp, size, "%lluu", (unsigned long long)((const uint64_t *)t->data)[i]);
    } else {
        long long v = (long long)ir_const_int(t, i);
        if (v == LLONG_MIN)
            snprintf(tmp, size, "(-9223372036854775807LL - 1)");
        else
            snprintf(tmp, size, t->dtype == DT_S64 ? "%lldLL" : "%lld", v);
    }
}

/* Elements after the last one with a non-zero bit pattern are left to C's zero
 * initialisation, and a run of equal elements is formatted once: folded generators
 * (ConstantOfShape, Expand) make millions of them, and printing each was most of the
 * compile time. */
static void emit_values(Buf *b, const Tensor *t)
{
    int64_t n = ir_numel(t);
    size_t es = dtype_size(t->dtype);
    const unsigned char *p = t->data;
    static const unsigned char zero[16];
    while (es > 0 && n > 0 && !memcmp(p + (size_t)(n - 1) * es, zero, es))
        n--;
    char tmp[64];
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || memcmp(p + (size_t)i * es, p + (size_t)(i - 1) * es, es))
            format_value(tmp, sizeof tmp, t, i);
        buf_puts(b, tmp);
        buf_puts(b, (i + 1) % 8 == 0 || i + 1 == n ? ",\n" : ", ");
    }
    if (n == 0)
        buf_puts(b, "0\n");
}

static void emit_weights(Buf *b, const Graph *g, const CgOptions *o)
{
    header_comment(b, o, "Model constants.");
    /* math.h: infinite constants are written as HUGE_VALF (e.g. a Pad value of -inf) */
    buf_printf(b, "#include <math.h>\n#include <stdint.h>\n\n"
                  "/* Define KILN_WEIGHTS_SECTION to place the weights, e.g.\n"
                  " * -DKILN_WEIGHTS_SECTION='__attribute__((section(\".rodata.kiln\")))' */\n"
                  "#ifndef KILN_WEIGHTS_SECTION\n#define KILN_WEIGHTS_SECTION\n#endif\n"
                  "#if defined(__GNUC__) || defined(__clang__)\n"
                  "#define KILN_WEIGHTS_ALIGNED __attribute__((aligned(16)))\n#else\n"
                  "#define KILN_WEIGHTS_ALIGNED\n#endif\n\n");
    char shape[128];
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = g->tensors[i];
        if (!t->data || !t->c_name)
            continue;
        int64_t n = ir_numel(t);
        char name[256];
        buf_printf(b, "/* '%s': %s %s */\n", comment_safe(t->name, name, sizeof name),
                   dtype_name(t->dtype), ir_shape_str(t, shape, sizeof shape));
        buf_printf(b, "extern const %s %s[%lld];\n", dtype_c_type(t->dtype), t->c_name,
                   (long long)(n ? n : 1));
        buf_printf(b, "const %s %s[%lld] KILN_WEIGHTS_ALIGNED KILN_WEIGHTS_SECTION = {\n",
                   dtype_c_type(t->dtype), t->c_name, (long long)(n ? n : 1));
        emit_values(b, t);
        buf_puts(b, "};\n\n");
    }
}

/* runtime/<variant>/<file> for the first variant that has the file (an optimised kernel
 * for the target's ISA, same name and signature), else the portable runtime/<file>. */
static void runtime_source(const char *data, const char *variants, const char *file, char *out,
                           size_t size)
{
    char list[128];
    snprintf(list, sizeof list, "%s", variants ? variants : "");
    for (char *save, *v = strtok_r(list, " ", &save); v; v = strtok_r(NULL, " ", &save)) {
        snprintf(out, size, "%s/runtime/%s/%s", data, v, file);
        if (path_exists(out))
            return;
    }
    snprintf(out, size, "%s/runtime/%s", data, file);
}

/* Copies runtime/<kernel>.c (or its variant) and the kernels it names in its "kiln-deps:"
 * line. */
static int copy_runtime(Emit *e, const char *dir, const char *variants, Diag *d)
{
    const char *data = kiln_data_dir();
    if (!data) {
        diag_error(d, "cannot find kiln's runtime/ directory (set KILN_HOME to the directory "
                   "holding runtime/)");
        return -1;
    }
    char src[PATH_MAX], dst[PATH_MAX];
    snprintf(dst, sizeof dst, "%s/kiln", dir);
    if (!path_is_dir(dst) && mkdir_p(dst, d))
        return -1;
    const char *files[CG_MAX_KERNELS + 1];
    int n_files = 0;
    files[n_files++] = "kiln.h";
    for (int i = 0; i < e->n_kernels; i++) {
        Buf b = {0};
        char file[256];
        snprintf(file, sizeof file, "%s.c", e->kernels[i]);
        runtime_source(data, variants, file, src, sizeof src);
        if (read_file(src, &b, d))
            return -1;
        const char *deps = strstr(b.data, "kiln-deps:");
        if (deps) {
            char line[512];
            sscanf(deps + 10, "%511[^*\n]", line);
            for (char *tok = strtok(line, " ,"); tok; tok = strtok(NULL, " ,"))
                cg_use_kernel(e, arena_strdup(e->g->arena, tok));
        }
        buf_free(&b);
    }
    for (int i = 0; i < e->n_kernels; i++)
        files[n_files++] = arena_printf(e->g->arena, "%s.c", e->kernels[i]);
    for (int i = 0; i < n_files; i++) {
        Buf b = {0};
        runtime_source(data, variants, files[i], src, sizeof src);
        snprintf(dst, sizeof dst, "%s/kiln/%s", dir, files[i]);
        int rc = read_file(src, &b, d) || write_file(dst, b.data, b.len, d);
        buf_free(&b);
        if (rc)
            return -1;
    }
    return 0;
}

static int write_buf(const char *dir, const char *name, const char *suffix, Buf *b, Diag *d)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
    return write_file(path, b->data ? b->data : "", b->len, d);
}

/* A constant graph output keeps its parameter name; its value moves to a weight that
 * the run function copies into the caller's buffer. */
static int separate_constant_outputs(Graph *g, Diag *d)
{
    for (int i = 0; i < g->n_outputs; i++) {
        Tensor *y = g->outputs[i];
        if (y->is_input) {
            diag_error(d, "graph output '%s' is also a graph input; kiln needs an op between "
                       "them", y->name);
            return -1;
        }
        if (!y->data)
            continue;
        if (g->io_in_arena) {
            diag_error(d, "graph output '%s' is a constant; --io-in-arena needs every output "
                       "computed by the model", y->name);
            return -1;
        }
        Tensor *w = ir_tensor_new(g, arena_printf(g->arena, "%s.value", y->name));
        ir_set_shape(w, y->dtype, y->rank, y->dims);
        w->data = y->data;
        y->data = NULL;
        y->alias_of = w;
    }
    return 0;
}

/* Constants become C arrays, about 3 bytes of text per byte of data: a 700-byte model whose
 * graph folds to hundreds of megabytes (a generator feeding an output) would otherwise
 * cost minutes and gigabytes of C. No microcontroller holds more than this in flash. */
#define CG_MAX_CONST_BYTES ((int64_t)64 << 20)

static int check_constant_bytes(const Graph *g, Diag *d)
{
    int64_t total = 0;
    const Tensor *largest = NULL;
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = g->tensors[i];
        if (!t->data || !t->c_name)
            continue;
        total += ir_bytes(t);
        if (!largest || ir_bytes(t) > ir_bytes(largest))
            largest = t;
    }
    if (total <= CG_MAX_CONST_BYTES)
        return 0;
    char shape[128];
    diag_error(d, "the model's constants take %lld bytes (largest: '%s', %s %s), over the "
               "%lld bytes kiln writes as C arrays",
               (long long)total, largest->name, dtype_name(largest->dtype),
               ir_shape_str(largest, shape, sizeof shape), (long long)CG_MAX_CONST_BYTES);
    return -1;
}

int cg_write_model(Graph *g, const CgOptions *o, const char *dir, Diag *d)
{
    Emit e = {.g = g};
    if (separate_constant_outputs(g, d))
        return -1;
    name_io(g);
    name_weights(g);
    if (check_constant_bytes(g, d))
        return -1;
    Buf h = {0}, c = {0}, w = {0};
    int rc = emit_nodes(&e, d);
    if (rc == 0) {
        emit_header(&h, g, o);
        emit_source(&c, &e, o);
        emit_weights(&w, g, o);
        rc = write_buf(dir, g->name, ".h", &h, d) || write_buf(dir, g->name, ".c", &c, d) ||
             write_buf(dir, g->name, "_weights.c", &w, d) || copy_runtime(&e, dir, o->variants, d);
    }
    buf_free(&h);
    buf_free(&c);
    buf_free(&w);
    buf_free(&e.decls);
    buf_free(&e.body);
    return rc ? -1 : 0;
}

int64_t cg_code_estimate(const Graph *g)
{
    /* ~40 bytes of Thumb-2 per kernel call and params struct, plus ~600 bytes per distinct
     * kernel; the boards work replaces this with the toolchain's size. */
    const char *seen[64];
    int n_seen = 0;
    int64_t bytes = 64;
    for (int i = 0; i < g->n_nodes; i++) {
        const Node *n = g->nodes[i];
        if (n->op->flags & OPF_VIEW)
            continue;
        bytes += 40 + 4 * 16;
        int found = 0;
        for (int k = 0; k < n_seen; k++)
            found |= !strcmp(seen[k], n->op->name);
        if (!found && n_seen < 64) {
            seen[n_seen++] = n->op->name;
            bytes += 600;
        }
    }
    return bytes;
}
