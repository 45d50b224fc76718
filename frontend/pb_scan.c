/* SPDX-License-Identifier: MIT */
/* A pre-scan of the protobuf wire format before protobuf-c decodes it.
 *
 * protobuf-c decodes nested messages recursively and allocates a struct for every
 * sub-message it meets, so a hostile file could exhaust the stack (a few kilobytes of
 * nested AttributeProto.g -> GraphProto.node -> ... headers) or memory (millions of
 * two-byte empty messages). This scan walks the same bytes, guided by the generated
 * descriptors, with an explicit depth bound: it checks that every key, varint and
 * length stays inside its enclosing message, that nesting stays under FE_PB_MAX_DEPTH,
 * and estimates the bytes decoding would allocate. It recurses only to that bound. */
#include "onnx_internal.h"

#include <string.h>

/* ONNX itself nests 6 levels (Model, Graph, Node, Attribute, Tensor, entry); each
 * subgraph (If/Loop bodies) adds 3. 64 leaves room for ~19 levels of subgraphs. */
#define FE_PB_MAX_DEPTH 64
/* Decoding a model larger than this is refused before protobuf-c allocates it. */
#define FE_PB_MAX_DECODED ((uint64_t)2 << 30)

typedef struct {
    const uint8_t *start;
    uint64_t decoded;     /* estimated bytes protobuf-c will allocate */
    Diag *d;
} Scan;

static int scan_error(Scan *s, const uint8_t *at, const char *what)
{
    diag_error(s->d, "not a valid ONNX model (protobuf decoding failed: %s at byte %zu)", what,
               (size_t)(at - s->start));
    return -1;
}

/* Reads a varint of at most 10 bytes ending before end; 0 on success. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Size a decoded scalar element of this field takes in memory. */
static size_t native_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    default:
        return 4;
    }
}

static int scan_message(Scan *s, const uint8_t *p, const uint8_t *end,
                        const ProtobufCMessageDescriptor *desc, int depth);

/* A length-delimited field of `len` bytes at p: a sub-message, packed scalars, bytes. */
static int scan_delimited(Scan *s, const uint8_t *p, uint64_t len,
                          const ProtobufCFieldDescriptor *f, int depth)
{
    if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
        const ProtobufCMessageDescriptor *sub = f->descriptor;
        s->decoded += sub->sizeof_message + sizeof(void *);
        return scan_message(s, p, p + len, sub, depth + 1);
    }
    if (f && f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_BYTES)
        s->decoded += len * native_size(f);   /* packed: at most one element per byte */
    else
        s->decoded += len + 1 + sizeof(void *);
    return 0;
}

static int scan_message(Scan *s, const uint8_t *p, const uint8_t *end,
                        const ProtobufCMessageDescriptor *desc, int depth)
{
    if (depth > FE_PB_MAX_DEPTH) {
        diag_error(s->d, "not a valid ONNX model: messages are nested more than %d levels deep "
                   "(at byte %zu)", FE_PB_MAX_DEPTH, (size_t)(p - s->start));
        return -1;
    }
    while (p < end) {
        const uint8_t *at = p;
        uint64_t key, v;
        if (read_varint(&p, end, &key))
            return scan_error(s, at, "truncated field key");
        uint64_t tag = key >> 3;
        if (tag == 0 || tag > 0x1fffffff)
            return scan_error(s, at, "invalid field number");
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(desc, (unsigned)tag);
        if (f && f->label == PROTOBUF_C_LABEL_REPEATED)
            s->decoded += f->type == PROTOBUF_C_TYPE_MESSAGE ? 0 : native_size(f);
        switch (key & 7) {
        case 0:
            if (read_varint(&p, end, &v))
                return scan_error(s, at, "truncated varint");
            break;
        case 1:
            if (end - p < 8)
                return scan_error(s, at, "truncated 64-bit value");
            p += 8;
            break;
        case 5:
            if (end - p < 4)
                return scan_error(s, at, "truncated 32-bit value");
            p += 4;
            break;
        case 2:
            if (read_varint(&p, end, &v))
                return scan_error(s, at, "truncated length");
            if (v > (uint64_t)(end - p))
                return scan_error(s, at, "a length runs past the end of its message");
            if (scan_delimited(s, p, v, f, depth))
                return -1;
            p += v;
            break;
        default:
            return scan_error(s, at, "unsupported wire type");
        }
    }
    return 0;
}

int fe_pb_prescan(const void *data, size_t len, const ProtobufCMessageDescriptor *desc, Diag *d)
{
    Scan s = {.start = data, .decoded = desc->sizeof_message, .d = d};
    if (scan_message(&s, data, s.start + len, desc, 0))
        return -1;
    if (s.decoded > FE_PB_MAX_DECODED) {
        diag_error(d, "the model would need about %llu MiB of memory to decode (limit %llu MiB)",
                   (unsigned long long)(s.decoded >> 20),
                   (unsigned long long)(FE_PB_MAX_DECODED >> 20));
        return -1;
    }
    return 0;
}
