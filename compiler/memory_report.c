/* SPDX-License-Identifier: MIT */
/* The memory plan for people: JSON for --report, a table for inspect --memory and an
 * SVG picture for --memory-svg (x = schedule step, y = arena offset). */
#include "memory_report.h"
#include "ops.h"

#include <cjson/cJSON.h>
#include <string.h>

/* One arena buffer: a tensor with an offset, or a node's scratch. */
typedef struct {
    const char *name, *kind;
    int64_t offset, bytes;
    int first, last;
} PlanRow;

static int64_t scratch_bytes(const Node *n)
{
    return n->op->scratch_bytes ? n->op->scratch_bytes(n) : 0;
}

/* The rows in tensor order, then scratch in step order; returns their count. */
static int plan_rows(const Graph *g, PlanRow *rows)
{
    int n = 0;
    for (int i = 0; i < g->n_tensors; i++) {
        const Tensor *t = g->tensors[i];
        if (t->offset < 0 || t->first_step < 0)
            continue;
        rows[n++] = (PlanRow){t->name, t->reuses ? "in-place" : "activation", t->offset,
                              ir_bytes(t), t->first_step, t->last_step};
    }
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *nd = g->nodes[s];
        if (scratch_bytes(nd) > 0 && nd->scratch_offset >= 0)
            rows[n++] = (PlanRow){arena_printf(g->arena, "scratch %d %s", s, nd->op->name), "scratch",
                                  nd->scratch_offset, scratch_bytes(nd), s, s};
    }
    return n;
}

static PlanRow *alloc_rows(const Graph *g)
{
    return arena_array(g->arena, (size_t)(g->n_tensors + g->n_nodes) + 1, sizeof(PlanRow));
}

static int peak_step(const Graph *g)
{
    int peak = 0;
    for (int s = 1; s < g->n_nodes; s++)
        if (g->step_live[s] > g->step_live[peak])
            peak = s;
    return peak;
}

void memory_report_json(const Graph *g, cJSON *root)
{
    cJSON_AddNumberToObject(root, "arena_lower_bound_bytes", (double)g->arena_lower_bound);
    cJSON_AddNumberToObject(root, "file_order_lower_bound_bytes", (double)g->file_order_bound);
    cJSON_AddStringToObject(root, "plan_strategy", g->plan_strategy ? g->plan_strategy : "");
    cJSON *live = cJSON_AddArrayToObject(root, "step_live_bytes");
    for (int s = 0; s < g->n_nodes; s++)
        cJSON_AddItemToArray(live, cJSON_CreateNumber((double)(g->step_live ? g->step_live[s] : 0)));
    cJSON *scratch = cJSON_AddArrayToObject(root, "scratch");
    for (int s = 0; s < g->n_nodes; s++) {
        const Node *n = g->nodes[s];
        if (scratch_bytes(n) <= 0 || n->scratch_offset < 0)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "node", n->name);
        cJSON_AddNumberToObject(o, "offset", (double)n->scratch_offset);
        cJSON_AddNumberToObject(o, "bytes", (double)scratch_bytes(n));
        cJSON_AddNumberToObject(o, "first_step", s);
        cJSON_AddNumberToObject(o, "last_step", s);
        cJSON_AddItemToArray(scratch, o);
    }
}

void memory_tensor_json(const Tensor *t, cJSON *o)
{
    if (t->slice_of && t->offset >= 0) {
        cJSON_AddStringToObject(o, "slice_of", t->slice_of->name);
        return;
    }
    if (t->offset < 0 || t->first_step < 0)
        return;
    cJSON_AddNumberToObject(o, "first_step", t->first_step);
    cJSON_AddNumberToObject(o, "last_step", t->last_step);
    if (t->reuses)
        cJSON_AddStringToObject(o, "in_place_of", t->reuses->name);
}

void memory_print_table(const Graph *g, FILE *out)
{
    PlanRow *rows = alloc_rows(g);
    int n = plan_rows(g, rows);
    fprintf(out, "%-40s %-10s %10s %10s %6s %6s\n", "buffer", "kind", "offset", "bytes", "first",
            "last");
    for (int i = 0; i < n; i++)
        fprintf(out, "%-40.40s %-10s %10lld %10lld %6d %6d\n", rows[i].name, rows[i].kind,
                (long long)rows[i].offset, (long long)rows[i].bytes, rows[i].first, rows[i].last);
    fprintf(out, "\n%-5s %-32s %-20s %12s\n", "step", "node", "op", "live bytes");
    for (int s = 0; s < g->n_nodes; s++)
        fprintf(out, "%-5d %-32.32s %-20s %12lld\n", s, g->nodes[s]->name, g->nodes[s]->op->name,
                (long long)g->step_live[s]);
    fprintf(out, "arena %lld bytes, lower bound %lld (peak at step %d), file-order bound "
            "without in-place %lld, placement %s\n", (long long)g->arena_bytes,
            (long long)g->arena_lower_bound, g->n_nodes ? peak_step(g) : 0,
            (long long)g->file_order_bound, g->plan_strategy ? g->plan_strategy : "-");
}

/* ---- SVG ------------------------------------------------------------------------------ */

static void xml_text(Buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            buf_puts(b, "&lt;");
        else if (*s == '>')
            buf_puts(b, "&gt;");
        else if (*s == '&')
            buf_puts(b, "&amp;");
        else if (*s == '"')
            buf_puts(b, "&quot;");
        else
            buf_append(b, s, 1);
    }
}

/* The buffer's name inside its box: along the box, or down it when the box is tall and
 * narrow; long names keep their distinctive tail without ONNX's "_output_0". */
static void svg_label(Buf *b, const PlanRow *r, double x, double y, double w, double h)
{
    int vertical = w < 90 && h > 3 * w;
    double along = vertical ? h : w, across = vertical ? w : h;
    if (across < 11 || along < 30)
        return;
    char label[96];
    snprintf(label, sizeof label, "%s", r->name);
    size_t len = strlen(label);
    if (len > 9 && !strcmp(label + len - 9, "_output_0"))
        label[len -= 9] = 0;
    size_t max_chars = (size_t)(along / 6);
    const char *shown = label;
    if (len > max_chars && max_chars > 1 && strcmp(r->kind, "scratch"))
        shown += len - max_chars;
    if (vertical)
        buf_printf(b, "<text transform=\"translate(%.1f,%.1f) rotate(90)\" font-size=\"9\">",
                   x + 3, y + 3);
    else
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\">", x + 2, y + 10,
                   w >= 90 ? 10 : 8);
    xml_text(b, shown);
    buf_puts(b, "</text>");
}

#define SVG_LEFT 90
#define SVG_TOP 40
#define SVG_PLOT_H 600

int memory_write_svg(const Graph *g, const char *path, Diag *d)
{
    PlanRow *rows = alloc_rows(g);
    int n = plan_rows(g, rows);
    int steps = g->n_nodes > 0 ? g->n_nodes : 1;
    int step_w = steps > 60 ? 14 : steps > 20 ? 24 : 48;
    int plot_w = steps * step_w;
    double arena = g->arena_bytes > 0 ? (double)g->arena_bytes : 1.0;
    double scale = SVG_PLOT_H / arena;
    Buf b = {0};
    buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"11\">\n", SVG_LEFT + plot_w + 40,
               SVG_TOP + SVG_PLOT_H + 60);
    buf_printf(&b, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    buf_printf(&b, "<text x=\"%d\" y=\"20\" font-size=\"14\">", SVG_LEFT);
    xml_text(&b, g->name);
    buf_printf(&b, ": arena %lld bytes, lower bound %lld, %s</text>\n",
               (long long)g->arena_bytes, (long long)g->arena_lower_bound,
               g->plan_strategy ? g->plan_strategy : "");
    buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\" "
               "stroke=\"#888\"/>\n", SVG_LEFT, SVG_TOP, plot_w, SVG_PLOT_H);
    for (int i = 0; i < n; i++) {
        const PlanRow *r = &rows[i];
        double x = SVG_LEFT + r->first * step_w, w = (r->last - r->first + 1) * step_w;
        double y = SVG_TOP + r->offset * scale, h = (double)r->bytes * scale;
        const char *fill = !strcmp(r->kind, "scratch") ? "#f0a35e"
                         : !strcmp(r->kind, "in-place") ? "#7fbf7f" : "#6fa8dc";
        buf_printf(&b, "<g><title>");
        xml_text(&b, r->name);
        buf_printf(&b, " (%s): offset %lld, %lld bytes, steps %d-%d</title>", r->kind,
                   (long long)r->offset, (long long)r->bytes, r->first, r->last);
        buf_printf(&b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                   "stroke=\"#333\" stroke-width=\"0.5\"/>", x, y, w, h > 0.5 ? h : 0.5, fill);
        svg_label(&b, r, x, y, w, h);
        buf_puts(&b, "</g>\n");
    }
    /* axes: steps along x, offsets along y, the peak step and the arena top marked */
    for (int s = 0; s < steps; s += steps > 40 ? 10 : 5)
        buf_printf(&b, "<text x=\"%d\" y=\"%d\">%d</text>\n", SVG_LEFT + s * step_w + 2,
                   SVG_TOP + SVG_PLOT_H + 15, s);
    buf_printf(&b, "<text x=\"%d\" y=\"%d\">schedule step</text>\n", SVG_LEFT + plot_w / 2,
               SVG_TOP + SVG_PLOT_H + 32);
    for (int k = 0; k <= 4; k++) {
        int64_t off = (int64_t)(arena * k / 4);
        buf_printf(&b, "<text x=\"4\" y=\"%.1f\">%lld</text>\n", SVG_TOP + off * scale + 4,
                   (long long)off);
    }
    if (g->n_nodes > 0) {
        int p = peak_step(g);
        buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                   "stroke=\"red\" stroke-width=\"2\" stroke-dasharray=\"6,3\"/>\n",
                   SVG_LEFT + p * step_w, SVG_TOP, step_w, SVG_PLOT_H);
        buf_printf(&b, "<text x=\"%d\" y=\"%d\" fill=\"red\">peak: step %d, %lld bytes "
                   "live</text>\n", SVG_LEFT + p * step_w, SVG_TOP + SVG_PLOT_H + 50, p,
                   (long long)g->step_live[p]);
    }
    buf_puts(&b, "</svg>\n");
    int rc = write_file(path, b.data, b.len, d);
    buf_free(&b);
    return rc;
}
