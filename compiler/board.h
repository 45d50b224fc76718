/* SPDX-License-Identifier: MIT */
/* Emulated boards: linker scripts from a target's memory map, building the generated
 * code with the board support files, running it under the target's emulator, counting
 * instructions with the TCG plugin, and measuring flash and RAM with the toolchain. */
#ifndef KILN_BOARD_H_
#define KILN_BOARD_H_

#include "ir.h"
#include "target.h"

/* Writes a GNU ld script placing code, weights, data and stack in the target's regions. */
int board_write_linker_script(const Target *t, const char *path, Diag *d);

/* Extra compiler arguments that turn a build of the generated code plus a driver into a
 * bare-metal image for t: board support sources, the linker script (written into dir),
 * the weights section and the target's ldflags. */
int board_build_args(const Target *t, const char *dir, char *out, size_t size, Diag *d);

/* Runs elf under the target's emulator; stdout/stderr go to log. Returns the exit status
 * of the guest (0 = success) or -1 when the emulator could not run. With plugin and
 * count_out set, it also counts instructions, recording a mark at address `mark`. */
int board_run(const Target *t, const char *elf, const char *log, const char *plugin,
              uint64_t mark, const char *count_out, Diag *d);

/* Prints the functions of elf that executed the most instructions, from the plugin's
 * profile file ("0xPC COUNT" per block), as a table of the top `top` entries. */
int board_print_profile(const Target *t, const char *elf, const char *profile, const char *dir,
                        int top, FILE *out, Diag *d);

/* Builds targets/qemu/insncount.c into dir with the host C compiler; fills plugin. */
int board_build_plugin(const char *dir, char *plugin, size_t size, Diag *d);

/* Address of symbol `name` in elf (target's nm), or 0 when missing. */
uint64_t board_symbol(const Target *t, const char *elf, const char *name, const char *dir,
                      Diag *d);

/* Flash and RAM of the generated code in dir, measured with the target's compiler and
 * size tool when they are installed (measured = 1), estimated otherwise. */
typedef struct {
    int measured;
    int64_t flash, ram, code, weights, arena, stack;
} Footprint;
int board_footprint(const Graph *g, const Target *t, const char *dir, Footprint *f, Diag *d);

/* Prints flash and RAM against the target's budgets; returns how many budgets are
 * exceeded (a budget of 0 is unknown and never exceeded). out may be NULL. */
int board_check_budget(const Target *t, const Footprint *f, FILE *out);
/* The footprint and budgets as a JSON object (for --report). */
struct cJSON *board_footprint_json(const Target *t, const Footprint *f);

/* 1 when `tool` (the first word of a command) is found on PATH. */
int board_tool_available(const char *tool);

#endif
