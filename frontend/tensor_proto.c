/* SPDX-License-Identifier: MIT */
/* ONNX TensorProto decoding (every encoding, external data) and .pb tensor files. */
#include "frontend.h"
#include "onnx_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

/* Reads `length` bytes at `offset` of a file next to the model, refusing paths that
 * leave the model's directory (absolute, '..', or symlinks pointing outside). */
static int read_external(const Onnx__TensorProto *tp, const char *model_dir, void *dst,
                         int64_t bytes, Diag *d)
{
    const char *location = NULL;
    int64_t offset = 0, length = -1;
    for (size_t i = 0; i < tp->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = tp->external_data[i];
        if (!e->key || !e->value)
            continue;
        if (!strcmp(e->key, "location"))
            location = e->value;
        else if (!strcmp(e->key, "offset"))
            offset = strtoll(e->value, NULL, 10);
        else if (!strcmp(e->key, "length"))
            length = strtoll(e->value, NULL, 10);
    }
    const char *tname = tp->name ? tp->name : "";
    if (!location || !*location) {
        diag_error(d, "tensor '%s': external data without a location", tname);
        return -1;
    }
    if (!model_dir) {
        diag_error(d, "tensor '%s': external data is not allowed here", tname);
        return -1;
    }
    if (location[0] == '/' || strstr(location, "..")) {
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
        diag_error(d, "tensor '%s': external data '%s' resolves outside the model's directory",
                   tname, location);
        return -1;
    }
    if (offset < 0 || (length >= 0 && length != bytes)) {
        diag_error(d, "tensor '%s': external data length %lld does not match its shape (%lld "
                   "bytes)", tname, (long long)length, (long long)bytes);
        return -1;
    }
    FILE *f = fopen(real_path, "rb");
    if (!f) {
        diag_error(d, "tensor '%s': cannot open external data '%s': %s", tname, path,
                   strerror(errno));
        return -1;
    }
    int ok = fseek(f, (long)offset, SEEK_SET) == 0 &&
             fread(dst, 1, (size_t)bytes, f) == (size_t)bytes;
    fclose(f);
    if (!ok) {
        diag_error(d, "tensor '%s': external data '%s' is shorter than the %lld bytes declared "
                   "(offset %lld)", tname, location, (long long)bytes, (long long)offset);
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
    void *dst = arena_alloc(a, (size_t)(bytes ? bytes : 1));
    t->data = dst;

    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return read_external(tp, model_dir, dst, bytes, d);
    if (tp->has_raw_data) {
        if ((int64_t)tp->raw_data.len != bytes) {
            diag_error(d, "tensor '%s': raw_data has %zu bytes but its shape needs %lld", tname,
                       tp->raw_data.len, (long long)bytes);
            return -1;
        }
        if (bytes)
            memcpy(dst, tp->raw_data.data, (size_t)bytes);
        return 0;
    }
    switch (dt) {
    case DT_F32:
        if ((int64_t)tp->n_float_data != numel)
            return typed_count_error(tname, tp->n_float_data, numel, "float_data", d);
        memcpy(dst, tp->float_data, (size_t)bytes);
        return 0;
    case DT_F64:
        if ((int64_t)tp->n_double_data != numel)
            return typed_count_error(tname, tp->n_double_data, numel, "double_data", d);
        memcpy(dst, tp->double_data, (size_t)bytes);
        return 0;
    case DT_S64:
        if ((int64_t)tp->n_int64_data != numel)
            return typed_count_error(tname, tp->n_int64_data, numel, "int64_data", d);
        memcpy(dst, tp->int64_data, (size_t)bytes);
        return 0;
    case DT_U32: case DT_U64:
        if ((int64_t)tp->n_uint64_data != numel)
            return typed_count_error(tname, tp->n_uint64_data, numel, "uint64_data", d);
        for (int64_t i = 0; i < numel; i++)
            store_int(dt, dst, i, (int64_t)tp->uint64_data[i]);
        return 0;
    default:
        if ((int64_t)tp->n_int32_data != numel)
            return typed_count_error(tname, tp->n_int32_data, numel, "int32_data", d);
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
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(&fe_pb_allocator, buf.len,
                                                       (const uint8_t *)buf.data);
    buf_free(&buf);
    if (!tp) {
        diag_error(d, "'%s' is not an ONNX TensorProto file (protobuf decoding failed)", path);
        return -1;
    }
    char dir[PATH_MAX];
    path_dirname(path, dir, sizeof dir);
    Diag sub = {.file = path};
    int rc = fe_tensor_from_proto(tp, dir, a, t, &sub);
    d->errors += sub.errors;
    if (rc == 0)
        t->name = arena_strdup(a, tp->name ? tp->name : "");
    onnx__tensor_proto__free_unpacked(tp, &fe_pb_allocator);
    return rc;
}
