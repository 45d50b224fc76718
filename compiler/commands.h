/* SPDX-License-Identifier: MIT */
/* The subcommands; each returns the process exit status (0, 1 error, 2 usage;
 * verify adds 3 mismatch, 4 generated code failed). */
#ifndef KILN_COMMANDS_H
#define KILN_COMMANDS_H

#include "pipeline.h"

typedef struct {
    const char *name;
    int (*fn)(Options *o);
    const char *const *usage;
} Command;

int cmd_compile(Options *o);
int cmd_verify(Options *o);
int cmd_run(Options *o);
int cmd_inspect(Options *o);
int cmd_bench(Options *o);

/* Inferences in the measured span of the board bench driver (besides the single one). */
#define BOARD_BENCH_RUNS 3

/* Compiles o->model (target checked) or prints the error; NULL on failure. */
Graph *command_compile(Options *o, Diag *d);
/* Compiles into a fresh temporary directory and builds it with `driver_kind`
 * ("io" or "bench"); fills dir and exe. Returns 0, -1 when kiln cannot generate the code
 * (an unsupported or invalid model), -2 when the C compiler rejects the generated code. */
int command_build(Graph *g, const Options *o, const char *driver_kind, const char *cflags,
                  char *dir, size_t dir_size, char *exe, size_t exe_size, Diag *d);

#endif
