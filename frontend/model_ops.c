/* SPDX-License-Identifier: MIT */
/* The op types an ONNX file uses, read straight from the protobuf without converting or
 * checking anything else, so it works for models kiln cannot compile (kiln inspect --ops). */
#include "onnx_internal.h"

#include <string.h>

static int listed(const Buf *b, const char *op)
{
    size_t n = strlen(op);
    for (const char *p = b->data; p && (p = strstr(p, op)) != NULL; p += n)
        if ((p == b->data || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return 1;
    return 0;
}

static void list_node_ops(Onnx__NodeProto *const *nodes, size_t n, Buf *out)
{
    for (size_t i = 0; i < n; i++) {
        const Onnx__NodeProto *np = nodes[i];
        char op[512];
        const char *dom = np->domain && *np->domain && strcmp(np->domain, "ai.onnx") ? np->domain
                                                                                       : NULL;
        snprintf(op, sizeof op, "%s%s%s", dom ? dom : "", dom ? "." : "",
                 np->op_type ? np->op_type : "");
        if (!listed(out, op))
            buf_printf(out, "%s%s", out->len ? " " : "", op);
    }
}

int fe_model_ops(const char *path, Buf *out, Diag *d)
{
    Buf buf = {0};
    if (read_file(path, &buf, d))
        return -1;
    Onnx__ModelProto *m = onnx__model_proto__unpack(&fe_pb_allocator, buf.len,
                                                    (const uint8_t *)buf.data);
    buf_free(&buf);
    if (!m || !m->graph) {
        diag_error(d, "not a valid ONNX model (protobuf decoding failed or no graph)");
        if (m)
            onnx__model_proto__free_unpacked(m, &fe_pb_allocator);
        return -1;
    }
    list_node_ops(m->graph->node, m->graph->n_node, out);
    buf_puts(out, "");
    onnx__model_proto__free_unpacked(m, &fe_pb_allocator);
    return 0;
}
