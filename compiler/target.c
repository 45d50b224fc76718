/* SPDX-License-Identifier: MIT */
/* Target YAML loading with libyaml: a flat mapping of scalar keys. */
#include "target.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static int set_field(Target *t, const char *key, const char *value, const char *path, Diag *d)
{
    struct {
        const char *key;
        char *dst;
        size_t size;
    } strings[] = {{"name", t->name, sizeof t->name},
                   {"description", t->description, sizeof t->description},
                   {"cc", t->cc, sizeof t->cc},
                   {"cflags", t->cflags, sizeof t->cflags}};
    for (size_t i = 0; i < KILN_ARRAY_LEN(strings); i++) {
        if (!strcmp(key, strings[i].key)) {
            snprintf(strings[i].dst, strings[i].size, "%s", value);
            return 0;
        }
    }
    if (!strcmp(key, "alignment")) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*end || v < 1 || v > 4096 || (v & (v - 1))) {
            diag_error(d, "%s: alignment must be a power of two from 1 to 4096, got '%s'", path,
                       value);
            return -1;
        }
        t->alignment = v;
        return 0;
    }
    diag_error(d, "%s: unknown key '%s' (known: name, description, cc, cflags, alignment)", path,
               key);
    return -1;
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
    char key[128] = "";
    int depth = 0, rc = 0, done = 0, expect_key = 1;
    while (!done && rc == 0) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            diag_error(d, "%s:%zu: invalid YAML: %s", path, p.problem_mark.line + 1,
                       p.problem ? p.problem : "parse error");
            rc = -1;
            break;
        }
        switch (e.type) {
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (++depth > 1) {
                diag_error(d, "%s:%zu: nested values are not supported here", path,
                           e.start_mark.line + 1);
                rc = -1;
            }
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            depth--;
            break;
        case YAML_SCALAR_EVENT:
            if (expect_key) {
                snprintf(key, sizeof key, "%s", (const char *)e.data.scalar.value);
            } else {
                rc = set_field(t, key, (const char *)e.data.scalar.value, path, d);
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
    DIR *dd = opendir(dir);
    if (!dd)
        return;
    struct dirent *e;
    size_t used = 0;
    while ((e = readdir(dd))) {
        if (!str_ends_with(e->d_name, ".yaml"))
            continue;
        int n = snprintf(out + used, size - used, "%s%.*s", used ? " " : "",
                         (int)(strlen(e->d_name) - 5), e->d_name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    closedir(dd);
}

int target_load(const char *name_or_file, Target *t, Diag *d)
{
    memset(t, 0, sizeof *t);
    snprintf(t->cc, sizeof t->cc, "cc");
    t->alignment = 16;
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
    if (!t->name[0]) {
        diag_error(d, "%s: the target needs a name", path);
        return -1;
    }
    return 0;
}
