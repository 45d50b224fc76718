/* SPDX-License-Identifier: MIT */
/* NumPy .npy reading and writing (little-endian, C order, numeric dtypes). */
#include "frontend.h"
#include "onnx_internal.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *descr;
    DType dt;
} npy_types[] = {
    {"<f4", DT_F32}, {"<f8", DT_F64}, {"|i1", DT_S8}, {"|u1", DT_U8}, {"<i2", DT_S16},
    {"<u2", DT_U16}, {"<i4", DT_S32}, {"<u4", DT_U32}, {"<i8", DT_S64}, {"<u8", DT_U64},
    {"|b1", DT_BOOL},
};

/* Finds the quoted value after 'key': in the header dict. */
static const char *header_value(const char *h, const char *key)
{
    const char *p = strstr(h, key);
    if (!p)
        return NULL;
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    return p;
}

static int parse_header(const char *path, const char *h, Tensor *t, Diag *d)
{
    const char *descr = header_value(h, "'descr'");
    const char *order = header_value(h, "'fortran_order'");
    const char *shape = header_value(h, "'shape'");
    if (!descr || !order || !shape || *descr != '\'' || *shape != '(') {
        diag_error(d, "'%s': malformed .npy header", path);
        return -1;
    }
    t->dtype = DT_UNDEF;
    for (size_t i = 0; i < KILN_ARRAY_LEN(npy_types); i++)
        if (strncmp(descr + 1, npy_types[i].descr, 3) == 0 && descr[4] == '\'')
            t->dtype = npy_types[i].dt;
    if (t->dtype == DT_UNDEF) {
        diag_error(d, "'%s': unsupported .npy dtype %.8s (kiln reads little-endian numeric "
                   "arrays)", path, descr);
        return -1;
    }
    if (strncmp(order, "False", 5) != 0) {
        diag_error(d, "'%s': Fortran-order arrays are not supported (save with C order)", path);
        return -1;
    }
    t->rank = 0;
    const char *p = shape + 1;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0 || t->rank == IR_MAX_RANK) {
            diag_error(d, "'%s': malformed .npy shape", path);
            return -1;
        }
        t->dims[t->rank++] = v;
        p = end;
    }
    return 0;
}

int fe_read_npy(const char *path, Arena *a, Tensor *t, Diag *d)
{
    Buf buf = {0};
    if (read_file(path, &buf, d))
        return -1;
    const unsigned char *b = (const unsigned char *)buf.data;
    int rc = -1;
    if (buf.len < 10 || memcmp(b, "\x93NUMPY", 6) != 0) {
        diag_error(d, "'%s' is not a .npy file (bad magic)", path);
        goto out;
    }
    size_t hlen, hstart;
    if (b[6] == 1) {
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
        hstart = 10;
    } else if (b[6] == 2 || b[6] == 3) {
        if (buf.len < 12)
            goto bad;
        hlen = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        hstart = 12;
    } else {
        diag_error(d, "'%s': unsupported .npy version %d", path, b[6]);
        goto out;
    }
    if (hlen > buf.len - hstart)
        goto bad;
    char *header = arena_alloc(a, hlen + 1);
    memcpy(header, b + hstart, hlen);
    if (parse_header(path, header, t, d))
        goto out;
    int64_t numel;
    if (fe_checked_numel(t->rank, t->dims, path, &numel, d))
        goto out;
    size_t bytes = (size_t)numel * dtype_size(t->dtype);
    if (buf.len - hstart - hlen != bytes) {
        diag_error(d, "'%s': holds %zu data bytes but its shape needs %zu", path,
                   buf.len - hstart - hlen, bytes);
        goto out;
    }
    t->data = arena_alloc(a, bytes ? bytes : 1);
    memcpy(t->data, b + hstart + hlen, bytes);
    rc = 0;
    goto out;
bad:
    diag_error(d, "'%s': truncated .npy file", path);
out:
    buf_free(&buf);
    return rc;
}

int fe_write_npy(const char *path, const Tensor *t, Diag *d)
{
    const char *descr = NULL;
    for (size_t i = 0; i < KILN_ARRAY_LEN(npy_types); i++)
        if (npy_types[i].dt == t->dtype)
            descr = npy_types[i].descr;
    if (!descr) {
        diag_error(d, "cannot write %s tensors to .npy", dtype_name(t->dtype));
        return -1;
    }
    Buf h = {0};
    buf_printf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < t->rank; i++)
        buf_printf(&h, "%lld,%s", (long long)t->dims[i], i + 1 < t->rank ? " " : "");
    buf_puts(&h, "), }");
    while ((10 + h.len + 1) % 64)
        buf_puts(&h, " ");
    buf_puts(&h, "\n");
    Buf out = {0};
    buf_append(&out, "\x93NUMPY\x01\x00", 8);
    unsigned char len[2] = {(unsigned char)(h.len & 0xff), (unsigned char)(h.len >> 8)};
    buf_append(&out, len, 2);
    buf_append(&out, h.data, h.len);
    buf_append(&out, t->data, (size_t)ir_bytes(t));
    int rc = write_file(path, out.data, out.len, d);
    buf_free(&h);
    buf_free(&out);
    return rc;
}
