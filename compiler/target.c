/* SPDX-License-Identifier: MIT */
/* Target YAML loading with libyaml. Nested mappings are flattened to dotted keys
 * ("isa.fpu", "memory.flash.origin"), and each key is looked up in one table, so a
 * typo or a value of the wrong form is an error naming the file, line and key. */
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define KEY_DEPTH 4

/* "4M", "512K", "0x10000000", "8192" -> bytes; -1 when malformed. */
static int64_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (end == s || v < 0 || errno)
        return -1;
    int64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    if (*end || v > INT64_MAX / mul)
        return -1;
    return (int64_t)v * mul;
}

static int parse_bool(const char *s)
{
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
        return 1;
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
        return 0;
    return -1;
}

typedef struct {
    const char *path;
    size_t line;
    Diag *d;
} Where;

KILN_PRINTF(2, 3) static int bad(const Where *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(w->d, "%s:%zu: %s", w->path, w->line, msg);
    return -1;
}

/* memory.<region>.origin|length */
static int set_region(Target *t, const char *key, const char *value, const Where *w)
{
    char name[64];
    const char *dot = strchr(key, '.');
    if (!dot || (size_t)(dot - key) >= sizeof name || (strcmp(dot + 1, "origin") &&
                                                         strcmp(dot + 1, "length")))
        return bad(w, "memory regions are 'memory: {NAME: {origin: ADDR, length: SIZE}}', "
                   "got key 'memory.%s'", key);
    snprintf(name, sizeof name, "%.*s", (int)(dot - key), key);
    MemRegion *r = (MemRegion *)target_region(t, name);
    if (!r) {
        if (t->n_regions == TARGET_MAX_REGIONS)
            return bad(w, "more than %d memory regions", TARGET_MAX_REGIONS);
        if (strlen(name) >= sizeof r->name)
            return bad(w, "memory region name '%s' is too long", name);
        r = &t->regions[t->n_regions++];
        snprintf(r->name, sizeof r->name, "%s", name);
        r->origin = r->length = -1;
    }
    int64_t v = parse_size(value);
    if (v < 0)
        return bad(w, "memory.%s: expected an address or size (0x20000000, 4M, 512K), got '%s'",
                   key, value);
    if (!strcmp(dot + 1, "origin"))
        r->origin = v;
    else
        r->length = v;
    return 0;
}

enum { F_STR, F_SIZE, F_BOOL, F_INT };

static int set_field(Target *t, const char *key, const char *value, const Where *w)
{
    struct {
        const char *key;
        int kind;
        void *dst;
        size_t size;
    } fields[] = {
        {"name", F_STR, t->name, sizeof t->name},
        {"description", F_STR, t->description, sizeof t->description},
        {"cc", F_STR, t->cc, sizeof t->cc},
        {"cflags", F_STR, t->cflags, sizeof t->cflags},
        {"ldflags", F_STR, t->ldflags, sizeof t->ldflags},
        {"size", F_STR, t->size_tool, sizeof t->size_tool},
        {"nm", F_STR, t->nm_tool, sizeof t->nm_tool},
        {"alignment", F_INT, &t->alignment, 0},
        {"cpu", F_STR, t->cpu, sizeof t->cpu},
        {"arch", F_STR, t->arch, sizeof t->arch},
        {"isa.fpu", F_STR, t->fpu, sizeof t->fpu},
        {"isa.dsp", F_BOOL, &t->dsp, 0},
        {"isa.mve", F_STR, t->mve, sizeof t->mve},
        {"budget.flash", F_SIZE, &t->flash_budget, 0},
        {"budget.ram", F_SIZE, &t->ram_budget, 0},
        {"budget.stack", F_SIZE, &t->stack_estimate, 0},
        {"sections.code", F_STR, t->code_region, sizeof t->code_region},
        {"sections.weights", F_STR, t->weights_region, sizeof t->weights_region},
        {"sections.data", F_STR, t->data_region, sizeof t->data_region},
        {"sections.stack", F_STR, t->stack_region, sizeof t->stack_region},
        {"emulator.command", F_STR, t->emulator, sizeof t->emulator},
        {"emulator.count", F_STR, t->emulator_count, sizeof t->emulator_count},
        {"emulator.timeout", F_INT, &t->emulator_timeout, 0},
    };
    if (!strncmp(key, "memory.", 7))
        return set_region(t, key + 7, value, w);
    for (size_t i = 0; i < KILN_ARRAY_LEN(fields); i++) {
        if (strcmp(key, fields[i].key))
            continue;
        int64_t v;
        switch (fields[i].kind) {
        case F_STR:
            if (strlen(value) >= fields[i].size)
                return bad(w, "%s: value is too long (at most %zu characters)", key,
                           fields[i].size - 1);
            snprintf(fields[i].dst, fields[i].size, "%s", value);
            return 0;
        case F_SIZE:
            if ((v = parse_size(value)) < 0)
                return bad(w, "%s: expected a size in bytes (8192, 64K, 4M), got '%s'", key, value);
            *(int64_t *)fields[i].dst = v;
            return 0;
        case F_BOOL:
            if ((v = parse_bool(value)) < 0)
                return bad(w, "%s: expected true or false, got '%s'", key, value);
            *(int *)fields[i].dst = (int)v;
            return 0;
        default:
            if ((v = parse_size(value)) < 0 || v > 1 << 30)
                return bad(w, "%s: expected a number, got '%s'", key, value);
            if (fields[i].dst == &t->alignment) {
                if (v < 1 || v > 4096 || (v & (v - 1)))
                    return bad(w, "alignment must be a power of two from 1 to 4096, got '%s'",
                               value);
                t->alignment = v;
            } else {
                *(int *)fields[i].dst = (int)v;
            }
            return 0;
        }
    }
    return bad(w, "unknown key '%s' (see docs/targets.md for the fields)", key);
}

static void join_key(char stack[KEY_DEPTH][64], int depth, const char *last, char *out,
                     size_t size)
{
    Buf b = {0};
    for (int i = 0; i < depth; i++)
        buf_printf(&b, "%s.", stack[i]);
    buf_puts(&b, last);
    snprintf(out, size, "%.*s", (int)b.len, b.data);
    buf_free(&b);
}

static int parse_file(const char *path, Target *t, Diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, "cannot open target file '%s'", path);
        return -1;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    char stack[KEY_DEPTH][64], key[64] = "", full[256];
    int depth = -1, rc = 0, done = 0, expect_key = 1;
    while (!done && rc == 0) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            diag_error(d, "%s:%zu: invalid YAML: %s", path, p.problem_mark.line + 1,
                       p.problem ? p.problem : "parse error");
            rc = -1;
            break;
        }
        Where w = {path, e.start_mark.line + 1, d};
        switch (e.type) {
        case YAML_MAPPING_START_EVENT:
            if (depth >= 0) {
                if (expect_key || depth + 1 >= KEY_DEPTH) {
                    rc = bad(&w, "mappings nest too deep or have no key");
                    break;
                }
                snprintf(stack[depth], sizeof stack[depth], "%s", key);
            }
            depth++;
            expect_key = 1;
            break;
        case YAML_MAPPING_END_EVENT:
            depth--;
            expect_key = 1;
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = bad(&w, "lists are not used in target files (key '%s')", key);
            break;
        case YAML_SCALAR_EVENT:
            if (expect_key) {
                if (strlen((const char *)e.data.scalar.value) >= sizeof key) {
                    rc = bad(&w, "key too long");
                    break;
                }
                snprintf(key, sizeof key, "%s", (const char *)e.data.scalar.value);
            } else {
                join_key(stack, depth, key, full, sizeof full);
                rc = set_field(t, full, (const char *)e.data.scalar.value, &w);
            }
            expect_key = !expect_key;
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    fclose(f);
    return rc;
}

void target_list(char *out, size_t size)
{
    const char *data = kiln_data_dir();
    char dir[PATH_MAX];
    out[0] = 0;
    if (!data)
        return;
    snprintf(dir, sizeof dir, "%s/targets", data);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        const char *e = names[i]->d_name;
        if (str_ends_with(e, ".yaml") && used < size) {
            int k = snprintf(out + used, size - used, "%s%.*s", used ? " " : "",
                             (int)(strlen(e) - 5), e);
            if (k > 0)
                used += (size_t)k;
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

const MemRegion *target_region(const Target *t, const char *name)
{
    for (int i = 0; i < t->n_regions; i++)
        if (!strcmp(t->regions[i].name, name))
            return &t->regions[i];
    return NULL;
}

int target_is_emulated(const Target *t) { return t->emulator[0] != 0; }

/* Best first: a kernel in runtime/mvef needs Helium's float lanes, runtime/mve its integer
 * ones, runtime/fpu a scalar FPU, runtime/dsp the Cortex-M DSP extension. */
void target_variants(const Target *t, char *out, size_t size)
{
    const char *have[4] = {!strcmp(t->mve, "float") ? "mvef" : NULL,
                           strcmp(t->mve, "none") ? "mve" : NULL,
                           strcmp(t->fpu, "none") ? "fpu" : NULL, t->dsp ? "dsp" : NULL};
    size_t used = 0;
    if (size)
        out[0] = 0;
    for (int i = 0; i < 4; i++)
        if (have[i] && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "", have[i]);
}

/* An emulated target must say where every section goes, and the regions must exist. */
static int check_target(const Target *t, const char *path, Diag *d)
{
    if (!t->name[0]) {
        diag_error(d, "%s: the target needs a name", path);
        return -1;
    }
    if (strcmp(t->mve, "none") && strcmp(t->mve, "int") && strcmp(t->mve, "float")) {
        diag_error(d, "%s: isa.mve must be none, int or float, got '%s'", path, t->mve);
        return -1;
    }
    for (int i = 0; i < t->n_regions; i++) {
        const MemRegion *r = &t->regions[i];
        if (r->origin < 0 || r->length <= 0) {
            diag_error(d, "%s: memory region '%s' needs an origin and a non-zero length", path,
                       r->name);
            return -1;
        }
    }
    if (!target_is_emulated(t))
        return 0;
    const char *need[][2] = {{"sections.code", t->code_region},
                             {"sections.weights", t->weights_region},
                             {"sections.data", t->data_region},
                             {"sections.stack", t->stack_region}};
    for (size_t i = 0; i < KILN_ARRAY_LEN(need); i++) {
        if (!target_region(t, need[i][1])) {
            diag_error(d, "%s: %s names region '%s', which is not under memory:", path,
                       need[i][0], need[i][1]);
            return -1;
        }
    }
    if (!t->arch[0] || !strstr(t->emulator, "{elf}")) {
        diag_error(d, "%s: an emulated target needs arch (board support directory) and an "
                   "emulator.command containing {elf}", path);
        return -1;
    }
    return 0;
}

int target_load(const char *name_or_file, Target *t, Diag *d)
{
    memset(t, 0, sizeof *t);
    snprintf(t->cc, sizeof t->cc, "cc");
    snprintf(t->fpu, sizeof t->fpu, "none");
    snprintf(t->mve, sizeof t->mve, "none");
    t->alignment = 16;
    t->emulator_timeout = 300;
    const char *name = name_or_file && *name_or_file ? name_or_file : "host";
    char path[PATH_MAX];
    if (str_ends_with(name, ".yaml")) {
        snprintf(path, sizeof path, "%s", name);
    } else {
        const char *data = kiln_data_dir();
        snprintf(path, sizeof path, "%s/targets/%s.yaml", data ? data : ".", name);
        if (strchr(name, '/') || !path_exists(path)) {
            char list[512];
            target_list(list, sizeof list);
            diag_error(d, "unknown target '%s' (available: %s; or give a FILE.yaml)", name,
                       list[0] ? list : "none found");
            return -1;
        }
    }
    if (parse_file(path, t, d))
        return -1;
    return check_target(t, path, d);
}
