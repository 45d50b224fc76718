/* SPDX-License-Identifier: MIT */
/* Builds generated code plus a driver with the host C compiler ($CC, default cc). */
#include "pipeline.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 256

/* Splits a flags string on spaces into argv (no quoting; flags rarely need it). */
static int split_flags(char *s, char **argv, int at, int max)
{
    for (char *tok = strtok(s, " \t"); tok && at < max - 1; tok = strtok(NULL, " \t"))
        argv[at++] = tok;
    return at;
}

int harness_build(const Graph *g, const char *dir, const char *driver, const char *cc,
                  const char *cflags, const char *board_args, char *exe, size_t exe_size,
                  Diag *d)
{
    char *argv[MAX_ARGS];
    int n = 0;
    char cc_buf[512], flags_buf[1024], extra_buf[1024], board_buf[4096];
    snprintf(cc_buf, sizeof cc_buf, "%s", cc);
    n = split_flags(cc_buf, argv, n, MAX_ARGS);
    snprintf(flags_buf, sizeof flags_buf, "%s", cflags);
    n = split_flags(flags_buf, argv, n, MAX_ARGS);
    if (getenv("KILN_SANITIZE") && !board_args) {   /* sanitizers exist on the host only */
        snprintf(extra_buf, sizeof extra_buf, "-fsanitize=address,undefined -fno-sanitize-recover=all -g");
        n = split_flags(extra_buf, argv, n, MAX_ARGS);
    }
    Arena *a = g->arena;
    argv[n++] = arena_printf(a, "-I%s", dir);
    argv[n++] = arena_printf(a, "%s/%s.c", dir, g->name);
    argv[n++] = arena_printf(a, "%s/%s_weights.c", dir, g->name);
    argv[n++] = (char *)driver;
    char kdir[PATH_MAX];
    snprintf(kdir, sizeof kdir, "%s/kiln", dir);
    DIR *dd = opendir(kdir);
    if (dd) {
        struct dirent *e;
        /* sorted order is not needed for correctness; the link result is the same */
        while ((e = readdir(dd)) && n < MAX_ARGS - 8)
            if (str_ends_with(e->d_name, ".c"))
                argv[n++] = arena_printf(a, "%s/%s", kdir, e->d_name);
        closedir(dd);
    }
    if (board_args) {
        snprintf(board_buf, sizeof board_buf, "%s", board_args);
        n = split_flags(board_buf, argv, n, MAX_ARGS - 4);
    }
    snprintf(exe, exe_size, "%s/model_driver%s", dir, board_args ? ".elf" : "");
    argv[n++] = "-o";
    argv[n++] = exe;
    argv[n++] = "-lm";
    argv[n] = NULL;
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/build.log", dir);
    char what[600];
    snprintf(what, sizeof what, "building the generated code with '%s'", argv[0]);
    if (run_logged(argv, log, 600, what, d))
        return -1;
    return 0;
}
