/* SPDX-License-Identifier: MIT */
/* ONNX TensorProto decoding (every encoding, external data) and .pb tensor files. */
#include "frontend.h"
#include "onnx_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest tensor the compiler accepts (bytes); larger ones are rejected, not allocated. */
#define FE_MAX_TENSOR_BYTES ((int64_t)1 << 31)

DType fe_dtype_from_onnx(int32_t t)
{
    switch (t) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return DT_F32;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return DT_F64;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return DT_S8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return DT_U8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return DT_S16;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return DT_U16;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return DT_S32;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return DT_U32;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return DT_S64;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return DT_U64;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return DT_BOOL;
    default: return DT_UNDEF;
    }
}

const char *fe_onnx_type_name(int32_t t)
{
    static const char *names[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
                                  "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
                                  "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    return t >= 0 && t < (int32_t)KILN_ARRAY_LEN(names) ? names[t] : "unknown";
}

int fe_checked_numel(int rank, const int64_t *dims, const char *what, int64_t *out, Diag *d)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0) {
            diag_error(d, "%s has a negative dimension %lld", what, (long long)dims[i]);
            return -1;
        }
        if (mul_overflow_i64(n, dims[i], &n) || n > FE_MAX_TENSOR_BYTES) {
            diag_error(d, "%s is too large (its element count overflows or exceeds 2^31)", what);
            return -1;
        }
    }
    *out = n;
    return 0;
}

static void *alloc_data(Arena *a, Tensor *t, int64_t bytes)
{
    t->data = arena_alloc(a, (size_t)(bytes ? bytes : 1));
    return t->data;
}

/* A decimal offset/length of external data; -1 if it is not a non-negative number. */
static int64_t parse_size(const char *v)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return end == v || *end || errno || n < 0 ? -1 : n;
}

/* 1 if location has a ".." component (it could climb out of the model's folder). */
static int has_dotdot(const char *location)
{
    for (const char *p = location; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == location || p[-1] == '/') && (p[2] == 0 || p[2] == '/'))
            return 1;
    return 0;
}

/* Reads the tensor's `bytes` bytes at `offset` of a regular file next to the model,
 * refusing paths that leave the model's directory (absolute, '..', or symlinks pointing
 * outside) and files shorter than declared, before allocating anything. */
static int read_external(const Onnx__TensorProto *tp, const char *model_dir, Arena *a, Tensor *t,
                         int64_t bytes, Diag *d)
{
    const char *location = NULL, *tname = tp->name ? tp->name : "";
    int64_t offset = 0, length = -1;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (!e->key || !e->value)
            continue;
        if (!strcmp(e->key, "location")) {
            location = e->value;
        } else if (!strcmp(e->key, "offset") || !strcmp(e->key, "length")) {
            int64_t v = parse_size(e->value);
            if (v < 0) {
                diag_error(d, "tensor '%s': external data %s '%s' is not a non-negative number",
                           tname, e->key, e->value);
                return -1;
            }
            *(e->key[0] == 'o' ? &offset : &length) = v;
        }
    }
    if (!location || !*location) {
        diag_error(d, "tensor '%s': external data without a location", tname);
        return -1;
    }
    if (!model_dir) {
        diag_error(d, "tensor '%s': external data is not allowed here", tname);
        return -1;
    }
    if (location[0] == '/' || has_dotdot(location)) {
        diag_error(d, "tensor '%s': external data location '%s' must be a relative path inside "
                   "the model's directory", tname, location);
        return -1;
    }
    char path[PATH_MAX], real_dir[PATH_MAX], real_path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", model_dir, location);
    if (!realpath(model_dir, real_dir) || !realpath(path, real_path)) {
        diag_error(d, "tensor '%s': cannot open external data '%s': %s", tname, path,
                   strerror(errno));
        return -1;
    }
    size_t n = strlen(real_dir);
    if (strncmp(real_path, real_dir, n) != 0 || real_path[n] != '/') {
        diag_error(d, "tensor '%s': external data '%s' resolves outside the model's directory "
                   "(symlink?)", tname, location);
        return -1;
    }
    if (length >= 0 && length != bytes) {
        diag_error(d, "tensor '%s': external data length %lld does not match its shape (%lld "
                   "bytes)", tname, (long long)length, (long long)bytes);
        return -1;
    }
    struct stat st;
    if (stat(real_path, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_error(d, "tensor '%s': external data '%s' is not a regular file", tname, location);
        return -1;
    }
    if (offset > st.st_size || bytes > st.st_size - offset) {
        diag_error(d, "tensor '%s': external data '%s' is shorter than the %lld bytes declared "
                   "(offset %lld, file size %lld)", tname, location, (long long)bytes,
                   (long long)offset, (long long)st.st_size);
        return -1;
    }
    FILE *f = fopen(real_path, "rb");
    if (!f) {
        diag_error(d, "tensor '%s': cannot open external data '%s': %s", tname, path,
                   strerror(errno));
        return -1;
    }
    void *dst = alloc_data(a, t, bytes);
    int ok = fseeko(f, (off_t)offset, SEEK_SET) == 0 &&
             fread(dst, 1, (size_t)bytes, f) == (size_t)bytes;
    fclose(f);
    if (!ok) {
        diag_error(d, "tensor '%s': cannot read %lld bytes of external data '%s' at offset %lld",
                   tname, (long long)bytes, location, (long long)offset);
        return -1;
    }
    return 0;
}

/* Copies typed-field values (int32_data etc.) into dst converting to the tensor type. */
static void store_int(DType dt, void *dst, int64_t i, int64_t v)
{
    switch (dt) {
    case DT_S8: ((int8_t *)dst)[i] = (int8_t)v; break;
    case DT_U8: case DT_BOOL: ((uint8_t *)dst)[i] = (uint8_t)v; break;
    case DT_S16: ((int16_t *)dst)[i] = (int16_t)v; break;
    case DT_U16: ((uint16_t *)dst)[i] = (uint16_t)v; break;
    case DT_S32: ((int32_t *)dst)[i] = (int32_t)v; break;
    case DT_U32: ((uint32_t *)dst)[i] = (uint32_t)v; break;
    case DT_S64: ((int64_t *)dst)[i] = v; break;
    case DT_U64: ((uint64_t *)dst)[i] = (uint64_t)v; break;
    default: break;
    }
}

static const char *typed_field_name(DType dt)
{
    switch (dt) {
    case DT_F32: return "float_data";
    case DT_F64: return "double_data";
    case DT_S64: return "int64_data";
    case DT_U32: case DT_U64: return "uint64_data";
    default: return "int32_data";
    }
}

static int typed_count_error(const char *tname, size_t have, int64_t want, const char *field,
                             Diag *d)
{
    diag_error(d, "tensor '%s': %s holds %zu values but its shape needs %lld", tname, field,
               have, (long long)want);
    return -1;
}

int fe_tensor_from_proto(const Onnx__TensorProto *tp, const char *model_dir, Arena *a,
                         Tensor *t, Diag *d)
{
    const char *tname = tp->name ? tp->name : "";
    DType dt = fe_dtype_from_onnx(tp->data_type);
    if (dt == DT_UNDEF) {
        diag_error(d, "tensor '%s': element type %s is not supported", tname,
                   fe_onnx_type_name(tp->data_type));
        return -1;
    }
    if (tp->n_dims > IR_MAX_RANK) {
        diag_error(d, "tensor '%s' has rank %zu; kiln supports up to %d", tname, tp->n_dims,
                   IR_MAX_RANK);
        return -1;
    }
    if (tp->segment) {
        diag_error(d, "tensor '%s': segmented tensors are not supported", tname);
        return -1;
    }
    char what[300];
    snprintf(what, sizeof what, "tensor '%s'", tname);
    int64_t numel;
    if (fe_checked_numel((int)tp->n_dims, tp->dims, what, &numel, d))
        return -1;
    ir_set_shape(t, dt, (int)tp->n_dims, tp->dims);
    int64_t bytes = numel * (int64_t)dtype_size(dt);
    /* Every branch checks the data the file really holds before allocating the shape's
     * size: a few header bytes must not make kiln allocate gigabytes. */
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return read_external(tp, model_dir, a, t, bytes, d);
    if (tp->has_raw_data) {
        if ((int64_t)tp->raw_data.len != bytes) {
            diag_error(d, "tensor '%s': raw_data has %zu bytes but its shape needs %lld", tname,
                       tp->raw_data.len, (long long)bytes);
            return -1;
        }
        void *dst = alloc_data(a, t, bytes);
        if (bytes)
            memcpy(dst, tp->raw_data.data, (size_t)bytes);
        return 0;
    }
    size_t have = dt == DT_F32 ? tp->n_float_data : dt == DT_F64 ? tp->n_double_data
                : dt == DT_S64 ? tp->n_int64_data : dt == DT_U32 || dt == DT_U64 ? tp->n_uint64_data
                : tp->n_int32_data;
    if ((int64_t)have != numel)
        return typed_count_error(tname, have, numel, typed_field_name(dt), d);
    void *dst = alloc_data(a, t, bytes);
    switch (dt) {
    case DT_F32:
        if (bytes)
            memcpy(dst, tp->float_data, (size_t)bytes);
        return 0;
    case DT_F64:
        if (bytes)
            memcpy(dst, tp->double_data, (size_t)bytes);
        return 0;
    case DT_S64:
        if (bytes)
            memcpy(dst, tp->int64_data, (size_t)bytes);
        return 0;
    case DT_U32: case DT_U64:
        for (int64_t i = 0; i < numel; i++)
            store_int(dt, dst, i, (int64_t)tp->uint64_data[i]);
        return 0;
    default:
        for (int64_t i = 0; i < numel; i++)
            store_int(dt, dst, i, tp->int32_data[i]);
        return 0;
    }
}

/* protobuf-c allocations go through the compiler's funnel. */
static void *pb_alloc(void *data, size_t size) { (void)data; return kiln_malloc(size); }
static void pb_free(void *data, void *p) { (void)data; kiln_free(p); }
ProtobufCAllocator fe_pb_allocator = {pb_alloc, pb_free, NULL};

int fe_read_tensor_pb(const char *path, Arena *a, Tensor *t, Diag *d)
{
    Buf buf = {0};
    if (read_file(path, &buf, d))
        return -1;
    Diag sub = {.file = path};
    Onnx__TensorProto *tp = NULL;
    if (fe_pb_prescan(buf.data, buf.len, &onnx__tensor_proto__descriptor, &sub) == 0)
        tp = onnx__tensor_proto__unpack(&fe_pb_allocator, buf.len, (const uint8_t *)buf.data);
    buf_free(&buf);
    if (!tp) {
        d->errors += sub.errors;
        if (!sub.errors)
            diag_error(d, "'%s' is not an ONNX TensorProto file (protobuf decoding failed)", path);
        return -1;
    }
    char dir[PATH_MAX];
    path_dirname(path, dir, sizeof dir);
    int rc = fe_tensor_from_proto(tp, dir, a, t, &sub);
    d->errors += sub.errors;
    if (rc == 0)
        t->name = arena_strdup(a, tp->name ? tp->name : "");
    onnx__tensor_proto__free_unpacked(tp, &fe_pb_allocator);
    return rc;
}
